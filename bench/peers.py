"""urbandb's metric extraction beside peer libraries, on the gold documents:
F1 and speed, each peer scored only on the dimensions it covers.

    .venv/bin/python bench/peers.py [--repeat 5]

Peers (optional packages, not in requirements.lock):

- Microsoft Recognizers-Text, Chinese dimension and currency models
  (`pip install recognizers-text-suite`); skipped with a note when the package
  is not installed.
- JioNLP money extraction (`jionlp.ner.extract_money`; jionlp is a dependency).

Scoring is `urbandb.evaluation.metrics.score_document` (the spec's rule:
same `unit_normalized`, value within 0.5 %), with gold metrics and urbandb's
finds both restricted to the peer's dimensions. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from urbandb.extract.metrics import extract_metrics  # noqa: E402
from urbandb.loaders.read import read_articles  # noqa: E402
from urbandb.evaluation.metrics import MetricsReport, load_gold, score_document  # noqa: E402

GOLD = REPO / "gold"
SEEDS = REPO / "seeds"

JIONLP_CURRENCIES = {"元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY", "英镑": "GBP"}
JIONLP_QUALIFIERS = {"accurate": "exact", "blur": "approx", "blur+": "more_than", "blur-": "less_than"}

# Recognizers-Text resolutions: unit name -> (unit_normalized, factor).
RECOGNIZERS_UNITS = {
    "Square meter": ("m2", 1),
    "Square kilometer": ("m2", 1_000_000),
    "Hectare": ("m2", 10_000),
    "Mu": ("m2", 10_000 / 15),
    "Meter": ("m", 1),
    "Kilometer": ("m", 1000),
    "Ton": ("t", 1),
    "Kilogram": ("t", 0.001),
    "Chinese yuan": ("CNY", 1),
    "Renminbi": ("CNY", 1),
    "United States dollar": ("USD", 1),
    "Euro": ("EUR", 1),
}


def gold_paragraphs() -> dict[str, tuple[dict, list[str]]]:
    """Gold data and paragraph texts (boilerplate left out) of every gold document."""
    out = {}
    for key, data in load_gold(GOLD).items():
        path = SEEDS / data["document"]
        articles = read_articles(str(path), path.read_bytes())
        texts = [p.text for a in articles for p in a.paragraphs if p.kind != "boilerplate"]
        out[key] = (data, texts, articles)
    return out


def urbandb_finds(articles) -> list[dict]:
    return [vars(m) for a in articles for m in extract_metrics(a)]


def jionlp_finds(texts: list[str]) -> list[dict]:
    import jionlp

    found = []
    for text in texts:
        for item in jionlp.ner.extract_money(text, with_parsing=True):
            detail = item.get("detail") or {}
            try:
                value = float(detail.get("num"))
            except (TypeError, ValueError):
                continue
            found.append(
                {
                    "surface": item["text"],
                    "value_normalized": value,
                    "unit_normalized": JIONLP_CURRENCIES.get(detail.get("case"), detail.get("case")),
                    "qualifier": JIONLP_QUALIFIERS.get(detail.get("definition"), "exact"),
                    "label": None,
                }
            )
    return found


def recognizers_models():
    """The Chinese dimension and currency models, or None when the package is missing."""
    try:
        from recognizers_number_with_unit import NumberWithUnitRecognizer
        from recognizers_text import Culture
    except ImportError:
        return None
    recognizer = NumberWithUnitRecognizer(Culture.Chinese)
    return [recognizer.get_dimension_model(), recognizer.get_currency_model()]


def recognizers_finds(models, texts: list[str]) -> list[dict]:
    found = []
    for text in texts:
        for model in models:
            for result in model.parse(text):
                resolution = result.resolution or {}
                unit = RECOGNIZERS_UNITS.get(resolution.get("unit"))
                try:
                    value = float(str(resolution.get("value")).replace(",", ""))
                except (TypeError, ValueError):
                    continue
                found.append(
                    {
                        "surface": result.text,
                        "value_normalized": value * unit[1] if unit else value,
                        "unit_normalized": unit[0] if unit else resolution.get("unit"),
                        "qualifier": "exact",
                        "label": None,
                    }
                )
    return found


def restricted(rows: list[dict], dimensions: set[str]) -> list[dict]:
    return [r for r in rows if r.get("dimension") in dimensions]


def score(found_by_doc: dict[str, list[dict]], docs, dimensions: set[str] | None) -> MetricsReport:
    scores = []
    for key, (data, _texts, _articles) in docs.items():
        gold = data["metrics"] if dimensions is None else restricted(data["metrics"], dimensions)
        scores.append(score_document(data["document"], found_by_doc[key], gold))
    return MetricsReport(scores)


def timed(run, docs, repeat: int) -> tuple[dict[str, list[dict]], float]:
    chars = sum(len(t) for _data, texts, _a in docs.values() for t in texts)
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = {key: run(texts, articles) for key, (_data, texts, articles) in docs.items()}
        best = min(best, time.perf_counter() - started)
    return result, chars / best


def row(name: str, scope: str, report: MetricsReport, speed: float) -> str:
    gold = report.true_finds + report.misses
    return (
        f"| {name} | {scope} | {gold} | {report.precision:.2f} | {report.recall:.2f} | {report.f1:.2f} | "
        f"{speed:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    docs = gold_paragraphs()

    ours, our_speed = timed(lambda texts, articles: urbandb_finds(articles), docs, args.repeat)
    lines = [
        "| extractor | dimensions | gold metrics | P | R | F1 | chars/s |",
        "|---|---|---:|---:|---:|---:|---:|",
        row("urbandb", "all", score(ours, docs, None), our_speed),
    ]

    money = {"money"}
    jio, jio_speed = timed(lambda texts, articles: jionlp_finds(texts), docs, max(1, args.repeat // 2))
    lines.append(row("JioNLP extract_money", "money", score(jio, docs, money), jio_speed))
    lines.append(row("urbandb", "money", score({k: restricted(v, money) for k, v in ours.items()}, docs, money), our_speed))

    models = recognizers_models()
    covered = {"area", "length", "mass", "money"}
    if models is None:
        note = "Recognizers-Text: not installed (`pip install recognizers-text-suite`); row skipped."
    else:
        rec, rec_speed = timed(lambda texts, articles: recognizers_finds(models, texts), docs, max(1, args.repeat // 2))
        lines.append(row("Recognizers-Text dimension+currency", "area, length, mass, money", score(rec, docs, covered), rec_speed))
        note = ""
    lines.append(
        row("urbandb", "area, length, mass, money", score({k: restricted(v, covered) for k, v in ours.items()}, docs, covered), our_speed)
    )
    print("\n".join(lines))
    if note:
        print("\n" + note)


if __name__ == "__main__":
    main()
