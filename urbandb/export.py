"""Every table of the database as one Parquet or CSV file, written by DuckDB,
and joined exports with names (`export_queries/*.sql`: projects with their
places and operators, figures with their articles and subjects).

The database (SQLite or PostgreSQL) is attached read-only
(`urbandb.analytics.connect`); DuckDB writes Parquet itself, with the column
types the database declares. The full-text index (`fts_paragraphs` and its
shadow tables on SQLite, and `search_backlog`) is not data and is left out.
CSV files start with a UTF-8 byte order mark unless asked not to, so that
Excel opens the Chinese text in the right encoding.
"""
from __future__ import annotations

import codecs
import shutil
from pathlib import Path

from sqlalchemy import inspect

from urbandb.db.engine import database_url, make_engine

JOINED_EXPORTS_DIR = Path(__file__).resolve().parent / "export_queries"

FORMATS = {"parquet": "(FORMAT parquet, COMPRESSION zstd)", "csv": "(FORMAT csv, HEADER true)"}


class ExportError(Exception):
    """An unknown format, or a database that cannot be exported."""


def exported_tables(db: str | Path) -> list[str]:
    """The database's tables, in name order, without the search index (its backlog
    included) and SQLite internals."""
    engine = make_engine(database_url(str(db)))
    try:
        names = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    return sorted(name for name in names if not name.startswith(("fts_", "sqlite_")) and name != "search_backlog")


def joined_exports(tables: set[str]) -> dict[str, str]:
    """The joined exports whose tables are among `tables`: name → SQL."""
    exports = {}
    for path in sorted(JOINED_EXPORTS_DIR.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        needed = {"projects", "entities"} if path.stem.startswith("projects") else {"metrics", "entities"}
        if needed <= tables:
            exports[path.stem] = sql
    return exports


def export_database(db: str | Path, out_dir: Path, fmt: str, bom: bool = True) -> list[Path]:
    """Write `<table>.<fmt>` for every table, and the joined exports, into
    `out_dir` (created if missing, files replaced); returns the paths written.
    `bom`: CSV files begin with a UTF-8 byte order mark."""
    from urbandb.analytics import ReportError, connect

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    try:
        conn = connect(db, sealed=False)
    except ReportError as error:
        raise ExportError(str(error)) from error
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        tables = exported_tables(db)
        queries = {table: f"SELECT * FROM {_identifier(table)}" for table in tables}
        queries.update(joined_exports(set(tables)))
        for name, sql in queries.items():
            target = out_dir / f"{name}.{fmt}"
            conn.execute(f"COPY ({sql}) TO {_literal(target)} {FORMATS[fmt]}")
            if fmt == "csv" and bom:
                _prepend_bom(target)
            written.append(target)
    finally:
        conn.close()
    return written


def _prepend_bom(path: Path) -> None:
    """Rewrite the file with a UTF-8 byte order mark in front (streamed)."""
    staged = path.with_name(path.name + ".part")
    path.replace(staged)
    with staged.open("rb") as source, path.open("wb") as target:
        target.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, target)
    staged.unlink()


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
