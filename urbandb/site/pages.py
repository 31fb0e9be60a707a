"""What the site's own pages show: the data behind the home page, the lists
(articles, projects, places, figures), the article, project and place pages,
the search, the charts and the map, and the highlighting of facts in
paragraph text. Codes are turned into words here (`urbandb.site.words`), links
into lasting addresses (`urbandb.site.identity`).

The functions take a Datasette `Database` and return plain template
contexts (None: no such thing, a 404); `urbandb.site.plugins.pages` turns them into responses. Tables that
a database at an older migration lacks (metrics, entities …) are left out of
the pages, not an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup, escape

from urbandb.site import QUERIES_DIR, words
from urbandb.site.charts import MapPoint, bar_chart, map_svg, stacked_bar_chart
from urbandb.site.identity import ARTICLE_KEY, article_href, article_key, entity_href, entity_lookup
from urbandb.site.search import paragraph_search_conditions, search_terms

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


def metric_title(m: dict) -> str:
    """What a figure's highlight says, in words (no codes)."""
    return words.figure_details(m)


def mention_title(m: dict) -> str:
    kind = words.word("entity_type", m.get("type"), "")
    return f"{m['name']}（{kind}）" if kind else str(m["name"])


# --- data ---


async def _tables(db) -> set[str]:
    return set(await db.table_names())


async def _rows(db, sql: str, params: dict | None = None) -> list[dict]:
    result = await db.execute(sql, params or {})
    return [dict(row) for row in result.rows]


async def _columns(db, table: str) -> set[str]:
    return set(await db.table_columns(table))


async def document_link(db, urls, document_id: int) -> tuple[str, str] | None:
    """The article page of a document row id, and the title to show for it."""
    rows = await _rows(db, f"select d.title, d.source_path, d.source_item, {OPENING_SQL} as opening"
                           " from documents d where d.id = :id", {"id": document_id})
    return (article_href(rows[0], urls), display_title(rows[0])) if rows else None


async def find_document(db, key: str) -> dict | None:
    """The document an article key names (see `identity.article_key`)."""
    if not ARTICLE_KEY.match(key):
        return None
    for row in await _rows(db, "select id, source_path, source_item from documents"):
        if article_key(row["source_path"], row["source_item"]) == key:
            return (await _rows(db, f"select d.*, {OPENING_SQL} as opening from documents d where d.id = :id",
                                {"id": row["id"]}))[0]
    return None


async def article_context(db, urls, key: str) -> dict | None:
    """A document with its paragraphs in order, each fact highlighted in place."""
    document = await find_document(db, key)
    if document is None:
        return None
    document_id = document["id"]
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
        "display_title": display_title(document),
        "paragraphs": paragraphs,
        "metric_count": len(metrics),
        "mention_count": len(mentions),
        "has_metrics": "metrics" in tables,
        "has_mentions": "entity_mentions" in tables,
    }


PLACE_CHAIN_SQL = """
with recursive chain(id, name, type, parent_id, longitude, latitude, depth) as (
    select id, name, type, parent_id, longitude, latitude, 0 from entities where id = :id
    union all
    select e.id, e.name, e.type, e.parent_id, e.longitude, e.latitude, chain.depth + 1
    from entities e join chain on e.id = chain.parent_id
    where chain.depth < 10
)
select chain.id, chain.name, chain.type, chain.longitude, chain.latitude, e.adcode
from chain join entities e on e.id = chain.id order by depth
"""

PLACE_TREE_SQL = """
with recursive tree(id, depth) as (
    select :id, 0
    union all
    select e.id, tree.depth + 1 from entities e join tree on e.parent_id = tree.id
    where e.type = 'place' and tree.depth < 10
)
select id from tree
"""

OPENING_SQL = (
    "(select substr(op.text, 1, 24) from paragraphs op where op.document_id = d.id"
    " and op.kind in ('title', 'subtitle', 'heading', 'body') order by op.seq limit 1)"
)
"""The first words of a document `d`, a title for an untitled article."""
DOCUMENT_COLUMNS = f"d.id as document_id, d.title as document_title, d.source_path, d.source_item, {OPENING_SQL} as opening"


