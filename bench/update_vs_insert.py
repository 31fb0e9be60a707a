"""Updating changed files against inserting new ones, in a database that
already holds many documents: a changed file's old rows are deleted first,
and every foreign key the delete cascades through needs an index, or each
delete scans the table behind it.

A base of the seeds copied `--base` times is loaded; then `--files` of those
files are changed (a paragraph appended) and loaded again, and as many new
files are loaded into a copy of the same base. Extraction is done once per
distinct text up front, so what is timed is the loader's own work. Measured
with the schema's indexes and again without the cascade indexes of
migration 0004 (what the schema had before it).

    .venv/bin/python bench/update_vs_insert.py [--base 100] [--files 300]

Prints the figures and writes them to bench/results/update_vs_insert.json.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import platform
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from load import REPO, SEEDS  # sets up the import path as well

from urbandb.db.engine import database_url, make_engine  # noqa: E402
from urbandb.db.migrate import upgrade  # noqa: E402
from urbandb.loaders import pipeline as load_pipeline  # noqa: E402

RESULTS = REPO / "bench" / "results" / "update_vs_insert.json"
CASCADE_INDEXES = ("ix_entity_mentions_paragraph_id", "ix_project_milestones_paragraph_id")
CHANGE = "\n\n（本文于发布后更新，补充了项目进展。）\n".encode()


def write_copies(folder: Path, prefix: str, copies: int, limit: int | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.iterdir())
    paths = []
    for number in range(copies):
        for seed in seeds:
            if limit is not None and len(paths) == limit:
                return paths
            target = folder / f"{prefix}{number:04d}_{seed.name}"
            shutil.copy(seed, target)
            paths.append(target)
    return paths


def extraction_once(pipeline):
    """parse_file, remembering its result per distinct content."""
    original = load_pipeline.parse_file
    seen: dict[str, object] = {}

    def parse_file(path, data, pipeline):
        key = hashlib.sha256(data).hexdigest()
        if key not in seen:
            seen[key] = original(path, data, pipeline)
        return copy.deepcopy(seen[key])

    return parse_file


def timed_load(db_file: Path, paths: list[Path], pipeline) -> dict:
    engine = make_engine(database_url(str(db_file)))
    started = time.perf_counter()
    summary = load_pipeline.load_paths(engine, [str(p) for p in paths], pipeline=pipeline)
    seconds = time.perf_counter() - started
    engine.dispose()
    assert summary.ok, [o.error for o in summary.outcomes if o.error][:3]
    return {"seconds": round(seconds, 3), "ms_per_file": round(1000 * seconds / len(paths), 2), **summary.counts}


def measure(workdir: Path, base_db: Path, base_files: list[Path], args, pipeline, with_indexes: bool) -> dict:
    label = "with" if with_indexes else "without"
    db_update, db_insert = workdir / f"update-{label}.sqlite", workdir / f"insert-{label}.sqlite"
    shutil.copy(base_db, db_update)
    if not with_indexes:
        conn = sqlite3.connect(db_update)
        for index in CASCADE_INDEXES:
            conn.execute(f"drop index {index}")
        conn.close()
    shutil.copy(db_update, db_insert)
    new_files = write_copies(workdir / "new", "new", args.base, limit=args.files)
    changed = base_files[: args.files]
    for path in changed:
        path.write_bytes(path.read_bytes() + CHANGE)
    try:
        update = timed_load(db_update, changed, pipeline)
        insert = timed_load(db_insert, new_files, pipeline)
    finally:
        for path in changed:
            path.write_bytes(path.read_bytes()[: -len(CHANGE)])
    assert update["files_updated"] == args.files and insert["files_added"] == args.files
    return {"update": update, "insert": insert, "ratio": round(update["seconds"] / insert["seconds"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=100, help="copies of the seeds in the database first")
    parser.add_argument("--files", type=int, default=300, help="files changed, and files added")
    args = parser.parse_args()
    pipeline = load_pipeline.default_pipeline()
    load_pipeline.parse_file = extraction_once(pipeline)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        base_files = write_copies(workdir / "base", "base", args.base)
        base_db = workdir / "base.sqlite"
        upgrade(database_url(str(base_db)))
        timed_load(base_db, base_files, pipeline)
        conn = sqlite3.connect(base_db)
        rows = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("documents", "paragraphs", "entity_mentions", "project_milestones")}
        conn.close()
        results = {label: measure(workdir, base_db, base_files, args, pipeline, label == "with_indexes")
                   for label in ("with_indexes", "without_cascade_indexes")}
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "base_files": len(base_files),
        "base_rows": rows,
        "files": args.files,
        **results,
    }
    print(f"base: {len(base_files)} files, {rows}")
    for label, result in results.items():
        print(
            f"{label}: {args.files} changed files {result['update']['seconds']} s "
            f"({result['update']['ms_per_file']} ms/file), {args.files} new files {result['insert']['seconds']} s "
            f"({result['insert']['ms_per_file']} ms/file): changed/new = {result['ratio']}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
