"""Metric extraction speed: characters per second of `extract_metrics` on a
corpus of a few MB built from the seeds, beside plain `jieba.lcut` on the same
text (the target: extraction at least as fast as segmentation alone).

    .venv/bin/python bench/metrics_speed.py [--mb 3] [--repeat 3]

Single process; the best of `--repeat` runs counts. Prints the figures and
writes them to bench/results/metrics_speed.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb.extract.metrics import EXTRACTOR_VERSION, extract_metrics  # noqa: E402
from bench.corpus import best_rate, corpus, seed_articles  # noqa: E402

RESULTS = REPO / "bench" / "results" / "metrics_speed.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=3.0, help="corpus size in MB of UTF-8 text")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    articles = corpus(args.mb)
    texts = [p.text for a in articles for p in a.paragraphs]
    chars = sum(len(t) for t in texts)
    metrics_found = sum(len(extract_metrics(a)) for a in articles[: len(seed_articles())])

    def extract_all():
        for article in articles:
            extract_metrics(article)

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    joined = "\n".join(texts)

    def segment_all():
        jieba.lcut(joined)

    extraction = best_rate(extract_all, chars, args.repeat)
    segmentation = best_rate(segment_all, len(joined), args.repeat)
    result = {
        "extractor_version": EXTRACTOR_VERSION,
        "corpus_chars": chars,
        "corpus_mb_utf8": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 2),
        "metrics_per_seed_pass": metrics_found,
        "extract_metrics_chars_per_s": round(extraction),
        "jieba_lcut_chars_per_s": round(segmentation),
        "ratio_vs_jieba": round(extraction / segmentation, 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }
    print(f"corpus: {chars:,} characters ({result['corpus_mb_utf8']} MB UTF-8) from the seeds")
    print(f"extract_metrics  {extraction:>12,.0f} chars/s")
    print(f"jieba.lcut       {segmentation:>12,.0f} chars/s")
    print(f"ratio            {extraction / segmentation:>12.2f} x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
