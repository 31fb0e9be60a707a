"""From files to rows: readers per format, document structure, the load pipeline."""
