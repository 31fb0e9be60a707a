"""Scoring extraction against hand-checked gold files (`gold/*.json`):
metrics in `metrics.py`, entities and projects in `entities.py`."""
from __future__ import annotations

from pathlib import Path

from urbandb.evaluation.entities import evaluate_entities_database, format_entity_report
from urbandb.evaluation.metrics import (
    DocumentScore,
    MetricsReport,
    evaluate_database,
    format_report,
    load_gold,
    score_document,
    score_documents,
)


def run_eval(db_url: str, gold_dir: str | Path, min_f1: float | None = None) -> tuple[str, bool]:
    """The text of `urbandb eval` and whether the metrics F1 passes `--min-f1`
    (always True without it)."""
    metrics = evaluate_database(db_url, gold_dir)
    entities = evaluate_entities_database(db_url, gold_dir)
    text = format_report(metrics) + "\n\n" + format_entity_report(entities)
    ok = min_f1 is None or metrics.f1 >= min_f1
    if not ok:
        text += f"\n\nmetrics F1 {metrics.f1:.3f} is below --min-f1 {min_f1}"
    return text, ok


__all__ = [
    "DocumentScore",
    "MetricsReport",
    "evaluate_database",
    "evaluate_entities_database",
    "format_entity_report",
    "format_report",
    "load_gold",
    "run_eval",
    "score_document",
    "score_documents",
]
