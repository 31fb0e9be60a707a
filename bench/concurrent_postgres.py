"""Loaders at once into one PostgreSQL database: the seeds copied N times,
loaded by one `urbandb load` process, then split into four folders loaded by
four processes at the same time into a fresh database; wall-clock time of
each (process start-up included), and whether both end with the same
entities, aliases and projects. Each loader extracts in its own process
(`--workers 1`) unless `--workers N` says otherwise.

The server is a throwaway one (Debian's binaries, a temporary folder,
127.0.0.1), as in the tests.

    .venv/bin/python bench/concurrent_postgres.py [--copies 200] [--loaders 4] [--workers 1]

Prints the figures and writes them to bench/results/concurrent_postgres.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from postgres_server import create_database, throwaway_server  # noqa: E402
from sqlalchemy import text  # noqa: E402

from urbandb.db.engine import make_engine  # noqa: E402
from urbandb.db.migrate import upgrade  # noqa: E402

RESULTS = REPO / "bench" / "results" / "concurrent_postgres.json"
SEEDS = REPO / "seeds"


def split_corpus(root: Path, copies: int, loaders: int) -> list[Path]:
    """The seeds copied `copies` times, dealt round-robin into `loaders` folders."""
    folders = [root / f"loader{k}" for k in range(loaders)]
    for folder in folders:
        folder.mkdir(parents=True)
    n = 0
    for copy in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            shutil.copy(seed, folders[n % loaders] / f"{copy:04d}_{seed.name}")
            n += 1
    return folders


def timed_loaders(url: str, folder_sets: list[list[Path]], workers: int) -> dict:
    """Run one `urbandb load` per folder set, all at once; seconds until the
    last ends, and the CPU seconds the loaders used (start-up included)."""
    command = [
        sys.executable, "-c", "import sys; from urbandb.cli import app; sys.argv[0] = 'urbandb'; app()",
        "--db", url, "load", "--workers", str(workers),
    ]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    processes = [
        subprocess.Popen([*command, *map(str, folders)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for folders in folder_sets
    ]
    outputs = [p.communicate() for p in processes]
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu_after.ru_utime - cpu_before.ru_utime + cpu_after.ru_stime - cpu_before.ru_stime
    failed = [err for p, (_, err) in zip(processes, outputs) if p.returncode]
    if failed:
        raise SystemExit(f"a loader failed: {failed[0][-500:]}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "summaries": [out.strip().splitlines()[-1] for out, _ in outputs]}


def stored(url: str) -> dict:
    engine = make_engine(url)
    queries = {
        "documents": "select count(*) from documents",
        "entities": "select count(*) from entities",
        "aliases": "select count(*) from entity_aliases",
        "projects": "select count(*) from projects",
        "mentions": "select count(*) from entity_mentions",
        "entity_set": "select md5(string_agg(type || ':' || name, '|' order by type, name)) from entities",
        "alias_set": "select md5(string_agg(e.name || '>' || a.alias, '|' order by e.name, a.alias))"
        " from entity_aliases a join entities e on e.id = a.entity_id",
    }
    with engine.connect() as conn:
        figures = {key: conn.execute(text(sql)).scalar() for key, sql in queries.items()}
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--loaders", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="--workers of each loader")
    args = parser.parse_args()
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, throwaway_server() as admin:
        folders = split_corpus(Path(tmp) / "corpus", args.copies, args.loaders)
        one_db, many_db = create_database(admin), create_database(admin)
        upgrade(one_db)
        upgrade(many_db)
        one = timed_loaders(one_db, [folders], args.workers)
        many = timed_loaders(many_db, [[folder] for folder in folders], args.workers)
        one_rows, many_rows = stored(one_db), stored(many_db)
    files = args.copies * len(list(SEEDS.iterdir()))
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "files": files,
        # Other work on the machine takes cores from the loaders: the figures depend on it.
        "load_average_before": round(load_average, 2),
        "one_loader": one,
        "loaders_at_once": {"loaders": args.loaders, **many},
        "speed_up": round(one["seconds"] / many["seconds"], 2),
        "same_result": one_rows == many_rows,
        "rows": {"one_loader": one_rows, "loaders_at_once": many_rows},
    }
    print(
        f"{files} files into PostgreSQL: 1 loader {one['seconds']} s, {args.loaders} loaders at once "
        f"{many['seconds']} s ({figures['speed_up']}x); CPU {one['cpu_seconds']} s and {many['cpu_seconds']} s; "
        f"load average before {figures['load_average_before']}; same entities, aliases and projects: {figures['same_result']}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
