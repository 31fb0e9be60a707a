"""One reader per format: text in, `structure.Block`s (and declared metadata) out.

Readers know markup only; what the lines mean is decided in `loaders.structure`.
"""
