"""A read-only SQLite copy of a database (PostgreSQL or SQLite), search index
included: what `urbandb serve` publishes when the team's data lives in
PostgreSQL.

The copy is migrated to the same revision as the source, filled table by
table in key order (ids kept), its search index rebuilt, then moved into
place in one rename and made read-only; a failed copy leaves no file behind.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import Connection, inspect, select, text

from urbandb.db import search
from urbandb.db.engine import database_url, make_engine
from urbandb.db.migrate import current_revision, upgrade
from urbandb.db.models import Base

BATCH_ROWS = 5000


class SnapshotError(Exception):
    """A source that cannot be copied, or a target that cannot be written."""


def write_snapshot(source: str, out: Path) -> dict[str, int]:
    """Copy every table of `source` into the SQLite file `out`; rows per table."""
    source_url = database_url(source)
    out = Path(out)
    revision = current_revision(source_url)
    if revision is None:
        raise SnapshotError("the source database has no schema: run `urbandb init` first")
    heads = current_revision_of_code()
    if revision != heads:
        raise SnapshotError(f"the source database is at revision {revision}, not {heads}: run `urbandb init` on it first")
    if not out.parent.is_dir():
        raise SnapshotError(f"no folder {out.parent} to write {out.name} into")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    target_url = database_url(str(partial))
    try:
        upgrade(target_url, revision)
        counts = copy_tables(source_url, target_url)
        os.chmod(partial, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(partial, out)
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return counts


def current_revision_of_code() -> str:
    from alembic.script import ScriptDirectory

    from urbandb.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def copy_tables(source_url: str, target_url: str) -> dict[str, int]:
    source, target = make_engine(source_url), make_engine(target_url)
    counts: dict[str, int] = {}
    try:
        present = set(inspect(source).get_table_names())
        with source.connect() as reader, target.begin() as writer:
            # Rows arrive table by table; entities point at entities, so keys are checked at commit.
            writer.execute(text("pragma defer_foreign_keys = on"))
            for table in Base.metadata.sorted_tables:
                if table.name in present:
                    counts[table.name] = copy_table(reader, writer, table)
            search.rebuild_index(writer)
        with target.connect() as conn:
            # One self-contained file: no write-ahead log beside it.
            conn.exec_driver_sql("pragma journal_mode = delete")
    finally:
        source.dispose()
        target.dispose()
    return counts


def copy_table(reader: Connection, writer: Connection, table) -> int:
    rows = reader.execution_options(yield_per=BATCH_ROWS).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    count = 0
    for batch in rows.mappings().partitions():
        writer.execute(table.insert(), [dict(row) for row in batch])
        count += len(batch)
    return count
