"""Where the database is: URL handling and engines for SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_DB = "urbandb.sqlite"
ENV_VAR = "URBANDB_DB"


def database_url(db: str | None = None) -> str:
    """A SQLAlchemy URL from `--db`, `URBANDB_DB` or the default file.

    A plain path (``data/urban.sqlite``) becomes a SQLite URL; a URL is kept,
    and plain ``postgresql://`` (or ``postgres://``) gets the psycopg 3 driver.
    """
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value)}"
    scheme, rest = value.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return value


def backend(url: str) -> str:
    """`sqlite` or `postgresql`: the few places where SQL differs ask this."""
    return make_url(url).get_backend_name()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def dump_json(value) -> str:
    # Chinese stays readable in JSON columns (authors), for SQL and Datasette alike.
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    engine = create_engine(database_url(url), json_serializer=dump_json)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets Datasette read while a load writes; a writer that finds the
    # database locked waits instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Checkpoint every ~40 MB of log rather than 4 MB: a load rewrites the same
    # index pages file after file, and every checkpoint copies them again.
    cursor.execute("PRAGMA wal_autocheckpoint = 10000")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()
