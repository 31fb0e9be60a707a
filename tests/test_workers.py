"""Reading and extraction in worker processes, and the wall-time limit per file."""
from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import time

import pytest

from conftest import CORPUS, SEEDS, migrated_database
from urbandb.db.engine import make_engine
from urbandb.loaders.limits import Limits
from urbandb.loaders.pipeline import Pipeline, add_metrics, default_pipeline, load_paths

STALL_MARKER = "此文卡住"
CRASH_MARKER = "此文崩溃"


def stall_on_marker(article):
    """A stage that never finishes on an article holding STALL_MARKER."""
    if any(STALL_MARKER in p.text for p in article.paragraphs):
        time.sleep(600)
    return article


def crash_on_marker(article):
    """A stage whose process dies on an article holding CRASH_MARKER (as an out-of-memory kill would)."""
    if any(CRASH_MARKER in p.text for p in article.paragraphs):
        os._exit(9)
    return article


def hostile_pipeline() -> Pipeline:
    return Pipeline(stages=[add_metrics, stall_on_marker, crash_on_marker], version="hostile")


def table_rows(db_file) -> dict[str, list[tuple]]:
    """Every row of every table, ids included; timestamps left out (they differ by run)."""
    conn = sqlite3.connect(db_file)
    tables = [
        name
        for (name,) in conn.execute("select name from sqlite_master where type = 'table' order by name")
        if not name.startswith(("sqlite_", "paragraphs_fts")) and name not in ("alembic_version", "loader_runs")
    ]
    rows = {}
    for table in tables:
        columns = [c[1] for c in conn.execute(f"pragma table_info({table})") if not c[1].endswith("_at")]
        rows[table] = sorted(conn.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)
    conn.close()
    return rows


def load(db_file, paths, **options):
    engine = make_engine(migrated_database(db_file))
    summary = load_paths(engine, [str(p) for p in paths], **options)
    engine.dispose()
    return summary


def test_workers_write_what_one_process_writes_on_the_annotated_articles(tmp_path):
    one = load(tmp_path / "one.sqlite", [SEEDS, CORPUS], workers=1)
    two = load(tmp_path / "two.sqlite", [SEEDS, CORPUS], workers=2)
    assert one.ok and two.ok and one.counts == two.counts and one.counts["files_added"] == 12
    assert [o.path for o in two.outcomes] == [o.path for o in one.outcomes]
    assert one.workers_cpu_seconds is None and two.workers_cpu_seconds > 0
    expected = table_rows(tmp_path / "one.sqlite")
    assert expected["entities"] and expected["projects"] and expected["metrics"]
    assert table_rows(tmp_path / "two.sqlite") == expected


def articles_with_one_hostile(folder, marker):
    """Three seeds and, in the middle of them, a copy of a seed with `marker` in its body."""
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())[:3]
    for seed in seeds:
        shutil.copy(seed, folder / seed.name)
    hostile = folder / f"{seeds[0].stem}_hostile.txt"
    hostile.write_text(seeds[0].read_text(encoding="utf-8") + f"\n\n{marker}。\n", encoding="utf-8")
    return hostile


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_over_the_time_limit_is_recorded_and_the_run_goes_on(tmp_path, workers):
    stalled = articles_with_one_hostile(tmp_path / "articles", STALL_MARKER)
    summary = load(
        tmp_path / "u.sqlite", [tmp_path / "articles"], pipeline=hostile_pipeline(), workers=workers, limits=Limits(max_seconds_per_file=1)
    )
    assert summary.counts["files_added"] == 3 and summary.counts["files_failed"] == 1
    conn = sqlite3.connect(tmp_path / "u.sqlite")
    errors = conn.execute("select source_path, error_type, message from load_errors").fetchall()
    assert errors == [(str(stalled), "FileTimeout", errors[0][2])]
    assert "limit of 1 s" in errors[0][2] and "--max-seconds-per-file" in errors[0][2]
    assert conn.execute("select count(*) from documents where source_path = ?", [str(stalled)]).fetchone()[0] == 0


def test_a_file_over_the_time_limit_in_one_child_process_is_recorded(tmp_path):
    articles_with_one_hostile(tmp_path / "articles", STALL_MARKER)
    summary = load(
        tmp_path / "u.sqlite", [tmp_path / "articles"], pipeline=hostile_pipeline(), workers=1, in_process=False,
        limits=Limits(max_seconds_per_file=1),
    )
    assert summary.counts["files_added"] == 3
    assert [o.error.split(":")[0] for o in summary.outcomes if o.status == "failed"] == ["FileTimeout"]


def test_a_worker_that_dies_is_recorded_and_replaced(tmp_path):
    crashed = articles_with_one_hostile(tmp_path / "articles", CRASH_MARKER)
    summary = load(tmp_path / "u.sqlite", [tmp_path / "articles"], pipeline=hostile_pipeline(), workers=2)
    assert summary.counts["files_added"] == 3
    failed = [o for o in summary.outcomes if o.status == "failed"]
    assert [o.path for o in failed] == [str(crashed)]
    assert failed[0].error.startswith("WorkerDied") and "exit code 9" in failed[0].error


