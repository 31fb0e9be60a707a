"""Alembic, driven from code: `urbandb init` upgrades to head."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