def display_title(document: dict) -> str:
    """A title to show and to click, also for an article without one: its
    first words, or its file's name."""
    title = (document.get("title") or document.get("document_title") or "").strip()
    if title:
        return title
    if document.get("opening"):
        return f"（无标题）{document['opening']}…"
    name = (document.get("source_path") or "").rsplit("/", 1)[-1]
    return f"（无标题）{name}"


async def find_entity(db, key: str, kind: str) -> dict | None:
    """The entity of type `kind` a URL key names (id or canonical name)."""
    if "entities" not in await _tables(db):
        return None
    lookup = entity_lookup(key)
    if lookup is None:
        return None
    column, value = lookup
    rows = await _rows(db, f"select * from entities where {column} = :v and type = :t", {"v": value, "t": kind})
    return rows[0] if rows else None


def _link_documents(rows: list[dict], urls, seq_column: str | None = None) -> None:
    for row in rows:
        if row.get("source_path") is not None:
            row["article_href"] = article_href(row, urls, row.get(seq_column) if seq_column else None)
            row["article_title"] = display_title(row)


def _describe_figures(metrics: list[dict]) -> None:
    for m in metrics:
        m["value_words"] = words.figure_value(m)
        m["details"] = words.figure_details(m)
        m["dimension_word"] = words.word("dimension", m.get("dimension"))


async def project_context(db, urls, key: str) -> dict | None:
    """A project: where it is, what it is, its milestones, metrics, operators,
    and every paragraph of every article that mentions it."""
    tables = await _tables(db)
    if "projects" not in tables:
        return None
    entity = await find_entity(db, key, "project")
    if entity is None:
        return None
    entity_id = entity["id"]
    # rowid is the projects table's integer key, whether it is `id` or `entity_id`:
    # what project_milestones.project_id and project_operators.project_id point to.
    projects = await _rows(db, "select rowid as project_key, * from projects where entity_id = :id", {"id": entity_id})
    project = projects[0] if projects else {}
    project["category_word"] = words.word("category", project.get("category"))
    project["status_word"] = words.word("status", project.get("status"))
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
    if "project_milestones" in tables and project_key is not None:
        milestones = await _rows(
            db,
            f"select ms.*, p.seq, {DOCUMENT_COLUMNS} from project_milestones ms"
            " left join paragraphs p on p.id = ms.paragraph_id left join documents d on d.id = p.document_id"
            " where ms.project_id = :id order by ms.date is null, ms.date, ms.id",
            {"id": project_key},
        )
        _link_documents(milestones, urls, "seq")
        for ms in milestones:
            ms["status_word"] = words.word("milestone_status", ms.get("status"), "")
    operators = []
    if "project_operators" in tables and project_key is not None:
        operators = await _rows(
            db,
            "select o.role, e.id, e.name, e.type from project_operators o join entities e on e.id = o.org_id"
            " where o.project_id = :id order by o.role, e.name",
            {"id": project_key},
        )
        for org in operators:
            org["href"] = entity_href(org, urls)
            org["role_word"] = words.word("role", org.get("role"), "")
    metrics = await _figures_about(db, urls, [entity_id])
    documents = await _mentioning_paragraphs(db, urls, entity)
    return {
        "entity": entity,
        "project": project,
        "aliases": aliases,
        "location": location,
        "milestones": milestones,
        "operators": operators,
        "metrics": metrics,
        "documents": documents,
    }


async def _figures_about(db, urls, entity_ids: list[int]) -> list[dict]:
    """The figures whose subject is one of these entities."""
    if "metrics" not in await _tables(db) or "subject_id" not in await _columns(db, "metrics") or not entity_ids:
        return []
    marks = ", ".join(str(int(i)) for i in entity_ids)
    metrics = await _rows(
        db,
        f"select m.*, p.seq, {DOCUMENT_COLUMNS} from metrics m join documents d on d.id = m.document_id"
        f" join paragraphs p on p.id = m.paragraph_id where m.subject_id in ({marks})"
        " order by m.dimension, m.label, m.document_id",
    )
    _describe_figures(metrics)
    _link_documents(metrics, urls, "seq")
    return metrics


