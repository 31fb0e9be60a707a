"""End to end: init, load the seeds, reload (nothing changes), change a file,
bad files, a killed run, two loads at once."""
from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, SEEDS, migrated_database
from urbandb.db import search
from urbandb.db.engine import make_engine
from urbandb.loaders.errors import LoadInProgress
from urbandb.loaders.pipeline import discover, load_paths, loader_lock

RUN_TABLES = {"loader_runs", "load_errors", "alembic_version"}


def snapshot(db_file: Path) -> dict[str, list[tuple]]:
    """Every row of every fact table, in a stable order."""
    conn = sqlite3.connect(db_file)
    tables = [
        name
        for (name,) in conn.execute("select name from sqlite_master where type='table' and name not like 'fts_%'")
        if name not in RUN_TABLES and not name.startswith("sqlite_")
    ]
    rows = {t: sorted(conn.execute(f"select * from {t}").fetchall(), key=repr) for t in tables}
    rows["fts_paragraphs"] = conn.execute("select rowid, text from fts_paragraphs order by rowid").fetchall()
    conn.close()
    return rows


def copy_seeds(target: Path) -> Path:
    shutil.copytree(SEEDS, target)
    return target


def test_pipeline_loads_the_seeds_with_their_metadata(seeded_db):
    conn = sqlite3.connect(seeded_db)
    conn.row_factory = sqlite3.Row
    docs = {Path(r["source_path"]).name: r for r in conn.execute("select * from documents")}
    assert len(docs) == 5
    assert docs["001_8fef133df46f6ba3.txt"]["title"] == "北京市昌平区以城市更新彰显城市品牌魅力"
    assert docs["001_8fef133df46f6ba3.txt"]["publication"] == "中国城市报"
    assert docs["001_8fef133df46f6ba3.txt"]["authors"] == '["巩静"]'
    assert docs["003_6aa4ea6c6f68e70e.txt"]["published_date"] == "2022-02-15"
    assert docs["000_7d818fa84bd0e737.txt"]["title"] is None
    for doc in docs.values():
        assert doc["char_count"] == len(doc["text"]) > 1000
        paragraphs = conn.execute("select * from paragraphs where document_id = ? order by seq", [doc["id"]]).fetchall()
        assert [p["seq"] for p in paragraphs] == list(range(len(paragraphs)))
        for p in paragraphs:
            assert doc["text"][p["char_start"]:p["char_end"]] == p["text"]
    searchable = conn.execute("select count(*) from paragraphs where kind != 'boilerplate'").fetchone()[0]
    assert conn.execute("select count(*) from fts_paragraphs").fetchone()[0] == searchable
    run = conn.execute("select * from loader_runs order by id desc").fetchone()
    assert (run["status"], run["files_seen"], run["files_added"], run["files_failed"]) == ("ok", 5, 5, 0)


def test_pipeline_second_load_changes_nothing(tmp_path):
    seeds = copy_seeds(tmp_path / "seeds")
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    first = load_paths(engine, [str(seeds)])
    assert first.counts["files_added"] == 5
    before = snapshot(db_file)
    second = load_paths(engine, [str(seeds)])
    assert second.counts == {
        "files_seen": 5, "files_added": 0, "files_updated": 0, "files_unchanged": 5, "files_failed": 0, "files_skipped": 0,
    }
    assert snapshot(db_file) == before