def test_workers_skip_unchanged_files_and_replace_changed_ones(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    assert load(tmp_path / "u.sqlite", [folder], workers=2).counts["files_added"] == 5
    changed = sorted(folder.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n新增用地12公顷。\n", encoding="utf-8")
    again = load(tmp_path / "u.sqlite", [folder], workers=2)
    counts = again.counts
    assert (counts["files_added"], counts["files_updated"], counts["files_unchanged"], counts["files_failed"]) == (0, 1, 4, 0)
    conn = sqlite3.connect(tmp_path / "u.sqlite")
    assert conn.execute("select count(*) from metrics where surface = '12公顷'").fetchone()[0] == 1


def test_default_pipeline_pickles_as_its_factory():
    pipeline = default_pipeline()
    sent = pickle.dumps(pipeline)
    assert len(sent) < 200  # a reference to the factory, not the extractors
    assert pickle.loads(sent).version == pipeline.version



def echo_length(path, data, pipeline):
    return path, len(data)


def test_a_worker_found_dead_when_handed_a_file_is_replaced_and_the_file_is_not_lost():
    from urbandb.loaders.workers import WorkerPool

    jobs = [(n, (f"{n}.txt", b"x" * n)) for n in range(1, 9)]
    with WorkerPool(echo_length, None, size=1, file_seconds=None) as pool:
        assert list(pool.in_order(jobs[:2])) == [(1, ("1.txt", 1)), (2, ("2.txt", 2))]
        [dead] = pool.workers
        assert dead.ready and not dead.entries
        dead.process.kill()  # dies between files, unseen: the next send meets a broken pipe
        dead.process.join()
        assert list(pool.in_order(jobs[2:])) == [(n, (f"{n}.txt", n)) for n in range(3, 9)]
        assert len(pool.workers) == 1 and pool.workers[0] is not dead


def test_a_worker_is_sent_files_ahead_only_as_many_bytes_as_its_pipe_holds():
    from collections import deque

    from urbandb.loaders.workers import QUEUED_BYTES, QUEUED_PER_WORKER, WorkerPool, _Entry

    def handed_out(sizes: list[int]) -> list[int]:
        """The sizes of the files one idle, ready worker is given at once, from files waiting in `sizes` order."""
        with WorkerPool(echo_length, None, size=1, file_seconds=None) as pool:
            assert list(pool.in_order([(0, ("0.txt", b"x"))])) == [(0, ("0.txt", 1))]  # started and ready
            waiting = deque(_Entry(n, (f"{n}.txt", b"x" * size)) for n, size in enumerate(sizes))
            pool._hand_out(waiting)
            [worker] = pool.workers
            given = [len(entry.work[1]) for entry in worker.entries]
            while worker.entries:  # drained before the pool stops it
                pool._collect(waiting, block=True)
            return given

    small, third = 10, QUEUED_BYTES // 3
    assert handed_out([small] * 20) == [small] * QUEUED_PER_WORKER
    # The file being extracted is read already; behind it, no more than QUEUED_BYTES wait in the pipe.
    assert handed_out([QUEUED_BYTES * 2] + [third] * 5) == [QUEUED_BYTES * 2, third, third, third]
    assert handed_out([small, QUEUED_BYTES + 1, small]) == [small]  # files stay in order: none skips a big one


def test_reextract_in_workers_writes_what_one_process_writes_and_a_failure_keeps_old_facts(tmp_path):
    from urbandb.loaders.pipeline import reextract

    for name in ("one", "two"):
        load(tmp_path / f"{name}.sqlite", [SEEDS], workers=1)
        conn = sqlite3.connect(tmp_path / f"{name}.sqlite")
        conn.execute("delete from metrics")
        conn.execute("update documents set extractor_version = 'old'")
        conn.commit()
        conn.close()
    engines = {name: make_engine(f"sqlite:///{tmp_path / name}.sqlite") for name in ("one", "two")}
    assert reextract(engines["one"], workers=1).documents == 5
    assert reextract(engines["two"], workers=2).documents == 5
    rows = table_rows(tmp_path / "one.sqlite")
    assert rows["metrics"] and table_rows(tmp_path / "two.sqlite") == rows

    crashing = Pipeline(stages=[add_metrics, raise_on_marker], version="reextract-test")
    conn = sqlite3.connect(tmp_path / "two.sqlite")
    marked = conn.execute("select document_id from paragraphs order by document_id limit 1").fetchone()[0]
    conn.execute("update paragraphs set text = text || ? where document_id = ? and seq = 0", [CRASH_MARKER, marked])
    conn.commit()
    done = reextract(engines["two"], pipeline=crashing, workers=2)
    assert done.documents == 4 and [d for d, _ in done.failed] == [marked] and "RuntimeError" in done.failed[0][1]
    versions = dict(conn.execute("select id, extractor_version from documents"))
    assert versions[marked] != "reextract-test" and {v for d, v in versions.items() if d != marked} == {"reextract-test"}
    assert conn.execute("select count(*) from metrics where document_id = ?", [marked]).fetchone()[0] > 0
    for engine in engines.values():
        engine.dispose()


def raise_on_marker(article):
    if any(CRASH_MARKER in p.text for p in article.paragraphs):
        raise RuntimeError("extractor bug")
    return article
