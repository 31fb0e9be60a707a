"""Alembic, driven from code: `urbandb init` upgrades to head."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from urbandb import migrations

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def include_name(name, type_, parent_names) -> bool:
    """What the models describe: not the search indexes (fts_*: FTS5 tables on
    SQLite, a pg_trgm index on PostgreSQL), which are backend-specific."""
    return not (type_ in ("table", "index") and name and name.startswith("fts_"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from urbandb.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


class SchemaError(Exception):
    """The database is not at the revision this code writes: `needs_init` when
    `urbandb init` would fix it (no schema, an older revision)."""

    def __init__(self, message: str, needs_init: bool):
        super().__init__(message)
        self.needs_init = needs_init


def known_revisions() -> tuple[str, list[str]]:
    """(head, every revision oldest first) of the migrations shipped with this code."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head(), [rev.revision for rev in reversed(list(script.walk_revisions()))]


def require_current_schema(url: str) -> None:
    """Raise SchemaError unless the database is at this code's head revision.

    A SQLite file that does not exist is not created.
    """
    from urbandb.db.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise SchemaError(f"no database at {path}: run `urbandb init` first", needs_init=True)
    revision = current_revision(url)
    head, known = known_revisions()
    if revision == head:
        return
    if revision is None:
        shown = make_url(url).render_as_string(hide_password=True)
        raise SchemaError(f"the database {shown} has no schema: run `urbandb init` first", needs_init=True)
    if revision in known:
        raise SchemaError(
            f"the database is at revision {revision}, this urbandb needs {head}: run `urbandb init` to upgrade it",
            needs_init=True,
        )
    raise SchemaError(
        f"the database is at revision {revision}, which this urbandb (head {head}) does not know;"
        " it was written by another version: refusing to use it",
        needs_init=False,
    )
