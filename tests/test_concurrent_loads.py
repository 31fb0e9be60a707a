"""Many loaders at once: separate processes against one PostgreSQL database
end where one sequential load ends, a file they all see is written once,
runs do not take each other for dead; SQLite keeps one writer, whatever path
names the file."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from conftest import CORPUS, SEEDS, new_database
from urbandb.db.engine import make_engine
from urbandb.db.migrate import upgrade
from urbandb.db.models import LoaderRun
from urbandb.loaders import writer
from urbandb.loaders.entity_store import ConcurrentWrite
from urbandb.loaders.errors import LoadInProgress
from urbandb.loaders.pipeline import Pipeline, default_pipeline, load_paths, loader_lock, parse_file

LOADERS = 4
SHORT, FULL = "清华南口国重基地", "清华南口国家重点实验室基地"
SHARED = "guangzhou_mall_supply.md"  # the article every loader is given, at one path


def loader_folders(root: Path) -> list[Path]:
    """One folder per loader, each with every seed and the corpus's Markdown
    and HTML articles (so every loader names the same places, companies and
    projects, and updates the same projects), its bytes made its own, and
    each starting at a different article: the seed that names 清华南口国重基地
    only and the one that gives its full form are written at the same moment."""
    articles = sorted(SEEDS.iterdir()) + sorted(
        path for path in CORPUS.iterdir() if path.suffix in (".md", ".html") and path.name != SHARED
    )
    folders = []
    for k in range(LOADERS):
        folder = root / f"loader{k}"
        folder.mkdir(parents=True)
        for position, article in enumerate(articles[k:] + articles[:k]):
            # (the HTML page is GBK: its mark is ASCII)
            own = f"\n<!-- {k + 1} -->\n" if article.suffix == ".html" else f"\n\n（第{k + 1}份）\n"
            (folder / f"{position:02d}_{article.name}").write_bytes(article.read_bytes() + own.encode())
        folders.append(folder)
    return folders


def urbandb_process(url: str, *args: str) -> subprocess.Popen:
    code = "import sys; from urbandb.cli import app; sys.argv[0] = 'urbandb'; app()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def resolved(url: str) -> dict[str, set]:
    """Entities, aliases, claimed names and projects by name (ids differ from load to load)."""
    engine = make_engine(url)
    queries = {
        "entities": "select name, type, role, adcode from entities",
        "aliases": "select e.name, e.type, a.alias from entity_aliases a join entities e on e.id = a.entity_id",
        "names": "select n.type, n.name, e.name from entity_names n join entities e on e.id = n.entity_id",
        "parents": "select e.name, e.type, p.name from entities e join entities p on p.id = e.parent_id",
        "projects": "select e.name, p.category, p.status from projects p join entities e on e.id = p.entity_id",
        # A project's location is the place most of its documents give, in any load order.
        "located": "select e.name, l.name from projects p join entities e on e.id = p.entity_id"
        " join entities l on l.id = p.location_id",
        "sites": "select e.name, l.name, d.source_path from project_sites s join projects p on p.id = s.project_id"
        " join entities e on e.id = p.entity_id join entities l on l.id = s.location_id"
        " join documents d on d.id = s.document_id",
        "mentions": "select e.name, d.source_path, m.char_start from entity_mentions m"
        " join entities e on e.id = m.entity_id join documents d on d.id = m.document_id",
        "subjects": "select e.name, d.source_path, m.char_start from metrics m join entities e on e.id = m.subject_id"
        " join documents d on d.id = m.document_id",
    }
    with engine.connect() as conn:
        result = {key: {tuple(row) for row in conn.execute(text(sql))} for key, sql in queries.items()}
        result["entity rows"] = conn.execute(text("select count(*) from entities")).scalar()
        result["project rows"] = conn.execute(text("select count(*) from projects")).scalar()
    engine.dispose()
    return result


def test_four_loaders_at_once_end_as_one_sequential_load(request, tmp_path):
    folders = loader_folders(tmp_path / "articles")
    # One more folder every loader is given: its file is written once, by one of them.
    shared = tmp_path / "articles" / "shared"
    shared.mkdir()
    shutil.copy(CORPUS / SHARED, shared)
    sequential = new_database(request, "postgresql", tmp_path)
    upgrade(sequential)
    engine = make_engine(sequential)
    assert load_paths(engine, [str(f) for f in [*folders, shared]]).ok
    engine.dispose()

    concurrent = new_database(request, "postgresql", tmp_path)
    upgrade(concurrent)
    loaders = [urbandb_process(concurrent, "load", str(folder), str(shared)) for folder in folders]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in loaders]

    assert [code for code, _, _ in results] == [0] * LOADERS, results
    assert all("0 failed" in out for _, out, _ in results), results
    expected, found = resolved(sequential), resolved(concurrent)
    assert any(row[:2] == (FULL, "project") for row in expected["entities"])
    assert (FULL, "project", SHORT) in expected["aliases"]
    for key in expected:
        assert found[key] == expected[key], key
    engine = make_engine(concurrent)
    with engine.connect() as conn:
        runs = conn.execute(text("select status, files_added, files_unchanged from loader_runs")).all()
        documents = conn.execute(text("select count(*), count(distinct source_path) from documents")).one()
    engine.dispose()
    assert [status for status, _, _ in runs] == ["ok"] * LOADERS  # none took another for dead
    per_loader = len(list(folders[0].iterdir()))
    assert sum(added for _, added, _ in runs) == per_loader * LOADERS + 1  # the shared file once…
    assert sum(unchanged for _, _, unchanged in runs) == LOADERS - 1  # …and unchanged for the others
    assert tuple(documents) == (per_loader * LOADERS + 1,) * 2


def test_a_run_is_interrupted_only_when_its_lease_ran_out(migrated_db):
    runs = LoaderRun.__table__
    stale = (datetime.now(timezone.utc) - timedelta(seconds=writer.LEASE_SECONDS + 60)).isoformat(timespec="seconds")
    engine = make_engine(migrated_db)
    with engine.begin() as conn:
        alive = conn.execute(insert(runs).values(started_at=writer.now(), heartbeat_at=writer.now(), status="running"))
        dead = conn.execute(insert(runs).values(started_at=stale, heartbeat_at=stale, status="running"))
        alive_id, dead_id = alive.inserted_primary_key[0], dead.inserted_primary_key[0]
        writer.start_run(conn)
        status = dict(conn.execute(select(runs.c.id, runs.c.status)).all())
        assert (status[alive_id], status[dead_id]) == ("running", "interrupted")
        writer.start_run(conn, exclusive=True)  # the only writer: every other run is dead
        assert conn.execute(select(runs.c.status).where(runs.c.id == alive_id)).scalar() == "interrupted"
    engine.dispose()


def slow_extraction(article):
    time.sleep(2.5)
    return article


def test_the_lease_is_renewed_while_one_file_extracts_longer_than_a_heartbeat(request, tmp_path, monkeypatch):
    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    monkeypatch.setattr(writer, "HEARTBEAT_SECONDS", 0.2)
    engine = make_engine(url)
    summary = load_paths(engine, [str(next(SEEDS.glob("000_*.txt")))], pipeline=Pipeline([slow_extraction]))
    with engine.connect() as conn:
        started, beat = conn.execute(select(LoaderRun.started_at, LoaderRun.heartbeat_at)).one()
    engine.dispose()
    assert summary.ok
    # Renewed during the one file, not only between files (there is no other).
    assert datetime.fromisoformat(beat) - datetime.fromisoformat(started) >= timedelta(seconds=2)


def test_sqlite_lock_follows_a_symlink_to_the_same_file(tmp_path):
    from conftest import migrated_database

    real = tmp_path / "data" / "urbandb.sqlite"
    real.parent.mkdir()
    migrated_database(real)
    link = tmp_path / "link.sqlite"
    link.symlink_to(real)
    with loader_lock(make_engine(migrated_database(link))):
        with pytest.raises(LoadInProgress):
            with loader_lock(make_engine(migrated_database(real))):
                pass


def waiting_for_a_lock(engine, seconds: float = 20.0) -> bool:
    """Whether some session of the database waits for a row lock (polled, up to `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            waiting = conn.execute(
                text("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")
            ).scalar()
        if waiting:
            return True
        time.sleep(0.05)
    return False


def only_the_project(articles: list) -> list:
    """The articles with no entity but the project named 清华南口…基地: what the loaders share is its short form."""
    for article in articles:
        article.entities = [e for e in article.entities if e.type == "project" and SHORT in e.forms()]
        article.projects = [p for p in article.projects if p.name in {e.name for e in article.entities}]
    return articles


@pytest.mark.parametrize("shared", ["whole articles", "the project alone"])
def test_short_form_and_full_form_written_at_once_are_one_entity_and_one_project(request, tmp_path, shared):
    """Loader A has written the article that names 清华南口国重基地 only and not
    committed yet; loader B writes the one with the full name. B waits for A,
    finds a name taken (a place both name, or the short form itself), writes
    again and resolves to A's entity."""
    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    pipeline = default_pipeline()
    short_only, with_full = (next(SEEDS.glob(f"{stem}_*.txt")) for stem in ("001", "000"))
    articles = {path: parse_file(str(path), path.read_bytes(), pipeline).articles for path in (short_only, with_full)}
    if shared == "the project alone":
        articles = {path: only_the_project(found) for path, found in articles.items()}
        assert [e.forms() for e in articles[short_only][0].entities] == [{SHORT}]
    assert not any(FULL in e.forms() for e in articles[short_only][0].entities)
    engine = make_engine(url)
    outcome: list = []

    def loader_b() -> None:
        outcome.append(writer.write_file(engine, "b.txt", "b" * 64, 1, articles[with_full], None, pipeline.version))

    with engine.begin() as loader_a:
        writer.replace_source_file(loader_a, "a.txt", "a" * 64, 1, articles[short_only], None, pipeline.version)
        other = threading.Thread(target=loader_b)
        other.start()
        assert waiting_for_a_lock(engine)
    other.join(timeout=60)

    assert outcome == [None]  # written (the file was new), after a retry
    found = resolved(url)
    projects = {row for row in found["entities"] if row[1] == "project" and row[0] in (SHORT, FULL)}
    assert {row[0] for row in projects} == {FULL}
    assert (FULL, "project", SHORT) in found["aliases"]
    assert sum(1 for name, *_ in found["projects"] if name in (SHORT, FULL)) == 1
    with engine.connect() as conn:
        documents = conn.execute(
            text(
                "select count(distinct m.document_id) from entity_mentions m join entities e on e.id = m.entity_id"
                " where e.name = :name and e.type = 'project'"
            ),
            {"name": FULL},
        ).scalar()
    engine.dispose()
    assert documents == 2


def test_only_what_another_writer_causes_is_retried(request, tmp_path):
    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    engine = make_engine(url)
    entities = text("insert into entities (name, type) values (:name, :type)")
    with engine.begin() as conn:
        conn.execute(entities, {"name": "北京市", "type": "place"})
    errors = []
    for row in ({"name": "北京市", "type": "place"}, {"name": "无类型", "type": None}):
        with pytest.raises(DBAPIError) as raised:
            with engine.begin() as conn:
                conn.execute(entities, row)
        errors.append(raised.value)
    engine.dispose()
    taken, invalid = errors
    assert writer.lost_race(taken)  # a name another loader inserted first
    assert not writer.lost_race(invalid)  # a row that breaks NOT NULL fails the same way every time
    assert writer.lost_race(ConcurrentWrite("a name claimed meanwhile"))


def test_two_loaders_placing_one_project_differently_at_once_end_as_a_sequential_load(request, tmp_path):
    """A stored project is placed at 朝阳区. Loader A has written an article
    that places it in a town and not committed yet; loader B writes one that
    places it at 海淀区. B works the location out only once A has committed,
    from all three places: one each, so the town (the most specific), as any
    sequential load gives it, not 朝阳区 (what B alone would see)."""
    from test_project_sites import article, location

    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    pipeline = default_pipeline()
    articles = {}
    for place in ("chaoyang", "town", "haidian"):
        path = article(tmp_path, place, place)
        articles[place] = parse_file(str(path), path.read_bytes(), pipeline).articles
    engine = make_engine(url)
    assert writer.write_file(engine, "c.txt", "c" * 64, 1, articles["chaoyang"], None, pipeline.version) is None
    outcome: list = []

    def loader_b() -> None:
        outcome.append(writer.write_file(engine, "b.txt", "b" * 64, 1, articles["haidian"], None, pipeline.version))

    with engine.begin() as loader_a:
        writer.replace_source_file(loader_a, "a.txt", "a" * 64, 1, articles["town"], None, pipeline.version)
        other = threading.Thread(target=loader_b)
        other.start()
        assert waiting_for_a_lock(engine)
    other.join(timeout=60)

    assert outcome == [None]
    assert location(engine) == "南口地区"
    assert {row[1:] for row in resolved(url)["sites"]} == {("朝阳区", "c.txt"), ("南口地区", "a.txt"), ("海淀区", "b.txt")}
    engine.dispose()


def test_a_loader_that_relocates_a_project_does_not_wait_for_one_that_only_points_at_it(request, tmp_path):
    """Loader A has added a milestone to a stored project (its foreign key
    holds `for key share` on the project row) and not committed; loader B
    locks the same project to work its location out again. Were B's lock
    `for update`, each could wait for the other once A locked a project B
    holds: the deadlock that failed a file of four loaders at once."""
    from urbandb.loaders.entity_store import lock_rows, projects

    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    engine = make_engine(url)
    assert load_paths(engine, [str(next(SEEDS.glob("000_*.txt")))]).ok
    with engine.begin() as loader_a:
        project_id = loader_a.execute(text("select min(id) from projects")).scalar()
        loader_a.execute(text(
            "insert into project_milestones (project_id, event, status, paragraph_id)"
            f" select {project_id}, 'start', 'started', min(id) from paragraphs"
        ))
        with engine.begin() as loader_b:
            loader_b.execute(text("set local lock_timeout = '2s'"))
            lock_rows(loader_b, projects, [project_id])  # raises LockNotAvailable if it waits
    engine.dispose()
