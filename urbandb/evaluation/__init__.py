"""Scoring extraction against hand-checked gold files (`gold/*.json`)."""
from urbandb.evaluation.metrics import (
    DocumentScore,
    MetricsReport,
    evaluate_database,
    format_report,
    load_gold,
    run_eval,
    score_document,
    score_documents,
)

__all__ = [
    "DocumentScore",
    "MetricsReport",
    "evaluate_database",
    "format_report",
    "load_gold",
    "run_eval",
    "score_document",
    "score_documents",
]
