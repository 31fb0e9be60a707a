"""What the speed benchmarks share: a corpus built from the seeds, and timing."""
from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb.loaders.read import read_articles  # noqa: E402

SEEDS = REPO / "seeds"


def seed_articles():
    articles = []
    for path in sorted(SEEDS.iterdir()):
        articles += read_articles(str(path), path.read_bytes())
    return articles


def corpus(megabytes: float, fresh_copies: bool = False):
    """The seed articles repeated until their paragraph text reaches `megabytes`
    (UTF-8). `fresh_copies` when the stage under test fills the articles in."""
    articles = seed_articles()
    size = sum(len(p.text.encode("utf-8")) for a in articles for p in a.paragraphs)
    copies = max(1, round(megabytes * 1_000_000 / size))
    if fresh_copies:
        return [copy.deepcopy(a) for _ in range(copies) for a in articles]
    return articles * copies


def best_rate(run, chars: int, repeat: int) -> float:
    """Characters per second of the fastest of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return chars / best
