"""Scoring entities and projects against the gold files.

An entity matches a gold entity when its canonical name or an alias equals the
gold name or one of its aliases and the type agrees (one-to-one, in order).
A project matches the same way on its entity's forms; on matched projects,
location accuracy is the share whose location forms include the gold
location, category accuracy the share with the gold category, milestone
accuracy the share whose (event, date, status) set equals the gold set;
milestones ((event, date, status) rows) and operators (an org matches a gold
operator when they share a form) are counted as P/R/F1 over the matched
projects, so that they measure what is said of a project, not whether it was
found. Scoring is pure (`score_entities`, `score_projects`,
`score_all`); `evaluate_entities_database` reads the tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from urbandb.evaluation.metrics import document_key, load_gold

TYPES = ("place", "org", "person", "project", "policy")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class EntityReport:
    by_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    projects: Counts = field(default_factory=Counts)
    location_right: int = 0
    category_right: int = 0
    milestones_right: int = 0
    matched_projects: int = 0
    milestones: Counts = field(default_factory=Counts)
    operators: Counts = field(default_factory=Counts)
    # (project, found location, gold location) for each matched project whose location is wrong
    location_misses: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    documents: dict[str, "EntityReport"] = field(default_factory=dict)

    def add(self, other: "EntityReport") -> None:
        for name, counts in other.by_type.items():
            self.by_type.setdefault(name, Counts()).add(counts)
        for name in ("projects", "milestones", "operators"):
            getattr(self, name).add(getattr(other, name))
        for name in ("location_right", "category_right", "milestones_right", "matched_projects"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.location_misses += other.location_misses

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.by_type.values():
            total.add(c)
        return total

    @property
    def location_accuracy(self) -> float:
        return self.location_right / self.matched_projects if self.matched_projects else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.category_right / self.matched_projects if self.matched_projects else 0.0

    @property
    def milestone_accuracy(self) -> float:
        return self.milestones_right / self.matched_projects if self.matched_projects else 0.0


def _forms(item: Mapping) -> set[str]:
    return {item["name"], *(item.get("aliases") or [])}


def match(found: list[Mapping], gold: list[Mapping], typed: bool = True) -> list[tuple[int, int]]:
    """One-to-one pairs (found index, gold index): shared form and same type."""
    pairs, used = [], set()
    for gi, g in enumerate(gold):
        gforms = _forms(g)
        for fi, f in enumerate(found):
            if fi in used or (typed and f["type"] != g["type"]):
                continue
            if _forms(f) & gforms:
                pairs.append((fi, gi))
                used.add(fi)
                break
    return pairs


def score_entities(found: list[Mapping], gold: list[Mapping], report: EntityReport) -> None:
    pairs = match(found, gold)
    matched_f, matched_g = {f for f, _ in pairs}, {g for _, g in pairs}
    for gi, g in enumerate(gold):
        counts = report.by_type.setdefault(g["type"], Counts())
        if gi in matched_g:
            counts.tp += 1
        else:
            counts.fn += 1
    for fi, f in enumerate(found):
        if fi not in matched_f:
            report.by_type.setdefault(f["type"], Counts()).fp += 1


def score_projects(found: list[Mapping], gold: list[Mapping], gold_entities: list[Mapping], report: EntityReport) -> None:
    """`found` items: name, aliases, location_forms, category, milestones [(event, date, status)],
    operators [[forms of one org] ...]."""
    gold_aliases = {e["name"]: _forms(e) for e in gold_entities}
    gold_items = [{"name": g["name"], "aliases": sorted(gold_aliases.get(g["name"], {g["name"]})), **g} for g in gold]
    pairs = match(found, gold_items, typed=False)
    report.projects.tp += len(pairs)
    report.projects.fp += len(found) - len(pairs)
    report.projects.fn += len(gold) - len(pairs)
    for fi, gi in pairs:
        f, g = found[fi], gold_items[gi]
        report.matched_projects += 1
        if location_agrees(f, g.get("location")):
            report.location_right += 1
        else:
            report.location_misses.append((g["name"], f.get("location"), g.get("location")))
        report.category_right += f.get("category") == g.get("category")
        gold_ms = {(m["event"], m["date"], m["status"]) for m in g.get("milestones", [])}
        found_ms = {tuple(m) for m in f.get("milestones", [])}
        if gold_ms == found_ms:
            report.milestones_right += 1
        report.milestones.add(Counts(len(found_ms & gold_ms), len(found_ms - gold_ms), len(gold_ms - found_ms)))
        report.operators.add(_operator_counts(f.get("operators") or [], g.get("operators") or [], gold_aliases))


def location_agrees(found: Mapping, gold_location: str | None) -> bool:
    """The found location is the gold one (one of its forms), or both are none."""
    if gold_location is None:
        return not found.get("location")
    return gold_location in set(found.get("location_forms") or ()) or gold_location == found.get("location")


def _operator_counts(found: list, gold: list[str], gold_aliases: Mapping[str, set[str]]) -> Counts:
    """Found operators (each the forms of one org) against gold operator names, one-to-one."""
    counts, used = Counts(), set()
    for name in gold:
        wanted = gold_aliases.get(name, {name})
        hit = next((i for i, forms in enumerate(found) if i not in used and set(forms) & wanted), None)
        if hit is None:
            counts.fn += 1
        else:
            used.add(hit)
            counts.tp += 1
    counts.fp = len(found) - len(used)
    return counts


def score_all(found_by_document: Mapping[str, tuple[list, list]], gold: Mapping[str, dict]) -> EntityReport:
    """`found_by_document`: key -> (entity dicts, project dicts); absent documents score as misses.
    The report keeps one report per document too (`report.documents`)."""
    report = EntityReport()
    found_by_key = {document_key(k): v for k, v in found_by_document.items()}
    for key, data in gold.items():
        if "entities" not in data:
            continue
        entities, projects = found_by_key.get(key, ([], []))
        document = EntityReport()
        score_entities(entities, data["entities"], document)
        score_projects(projects, data.get("projects", []), data["entities"], document)
        report.documents[data.get("document") or key] = document
        report.add(document)
    return report


def article_records(article) -> tuple[list[dict], list[dict]]:
    """An extracted article's entities and projects as the dicts scoring takes."""
    forms = {e.name: e.forms() for e in article.entities}
    entities = [{"name": e.name, "type": e.type, "aliases": list(e.aliases)} for e in article.entities]
    projects = [
        {"name": p.name, "aliases": sorted(forms.get(p.name, {p.name}) - {p.name}), "location": p.location,
         "location_forms": sorted(forms.get(p.location, {p.location}) if p.location else ()),
         "category": p.category,
         "milestones": [(m.event, m.date, m.status) for m in p.milestones],
         "operators": [sorted(forms.get(o, {o})) for o, _ in p.operators]}
        for p in article.projects
    ]
    return entities, projects


