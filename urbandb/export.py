"""Every table of the database as one Parquet or CSV file, written by DuckDB.

The SQLite file is attached read-only (`urbandb.analytics.connect`); DuckDB
writes Parquet itself, with the column types SQLite declares. The full-text
index (`fts_paragraphs` and its shadow tables) is not data and is left out.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

FORMATS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)"}


class ExportError(Exception):
    """An unknown format, or a database that cannot be exported."""


def exported_tables(db_path: Path) -> list[str]:
    """The database's tables, in name order, without FTS and SQLite internals."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "select name from sqlite_master where type = 'table'"
            " and name not like 'sqlite\\_%' escape '\\' and name not like 'fts\\_%' escape '\\'"
            " and coalesce(sql, '') not like 'CREATE VIRTUAL TABLE%' order by name"
        ).fetchall()
    finally:
        conn.close()
    return [name for (name,) in rows]


def export_database(db_path: Path, out_dir: Path, fmt: str) -> list[Path]:
    """Write `<table>.<fmt>` for every table into `out_dir` (created if
    missing, files replaced); returns the paths written."""
    from urbandb.analytics import ReportError, connect

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    db_path, out_dir = Path(db_path), Path(out_dir)
    try:
        conn = connect(db_path, sealed=False)
    except ReportError as error:
        raise ExportError(str(error)) from error
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for table in exported_tables(db_path):
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