def test_pipeline_a_file_named_another_way_is_the_same_file(tmp_path, monkeypatch):
    copy_seeds(tmp_path / "seeds")
    (tmp_path / "link").symlink_to(tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    engine = make_engine(migrated_database(tmp_path / "u.sqlite"))
    assert load_paths(engine, ["seeds/"]).counts["files_added"] == 5
    for spelling in (str(tmp_path / "seeds"), "./seeds", "link", str(tmp_path / "link")):
        counts = load_paths(engine, [spelling]).counts
        assert (counts["files_added"], counts["files_unchanged"]) == (0, 5), spelling
    changed = tmp_path / "seeds" / sorted(p.name for p in (tmp_path / "seeds").iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n新增用地12公顷。\n", encoding="utf-8")
    counts = load_paths(engine, [str(tmp_path / "seeds")]).counts
    assert (counts["files_added"], counts["files_updated"], counts["files_unchanged"]) == (0, 1, 4)
    conn = sqlite3.connect(tmp_path / "u.sqlite")
    assert conn.execute("select count(*) from documents").fetchone()[0] == 5
    assert {p for (p,) in conn.execute("select path from source_files")} == {f"seeds/{p.name}" for p in (tmp_path / "seeds").iterdir()}


def test_pipeline_changed_file_replaces_only_its_rows(tmp_path):
    seeds = copy_seeds(tmp_path / "seeds")
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    load_paths(engine, [str(seeds)])
    conn = sqlite3.connect(db_file)
    before = {r[0]: r[1:] for r in conn.execute("select source_path, id, loaded_at, content_sha256 from documents")}
    changed = seeds / "000_7d818fa84bd0e737.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n　　新增一段：园区总投资约12亿元。\n", encoding="utf-8")
    summary = load_paths(engine, [str(seeds)])
    assert (summary.counts["files_updated"], summary.counts["files_unchanged"]) == (1, 4)
    after = {r[0]: r[1:] for r in conn.execute("select source_path, id, loaded_at, content_sha256 from documents")}
    assert set(after) == set(before)
    for path, row in after.items():
        if path.endswith(changed.name):
            assert row[2] != before[path][2]
            text = conn.execute("select text from documents where source_path = ?", [path]).fetchone()[0]
            assert "园区总投资约12亿元" in text
        else:
            assert row == before[path]
    orphans = conn.execute(
        "select count(*) from paragraphs where document_id not in (select id from documents)"
    ).fetchone()[0]
    assert orphans == 0
    assert conn.execute("select count(*) from fts_paragraphs where text like '%园区总投资约12亿元%'").fetchone()[0] == 1


def searchable_and_indexed(conn) -> tuple[int, int, int]:
    """Searchable paragraphs, paragraphs in the search index, documents in its backlog."""
    return (
        conn.execute("select count(*) from paragraphs where kind != 'boilerplate'").fetchone()[0],
        conn.execute("select count(*) from fts_paragraphs").fetchone()[0],
        conn.execute("select count(*) from search_backlog").fetchone()[0],
    )


def test_pipeline_indexes_the_search_backlog_every_few_files_and_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "BACKLOG_FILES", 2)
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    backlog = []

    def progress(index, total, outcome):
        with sqlite3.connect(db_file) as conn:
            backlog.append(conn.execute("select count(*) from search_backlog").fetchone()[0])

    assert load_paths(engine, [str(SEEDS)], progress=progress).ok
    assert backlog == [1, 0, 1, 0, 1]
    searchable, indexed, left = searchable_and_indexed(sqlite3.connect(db_file))
    assert (indexed, left) == (searchable, 0) and searchable > 100


def test_pipeline_indexes_first_what_a_run_that_died_left_in_the_backlog(tmp_path):
    from urbandb.loaders import writer
    from urbandb.loaders.pipeline import default_pipeline, parse_file

    seed = sorted(SEEDS.iterdir())[1]
    data = seed.read_bytes()
    pipeline = default_pipeline()
    engine = make_engine(migrated_database(tmp_path / "u.sqlite"))
    # A run writes a file (the backlog row in its transaction) and dies before indexing it.
    digest = hashlib.sha256(data).hexdigest()
    writer.write_file(engine, str(seed), digest, len(data), parse_file(str(seed), data, pipeline).articles, None, pipeline.version)
    conn = sqlite3.connect(tmp_path / "u.sqlite")
    searchable, indexed, left = searchable_and_indexed(conn)
    assert (indexed, left) == (0, 1) and searchable > 10

    summary = load_paths(engine, [str(seed)], pipeline=pipeline)

    assert summary.counts["files_unchanged"] == 1
    assert searchable_and_indexed(conn) == (searchable, searchable, 0)
    hits = conn.execute("select count(*) from fts_paragraphs where fts_paragraphs match '\"城市更新\"'").fetchone()[0]
    assert hits > 0


