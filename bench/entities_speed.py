"""Entity extraction speed: characters per second of `EntityExtractor` on a
corpus built from the seeds, beside plain `jieba.lcut` on the same text.

    .venv/bin/python bench/entities_speed.py [--mb 1] [--repeat 3]

Single process; the extractor (segmenter and gazetteer loaded once, outside the
timing) is applied to copies of the seed articles; the best of `--repeat` runs
counts. Prints the figures and writes them to bench/results/entities_speed.json.
"""
from __future__ import annotations

import argparse
import copy
import json
import logging
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb.extract.entities import ENTITY_EXTRACTOR_VERSION, EntityExtractor  # noqa: E402
from bench.corpus import best_rate, corpus  # noqa: E402

RESULTS = REPO / "bench" / "results" / "entities_speed.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="corpus size in MB of UTF-8 text")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    articles = corpus(args.mb, fresh_copies=True)
    texts = [p.text for a in articles for p in a.paragraphs]
    chars = sum(len(t) for t in texts)
    extractor = EntityExtractor()
    started = time.perf_counter()
    extractor(copy.deepcopy(articles[0]))  # loads the segmenter and the gazetteer
    setup = time.perf_counter() - started

    def extract_all():
        for article in articles:
            extractor(article)

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    joined = "\n".join(texts)

    extraction = best_rate(extract_all, chars, args.repeat)
    segmentation = best_rate(lambda: jieba.lcut(joined), len(joined), args.repeat)
    result = {
        "extractor_version": ENTITY_EXTRACTOR_VERSION,
        "corpus_chars": chars,
        "corpus_mb_utf8": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 2),
        "setup_seconds": round(setup, 2),
        "entity_extractor_chars_per_s": round(extraction),
        "jieba_lcut_chars_per_s": round(segmentation),
        "ratio_vs_jieba": round(extraction / segmentation, 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(f"corpus: {chars:,} characters ({result['corpus_mb_utf8']} MB UTF-8) from the seeds")
    print(f"setup (segmenter + gazetteer) {setup:.2f} s")
    print(f"EntityExtractor  {extraction:>12,.0f} chars/s")
    print(f"jieba.lcut       {segmentation:>12,.0f} chars/s")
    print(f"ratio            {extraction / segmentation:>12.2f} x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
