"""The run's in-memory entity index: it resolves as the stored rows would,
forgets what a failed file added, and is read again by every run."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import SEEDS, migrated_database
from urbandb.db.engine import make_engine
from urbandb.extract.entity_records import Entity, Mention, Milestone, Project
from urbandb.loaders.entity_index import EntityIndex
from urbandb.loaders.pipeline import Pipeline, add_metrics, default_pipeline, load_paths

# --- the index alone ---


def test_entity_index_longest_known_form_of_the_type_decides():
    index = EntityIndex.from_rows([(1, "南口", "project"), (2, "南口基地", "project"), (3, "南口", "place")], [], [])
    assert index.find({"南口", "南口基地"}, "project") == 2
    assert index.find({"南口", "东区"}, "project") == 1
    assert index.find({"南口"}, "place") == 3
    assert index.find({"东区"}, "project") is None


def test_entity_index_name_beats_alias_and_the_oldest_alias_row_wins():
    index = EntityIndex.from_rows(
        [(1, "清华", "org"), (2, "华清", "org"), (3, "清华大学", "org")],
        [(2, "清华", "org"), (3, "华清园", "org"), (2, "华清园", "org")],
        [],
    )
    assert index.find({"清华"}, "org") == 1
    assert index.find({"华清园"}, "org") == 3
    index.add_alias(2, "北园", "org")
    index.add_alias(3, "北园", "org")
    assert index.find({"北园"}, "org") == 2


def test_entity_index_rename_leaves_the_old_name_to_aliases():
    index = EntityIndex.from_rows([(1, "南口基地", "project")], [], [])
    index.rename(1, "南口国家重点实验室基地", "project")
    assert index.canonical[1] == "南口国家重点实验室基地"
    assert not index.has_name("南口基地", "project")
    assert index.find({"南口基地"}, "project") is None
    index.add_alias(1, "南口基地", "project")
    assert index.find({"南口基地"}, "project") == 1


def test_entity_index_names_claimed_name_their_claimer_as_when_read_again():
    """An article adds 南口基地 (claimed by it) and gives the same form as
    another project's alias; the claim, not the later alias, is what the
    stored rows say once the first is renamed."""
    index = EntityIndex.from_rows([(2, "东区", "project")], [], [])
    index.add_entity(1, "南口基地", "project")
    index.add_alias(2, "南口基地", "project")
    index.record_claims({("南口基地", "project"): 1})
    index.rename(1, "南口国家重点实验室基地", "project")
    index.add_alias(1, "南口基地", "project")

    stored = EntityIndex.from_rows([(1, "南口国家重点实验室基地", "project"), (2, "东区", "project")],
                                   [(1, "南口基地", "project")], [])
    assert index.find({"南口基地"}, "project") == stored.find({"南口基地"}, "project") == 1
    assert index.claimed == {("南口基地", "project"): 1}


def test_entity_index_transaction_undoes_what_a_failed_block_did():
    index = EntityIndex.from_rows([(1, "南口基地", "project"), (2, "北控", "org")], [(2, "北控集团", "org")], [(1, 7)])

    def state():
        return dict(index.names), dict(index.aliases), dict(index.canonical), dict(index.projects)

    before = state()
    with pytest.raises(RuntimeError):
        with index.transaction():
            index.add_entity(3, "东区", "project")
            index.rename(3, "东区产业园", "project")
            index.rename(1, "南口国家重点实验室基地", "project")
            index.add_alias(1, "南口基地", "project")
            index.add_alias(3, "北控集团", "org")
            index.add_project(3, 8)
            raise RuntimeError("the file's transaction rolled back")
    assert state() == before

    with index.transaction():
        index.add_entity(3, "东区", "project")
    assert index.find({"东区"}, "project") == 3


# --- the index in loads ---


def entity(name, type_, *aliases, **facts) -> Entity:
    mentions = [Mention(1, 0, 2, "某某"), Mention(2, 3, 5, "某某"), Mention(999, 0, 1, "某")]  # 999: no such paragraph
    return Entity(name=name, type=type_, aliases=list(aliases), mentions=mentions, **facts)


# Articles by their first line, each with the entities and projects an extractor might
# have found: renames, a name that clashes, one alias on two entities, roles
# and parents set once, and a file the database refuses halfway (no type).
SCRIPT = {
    "甲": (
        [entity("南口基地", "project", "南口"), entity("清华大学", "org"), entity("张三", "person", parent="清华大学"),
         entity("昌平区", "place", parent="北京市", adcode="110114"), entity("北京市", "place")],
        [Project("南口基地", category="research_base")],
    ),
    "乙": (
        [entity("清华南口国家重点实验室基地", "project", "南口基地"), entity("昌平区", "place"), entity("北控", "org")],
        [Project("清华南口国家重点实验室基地", location="昌平区", category="research_base",
                 milestones=[Milestone("开工", "2023", "done", 1), Milestone("竣工", "2026", "planned", 2)],
                 operators=[("北控", "developer"), ("北控", "operator"), ("无名", "builder")])],
    ),
    "丙": ([entity("华清", "org", "清华")], []),
    "丁": ([entity("清华大学", "org", "清华"), entity("张三", "person", role="主任", parent="清华大学")], []),
    "戊": ([entity("清华", "org"), entity("李四", "person", role="院长", parent="清华")], []),
    "己": ([entity("东区", "project", "东区产业园一期工程")], [Project("东区")]),
    "庚": ([entity("东区产业园", "project")], [Project("东区产业园", location="海淀区", category="commercial")]),
    "辛": (
        [entity("东区产业园", "project", "东区产业园一期工程"), entity("海淀", "place", "海淀区")],
        [Project("东区产业园", location="海淀区", category="commercial", milestones=[Milestone("签约", "2022", "done", 1)])],
    ),
    "壬": (
        [entity("失败机构", "org"), entity("清华南口国家重点实验室基地二期工程", "project", "清华南口国家重点实验室基地"),
         entity("无类型", None)],
        [Project("清华南口国家重点实验室基地二期工程")],
    ),
    "癸": (
        [entity("失败机构", "org", "失败"), entity("清华南口国家重点实验室基地", "project"),
         entity("张三", "person", role="院长"), entity("王五", "person", parent="失败机构")],
        [Project("清华南口国家重点实验室基地", location="北京市", category="research_base",
                 milestones=[Milestone("投用", "2027", "planned", 1)], operators=[("失败机构", "operator")])],
    ),
}


def scripted_pipeline() -> Pipeline:
    def attach(article):
        key = next(p.text for p in article.paragraphs if p.text in SCRIPT)  # the file's first line
        article.entities, article.projects = SCRIPT[key]
        return article

    return Pipeline(stages=[add_metrics, attach], version="scripted")


def write_script_files(folder: Path) -> list[Path]:
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    files = []
    for number, title in enumerate(SCRIPT):
        path = folder / f"{number:02d}.txt"
        path.write_text(f"{title}\n\n{seeds[number % len(seeds)].read_text(encoding='utf-8')}", encoding="utf-8")
        files.append(path)
    return files


def stored_rows(db_file: Path) -> dict[str, list]:
    """Every row (with its rowid) of every table a load fills, without the
    columns that differ from run to run."""
    conn = sqlite3.connect(db_file)
    tables = [
        name
        for (name,) in conn.execute("select name from sqlite_master where type = 'table' and name not like 'fts_%'")
        if name not in ("loader_runs", "alembic_version") and not name.startswith("sqlite_")
    ]
    rows = {}
    for table in tables:
        cursor = conn.execute(f"select rowid, * from {table}")
        kept = [i for i, column in enumerate(cursor.description) if column[0] not in ("run_id", "loaded_at")]
        rows[table] = sorted(([row[i] for i in kept] for row in cursor), key=repr)
    rows["fts_paragraphs"] = conn.execute("select rowid, text from fts_paragraphs order by rowid").fetchall()
    conn.close()
    return rows


def test_entity_index_one_run_writes_what_a_run_per_file_writes(tmp_path):
    files = write_script_files(tmp_path / "articles")
    pipeline = scripted_pipeline()
    one_run = tmp_path / "one.sqlite"
    summary = load_paths(make_engine(migrated_database(one_run)), [str(tmp_path / "articles")], pipeline=pipeline)
    per_file = tmp_path / "per_file.sqlite"
    engine = make_engine(migrated_database(per_file))
    for path in files:
        load_paths(engine, [str(path)], pipeline=pipeline)

    assert [o.path for o in summary.outcomes if o.status == "failed"] == [str(files[8])]
    rows = stored_rows(one_run)
    assert rows == stored_rows(per_file)
    names = {(name, type_) for _, _, name, type_, *_ in rows["entities"]}
    assert ("清华南口国家重点实验室基地", "project") in names  # renamed from 南口基地
    assert ("清华南口国家重点实验室基地二期工程", "project") not in names  # the failed file's rename
    assert sum(1 for name, _ in names if name == "失败机构") == 1


def test_entity_index_is_read_again_by_the_next_run(tmp_path):
    files = write_script_files(tmp_path / "articles")
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    assert load_paths(engine, [str(files[0])], pipeline=scripted_pipeline()).ok
    with sqlite3.connect(db_file) as other:  # another process clears the entities between runs
        other.execute("pragma foreign_keys = on")
        other.execute("delete from entities")

    summary = load_paths(engine, [str(files[1])], pipeline=scripted_pipeline())

    assert summary.ok
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("select count(*) from entities").fetchone()[0] == 3
        assert conn.execute("select count(*) from entity_mentions").fetchone()[0] == 6


def test_entity_index_seeds_in_one_run_as_in_a_run_per_file(seeded_db, tmp_path):
    per_file = tmp_path / "per_file.sqlite"
    engine = make_engine(migrated_database(per_file))
    pipeline = default_pipeline()
    for path in sorted(SEEDS.iterdir()):
        assert load_paths(engine, [str(path)], pipeline=pipeline).ok

    rows = stored_rows(seeded_db)
    assert rows["entity_aliases"] and rows["entity_mentions"] and rows["projects"]
    assert rows == stored_rows(per_file)


def test_entity_index_of_a_run_resolves_as_the_database_read_per_article(tmp_path):
    """The only writer keeps one index for the run; loaders at once read the
    database for each article: both write the same rows, a failed file included."""
    from urbandb.db import search
    from urbandb.loaders import writer
    from urbandb.loaders.entity_store import NamesInDatabase
    from urbandb.loaders.pipeline import parse_file

    files = write_script_files(tmp_path / "articles")
    pipeline = scripted_pipeline()
    in_memory = tmp_path / "in_memory.sqlite"
    assert not load_paths(make_engine(migrated_database(in_memory)), [str(tmp_path / "articles")], pipeline=pipeline).ok
    per_article = tmp_path / "per_article.sqlite"
    engine = make_engine(migrated_database(per_article))
    failed = []
    for path in files:
        articles = parse_file(str(path), path.read_bytes(), pipeline).articles
        try:
            writer.write_file(engine, str(path), f"{path.stat().st_size:064d}", 1, articles, None, "scripted",
                              names=NamesInDatabase())
        except Exception:
            failed.append(path)
    with engine.begin() as conn:  # as a load does at its end
        search.index_backlog(conn)

    assert failed == [files[8]]
    expected, got = stored_rows(per_article), stored_rows(in_memory)
    for table in ("source_files", "documents", "load_errors"):  # file hashes and sizes, and the run's error rows
        expected.pop(table), got.pop(table)
    assert got["entity_names"] and got["project_milestones"]
    assert got == expected