def test_pipeline_a_changed_file_leaves_no_backlog_of_its_old_documents(tmp_path):
    from urbandb.loaders import writer
    from urbandb.loaders.pipeline import default_pipeline, parse_file

    seed = sorted(SEEDS.iterdir())[1]
    pipeline = default_pipeline()
    engine = make_engine(migrated_database(tmp_path / "u.sqlite"))
    articles = parse_file(str(seed), seed.read_bytes(), pipeline).articles
    writer.write_file(engine, str(seed), "a" * 64, 1, articles, None, pipeline.version)
    writer.write_file(engine, str(seed), "b" * 64, 1, articles, None, pipeline.version)
    conn = sqlite3.connect(tmp_path / "u.sqlite")
    (document,) = conn.execute("select id from documents").fetchall()
    assert conn.execute("select document_id from search_backlog").fetchall() == [document]


def test_pipeline_an_edited_file_keeps_its_unchanged_paragraphs_and_their_search_rows(tmp_path):
    """A file edited in one paragraph and given a new one is loaded again: the
    paragraphs whose text did not change keep their ids (and rows in the search
    index, not tokenized again); the index holds exactly the searchable
    paragraphs; the old text is not found, the new text is."""
    folder = tmp_path / "articles"
    folder.mkdir()
    path = folder / "a.txt"
    first = ["滨海新区海港产业园开工建设，总投资约35亿元。", "园区规划面积5平方公里，一期已经动工。", "海港产业园预计2026年建成投用。"]
    path.write_text("\n\n".join(first) + "\n", encoding="utf-8")
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    assert load_paths(engine, [str(folder)]).ok
    conn = sqlite3.connect(db_file)
    before = dict(conn.execute("select text, id from paragraphs"))

    second = [first[0], "园区规划面积6平方公里，一期已经完工。", first[2], "二期将引进新能源企业。"]
    path.write_text("\n\n".join(second) + "\n", encoding="utf-8")
    assert load_paths(engine, [str(folder)]).counts["files_updated"] == 1

    after = dict(conn.execute("select text, id from paragraphs"))
    assert after[first[0]] == before[first[0]] and after[first[2]] == before[first[2]]
    assert after[second[1]] not in before.values() and after[second[3]] not in before.values()
    indexed = {rowid for rowid, in conn.execute("select rowid from fts_paragraphs")}
    searchable = {i for i, in conn.execute("select id from paragraphs where kind != 'boilerplate'")}
    assert indexed == searchable and conn.execute("select count(*) from search_backlog").fetchone()[0] == 0

    def found(term: str) -> int:
        return conn.execute("select count(*) from fts_paragraphs where fts_paragraphs match ?", [f'"{term}"']).fetchone()[0]

    assert (found("5平方公里"), found("6平方公里"), found("新能源企业"), found("海港产业园")) == (0, 1, 1, 2)


