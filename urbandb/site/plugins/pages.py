"""The site's own pages (search, article, project) and the links to them."""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from urbandb.site import DATABASE_NAME
from urbandb.site import pages


async def search_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    context = await pages.search_context(db, datasette.urls, request.args.get("q", ""))
    return Response.html(await datasette.render_template("urbandb/search.html", context, request=request))


async def article_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    context = await pages.article_context(db, datasette.urls, int(request.url_vars["document_id"]))
    if context is None:
        raise NotFound("没有这篇文章")
    return Response.html(await datasette.render_template("urbandb/article.html", context, request=request))


async def project_page(datasette, request):
    db = datasette.get_database(DATABASE_NAME)
    context = await pages.project_context(db, datasette.urls, int(request.url_vars["entity_id"]))
    if context is None:
        raise NotFound("没有这个项目")
    return Response.html(await datasette.render_template("urbandb/project.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/search$", search_page),
        (r"^/-/article/(?P<document_id>\d+)$", article_page),
        (r"^/-/project/(?P<entity_id>\d+)$", project_page),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Document titles open the article page, a paragraph's seq its place in
    the article; project names open the project page."""
    if database != DATABASE_NAME or value is None:
        return None
    if table == "documents" and column == "title":
        if _field(row, "id") is None:
            return None
        href = datasette.urls.path(f"/-/article/{row['id']}")
        return Markup(f'<a href="{escape(href)}" title="打开文章页">{escape(value)}</a>')
    if table == "paragraphs" and column == "seq":
        document = _field(row, "document_id")
        if document is None:
            return None
        href = datasette.urls.path(f"/-/article/{document}#p{value}")
        return Markup(f'<a href="{escape(href)}" title="在文章中查看">{escape(value)}</a>')
    if table == "entities" and column == "name" and _field(row, "type") == "project":
        href = datasette.urls.path(f"/-/project/{row['id']}")
        return Markup(f'<a href="{escape(href)}" title="打开项目页">{escape(value)}</a>')
    return None


def _field(row, name: str):
    """A column of the row, or None when the page leaves it out (`?_col=`)."""
    try:
        value = row[name]
    except (IndexError, KeyError):
        return None
    # A foreign key expanded to its label arrives as {"value": …, "label": …}.
    return value["value"] if isinstance(value, dict) and "value" in value else value


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/search"), "label": "全站搜索"},
        {"href": datasette.urls.table(DATABASE_NAME, "paragraphs"), "label": "段落全文搜索"},
    ]
