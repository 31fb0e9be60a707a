"""What the site's own pages show: the data behind the search, article and
project pages, and the highlighting of facts in paragraph text.

The functions take a Datasette `Database` and return plain template
contexts; `urbandb.site.plugins.pages` turns them into responses. Tables that
a database at an older migration lacks (metrics, entities …) are left out of
the pages, not an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup, escape

from urbandb.site.search import paragraph_search_conditions, search_terms

QUALIFIERS = {
    "exact": "精确",
    "approx": "约",
    "more_than": "超过",
    "at_least": "不少于",
    "less_than": "不足",
    "nearly": "近",
    "range": "范围",
}
ENTITY_TYPES = {"place": "地点", "org": "机构", "person": "人物", "project": "项目", "policy": "政策"}
UNITS = {
    "m2": "平方米", "CNY": "元", "USD": "美元", "m": "米", "%": "%", "ratio": "",
    "year": "年", "month": "个月", "day": "天", "hour": "小时", "minute": "分钟", "degC": "摄氏度", "t": "吨",
}
HEADING_TAGS = {"title": "h2", "subtitle": "h3", "heading": "h3"}
SEARCH_LIMIT = 100


# --- highlighting ---


@dataclass
class Span:
    """A highlighted stretch of a paragraph: [start, end) in its text."""

    start: int
    end: int
    css_class: str
    title: str
    href: str | None = None
    children: list["Span"] = field(default_factory=list)


def nest_spans(spans: Iterable[Span], length: int) -> list[Span]:
    """Spans as a tree: a span inside another becomes its child; a span out of
    the text, empty, or crossing an earlier one is dropped."""
    roots: list[Span] = []
    stack: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not (0 <= span.start < span.end <= length):
            continue
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].end:
            continue  # crosses its enclosing span: cannot be drawn as nested marks
        span.children = []
        (stack[-1].children if stack else roots).append(span)
        stack.append(span)
    return roots


def render_highlighted(text: str, spans: Iterable[Span]) -> Markup:
    """Paragraph text as HTML with each span in a `<mark>` carrying its details."""
    return _render(text, nest_spans(spans, len(text)), 0, len(text))


def _render(text: str, spans: list[Span], start: int, end: int) -> Markup:
    parts: list[str] = []
    position = start
    for span in spans:
        parts.append(escape(text[position:span.start]))
        attrs = f' class="{escape(span.css_class)}" title="{escape(span.title)}" tabindex="0"'
        if span.href:
            attrs += f' data-href="{escape(span.href)}"'
        inner = _render(text, span.children, span.start, span.end)
        parts.append(Markup(f"<mark{attrs}>{inner}</mark>"))
        position = span.end
    parts.append(escape(text[position:end]))
    return Markup("".join(str(p) for p in parts))


def mark_terms(text: str, terms: list[str]) -> Markup:
    """Text with every occurrence of the search terms marked (case-insensitive)."""
    lowered = text.lower()
    spans = []
    for term in terms:
        needle = term.lower()
        start = lowered.find(needle)
        while needle and start >= 0:
            spans.append(Span(start, start + len(needle), "hit", term))
            start = lowered.find(needle, start + len(needle))
    # Overlapping hits of different terms: keep the first of each overlap.
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return render_highlighted(text, kept)


def format_number(value) -> str:
    if value is None:
        return "?"
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def metric_title(m: dict) -> str:
    """What a metric highlight says: normalized value, qualifier, label."""
    unit = m.get("unit_normalized") or ""
    value = format_number(m.get("value_normalized"))
    if m.get("qualifier") == "range" and m.get("value_max") is not None:
        value = f"{format_number(m.get('value_min', m.get('value_normalized')))}–{format_number(m['value_max'])}"
    parts = [f"{value} {unit}".strip()]
    qualifier = m.get("qualifier")
    if qualifier:
        parts.append(f"{QUALIFIERS.get(qualifier, qualifier)}（{qualifier}）")
    if m.get("label"):
        parts.append(f"指标：{m['label']}")
    if m.get("subject"):
        parts.append(f"对象：{m['subject']}")
    if m.get("as_of_year"):
        parts.append(f"年份：{m['as_of_year']}")
    if m.get("dimension"):
        parts.append(f"量纲：{m['dimension']}")
    return " · ".join(parts)


def mention_title(m: dict) -> str:
    kind = ENTITY_TYPES.get(m.get("type") or "", m.get("type") or "")
    return f"{m['name']}（{kind}）" if kind else str(m["name"])


# --- data ---


async def _tables(db) -> set[str]:
    return set(await db.table_names())


async def _rows(db, sql: str, params: dict | None = None) -> list[dict]:
    result = await db.execute(sql, params or {})
    return [dict(row) for row in result.rows]


async def _columns(db, table: str) -> set[str]:
    return set(await db.table_columns(table))


def entity_href(entity: dict, urls) -> str:
    if entity.get("type") == "project":
        return urls.path(f"/-/project/{entity['id']}")
    return urls.table("urbandb", "entities") + f"/{entity['id']}"


async def article_context(db, urls, document_id: int) -> dict | None:
    """A document with its paragraphs in order, each fact highlighted in place."""
    documents = await _rows(db, "select * from documents where id = :id", {"id": document_id})
    if not documents:
        return None
    document = documents[0]
    paragraphs = await _rows(
        db,
        "select id, seq, kind, section, text from paragraphs where document_id = :id order by seq",
        {"id": document_id},
    )
    tables = await _tables(db)
    spans: dict[int, list[Span]] = {p["id"]: [] for p in paragraphs}
    metrics = []
    if "metrics" in tables:
        metrics = await _rows(
            db, "select * from metrics where document_id = :id order by paragraph_id, char_start", {"id": document_id}
        )
        for m in metrics:
            spans.setdefault(m["paragraph_id"], []).append(
                Span(m["char_start"], m["char_end"], f"metric dim-{m.get('dimension') or 'none'}", metric_title(m))
            )
    mentions = []
    if {"entity_mentions", "entities"} <= tables:
        mentions = await _rows(
            db,
            "select m.paragraph_id, m.char_start, m.char_end, m.surface, e.id, e.name, e.type"
            " from entity_mentions m join entities e on e.id = m.entity_id"
            " where m.document_id = :id order by m.paragraph_id, m.char_start",
            {"id": document_id},
        )
        for m in mentions:
            spans.setdefault(m["paragraph_id"], []).append(
                Span(
                    m["char_start"], m["char_end"], f"mention type-{m.get('type') or 'none'}",
                    mention_title(m), href=entity_href(m, urls),
                )
            )
    for p in paragraphs:
        p["html"] = render_highlighted(p["text"], spans.get(p["id"], []))
        p["tag"] = HEADING_TAGS.get(p["kind"])
    return {
        "document": document,
        "paragraphs": paragraphs,
        "metric_count": len(metrics),
        "mention_count": len(mentions),
        "has_metrics": "metrics" in tables,
        "has_mentions": "entity_mentions" in tables,
    }


PLACE_CHAIN_SQL = """
with recursive chain(id, name, type, parent_id, depth) as (
    select id, name, type, parent_id, 0 from entities where id = :id
    union all
    select e.id, e.name, e.type, e.parent_id, chain.depth + 1
    from entities e join chain on e.id = chain.parent_id
    where chain.depth < 10
)
select id, name, type from chain order by depth
"""


async def project_context(db, urls, entity_id: int) -> dict | None:
    """A project: where it is, what it is, its milestones, metrics, operators,
    and every paragraph of every article that mentions it."""
    tables = await _tables(db)
    if not {"entities", "projects"} <= tables:
        return None
    entities = await _rows(db, "select * from entities where id = :id", {"id": entity_id})
    if not entities:
        return None
    entity = entities[0]
    # rowid is the projects table's integer key, whether it is `id` or `entity_id`:
    # what project_milestones.project_id and project_operators.project_id point to.
    projects = await _rows(db, "select rowid as project_key, * from projects where entity_id = :id", {"id": entity_id})
    project = projects[0] if projects else {}
    aliases = []
    if "entity_aliases" in tables:
        aliases = [
            r["alias"]
            for r in await _rows(
                db, "select alias from entity_aliases where entity_id = :id order by alias", {"id": entity_id}
            )
            if r["alias"] != entity["name"]
        ]
    location = []
    if project.get("location_id") is not None:
        location = await _rows(db, PLACE_CHAIN_SQL, {"id": project["location_id"]})
    for place in location:
        place["href"] = entity_href(place, urls)
    project_key = project.get("project_key")
    milestones = []
    if "project_milestones" in tables and project:
        milestones = await _rows(
            db,
            "select ms.*, p.document_id, d.title as document_title from project_milestones ms"
            " left join paragraphs p on p.id = ms.paragraph_id left join documents d on d.id = p.document_id"
            " where ms.project_id = :id order by ms.date is null, ms.date, ms.id",
            {"id": project_key},
        )
    operators = []
    if "project_operators" in tables and project:
        operators = await _rows(
            db,
            "select o.role, e.id, e.name, e.type from project_operators o join entities e on e.id = o.org_id"
            " where o.project_id = :id order by o.role, e.name",
            {"id": project_key},
        )
        for org in operators:
            org["href"] = entity_href(org, urls)
    metrics = []
    if "metrics" in tables and "subject_id" in await _columns(db, "metrics"):
        metrics = await _rows(
            db,
            "select m.*, d.title as document_title from metrics m join documents d on d.id = m.document_id"
            " where m.subject_id = :id order by m.dimension, m.label, m.document_id",
            {"id": entity_id},
        )
        for m in metrics:
            m["display"] = metric_title(m)
            m["value_display"] = format_number(m.get("value_normalized"))
    paragraphs = []
    if "entity_mentions" in tables:
        rows = await _rows(
            db,
            "select p.id, p.seq, p.kind, p.text, d.id as document_id, d.title, d.publication, d.published_date,"
            " m.char_start, m.char_end"
            " from entity_mentions m join paragraphs p on p.id = m.paragraph_id"
            " join documents d on d.id = p.document_id"
            " where m.entity_id = :id order by d.published_date, d.id, p.seq, m.char_start",
            {"id": entity_id},
        )
        by_paragraph: dict[int, dict] = {}
        for row in rows:
            paragraph = by_paragraph.setdefault(row["id"], {**row, "spans": []})
            paragraph["spans"].append(Span(row["char_start"], row["char_end"], "mention type-project", entity["name"]))
        for paragraph in by_paragraph.values():
            paragraph["html"] = render_highlighted(paragraph["text"], paragraph.pop("spans"))
        documents: dict[int, dict] = {}
        for paragraph in by_paragraph.values():
            documents.setdefault(
                paragraph["document_id"],
                {
                    "id": paragraph["document_id"],
                    "title": paragraph["title"],
                    "publication": paragraph["publication"],
                    "published_date": paragraph["published_date"],
                    "paragraphs": [],
                },
            )["paragraphs"].append(paragraph)
        paragraphs = list(documents.values())
    return {
        "entity": entity,
        "project": project,
        "aliases": aliases,
        "location": location,
        "milestones": milestones,
        "operators": operators,
        "metrics": metrics,
        "documents": paragraphs,
    }


async def search_context(db, urls, query: str) -> dict:
    """Paragraphs, entities (name or alias) and projects containing every term."""
    terms = search_terms(query)
    context = {"q": query, "terms": terms, "paragraphs": [], "entities": [], "projects": [], "limit": SEARCH_LIMIT}
    if not terms:
        return context
    tables = await _tables(db)
    conditions, params = paragraph_search_conditions(terms, alias="p")
    paragraphs = await _rows(
        db,
        "select p.id, p.seq, p.kind, p.text, d.id as document_id, d.title from paragraphs p"
        " join documents d on d.id = p.document_id where " + " and ".join(conditions)
        + f" order by d.published_date desc, d.id, p.seq limit {SEARCH_LIMIT + 1}",
        params,
    )
    for p in paragraphs:
        p["html"] = mark_terms(p["text"], terms)
    context["paragraphs"] = paragraphs
    if "entities" in tables:
        entity_conditions = []
        entity_params: dict[str, str] = {}
        alias_test = (
            " or exists (select 1 from entity_aliases a where a.entity_id = e.id"
            " and instr(lower(a.alias), lower(:t{i})) > 0)"
            if "entity_aliases" in tables
            else ""
        )
        for i, term in enumerate(terms):
            entity_conditions.append(f"(instr(lower(e.name), lower(:t{i})) > 0{alias_test.format(i=i)})")
            entity_params[f"t{i}"] = term
        where = " and ".join(entity_conditions)
        entities = await _rows(
            db,
            "select e.id, e.name, e.type,"
            + (
                " (select group_concat(alias, '、') from entity_aliases a where a.entity_id = e.id and a.alias != e.name)"
                if "entity_aliases" in tables
                else " null"
            )
            + f" as aliases from entities e where {where} order by e.type, length(e.name), e.name limit {SEARCH_LIMIT + 1}",
            entity_params,
        )
        for e in entities:
            e["href"] = entity_href(e, urls)
            e["type_label"] = ENTITY_TYPES.get(e["type"], e["type"])
        context["entities"] = [e for e in entities if e["type"] != "project"]
        if "projects" in tables:
            projects = await _rows(
                db,
                "select e.id, e.name, pr.category, pr.status, loc.name as location from entities e"
                " join projects pr on pr.entity_id = e.id left join entities loc on loc.id = pr.location_id"
                f" where {where} order by e.name limit {SEARCH_LIMIT + 1}",
                entity_params,
            )
            for p in projects:
                p["href"] = urls.path(f"/-/project/{p['id']}")
            context["projects"] = projects
    return context