async def _mentioning_paragraphs(db, urls, entity: dict) -> list[dict]:
    """Every paragraph mentioning the entity, grouped by article."""
    if "entity_mentions" not in await _tables(db):
        return []
    rows = await _rows(
        db,
        "select p.id, p.seq, p.kind, p.text, d.id as document_id, d.title, d.source_path, d.source_item,"
        f" d.publication, d.published_date, m.char_start, m.char_end, {OPENING_SQL} as opening"
        " from entity_mentions m join paragraphs p on p.id = m.paragraph_id"
        " join documents d on d.id = p.document_id"
        " where m.entity_id = :id order by d.published_date, d.id, p.seq, m.char_start",
        {"id": entity["id"]},
    )
    by_paragraph: dict[int, dict] = {}
    css = f"mention type-{entity.get('type') or 'none'}"
    for row in rows:
        paragraph = by_paragraph.setdefault(row["id"], {**row, "spans": []})
        paragraph["spans"].append(Span(row["char_start"], row["char_end"], css, entity["name"]))
    documents: dict[int, dict] = {}
    for paragraph in by_paragraph.values():
        paragraph["html"] = render_highlighted(paragraph["text"], paragraph.pop("spans"))
        paragraph["href"] = article_href(paragraph, urls, paragraph["seq"])
        documents.setdefault(
            paragraph["document_id"],
            {
                "title": display_title(paragraph),
                "href": article_href(paragraph, urls),
                "publication": paragraph["publication"],
                "published_date": paragraph["published_date"],
                "paragraphs": [],
            },
        )["paragraphs"].append(paragraph)
    return list(documents.values())


async def place_context(db, urls, key: str) -> dict | None:
    """A place: its parents, child places, the projects located in it or in
    its child places, the figures about it, the paragraphs naming it."""
    place = await find_entity(db, key, "place")
    if place is None:
        return None
    chain = await _rows(db, PLACE_CHAIN_SQL, {"id": place["id"]})
    parents = chain[1:][::-1]
    for p in parents:
        p["href"] = entity_href(p, urls)
    children = await _rows(
        db, "select id, name, type from entities where parent_id = :id and type = 'place' order by name",
        {"id": place["id"]},
    )
    for child in children:
        child["href"] = entity_href(child, urls)
    within = [r["id"] for r in await _rows(db, PLACE_TREE_SQL, {"id": place["id"]})]
    projects = await _project_rows(db, urls, f"pr.location_id in ({', '.join(str(int(i)) for i in within)})")
    return {
        "place": place,
        "parents": parents,
        "children": children,
        "projects": projects,
        "metrics": await _figures_about(db, urls, [place["id"]]),
        "documents": await _mentioning_paragraphs(db, urls, place),
    }


PROJECT_ROWS_SQL = """
select e.id, e.name, e.type, pr.category, pr.status, loc.id as place_id, loc.name as place_name, loc.type as place_type,
    (select ms.event || coalesce('（' || ms.date || '）', '') from project_milestones ms
     where ms.project_id = pr.rowid order by ms.date is null, ms.date desc, ms.id desc limit 1) as latest_milestone,
    (select count(distinct m.document_id) from entity_mentions m where m.entity_id = e.id) as articles
from projects pr
join entities e on e.id = pr.entity_id
left join entities loc on loc.id = pr.location_id
"""


async def _project_rows(db, urls, where: str = "1 = 1") -> list[dict]:
    """Projects as a list people read: name, place, category, status, latest milestone."""
    tables = await _tables(db)
    if not {"projects", "project_milestones", "entity_mentions"} <= tables:
        return []
    rows = await _rows(db, PROJECT_ROWS_SQL + f" where {where} order by articles desc, e.name")
    for row in rows:
        row["href"] = entity_href(row, urls)
        if row["place_id"] is not None:
            # a place, or the park (a project) the project is in
            row["place_href"] = entity_href({"type": row["place_type"], "name": row["place_name"]}, urls)
        row["category_word"] = words.word("category", row["category"])
        row["status_word"] = words.word("status", row["status"])
    return rows


async def projects_context(db, urls) -> dict:
    return {"projects": await _project_rows(db, urls)}


