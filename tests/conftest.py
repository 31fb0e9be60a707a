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
