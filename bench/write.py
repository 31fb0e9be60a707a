"""Writing alone: the seeds copied N times are read and extracted once, then
loaded into a fresh database with extraction replaced by its results, so the
time is the rest of a load: the unchanged-file check, deleting and inserting
rows, resolving entities, the full-text index and one commit per file.

    .venv/bin/python bench/write.py [--copies 200] [--repeat 2]

Prints milliseconds per file (best of `repeat` fresh databases) and writes
them to bench/results/write.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from load import REPO, build_corpus  # sets up the import path as well

from urbandb.db.engine import database_url, make_engine  # noqa: E402
from urbandb.db.migrate import upgrade  # noqa: E402
from urbandb.loaders import pipeline as load_pipeline  # noqa: E402

RESULTS = REPO / "bench" / "results" / "write.json"


def extract_once(corpus: Path, pipeline) -> dict:
    files = load_pipeline.discover([str(corpus)])
    return {path: load_pipeline.parse_file(path, Path(path).read_bytes(), pipeline) for path in files}


def timed_write(db_file: Path, corpus: Path, pipeline) -> dict:
    upgrade(database_url(str(db_file)))
    engine = make_engine(database_url(str(db_file)))
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = load_pipeline.load_paths(engine, [str(corpus)], pipeline=pipeline)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error][:3]
    files = len(summary.outcomes)
    return {"files": files, "ms_per_file": round(1000 * seconds / files, 2), "cpu_ms_per_file": round(1000 * cpu / files, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    pipeline = load_pipeline.default_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        corpus = build_corpus(workdir / "corpus", args.copies)
        extracted = extract_once(corpus, pipeline)
        # The load reads each file's articles from here instead of extracting them again.
        load_pipeline.parse_file = lambda path, data, pipeline: extracted[path]
        runs = [timed_write(workdir / f"write{run}.sqlite", corpus, pipeline) for run in range(args.repeat)]
    best = min(runs, key=lambda run: run["ms_per_file"])
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "copies": args.copies,
        "best": best,
        "runs": runs,
    }
    print(f"{best['files']} files: {best['ms_per_file']} ms per file written ({best['cpu_ms_per_file']} ms CPU), best of {args.repeat}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