async def places_context(db, urls) -> dict:
    """Places with the projects located in them (directly) and the articles naming them."""
    if not {"entities", "projects", "entity_mentions"} <= await _tables(db):
        return {"places": []}
    places = await _rows(
        db,
        "select e.id, e.name, e.type, parent.name as parent_name,"
        " (select count(*) from projects pr where pr.location_id = e.id) as projects,"
        " (select count(distinct m.document_id) from entity_mentions m where m.entity_id = e.id) as articles"
        " from entities e left join entities parent on parent.id = e.parent_id"
        " where e.type = 'place' order by projects desc, articles desc, e.name",
    )
    for place in places:
        place["href"] = entity_href(place, urls)
        if place["parent_name"]:
            place["parent_href"] = entity_href({"type": "place", "name": place["parent_name"]}, urls)
    return {"places": places}


async def articles_context(db, urls) -> dict:
    """Articles: title, publication, date, how many figures and projects."""
    tables = await _tables(db)
    figures = "(select count(*) from metrics m where m.document_id = d.id)" if "metrics" in tables else "0"
    projects = (
        "(select count(distinct m.entity_id) from entity_mentions m join entities e on e.id = m.entity_id"
        " where m.document_id = d.id and e.type = 'project')"
        if {"entity_mentions", "entities"} <= tables
        else "0"
    )
    articles = await _rows(
        db,
        "select d.id, d.title, d.source_path, d.source_item, d.publication, d.published_date,"
        f" {OPENING_SQL} as opening, {figures} as figures, {projects} as projects from documents d"
        " order by d.published_date is null, d.published_date desc, d.id",
    )
    for article in articles:
        article["href"] = article_href(article, urls)
        article["display_title"] = display_title(article)
    return {"articles": articles}


FIGURES_PAGE_SIZE = 200


async def figures_context(db, urls, dimension: str | None, page: int) -> dict:
    """Figures a page at a time: value in words, what it measures, of which
    project or place, in which article and paragraph."""
    if "metrics" not in await _tables(db):
        return {"figures": [], "dimensions": [], "page": page, "more": False, "dimension": None}
    dimensions = await _rows(db, "select dimension, count(*) as n from metrics group by dimension order by n desc")
    for d in dimensions:
        d["word"] = words.word("dimension", d["dimension"])
    where, params = "", {}
    if dimension:
        where, params = "where m.dimension = :dimension", {"dimension": dimension}
    figures = await _rows(
        db,
        f"select m.*, p.seq, {DOCUMENT_COLUMNS}, e.name as subject_name, e.type as subject_type"
        " from metrics m join documents d on d.id = m.document_id join paragraphs p on p.id = m.paragraph_id"
        f" left join entities e on e.id = m.subject_id {where}"
        " order by d.published_date is null, d.published_date desc, d.id, p.seq, m.char_start"
        f" limit {FIGURES_PAGE_SIZE + 1} offset {(page - 1) * FIGURES_PAGE_SIZE}",
        params,
    )
    more = len(figures) > FIGURES_PAGE_SIZE
    figures = figures[:FIGURES_PAGE_SIZE]
    _describe_figures(figures)
    _link_documents(figures, urls, "seq")
    for f in figures:
        if f["subject_name"] and f["subject_type"] in ("project", "place"):
            f["subject_href"] = entity_href({"type": f["subject_type"], "name": f["subject_name"]}, urls)
    return {"figures": figures, "dimensions": dimensions, "page": page, "more": more, "dimension": dimension}


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
        "select p.id, p.seq, p.kind, p.text, d.id as document_id, d.title, d.source_path, d.source_item,"
        f" {OPENING_SQL} as opening from paragraphs p join documents d on d.id = p.document_id where " + " and ".join(conditions)
        + f" order by d.published_date desc, d.id, p.seq limit {SEARCH_LIMIT + 1}",
        params,
    )
    for p in paragraphs:
        p["html"] = mark_terms(p["text"], terms)
        p["href"] = article_href(p, urls, p["seq"])
        p["display_title"] = display_title(p)
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
            e["type_label"] = words.word("entity_type", e["type"])
        context["entities"] = [e for e in entities if e["type"] != "project"]
        context["projects"] = await _project_rows(
            db, urls, "e.id in (" + ", ".join(str(e["id"]) for e in entities if e["type"] == "project") + ")"
        ) if any(e["type"] == "project" for e in entities) else []
    return context


# --- pictures ---