def evaluate_entities_database(db_url: str, gold_dir: str | Path) -> EntityReport:
    """Score the entity tables of a database against the gold files of a folder
    (documents join gold files by the stem of `source_path`)."""
    from sqlalchemy import text

    from urbandb.db.engine import make_engine

    engine = make_engine(db_url)
    found: dict[str, tuple[list, list]] = {}
    try:
        with engine.connect() as conn:
            aliases: dict[int, list[str]] = {}
            for entity_id, alias in conn.execute(text("select entity_id, alias from entity_aliases")):
                aliases.setdefault(entity_id, []).append(alias)
            docs = conn.execute(text("select id, source_path from documents")).all()
            for doc_id, source_path in docs:
                rows = conn.execute(text(
                    "select distinct e.id, e.name, e.type from entity_mentions m join entities e on e.id = m.entity_id "
                    "where m.document_id = :d order by e.id"), {"d": doc_id}).all()
                entities = [{"name": r.name, "type": r.type, "aliases": aliases.get(r.id, [])} for r in rows]
                projects = []
                for r in rows:
                    if r.type != "project":
                        continue
                    p = conn.execute(text(
                        "select p.id, p.category, l.id as lid, l.name as lname from projects p "
                        "left join entities l on l.id = p.location_id where p.entity_id = :e"), {"e": r.id}).first()
                    if p is None:
                        continue
                    ms = conn.execute(text(
                        "select pm.event, pm.date, pm.status from project_milestones pm join paragraphs g on g.id = pm.paragraph_id "
                        "where pm.project_id = :p and g.document_id = :d"), {"p": p.id, "d": doc_id}).all()
                    operators = conn.execute(text(
                        "select distinct o.id, o.name from project_operators po join entities o on o.id = po.org_id "
                        "where po.project_id = :p"), {"p": p.id}).all()
                    projects.append({"name": r.name, "aliases": aliases.get(r.id, []), "location": p.lname,
                                     "location_forms": [p.lname, *aliases.get(p.lid, [])] if p.lname else [],
                                     "category": p.category,
                                     "milestones": [tuple(m) for m in ms],
                                     "operators": [[o.name, *aliases.get(o.id, [])] for o in operators]})
                found[document_key(source_path)] = (entities, projects)
    finally:
        engine.dispose()
    return score_all(found, load_gold(gold_dir))


def format_entity_report(report: EntityReport) -> str:
    lines = ["entities        P      R      F1     tp  fp  fn"]
    rows = [*report.by_type.items(), ("overall", report.overall), ("projects", report.projects),
            ("milestones", report.milestones), ("operators", report.operators)]
    for name, c in rows:
        lines.append(f"{name:<12} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4d}{c.fp:4d}{c.fn:4d}")
    lines.append(f"matched projects {report.matched_projects}: location accuracy {report.location_accuracy:.3f}, "
                 f"category accuracy {report.category_accuracy:.3f}, milestone accuracy {report.milestone_accuracy:.3f}")
    lines.append("(milestones and operators are counted on the matched projects)")
    if report.documents:
        lines.append("")
        lines.append(f"{'document':<32} {'ent F1':>6} {'proj F1':>7} {'matched':>7} {'loc':>6} {'cat':>6} {'ms F1':>6} {'op F1':>6}")
        for name, d in report.documents.items():
            lines.append(
                f"{name:<32} {d.overall.f1:6.3f} {_f1_or_dash(d.projects):>7} {d.matched_projects:7d} "
                f"{_share_or_dash(d.location_accuracy, d.matched_projects):>6} {_share_or_dash(d.category_accuracy, d.matched_projects):>6} "
                f"{_f1_or_dash(d.milestones):>6} {_f1_or_dash(d.operators):>6}"
            )
        for name, d in report.documents.items():
            if d.location_misses:
                lines.append(f"\nlocation disagreements in {name}:")
                lines += [f"  {project}: found {found!r}, gold {gold!r}" for project, found, gold in d.location_misses]
    return "\n".join(lines)


def _f1_or_dash(counts: Counts) -> str:
    """F1, or '-' when there is nothing to count (no gold and nothing found)."""
    return f"{counts.f1:.3f}" if counts.tp + counts.fp + counts.fn else "-"


def _share_or_dash(share: float, matched: int) -> str:
    """A share of the matched projects, or '-' when none matched."""
    return f"{share:.3f}" if matched else "-"
