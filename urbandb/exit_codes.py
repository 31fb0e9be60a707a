"""Exit codes of the `urbandb` command, and the one-line message for each
foreseeable failure (the traceback only with `--debug`)."""
from __future__ import annotations

import errno
import sqlite3
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT_FAILED = 1  # files or records not loaded (see load_errors), a report or SQL error, eval below its floor
    BUSY = 2  # another load holds the lock, or the database stayed locked
    USAGE = 3  # unknown option, malformed or mistyped parameter
    NEEDS_INIT = 4  # no database, no schema or an older revision: run `urbandb init`
    REFUSED_DATABASE = 5  # not a SQLite database, corrupt, or a revision this code does not know
    CANNOT_WRITE = 6  # read-only file or folder, disk full, permission denied
    UNREACHABLE = 7  # the database server cannot be reached, or refuses the connection
    INTERNAL = 70  # a bug: run again with --debug and report the traceback


SQLITE_CODES = {
    "SQLITE_BUSY": ExitCode.BUSY,
    "SQLITE_LOCKED": ExitCode.BUSY,
    "SQLITE_FULL": ExitCode.CANNOT_WRITE,
    "SQLITE_READONLY": ExitCode.CANNOT_WRITE,
    "SQLITE_CANTOPEN": ExitCode.CANNOT_WRITE,
    "SQLITE_PERM": ExitCode.CANNOT_WRITE,
    "SQLITE_IOERR": ExitCode.CANNOT_WRITE,
    "SQLITE_NOTADB": ExitCode.REFUSED_DATABASE,
    "SQLITE_CORRUPT": ExitCode.REFUSED_DATABASE,
}
WRITE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
# PostgreSQL's refusals that are no bug: the longest matching SQLSTATE prefix wins.
POSTGRES_SQLSTATES = {
    "53100": ExitCode.CANNOT_WRITE,  # disk full
    "25006": ExitCode.CANNOT_WRITE,  # a read-only server or transaction
    "42501": ExitCode.CANNOT_WRITE,  # no privilege on a table
    "53": ExitCode.BUSY,  # out of memory, too many connections
    "55P03": ExitCode.BUSY,  # a lock not available
    "57P": ExitCode.UNREACHABLE,  # the server shutting down
    "08": ExitCode.UNREACHABLE,  # the connection lost
    "XX": ExitCode.REFUSED_DATABASE,  # corrupt data
}


def explain(error: BaseException) -> tuple[ExitCode, str]:
    """The exit code and one line for an exception that ended a command."""
    from sqlalchemy.exc import DBAPIError

    from urbandb.db.migrate import SchemaError
    from urbandb.loaders.errors import LoadInProgress

    if isinstance(error, SchemaError):
        return (ExitCode.NEEDS_INIT if error.needs_init else ExitCode.REFUSED_DATABASE), str(error)
    if isinstance(error, LoadInProgress):
        return ExitCode.BUSY, str(error)
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    if _is_connection_failure(error):
        return ExitCode.UNREACHABLE, f"cannot connect to the database server: {_first_line(error)}"
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        base = next((code for prefix, code in SQLITE_CODES.items() if name.startswith(prefix)), None)
        if base is not None:
            return base, f"database: {error} ({name})" + _hint(base)
    state = getattr(error, "sqlstate", None) if type(error).__module__.startswith("psycopg") else None
    matching = [prefix for prefix in POSTGRES_SQLSTATES if state and state.startswith(prefix)]
    if matching:
        code = POSTGRES_SQLSTATES[max(matching, key=len)]
        hint = "; check the role's privileges and the server's disk" if code == ExitCode.CANNOT_WRITE else _hint(code)
        return code, f"database: {_first_line(error)} (SQLSTATE {state})" + hint
    if type(error).__module__.startswith(("duckdb", "_duckdb")):  # reports and SQL read through DuckDB
        text = str(error).strip().splitlines()[0]
        if "not a database" in text:
            return ExitCode.REFUSED_DATABASE, f"database: {text}" + _hint(ExitCode.REFUSED_DATABASE)
        return ExitCode.INPUT_FAILED, text
    if isinstance(error, OSError) and error.errno in WRITE_ERRNOS:
        where = f" {error.filename}" if error.filename else ""
        return ExitCode.CANNOT_WRITE, f"cannot write{where}: {error.strerror}"
    return ExitCode.INTERNAL, f"internal error: {type(error).__name__}: {error} (run again with --debug for the traceback)"


def _is_connection_failure(error: BaseException) -> bool:
    """psycopg's error when no connection could be made (or it was lost): an
    OperationalError without a SQLSTATE, unlike a server's refusal of a statement."""
    module = type(error).__module__
    return module.startswith("psycopg") and type(error).__name__ == "OperationalError" and getattr(error, "sqlstate", None) is None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _hint(code: ExitCode) -> str:
    return {
        ExitCode.BUSY: "; another process is writing, try again later",
        ExitCode.CANNOT_WRITE: "; check that the database file and its folder are writable and the disk has room",
        ExitCode.REFUSED_DATABASE: "; --db must name a urbandb SQLite database",
    }.get(code, "")
