"""One fixture database built deterministically from `seeds/`, shared by the session."""
from __future__ import annotations

from pathlib import Path

import pytest

from urbandb.db.engine import database_url, make_engine
from urbandb.db.migrate import upgrade

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CORPUS = REPO / "corpus"
GOLD = REPO / "gold"


def migrated_database(path: Path) -> str:
    url = database_url(str(path))
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A SQLite file at the newest migration with the five seeds loaded (read-only use)."""
    from urbandb.loaders.pipeline import load_paths

    path = tmp_path_factory.mktemp("seeded") / "urbandb.sqlite"
    url = migrated_database(path)
    engine = make_engine(url)
    summary = load_paths(engine, [str(SEEDS)])
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error]
    return path


@pytest.fixture(scope="session")
def annotated_db(tmp_path_factory) -> Path:
    """A SQLite file with every annotated article loaded: seeds/ and corpus/, scored by gold/."""
    from urbandb.loaders.pipeline import load_paths

    path = tmp_path_factory.mktemp("annotated") / "urbandb.sqlite"
    engine = make_engine(migrated_database(path))
    summary = load_paths(engine, [str(SEEDS), str(CORPUS)])
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error]
    return path


@pytest.fixture
def empty_db(tmp_path) -> str:
    """A fresh database URL at the newest migration."""
    return migrated_database(tmp_path / "urbandb.sqlite")


# --- both backends: SQLite files and a throwaway PostgreSQL server ---

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The admin URL of a PostgreSQL server started for this test session.

    Skipped, with the reason, only where no server can be started; in CI
    (`CI` set) that is a failure instead."""
    import os

    from postgres_server import NoServer, throwaway_server

    try:
        server = throwaway_server()
        url = server.__enter__()
    except NoServer as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests cannot run in CI: {error}")
        pytest.skip(f"PostgreSQL tests skipped: {error}")
    yield url
    server.__exit__(None, None, None)


def new_database(request, backend: str, folder: Path) -> str:
    """The URL of a new empty database (no schema) on `backend`."""
    if backend == "sqlite":
        return database_url(str(folder / "urbandb.sqlite"))
    from postgres_server import create_database

    return create_database(request.getfixturevalue("postgres_admin"))


@pytest.fixture(params=BACKENDS)
def blank_db(request, tmp_path) -> str:
    """A new database without schema, on each backend in turn."""
    return new_database(request, request.param, tmp_path)


@pytest.fixture
def migrated_db(blank_db) -> str:
    """A new database at the newest migration, on each backend in turn."""
    upgrade(blank_db)
    return blank_db


@pytest.fixture(scope="session")
def annotated_pg(request) -> str:
    """The URL of a PostgreSQL database with every annotated article loaded, as `annotated_db`."""
    from urbandb.loaders.pipeline import load_paths

    url = new_database(request, "postgresql", Path())
    upgrade(url)
    engine = make_engine(url)
    summary = load_paths(engine, [str(SEEDS), str(CORPUS)])
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error]
    return url