def test_pipeline_a_paragraph_put_between_two_kept_ones_takes_an_id_of_its_own(tmp_path):
    """The file edited holds the highest ids (loaded last): a paragraph put
    between two kept ones must not take the id the second one keeps."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("滨海新区发布年度计划。\n", encoding="utf-8")
    last = folder / "b.txt"
    kept = ["海港产业园开工建设，总投资约35亿元。", "海港产业园预计2026年建成投用。"]
    last.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    assert load_paths(engine, [str(folder / "a.txt")]).ok and load_paths(engine, [str(last)]).ok
    conn = sqlite3.connect(db_file)
    before = dict(conn.execute("select text, id from paragraphs"))

    last.write_text("\n\n".join([kept[0], "园区规划面积5平方公里。", kept[1]]) + "\n", encoding="utf-8")
    assert load_paths(engine, [str(folder)]).counts["files_updated"] == 1

    after = dict(conn.execute("select text, id from paragraphs"))
    assert [after[k] for k in kept] == [before[k] for k in kept]
    indexed = {rowid for rowid, in conn.execute("select rowid from fts_paragraphs")}
    assert indexed == {i for i, in conn.execute("select id from paragraphs where kind != 'boilerplate'")}


BAD_FILES = {
    "binary.txt": bytes(range(256)) * 4,
    "empty.md": b"   \n\n",
    "truncated.html": "<html><head><title>新闻</title></head><body><div class=\"article\"><p>昌平区".encode(),
    "bad_front_matter.md": "---\ntitle: [未闭合\ndate: :\n---\n正文。\n".encode(),
    "no_body.json": b'{"title": "only a title"}',
}


def test_pipeline_records_bad_files_and_loads_the_rest(tmp_path):
    seeds = copy_seeds(tmp_path / "seeds")
    for name, data in BAD_FILES.items():
        (seeds / name).write_bytes(data)
    db_file = tmp_path / "u.sqlite"
    engine = make_engine(migrated_database(db_file))
    summary = load_paths(engine, [str(seeds)])
    assert summary.counts["files_added"] == 5
    assert summary.counts["files_failed"] == len(BAD_FILES)
    assert not summary.ok
    conn = sqlite3.connect(db_file)
    errors = {Path(p).name: (t, m) for p, t, m in conn.execute("select source_path, error_type, message from load_errors")}
    assert set(errors) == set(BAD_FILES)
    for error_type, message in errors.values():
        assert error_type in {"UnreadableFile", "MalformedArticle", "UnsupportedFormat"}, error_type
        assert len(message) > 10
    assert conn.execute("select count(*) from documents").fetchone()[0] == 5
    assert conn.execute("select status from loader_runs").fetchone()[0] == "errors"


def test_pipeline_discovers_folders_globs_and_leaves_out_hidden(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "b" / "two.md").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / "a" / "notes.docx").write_text("x")
    (tmp_path / "c.html").write_text("x")
    found = discover([str(tmp_path / "a"), str(tmp_path / "*.html"), str(tmp_path / "a" / "one.txt")])
    # notes.docx is taken, to be recorded as skipped: nothing in a folder goes unaccounted for.
    assert [Path(p).name for p in found] == ["notes.docx", "one.txt", "two.md", "c.html"]
    assert discover([str(tmp_path / "missing.txt")]) == [str(tmp_path / "missing.txt")]


def test_pipeline_second_concurrent_load_exits_with_a_message(tmp_path):
    engine = make_engine(migrated_database(tmp_path / "u.sqlite"))
    with loader_lock(engine):
        with pytest.raises(LoadInProgress, match="another load"):
            load_paths(engine, [str(SEEDS)])


def test_pipeline_second_concurrent_load_can_wait(tmp_path):
    engine = make_engine(migrated_database(tmp_path / "u.sqlite"))
    held = loader_lock(engine).__enter__()
    threading.Timer(0.5, held.__exit__, args=(None, None, None)).start()
    summary = load_paths(engine, [str(SEEDS)], wait_seconds=10)
    assert summary.counts["files_added"] == 5


KILL_SCRIPT = """
import sys
from urbandb.db.engine import make_engine, database_url
from urbandb.loaders.pipeline import load_paths
load_paths(make_engine(database_url(sys.argv[1])), [sys.argv[2]], workers=int(sys.argv[3]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_pipeline_killed_mid_run_leaves_only_whole_files(tmp_path, workers):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(40):
        for seed in SEEDS.iterdir():
            shutil.copy(seed, corpus / f"{copy:03d}_{seed.name}")
    db_file = tmp_path / "u.sqlite"
    url = migrated_database(db_file)
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(db_file), str(corpus), str(workers)], cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(db_file, timeout=1) as probe:
                if probe.execute("select count(*) from documents").fetchone()[0] >= 20:
                    break
        except sqlite3.OperationalError:
            continue
    process.send_signal(signal.SIGKILL)
    process.wait()

    conn = sqlite3.connect(db_file)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    loaded = conn.execute("select count(*) from documents").fetchone()[0]
    assert 20 <= loaded < 200, "the kill should land mid-run"
    # Every file that is recorded is recorded whole.
    for path, count in conn.execute("select path, document_count from source_files"):
        docs = conn.execute("select id, text, char_count from documents where source_path = ?", [path]).fetchall()
        assert len(docs) == count
        for doc_id, text, char_count in docs:
            assert len(text) == char_count
            joined = "\n\n".join(t for (t,) in conn.execute("select text from paragraphs where document_id = ? order by seq", [doc_id]))
            assert joined == text
    assert conn.execute("select status from loader_runs").fetchone()[0] == "running"
    conn.close()

    # Workers hold no lock and write nothing: the next run starts at once and loads the rest.
    summary = load_paths(make_engine(url), [str(corpus)], workers=workers)
    assert summary.ok and summary.counts["files_unchanged"] == loaded
    conn = sqlite3.connect(db_file)
    assert conn.execute("select count(*) from documents").fetchone()[0] == 200
    assert conn.execute("select status from loader_runs order by id").fetchall() == [("interrupted",), ("ok",)]
