"""Load throughput: the seeds, and the seeds copied 200 times (1,000 files),
first run and no-op re-run, in a fresh database; the same 1,000 files loaded
without entity extraction, to show what it adds; beside plain `jieba.lcut`
on the same text.

The pipeline's start-up (jieba's dictionary, the gazetteer: once per process)
is timed on its own; the loads after it run with the pipeline warm.

    .venv/bin/python bench/load.py [--copies 200]

Prints the figures and writes them to bench/results/load.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb.db.engine import database_url, make_engine  # noqa: E402
from urbandb.db.migrate import upgrade  # noqa: E402
from urbandb.loaders.pipeline import Pipeline, add_metrics, default_pipeline, load_paths  # noqa: E402
from urbandb.loaders.read import read_articles  # noqa: E402

SEEDS = REPO / "seeds"
RESULTS = REPO / "bench" / "results" / "load.json"


def build_corpus(target: Path, copies: int) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            shutil.copy(seed, target / f"{copy:04d}_{seed.name}")
    return target


def timed_load(db_file: Path, corpus: Path, pipeline: Pipeline) -> dict:
    engine = make_engine(database_url(str(db_file)))
    started = time.perf_counter()
    summary = load_paths(engine, [str(corpus)], pipeline=pipeline)
    seconds = time.perf_counter() - started
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error][:3]
    return {"seconds": round(seconds, 3), **summary.counts}


def measure(corpus: Path, workdir: Path, pipeline: Pipeline, label: str = "") -> dict:
    db_file = workdir / f"{corpus.name}{label}.sqlite"
    upgrade(database_url(str(db_file)))
    first = timed_load(db_file, corpus, pipeline)
    again = timed_load(db_file, corpus, pipeline)
    conn = sqlite3.connect(db_file)
    chars = conn.execute("select sum(char_count) from documents").fetchone()[0]
    texts = [t for (t,) in conn.execute("select text from documents")]
    counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in fact_tables(conn)}
    conn.close()
    return {
        "files": first["files_seen"],
        "characters": chars,
        "first_run": first,
        "noop_rerun": again,
        "load_chars_per_second": round(chars / first["seconds"]),
        "rows": counts,
        "texts": texts,
    }


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    args = parser.parse_args()
    pipeline, startup = warm_pipeline()
    without_entities = Pipeline(stages=[add_metrics], version=pipeline.version)
    name = f"seeds_x{args.copies}"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seeds = measure(build_corpus(workdir / "seeds", 1), workdir, pipeline)
        corpus_dir = build_corpus(workdir / "corpus", args.copies)
        corpus = measure(corpus_dir, workdir, pipeline)
        baseline = measure(corpus_dir, workdir, without_entities, "_without_entities")
    jieba_cps = jieba_rate(corpus["texts"][:200])
    for result in (seeds, corpus, baseline):
        result.pop("texts")
    added = corpus["first_run"]["seconds"] - baseline["first_run"]["seconds"]
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "pipeline_startup_seconds": round(startup, 2),
        "seeds": seeds,
        name: corpus,
        f"{name}_without_entities": baseline,
        "entities_add_seconds": round(added, 2),
        "jieba_lcut_chars_per_second": jieba_cps,
        "load_vs_jieba_lcut": round(corpus["load_chars_per_second"] / jieba_cps, 2),
    }
    print(f"pipeline start-up (once per process): {startup:.2f} s")
    print(f"{'corpus':<32}{'files':>7}{'chars':>11}{'first run s':>13}{'no-op s':>9}{'load chars/s':>14}")
    for key in ("seeds", name, f"{name}_without_entities"):
        r = figures[key]
        print(
            f"{key:<32}{r['files']:>7}{r['characters']:>11}{r['first_run']['seconds']:>13}"
            f"{r['noop_rerun']['seconds']:>9}{r['load_chars_per_second']:>14}"
        )
    print(f"entities and projects add {added:.2f} s per {corpus['files']} files")
    print(f"jieba.lcut alone on the same text: {jieba_cps} chars/s; the load runs at {figures['load_vs_jieba_lcut']}x that")
    print(f"rows after loading {corpus['files']} files: {corpus['rows']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