async def charts_context(db, urls) -> dict:
    """Figures by year, land released per district and year, projects by
    status and category: the rows and their charts."""
    tables = await _tables(db)
    if not {"metrics", "projects", "entities"} <= tables:
        return {"by_year": [], "land": [], "status": [], "charts": {}}
    by_year = await _rows(
        db,
        "select coalesce(cast(m.as_of_year as text), substr(d.published_date, 1, 4), '年份不详') as year,"
        " count(*) as figures from metrics m join documents d on d.id = m.document_id group by year order by year",
    )
    land = await _rows(db, (QUERIES_DIR / "land_released_per_district_and_year.sql").read_text(encoding="utf-8"))
    status = await _rows(
        db,
        "select status, category, count(*) as projects from projects group by status, category"
        " order by status is null, status, projects desc",
    )
    for row in land:
        row["area_words"] = words.scaled(row["area_m2"], "m2", "area")
        row["year_word"] = f"{row['year']}年" if row["year"] is not None else "年份不详"
    for row in status:
        row["status_word"] = words.word("status", row["status"])
        row["category_word"] = words.word("category", row["category"])
    charts = {
        "by_year": bar_chart([
            (f"{r['year']}年" if r["year"].isdigit() else r["year"], r["figures"], f"{r['year']}：{r['figures']} 个数字")
            for r in by_year
        ], "各年份的数字"),
        "land": stacked_bar_chart(
            [(r["district"], r["year_word"], round(r["area_m2"] / 1e4, 1)) for r in land], " 公顷", "各区每年释放的土地"
        ),
        "status": stacked_bar_chart(
            [(r["status_word"], r["category_word"], r["projects"]) for r in status], " 个", "按状态和类别的项目"
        ),
    }
    return {"by_year": by_year, "land": land, "status": status, "charts": charts}


async def map_context(db, urls) -> dict:
    """Projects placed where the text and the gazetteer allow: at their own
    coordinates or their place's; otherwise gathered at the nearest enclosing
    place that has coordinates (a cluster); the rest listed as not placed."""
    if not {"projects", "entities"} <= await _tables(db):
        return {"map": map_svg([]), "placed": [], "clustered": [], "unplaced": []}
    projects = await _rows(
        db,
        "select e.id, e.name, e.type, e.longitude, e.latitude, pr.location_id from projects pr"
        " join entities e on e.id = pr.entity_id order by e.name",
    )
    points: dict[tuple, MapPoint] = {}
    placed, clustered, unplaced = [], [], []
    for project in projects:
        project["href"] = entity_href(project, urls)
        chain = []
        if project["longitude"] is not None and project["latitude"] is not None:
            chain = [{**project, "type": "project", "adcode": None}]
        elif project["location_id"] is not None:
            chain = await _rows(db, PLACE_CHAIN_SQL, {"id": project["location_id"]})
        anchor = next(((depth, p) for depth, p in enumerate(chain) if p["longitude"] is not None), None)
        project["location"] = chain[0]["name"] if chain else None
        if anchor is None:
            unplaced.append(project)
            continue
        depth, place = anchor
        # A district's or a city's centre (six-digit division code) says only
        # which area a project is in: those are drawn as clusters.
        exact = depth == 0 and not (place.get("adcode") or "").isdigit()
        project["at"] = place["name"]
        (placed if exact else clustered).append(project)
        point = points.setdefault(
            (place["id"], exact),
            MapPoint(place["name"], place["longitude"], place["latitude"], [], exact, entity_href(place, urls)),
        )
        point.projects.append(project["name"])
    return {"map": map_svg(list(points.values())), "placed": placed, "clustered": clustered, "unplaced": unplaced}


async def home_context(db, urls) -> dict:
    """What there is, and the ways into it."""
    tables = await _tables(db)
    counts = {"articles": (await _rows(db, "select count(*) as n from documents"))[0]["n"]}
    for name, sql, needs in [
        ("figures", "select count(*) as n from metrics", "metrics"),
        ("projects", "select count(*) as n from projects", "projects"),
        ("places", "select count(*) as n from entities where type = 'place'", "entities"),
    ]:
        counts[name] = (await _rows(db, sql))[0]["n"] if needs in tables else 0
    latest = (await articles_context(db, urls))["articles"][:5]
    return {"counts": counts, "latest": latest}
