"""What can go wrong with an input file; caught once, at the edge of the pipeline."""
from __future__ import annotations

import errno


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


# SQLite errors of the database, not of a file: full, read-only, unopenable,
# locked by another writer, not a database or corrupt.
DATABASE_SQLITE_ERRORS = (
    "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR",
    "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_NOTADB", "SQLITE_CORRUPT",
)
# PostgreSQL's: connection lost (08), out of resources, disk full (53), shut
# down (57P), a read-only server (25006), no privilege to write (42501), corruption (XX).
DATABASE_SQLSTATES = ("08", "53", "57P", "25006", "42501", "XX")
DATABASE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def fails_every_file(error: BaseException) -> bool:
    """Whether `error` is the database's rather than the file's: every file
    after it would meet it too, so a load stops there with the database's own
    message instead of recording each file as failed; the next run goes on
    from where it stopped."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    name = getattr(error, "sqlite_errorname", None)
    if isinstance(name, str):
        return name.startswith(DATABASE_SQLITE_ERRORS)
    if type(error).__module__.startswith("psycopg"):
        state = getattr(error, "sqlstate", None)
        return state is None or state.startswith(DATABASE_SQLSTATES)  # no SQLSTATE: no connection
    return isinstance(error, OSError) and error.errno in DATABASE_ERRNOS
