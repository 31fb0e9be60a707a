"""Score found metrics against gold files, as `spec/metrics.md` (“How extraction is scored”) says.

Per document, a found metric matches a gold metric when `unit_normalized` is
equal and `value_normalized` is within 0.5 %; each gold metric matches at most
once. Precision, recall and F1 count non-optional gold metrics only: a found
metric that matches an optional gold metric is neither a true nor a false
find. On the matched pairs (true finds) the report gives qualifier accuracy,
label agreement (one label contains the other) and subject right: the found
subject is the gold one (one of the found entity's forms is one of the gold
entity's forms), or both are none.

Scoring is pure (`score_document`, `score_documents`); `evaluate_database`
reads the `metrics` table.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Iterable, Mapping

TOLERANCE = 0.005
FIELDS = ("surface", "value_normalized", "unit_normalized", "qualifier", "label", "subject")


def as_dict(metric: Any) -> dict:
    """A found or gold metric as a dict of the fields scoring uses (Metric, Row or dict);
    `subject_forms` are the names of the subject entity (its canonical name alone when
    not given)."""
    if isinstance(metric, Mapping):
        row = {name: metric.get(name) for name in FIELDS} | {"optional": bool(metric.get("optional", False))}
        forms = metric.get("subject_forms")
    else:
        mapping = getattr(metric, "_mapping", None)
        if mapping is not None:
            return as_dict(dict(mapping))
        row = {name: getattr(metric, name, None) for name in FIELDS} | {"optional": False}
        forms = None
    row["subject_forms"] = set(forms) if forms else ({row["subject"]} if row["subject"] else set())
    return row


def values_match(found: dict, gold: dict) -> bool:
    if found["unit_normalized"] != gold["unit_normalized"]:
        return False
    f, g = found["value_normalized"], gold["value_normalized"]
    if f is None or g is None:
        return False
    if g == 0:
        return f == 0
    return abs(float(f) - float(g)) <= TOLERANCE * abs(float(g))


def labels_agree(found_label: str | None, gold_label: str | None) -> bool:
    """One label contains the other (spaces ignored); a missing label never agrees."""
    if not found_label or not gold_label:
        return False
    a, b = "".join(found_label.split()), "".join(gold_label.split())
    return a in b or b in a


def subjects_agree(found: dict, gold: dict, gold_forms: Mapping[str, set[str]] | None = None) -> bool:
    """The found subject names the gold subject's entity (a shared form), or neither has one."""
    if gold["subject"] is None:
        return found["subject"] is None
    wanted = (gold_forms or {}).get(gold["subject"], {gold["subject"]})
    return bool(found["subject_forms"] & wanted)


@dataclass
class DocumentScore:
    document: str
    true_finds: int = 0
    false_finds: list[dict] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    optional_finds: int = 0  # found metrics matching an optional gold metric: not counted
    qualifier_correct: int = 0
    label_agreeing: int = 0
    subject_right: int = 0
    gold_forms: Mapping[str, set[str]] = field(default_factory=dict)  # gold entity name -> its forms
    pairs: list[tuple[dict, dict]] = field(default_factory=list)  # (found, gold) true finds
    in_database: bool = True

    @property
    def precision(self) -> float:
        return _ratio(self.true_finds, self.true_finds + len(self.false_finds))

    @property
    def recall(self) -> float:
        return _ratio(self.true_finds, self.true_finds + len(self.misses))

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def qualifier_accuracy(self) -> float:
        return _ratio(self.qualifier_correct, self.true_finds)

    @property
    def label_agreement(self) -> float:
        return _ratio(self.label_agreeing, self.true_finds)

    @property
    def subject_accuracy(self) -> float:
        return _ratio(self.subject_right, self.true_finds)


