"""The site's own pages and the links to them from Datasette's tables and
canned queries: codes shown as words, names opening their pages."""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import BadRequest, Response
from markupsafe import Markup, escape

from urbandb.site import DATABASE_NAME, pages, words
from urbandb.site.identity import ROW_ID, article_href, entity_href
from urbandb.site.search import SearchTooLarge


async def _error(datasette, request, status: int, message: str) -> Response:
    """An error page answered directly (raising NotFound would let Datasette
    try other spellings of the URL and redirect)."""
    context = {"ok": False, "error": message, "status": status, "title": "找不到" if status == 404 else "请求有误"}
    return Response.html(await datasette.render_template("error.html", context, request=request), status=status)


def _page(template: str, build, missing: str | None = None):
    """A route rendering `template` with the context `build(db, urls, request)` returns."""

    async def view(datasette, request):
        db = datasette.get_database(DATABASE_NAME)
        try:
            context = await build(db, datasette.urls, request)
        except BadRequest as error:
            return await _error(datasette, request, 400, str(error))
        if context is None:
            return await _error(datasette, request, 404, missing or "没有这一页")
        return Response.html(await datasette.render_template(f"urbandb/{template}", context, request=request))

    return view


async def _search(db, urls, request):
    try:
        return await pages.search_context(db, urls, request.args.get("q", ""))
    except SearchTooLarge as error:
        raise BadRequest(str(error)) from error


def _figures(db, urls, request):
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 100_000:
        raise BadRequest("页码应是正整数")
    dimension = request.args.get("dimension") or None
    if dimension is not None and dimension not in words.vocabularies()["dimension"]:
        raise BadRequest("没有这种量纲")
    return pages.figures_context(db, urls, dimension, int(page))


async def article_by_id(datasette, request):
    """An article by its row id (what the tables know): redirects to the lasting address."""
    key = request.url_vars["document_id"]
    if ROW_ID.match(key):
        db = datasette.get_database(DATABASE_NAME)
        rows = (await db.execute("select source_path, source_item from documents where id = ?", [int(key)])).rows
        if rows:
            return Response.redirect(article_href(dict(rows[0]), datasette.urls))
    return await _error(datasette, request, 404, "没有这篇文章")


ROUTES = [
    (r"^/$", _page("home.html", lambda db, urls, r: pages.home_context(db, urls))),
    (r"^/-/search$", _page("search.html", _search)),
    (r"^/-/articles$", _page("articles.html", lambda db, urls, r: pages.articles_context(db, urls))),
    (r"^/-/figures$", _page("figures.html", _figures)),
    (r"^/-/projects$", _page("projects.html", lambda db, urls, r: pages.projects_context(db, urls))),
    (r"^/-/places$", _page("places.html", lambda db, urls, r: pages.places_context(db, urls))),
    (r"^/-/charts$", _page("charts.html", lambda db, urls, r: pages.charts_context(db, urls))),
    (r"^/-/map$", _page("map.html", lambda db, urls, r: pages.map_context(db, urls))),
    (r"^/-/article/(?P<document_id>[0-9]+)$", article_by_id),
    (r"^/-/article/(?P<key>[^/]+)$", _page(
        "article.html", lambda db, urls, r: pages.article_context(db, urls, r.url_vars["key"]), "没有这篇文章")),
    (r"^/-/project/(?P<key>[^/]+)$", _page(
        "project.html", lambda db, urls, r: pages.project_context(db, urls, r.url_vars["key"]), "没有这个项目")),
    (r"^/-/place/(?P<key>[^/]+)$", _page(
        "place.html", lambda db, urls, r: pages.place_context(db, urls, r.url_vars["key"]), "没有这个地点")),
]


@hookimpl
def register_routes():
    return ROUTES


