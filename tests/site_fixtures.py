"""Fixtures for the site tests: the seeded database, published by Datasette.

Imported by `test_site.py` and `test_browser.py`. The database is the one of
`conftest.seeded_db` (seeds/ loaded through the real pipeline); while the
extractors are not installed it is built the same way without them
(documents and paragraphs only), and the tests of facts skip with the reason.
"""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _extractors_installed() -> bool:
    """Whether the extractors and the tables they write to are both there."""
    from urbandb.db.models import Base
    from urbandb.loaders.pipeline import default_pipeline

    try:
        default_pipeline()
    except ImportError:
        return False
    return "metrics" in Base.metadata.tables


@pytest.fixture(scope="session")
def site_db(request, tmp_path_factory) -> Path:
    if _extractors_installed():
        return request.getfixturevalue("seeded_db")
    from urbandb.db.engine import database_url, make_engine
    from urbandb.db.migrate import upgrade
    from urbandb.loaders.pipeline import Pipeline, load_paths

    path = tmp_path_factory.mktemp("site") / "urbandb.sqlite"
    url = database_url(str(path))
    upgrade(url)
    engine = make_engine(url)
    summary = load_paths(engine, [str(SEEDS)], pipeline=Pipeline())
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error]
    return path


@pytest.fixture(scope="session")
def site(site_db):
    from urbandb.site import make_datasette

    return make_datasette(site_db)


def get(ds, path: str):
    """GET through Datasette's test client from a sync test."""
    return asyncio.run(ds.client.get(path))


def tables(db_path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {name for (name,) in conn.execute("select name from sqlite_master where type = 'table'")}
    finally:
        conn.close()


def query(db_path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def require_tables(db_path: Path, *names: str) -> None:
    missing = sorted(set(names) - tables(db_path))
    if missing:
        pytest.skip(f"table {', '.join(missing)} not in the schema yet (migration not landed)")


def document_id(db_path: Path, seed_prefix: str) -> int:
    rows = query(db_path, "select id from documents where source_path like ?", (f"%{seed_prefix}%",))
    assert len(rows) == 1, f"expected one document from seed {seed_prefix}, got {rows}"
    return rows[0][0]


TITLE = "清华南口国重基地建设加速"
BODY = "该项目规划占地面积58.9公顷，建筑规模47.3万平方米，位于昌平区南口镇。"
OTHER = "清华南口国重基地已有2个实验室入驻，盘活47万平方米工业遗存。"


@pytest.fixture(scope="session")
def facts_db(tmp_path_factory) -> Path:
    """A small hand-written database at the newest migration: two articles
    about 清华南口国家重点实验室基地 with known metrics, entities, mentions,
    a project, its milestones and operator. The page code is checked against
    exact facts, whatever the extractors find in the seeds."""
    from urbandb.db.engine import database_url
    from urbandb.db.migrate import upgrade

    path = tmp_path_factory.mktemp("facts") / "facts.sqlite"
    upgrade(database_url(str(path)))
    conn = sqlite3.connect(path)
    conn.execute(
        "insert into loader_runs (id, started_at, finished_at, status, files_seen, files_added, files_updated,"
        " files_unchanged, files_failed) values (1, 't', 't', 'ok', 2, 2, 0, 0, 0)"
    )
    for doc, (name, paragraphs) in enumerate([("a.txt", [TITLE, BODY]), ("b.txt", [OTHER])], 1):
        conn.execute("insert into source_files values (?, 'h', 1, 1, 't', 1)", (name,))
        conn.execute(
            "insert into documents (id, source_path, source_item, content_sha256, format, encoding, title, authors,"
            " text, char_count, loaded_at) values (?, ?, 0, 'h', 'text', 'utf-8', ?, '[]', '', 0, 't')",
            (doc, name, paragraphs[0]),
        )
        for seq, text in enumerate(paragraphs):
            conn.execute(
                "insert into paragraphs (id, document_id, seq, kind, text, char_start, char_end) values (?, ?, ?, ?, ?, 0, 0)",
                (doc * 10 + seq, doc, seq, "title" if seq == 0 and doc == 1 else "body", text),
            )
    conn.executemany(
        "insert into entities (id, name, type, parent_id, longitude, latitude) values (?, ?, ?, ?, ?, ?)",
        [(1, "北京市", "place", None, 116.4, 39.9), (2, "北京市昌平区", "place", 1, 116.23, 40.22),
         (3, "南口镇", "place", 2, 116.13, 40.25), (4, "清华南口国家重点实验室基地", "project", None, None, None),
         (5, "昌发展集团", "org", None, None, None)],
    )
    conn.executemany("insert into entity_aliases (entity_id, alias) values (?, ?)",
                     [(4, "清华南口国重基地"), (2, "昌平区"), (3, "南口镇")])
    conn.execute("insert into projects (id, entity_id, location_id, category, status)"
                 " values (1, 4, 3, 'research_base', 'under construction')")
    conn.execute("insert into project_operators (project_id, org_id, role) values (1, 5, 'developer')")
    conn.executemany("insert into project_milestones (project_id, event, date, status, paragraph_id) values (1, ?, ?, ?, ?)",
                     [("开工", "2023", "done", 11), ("建成", "2025-12", "planned", 20)])
    for pid, doc, text in [(10, 1, TITLE), (11, 1, BODY), (20, 2, OTHER)]:
        for surface, entity in [("清华南口国重基地", 4), ("昌平区", 2), ("南口镇", 3)]:
            start = text.find(surface)
            if start >= 0:
                conn.execute("insert into entity_mentions (entity_id, document_id, paragraph_id, char_start, char_end,"
                             " surface) values (?, ?, ?, ?, ?, ?)", (entity, doc, pid, start, start + len(surface), surface))
    for pid, doc, text, surface, value, label in [
        (11, 1, BODY, "58.9公顷", 589000, "规划占地面积"), (11, 1, BODY, "47.3万平方米", 473000, "建筑规模"),
        (20, 2, OTHER, "47万平方米", 470000, "建筑规模"),
    ]:
        start = text.find(surface)
        conn.execute(
            "insert into metrics (document_id, paragraph_id, char_start, char_end, surface, value, unit, value_normalized,"
            " unit_normalized, dimension, qualifier, label, subject, subject_id) values"
            " (?, ?, ?, ?, ?, 0, '', ?, 'm2', 'area', 'exact', ?, '清华南口国家重点实验室基地', 4)",
            (doc, pid, start, start + len(surface), surface, value, label),
        )
    conn.commit()
    conn.close()
    return path