@dataclass
class MetricsReport:
    documents: list[DocumentScore]

    def _sum(self, name: str) -> int:
        return sum(len(v) if isinstance(v := getattr(d, name), list) else v for d in self.documents)

    @property
    def true_finds(self) -> int:
        return self._sum("true_finds")

    @property
    def false_finds(self) -> int:
        return self._sum("false_finds")

    @property
    def misses(self) -> int:
        return self._sum("misses")

    @property
    def precision(self) -> float:
        return _ratio(self.true_finds, self.true_finds + self.false_finds)

    @property
    def recall(self) -> float:
        return _ratio(self.true_finds, self.true_finds + self.misses)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def qualifier_accuracy(self) -> float:
        return _ratio(self._sum("qualifier_correct"), self.true_finds)

    @property
    def label_agreement(self) -> float:
        return _ratio(self._sum("label_agreeing"), self.true_finds)

    @property
    def subject_accuracy(self) -> float:
        return _ratio(self._sum("subject_right"), self.true_finds)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_document(
    document: str, found: Iterable[Any], gold: Iterable[Any], gold_forms: Mapping[str, set[str]] | None = None
) -> DocumentScore:
    """Match one document's found metrics to its gold metrics and count.
    `gold_forms` maps each gold entity name to its forms (name and aliases).

    Matching is greedy in three passes so that the figures do not depend on the
    order of equal values: first a non-optional gold metric with the same
    surface, then any non-optional one, then an optional one.
    """
    found_rows = [as_dict(m) for m in found]
    gold_rows = [as_dict(m) for m in gold]
    gold_taken = [False] * len(gold_rows)
    found_match: list[int | None] = [None] * len(found_rows)

    def run_pass(optional: bool, same_surface: bool) -> None:
        for i, f in enumerate(found_rows):
            if found_match[i] is not None:
                continue
            for j, g in enumerate(gold_rows):
                if gold_taken[j] or g["optional"] != optional or not values_match(f, g):
                    continue
                if same_surface and (f["surface"] or "").strip() != (g["surface"] or "").strip():
                    continue
                gold_taken[j] = True
                found_match[i] = j
                break

    run_pass(optional=False, same_surface=True)
    run_pass(optional=False, same_surface=False)
    run_pass(optional=True, same_surface=True)
    run_pass(optional=True, same_surface=False)

    score = DocumentScore(document, gold_forms=gold_forms or {})
    for i, f in enumerate(found_rows):
        j = found_match[i]
        if j is None:
            score.false_finds.append(f)
            continue
        g = gold_rows[j]
        if g["optional"]:
            score.optional_finds += 1
            continue
        score.true_finds += 1
        score.pairs.append((f, g))
        score.qualifier_correct += (f["qualifier"] or "exact") == (g["qualifier"] or "exact")
        score.label_agreeing += labels_agree(f["label"], g["label"])
        score.subject_right += subjects_agree(f, g, gold_forms)
    score.misses = [g for j, g in enumerate(gold_rows) if not gold_taken[j] and not g["optional"]]
    return score


def document_key(name: str) -> str:
    """The file name without folder and extension: the key that joins gold to documents."""
    return PurePath(name).stem


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """The gold files of a folder, keyed by `document_key` of their "document"."""
    gold = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[document_key(data.get("document") or path.name)] = data
    return gold


def gold_entity_forms(data: Mapping) -> dict[str, set[str]]:
    """Each gold entity's name -> its name and aliases."""
    return {e["name"]: {e["name"], *(e.get("aliases") or [])} for e in data.get("entities", [])}


def score_documents(found_by_document: Mapping[str, Iterable[Any]], gold: Mapping[str, dict]) -> MetricsReport:
    """Score every gold document; a gold document absent from `found_by_document` scores as all misses."""
    found_by_key = {document_key(k): list(v) for k, v in found_by_document.items()}
    scores = []
    for key, data in gold.items():
        score = score_document(
            data.get("document") or key, found_by_key.get(key, []), data.get("metrics", []), gold_entity_forms(data)
        )
        score.in_database = key in found_by_key
        scores.append(score)
    return MetricsReport(scores)