# Columns whose codes are shown as words in HTML (tables and canned queries);
# the JSON and CSV keep the codes.
WORD_COLUMNS = {
    "category": "category", "status": "status", "qualifier": "qualifier", "dimension": "dimension",
    "role": "role", "type": "entity_type", "kind": "paragraph_kind", "unit_normalized": "unit",
}
# A canned query's name column and the column holding what it names.
NAMED_COLUMNS = {"project": "project", "district": "place", "subject": None, "location": "place"}
# A canned query's columns holding a document's row id: shown as the article's title.
REPORT_DOCUMENT_COLUMNS = ("document_id", "document_a", "document_b")
# A canned query's normalized values (with `unit_normalized` in the row), and the label of each.
REPORT_VALUE_COLUMNS = {"value_a": "label_a", "value_b": "label_b"}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Titles open articles, names open project and place pages, codes read as words."""
    if database != DATABASE_NAME:
        return None
    if table == "documents" and column == "title" and _field(row, "id") is not None:
        return _document_cell(datasette, _field(row, "id"))
    if table in DOCUMENT_TABLES and column == "document_id" and _field(row, "document_id") is not None:
        return _document_cell(datasette, _field(row, "document_id"))
    if table is None and column in REPORT_DOCUMENT_COLUMNS and isinstance(value, int):
        return _document_cell(datasette, value)
    if table is None and column == "subject" and isinstance(_field(row, "subject_id"), int):
        return _entity_cell(datasette, "entities", _field(row, "subject_id"))
    if table is None and column in REPORT_VALUE_COLUMNS and isinstance(value, (int, float)):
        unit = _field(row, "unit_normalized")
        if isinstance(unit, str):
            shown = words.scaled(value, unit, None, _field(row, REPORT_VALUE_COLUMNS[column]))
            return Markup(f'<span title="{escape(words.plain(value, unit))}">{escape(shown)}</span>')
    if (table, column) in ENTITY_COLUMNS and _field(row, column) is not None:
        return _entity_cell(datasette, ENTITY_COLUMNS[(table, column)], _field(row, column))
    if value is None:
        return None
    if table == "documents" and column == "text" and isinstance(value, str) and len(value) > 80:
        return Markup(f"{escape(value[:80])}…")
    if table == "paragraphs" and column == "seq":
        document = _field(row, "document_id")
        if document is None:
            return None
        return _link(datasette.urls.path(f"/-/article/{document}#p{value}"), f"第 {value + 1} 段", "在文章中查看")
    if table == "entities" and column == "name" and _field(row, "type") in ("project", "place"):
        return _link(entity_href({"type": _field(row, "type"), "name": value}, datasette.urls), value, "打开页面")
    if table is None and column in NAMED_COLUMNS and isinstance(value, str) and not value.startswith("("):
        kind = NAMED_COLUMNS[column] or _subject_type(row)
        if kind in ("project", "place"):
            return _link(entity_href({"type": kind, "name": value}, datasette.urls), value, "打开页面")
    if table is None and column == "names" and isinstance(value, str):
        links = [_link(entity_href({"type": "project", "name": n}, datasette.urls), n, "打开项目页") for n in value.split("、")]
        return Markup("、").join(links)
    vocabulary = WORD_COLUMNS.get(column)
    if vocabulary and isinstance(value, str) and value in words.vocabularies()[vocabulary]:
        if table in (None, "projects", "project_milestones", "project_operators", "metrics", "entities", "paragraphs"):
            vocabulary = "milestone_status" if table == "project_milestones" and column == "status" else vocabulary
            return words.word(vocabulary, value) or value
    return None


DOCUMENT_TABLES = ("metrics", "paragraphs", "entity_mentions")
# Columns naming an entity (by entities.id) or a project (by projects.id).
ENTITY_COLUMNS = {
    ("projects", "entity_id"): "entities", ("projects", "location_id"): "entities",
    ("project_operators", "org_id"): "entities", ("metrics", "subject_id"): "entities",
    ("entity_mentions", "entity_id"): "entities", ("entities", "parent_id"): "entities",
    ("entity_aliases", "entity_id"): "entities",
    ("project_milestones", "project_id"): "projects", ("project_operators", "project_id"): "projects",
    ("project_sites", "location_id"): "entities", ("project_sites", "project_id"): "projects",
}


async def _entity_cell(datasette, table: str, key: int) -> Markup | None:
    """A project's or place's name linking to its page (other entities keep
    Datasette's link to their row)."""
    sql = (
        "select name, type from entities where id = ?" if table == "entities"
        else "select e.name, e.type from projects p join entities e on e.id = p.entity_id where p.id = ?"
    )
    rows = (await datasette.get_database(DATABASE_NAME).execute(sql, [key])).rows
    if not rows or rows[0]["type"] not in ("project", "place"):
        return None
    entity = dict(rows[0])
    return _link(entity_href(entity, datasette.urls), entity["name"], "打开页面")


async def _document_cell(datasette, document_id: int) -> Markup | None:
    """A document's title (or first words) linking to its article page."""
    link = await pages.document_link(datasette.get_database(DATABASE_NAME), datasette.urls, document_id)
    return _link(link[0], link[1], "打开文章页") if link else None


def _subject_type(row) -> str | None:
    return "project" if _field(row, "project_id") is not None else None


def _link(href: str, text, title: str) -> Markup:
    return Markup(f'<a href="{escape(href)}" title="{escape(title)}">{escape(text)}</a>')


def _field(row, name: str):
    """A column of the row, or None when the page leaves it out (`?_col=`)."""
    try:
        value = row[name]
    except (IndexError, KeyError):
        return None
    # A foreign key expanded to its label arrives as {"value": …, "label": …}.
    return value["value"] if isinstance(value, dict) and "value" in value else value


@hookimpl
def prepare_jinja2_environment(env):
    # Globals, not extra_template_vars: Datasette renders its error page with a bare context.
    env.globals.update(column_heading=words.column_heading, error_heading=words.error_heading,
                       error_words=words.error_words)


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path(path), "label": label}
        for path, label in [
            ("/-/articles", "文章"), ("/-/projects", "项目"), ("/-/places", "地点"), ("/-/figures", "数字"),
            ("/-/charts", "图表"), ("/-/map", "地图"), ("/-/search", "全站搜索"),
        ]
    ]
