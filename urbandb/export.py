"""Every table of the database as one Parquet or CSV file, written by DuckDB.

The database (SQLite or PostgreSQL) is attached read-only
(`urbandb.analytics.connect`); DuckDB writes Parquet itself, with the column
types the database declares. The full-text index (`fts_paragraphs` and its
shadow tables on SQLite) is not data and is left out.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from urbandb.db.engine import database_url, make_engine

FORMATS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)"}


class ExportError(Exception):
    """An unknown format, or a database that cannot be exported."""


def exported_tables(db: str | Path) -> list[str]:
    """The database's tables, in name order, without the search index and SQLite internals."""
    engine = make_engine(database_url(str(db)))
    try:
        names = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    return sorted(name for name in names if not name.startswith(("fts_", "sqlite_")))


def export_database(db: str | Path, out_dir: Path, fmt: str) -> list[Path]:
    """Write `<table>.<fmt>` for every table into `out_dir` (created if
    missing, files replaced); returns the paths written."""
    from urbandb.analytics import ReportError, connect

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    try:
        conn = connect(db)
    except ReportError as error:
        raise ExportError(str(error)) from error
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for table in exported_tables(db):
            target = out_dir / f"{table}.{fmt}"
            conn.execute(f"COPY (SELECT * FROM {_identifier(table)}) TO {_literal(target)} {FORMATS[fmt]}")
            written.append(target)
    finally:
        conn.close()
    return written


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