def evaluate_database(db_url: str, gold_dir: str | Path) -> MetricsReport:
    """Score the `metrics` table of a database against the gold files of a folder.

    A document matches a gold file when the base name of its `source_path`
    without extension equals the gold "document" without extension.
    """
    from sqlalchemy import text

    from urbandb.db.engine import make_engine

    engine = make_engine(db_url)
    found: dict[str, list[dict]] = {}
    try:
        with engine.connect() as conn:
            for (source_path,) in conn.execute(text("select source_path from documents")):
                found.setdefault(document_key(source_path), [])
            aliases: dict[int, list[str]] = {}
            for entity_id, alias in conn.execute(text("select entity_id, alias from entity_aliases")):
                aliases.setdefault(entity_id, []).append(alias)
            rows = conn.execute(
                text(
                    "select d.source_path, m.surface, m.value_normalized, m.unit_normalized, m.qualifier, m.label, "
                    "m.subject_id, e.name as subject "
                    "from metrics m join documents d on d.id = m.document_id left join entities e on e.id = m.subject_id "
                    "order by d.id, m.paragraph_id, m.char_start"
                )
            )
            for row in rows:
                metric = dict(row._mapping)
                if metric["subject"]:
                    metric["subject_forms"] = [metric["subject"], *aliases.get(metric["subject_id"], [])]
                found[document_key(row.source_path)].append(metric)
    finally:
        engine.dispose()
    return score_documents(found, load_gold(gold_dir))


def _pct(x: float) -> str:
    return f"{x:6.3f}"


def format_report(report: MetricsReport, show_lists: bool = True) -> str:
    """The report as text: a table per document and overall, then misses and false finds."""
    lines = [f"{'document':<32} {'gold':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6} {'qual':>6} {'label':>6} {'subj':>6}"]
    for d in report.documents:
        name = d.document if d.in_database else f"{d.document} (not loaded)"
        lines.append(
            f"{name:<32} {d.true_finds + len(d.misses):>5} {d.true_finds + len(d.false_finds):>5} "
            f"{_pct(d.precision)} {_pct(d.recall)} {_pct(d.f1)} {_pct(d.qualifier_accuracy)} {_pct(d.label_agreement)} {_pct(d.subject_accuracy)}"
        )
    lines.append(
        f"{'overall':<32} {report.true_finds + report.misses:>5} {report.true_finds + report.false_finds:>5} "
        f"{_pct(report.precision)} {_pct(report.recall)} {_pct(report.f1)} "
        f"{_pct(report.qualifier_accuracy)} {_pct(report.label_agreement)} {_pct(report.subject_accuracy)}"
    )
    lines.append("(gold and found count non-optional gold metrics and the finds that are not optional; "
                 "qual, label, subj: share of the matched pairs that agree)")
    if show_lists:
        for d in report.documents:
            if d.misses:
                lines.append(f"\nmisses in {d.document}:")
                lines += [f"  {_describe(g)}" for g in d.misses]
            if d.false_finds:
                lines.append(f"\nfalse finds in {d.document}:")
                lines += [f"  {_describe(f)}" for f in d.false_finds]
            wrong = [(f, g) for f, g in d.pairs if (f["qualifier"] or "exact") != (g["qualifier"] or "exact")]
            if wrong:
                lines.append(f"\nqualifier disagreements in {d.document}:")
                lines += [f"  {f['surface']}: found {f['qualifier']}, gold {g['qualifier']}" for f, g in wrong]
            differ = [(f, g) for f, g in d.pairs if not labels_agree(f["label"], g["label"])]
            if differ:
                lines.append(f"\nlabel disagreements in {d.document}:")
                lines += [f"  {f['surface']}: found {f['label']!r}, gold {g['label']!r}" for f, g in differ]
            astray = [(f, g) for f, g in d.pairs if not subjects_agree(f, g, d.gold_forms)]
            if astray:
                lines.append(f"\nsubject disagreements in {d.document}:")
                lines += [f"  {f['surface']} ({g['label']}): found {f['subject']!r}, gold {g['subject']!r}" for f, g in astray]
    return "\n".join(lines)


def _describe(m: dict) -> str:
    return f"{m['surface']}  ({m['value_normalized']} {m['unit_normalized']}, {m['qualifier']}, label {m['label']!r})"
