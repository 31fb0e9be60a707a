"""One very long paragraph through reading and the whole extraction pipeline
(metrics, entities, projects): the time should grow with the length, not its
square, so that no single file can hold a load for hours.

The paragraph is the seeds' sentences run together with no line break, cut to
100K, 400K and 1.6M characters; and the same with every sentence mark made a
comma, so that the whole paragraph is one "sentence" (a list, a feed's run-on
line). Each size runs in its own process and is stopped after `--timeout`
seconds, reported as "over N s".

    .venv/bin/python bench/long_paragraph.py [--sizes 100000 400000 1600000] [--timeout 120]

Prints the figures and writes them to bench/results/long_paragraph.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import time

from load import REPO, SEEDS  # sets up the import path as well

from urbandb.loaders.pipeline import default_pipeline, parse_file  # noqa: E402

RESULTS = REPO / "bench" / "results" / "long_paragraph.json"


SHAPES = ("sentences", "no sentence marks")


def long_paragraph(size: int, shape: str = "sentences") -> str:
    """The seeds' body text as one line of `size` characters (its sentence marks made commas
    for the shape "no sentence marks")."""
    text = "".join(
        line.strip() for seed in sorted(SEEDS.iterdir()) for line in seed.read_text(encoding="utf-8").splitlines()
    )
    if shape == "no sentence marks":
        text = text.translate(str.maketrans("。！？；!?;", "，，，，，，，"))
    return (text * (size // len(text) + 1))[:size]


def extract(size: int, shape: str, sender) -> None:
    pipeline = default_pipeline()
    parse_file("warm-up.txt", long_paragraph(2000).encode("utf-8"), pipeline)  # dictionaries load on first use
    data = long_paragraph(size, shape).encode("utf-8")
    started = time.perf_counter()
    reading = parse_file("long.txt", data, pipeline)
    seconds = time.perf_counter() - started
    (article,) = reading.articles
    longest = max(len(p.text) for p in article.paragraphs)
    sender.send({"seconds": round(seconds, 2), "longest_paragraph": longest, "metrics": len(article.metrics),
                 "entities": len(article.entities), "projects": len(article.projects)})


def measure(size: int, shape: str, timeout: float) -> dict:
    receiver, sender = multiprocessing.Pipe(duplex=False)
    worker = multiprocessing.Process(target=extract, args=(size, shape, sender))
    worker.start()
    finished = receiver.poll(timeout)
    if not finished:
        worker.terminate()
        worker.join()
        return {"shape": shape, "characters": size, "seconds": None, "over_seconds": timeout}
    result = receiver.recv()
    worker.join()
    return {"shape": shape, "characters": size, **result, "chars_per_second": round(size / max(result["seconds"], 1e-6))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000, 1_600_000])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per size")
    args = parser.parse_args()
    runs = []
    for shape in SHAPES:
        for size in args.sizes:
            result = measure(size, shape, args.timeout)
            runs.append(result)
            if result["seconds"] is None:
                print(f"{shape:>17}, {size:>9,} characters: over {args.timeout:g} s (stopped)", flush=True)
            else:
                print(
                    f"{shape:>17}, {size:>9,} characters: {result['seconds']} s, {result['chars_per_second']:,} chars/s "
                    f"(longest paragraph {result['longest_paragraph']:,}; {result['metrics']} metrics, "
                    f"{result['entities']} entities, {result['projects']} projects)",
                    flush=True,
                )
    figures = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "timeout_seconds": args.timeout,
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
