"""Load throughput: the seeds, and the seeds copied 200 times (1,000 files),
first run and no-op re-run, in a fresh database, with one process and with
worker processes (`--workers`); the same 1,000 files loaded without entity
extraction, to show what it adds; beside plain `jieba.lcut` on the same text.

Each timed load of the 1,000 files has a plain `jieba.lcut` pass over 200 of
the same texts right before and right after it: the speed of a shared
machine drifts within a run, and the ratio is taken in one state of it.
Each ratio is taken in three such loads (one process and workers in turn)
and judged by the median of the three.

The pipeline's start-up (jieba's dictionary, the gazetteer: once per process)
and the start of the workers' server (it builds the pipeline once for all
workers) are timed on their own; the loads after them run warm. CPU times
are recorded beside wall times: other processes on a shared machine inflate
the latter.

    .venv/bin/python bench/load.py [--copies 200] [--workers 2]

Prints the figures and writes them to bench/results/load.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb import compiled  # noqa: E402
from urbandb.db.engine import database_url, make_engine  # noqa: E402
from urbandb.db.migrate import upgrade  # noqa: E402
from urbandb.loaders.pipeline import Pipeline, add_metrics, default_pipeline, load_paths  # noqa: E402
from urbandb.loaders.read import read_articles  # noqa: E402
from urbandb.loaders.workers import InProcess  # noqa: E402

SEEDS = REPO / "seeds"
RESULTS = REPO / "bench" / "results" / "load.json"
TRIALS = 3  # loads per ratio to jieba.lcut, judged by their median


def build_corpus(target: Path, copies: int) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            shutil.copy(seed, target / f"{copy:04d}_{seed.name}")
    return target


def timed_load(db_file: Path, corpus: Path, pipeline: Pipeline, **options) -> dict:
    engine = make_engine(database_url(str(db_file)))
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = load_paths(engine, [str(corpus)], pipeline=pipeline, **options)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error][:3]
    # CPU time, which other processes on the machine do not inflate: the
    # loading process's, and the workers' (None when it extracts itself).
    return {
        "seconds": round(seconds, 3),
        "loading_process_cpu_seconds": round(cpu, 2),
        "workers_cpu_seconds": summary.workers_cpu_seconds and round(summary.workers_cpu_seconds, 2),
        **summary.counts,
    }


def measure(corpus: Path, workdir: Path, pipeline: Pipeline, label: str = "", jieba_texts: list[str] | None = None,
            **options) -> dict:
    """A first load and a no-op re-run into a new database; with `jieba_texts`, a plain
    `jieba.lcut` pass over them right before and right after the first load, so that the
    ratio of the two speeds is taken in the same state of a shared machine."""
    db_file = workdir / f"{corpus.name}{label}.sqlite"
    upgrade(database_url(str(db_file)))
    jieba_before = jieba_rate(jieba_texts) if jieba_texts else None
    first = timed_load(db_file, corpus, pipeline, **options)
    jieba_after = jieba_rate(jieba_texts) if jieba_texts else None
    again = timed_load(db_file, corpus, pipeline, **options)
    conn = sqlite3.connect(db_file)
    chars = conn.execute("select sum(char_count) from documents").fetchone()[0]
    texts = [t for (t,) in conn.execute("select text from documents")]
    counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in fact_tables(conn)}
    conn.close()
    result = {
        "files": first["files_seen"],
        "characters": chars,
        "first_run": first,
        "noop_rerun": again,
        "options": options,
        "load_chars_per_second": round(chars / first["seconds"]),
        "rows": counts,
        "texts": texts,
    }
    if jieba_texts:
        around = round((jieba_before + jieba_after) / 2)
        result["jieba_lcut_chars_per_second_before_and_after"] = [jieba_before, jieba_after]
        result["load_vs_jieba_lcut_around_it"] = round(result["load_chars_per_second"] / around, 2)
    return result


def fact_tables(conn) -> list[str]:
    wanted = ["documents", "paragraphs", "metrics", "entities", "entity_mentions", "projects"]
    present = {n for (n,) in conn.execute("select name from sqlite_master where type='table'")}
    return [t for t in wanted if t in present]


def jieba_rate(texts: list[str]) -> int:
    import jieba

    jieba.initialize()
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return round(chars / (time.perf_counter() - started))


def warm_pipeline() -> tuple[Pipeline, float]:
    """The default pipeline, with what it loads once per process loaded; and how long that took."""
    started = time.perf_counter()
    pipeline = default_pipeline()
    seed = sorted(SEEDS.iterdir())[0]
    for article in read_articles(str(seed), seed.read_bytes()):
        pipeline(article)
    return pipeline, time.perf_counter() - started


def alarm_cost(files: int = 20_000) -> float:
    """Microseconds per file that arming and disarming the in-process time limit adds."""
    limited = InProcess(lambda path, data, pipeline: None, None, file_seconds=60)
    started = time.perf_counter()
    for _ in range(files):
        limited._run("", b"")
    return round((time.perf_counter() - started) / files * 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    pipeline, startup = warm_pipeline()
    without_entities = Pipeline(stages=[add_metrics], version=pipeline.version)
    name = f"seeds_x{args.copies}"
    parallel = f"{name}_workers_{args.workers}"
    child = f"{name}_one_worker_process"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seeds_dir = build_corpus(workdir / "seeds", 1)
        seeds = measure(seeds_dir, workdir, pipeline)
        # Like the pipeline's start-up, the server the workers are forked from
        # (it builds and warms the pipeline once for all of them) starts apart, on the seeds.
        upgrade(database_url(str(workdir / "startup.sqlite")))
        worker_startup = timed_load(workdir / "startup.sqlite", seeds_dir, pipeline, workers=args.workers)["seconds"]
        corpus_dir = build_corpus(workdir / "corpus", args.copies)
        # The corpus is the seeds copied: 200 of its texts are the seeds' 40 times.
        sample = seeds["texts"] * (200 // len(seeds["texts"]))
        corpus = measure(corpus_dir, workdir, pipeline, jieba_texts=sample, workers=1)
        workers = measure(corpus_dir, workdir, pipeline, f"_workers_{args.workers}", jieba_texts=sample, workers=args.workers)
        # A shared machine's speed drifts by a third within minutes: each ratio to jieba.lcut is
        # taken in TRIALS loads, each between two jieba passes, one process and workers in turn,
        # and judged by its median.
        ratios = {"one": [corpus["load_vs_jieba_lcut_around_it"]], "workers": [workers["load_vs_jieba_lcut_around_it"]]}
        for trial in range(2, TRIALS + 1):
            for key, label, count in (("one", "", 1), ("workers", f"_workers_{args.workers}", args.workers)):
                again = measure(corpus_dir, workdir, pipeline, f"{label}_trial_{trial}", jieba_texts=sample, workers=count)
                ratios[key].append(again["load_vs_jieba_lcut_around_it"])
        one_child = measure(corpus_dir, workdir, pipeline, "_one_worker_process", workers=1, in_process=False)
        baseline = measure(corpus_dir, workdir, without_entities, "_without_entities")
    jieba_cps = jieba_rate(corpus["texts"][:200])
    assert workers.pop("rows") == corpus["rows"] == one_child.pop("rows"), "workers must write what one process writes"
    for result in (seeds, corpus, workers, one_child, baseline):
        result.pop("texts")
    added = corpus["first_run"]["seconds"] - baseline["first_run"]["seconds"]
    speedup = corpus["first_run"]["seconds"] / workers["first_run"]["seconds"]
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        # Other processes on the machine slow every figure; this says how busy it was.
        "load_average_before_and_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        # Which extraction modules ran compiled (`python -m urbandb.compile`), which as Python.
        "compiled_modules": compiled.in_use(),
        "pipeline_startup_seconds": round(startup, 2),
        "worker_startup_and_seeds_seconds": worker_startup,
        "seeds": seeds,
        name: corpus,
        parallel: workers,
        child: one_child,
        f"{name}_without_entities": baseline,
        "entities_add_seconds": round(added, 2),
        "jieba_lcut_chars_per_second": jieba_cps,
        "load_vs_jieba_lcut": round(corpus["load_chars_per_second"] / jieba_cps, 2),
        f"workers_{args.workers}_speedup": round(speedup, 2),
        f"workers_{args.workers}_vs_jieba_lcut": round(workers["load_chars_per_second"] / jieba_cps, 2),
        # The same ratios against jieba.lcut run right before and after each load: every trial, and the median.
        "load_vs_jieba_lcut_around_it": corpus["load_vs_jieba_lcut_around_it"],
        f"workers_{args.workers}_vs_jieba_lcut_around_it": workers["load_vs_jieba_lcut_around_it"],
        "load_vs_jieba_lcut_around_it_trials": ratios["one"],
        f"workers_{args.workers}_vs_jieba_lcut_around_it_trials": ratios["workers"],
        "load_vs_jieba_lcut_around_it_median": statistics.median(ratios["one"]),
        f"workers_{args.workers}_vs_jieba_lcut_around_it_median": statistics.median(ratios["workers"]),
        "time_limit_alarm_microseconds_per_file": alarm_cost(),
    }
    print(f"load average before and after: {figures['load_average_before_and_after']} on {os.cpu_count()} cores")
    in_use = figures["compiled_modules"]
    print(f"extraction modules compiled: {sum(in_use.values())} of {len(in_use)}"
          + ("" if all(in_use.values()) else f" (as Python: {', '.join(n for n, c in in_use.items() if not c)})"))
    print(f"pipeline start-up (once per process): {startup:.2f} s; worker start-up and the seeds: {worker_startup:.2f} s")
    print(f"{'corpus':<32}{'files':>7}{'chars':>11}{'first run s':>13}{'no-op s':>9}{'load chars/s':>14}")
    for key in ("seeds", name, parallel, child, f"{name}_without_entities"):
        r = figures[key]
        print(
            f"{key:<32}{r['files']:>7}{r['characters']:>11}{r['first_run']['seconds']:>13}"
            f"{r['noop_rerun']['seconds']:>9}{r['load_chars_per_second']:>14}"
        )
    print(f"entities and projects add {added:.2f} s per {corpus['files']} files")
    print(f"jieba.lcut alone on the same text: {jieba_cps} chars/s; the load runs at {figures['load_vs_jieba_lcut']}x that")
    print(
        f"--workers {args.workers}: {speedup:.2f}x --workers 1, {figures[f'workers_{args.workers}_vs_jieba_lcut']}x jieba.lcut;"
        f" one worker process instead of extracting in the loading process: "
        f"{one_child['first_run']['seconds'] / corpus['first_run']['seconds']:.2f}x the time"
    )
    for key, label in ((name, "one process"), (parallel, f"--workers {args.workers}")):
        before, after = figures[key]["jieba_lcut_chars_per_second_before_and_after"]
        print(f"{label}: {figures[key]['load_vs_jieba_lcut_around_it']}x jieba.lcut run right before and after it ({before} and {after} chars/s)")
    for key, label in (("load", "one process"), (f"workers_{args.workers}", f"--workers {args.workers}")):
        trials = ", ".join(f"{r}x" for r in figures[f"{key}_vs_jieba_lcut_around_it_trials"])
        print(f"{label} vs jieba.lcut around it, {TRIALS} trials: {trials}; median {figures[f'{key}_vs_jieba_lcut_around_it_median']}x")
    print(f"the in-process time limit (SIGALRM) costs {figures['time_limit_alarm_microseconds_per_file']} µs per file")
    for key in (name, parallel, child):
        run = figures[key]["first_run"]
        print(f"{key}: CPU {run['loading_process_cpu_seconds']} s loading process, {run['workers_cpu_seconds']} s workers")
    print(f"rows after loading {corpus['files']} files: {corpus['rows']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
