"""What can go wrong with an input file; caught once, at the edge of the pipeline."""
from __future__ import annotations


class LoadFailure(Exception):
    """A file that cannot be loaded. The run records it and goes on."""

    # How `load_errors.severity` records it: error (a file that should have
    # loaded and did not) or skipped (not an article file, by kind or size).
    severity = "error"


class UnreadableFile(LoadFailure):
    """The bytes cannot be decoded as text (binary, unknown encoding, empty)."""


class MalformedArticle(LoadFailure):
    """The file is text but not a well-formed article of its format
    (invalid front matter, truncated HTML, JSON without a body)."""


class SkippedInput(LoadFailure):
    """Not an article file: recorded and skipped, never read."""

    severity = "skipped"


class UnsupportedFormat(SkippedInput):
    """The file is of a kind no reader handles."""


class NotRegularFile(SkippedInput):
    """A pipe, device, socket or folder: reading it could block or never end."""


class OverLimit(SkippedInput):
    """Larger than the configured limit."""


class LoadInProgress(Exception):
    """Another load holds the database's loader lock."""
