"""What can go wrong with an input file; caught once, at the edge of the pipeline."""
from __future__ import annotations


class LoadFailure(Exception):
    """A file that cannot be loaded. The run records it and goes on."""


class UnreadableFile(LoadFailure):
    """The bytes cannot be decoded as text (binary, unknown encoding, empty)."""


class UnsupportedFormat(LoadFailure):
    """The file is of a kind no reader handles."""


class MalformedArticle(LoadFailure):
    """The file is text but not a well-formed article of its format
    (invalid front matter, truncated HTML, JSON without a body)."""


class LoadInProgress(Exception):
    """Another load holds the database's loader lock."""
