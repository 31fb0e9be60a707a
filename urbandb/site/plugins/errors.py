"""Mistakes in a request (a table that does not exist, a sort by an unknown
column) answered with Datasette's error page, a 4xx status and no traceback in
the server's log; every other exception is left to Datasette's own handler,
which this one replaces (`register_plugins` unregisters it) because Datasette
runs every handler and its own prints a traceback for each.

A few query arguments Datasette parses without checking (`?_through=`, a JSON
list after `__in=`, `?_timelimit=`) would end in a 500: they are checked
before Datasette sees the request, and a malformed one is a 400."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from datasette import handle_exception as datasette_handler
from datasette import hookimpl
from datasette.utils.asgi import Base400, Request, Response
from datasette.views.base import DatasetteError

DATASETTE_HANDLER = "datasette.handle_exception"  # its name in Datasette's plugin manager
# Datasette raises these with status 500, though the request is what is wrong.
REQUEST_MISTAKES = ("Cannot sort table by", "Cannot use _sort and _sort_desc")


def request_mistake(exception: BaseException) -> int | None:
    """The 4xx status of an exception the request caused, None for any other."""
    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        if exception.status < 500:
            return exception.status
        if str(exception.message).startswith(REQUEST_MISTAKES):
            return 400
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    status = request_mistake(exception)
    if status is None:
        return datasette_handler.handle_exception(datasette, request, exception)
    message = exception.message if isinstance(exception, DatasetteError) else exception.args[0] if exception.args else ""
    info = {"ok": False, "error": str(message), "status": status, "title": getattr(exception, "title", None)}

    async def page():
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        context = dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
        return Response.html(await template.render_async(context), status=status)

    return page


def _json(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return None


def argument_mistake(arguments: list[tuple[str, str]]) -> str | None:
    """What is wrong with the query arguments Datasette would fail on, or None."""
    for name, value in arguments:
        if name == "_through":
            through = _json(value)
            if not (isinstance(through, dict) and {"table", "column", "value"} <= through.keys()):
                return "_through 应是含 table、column、value 的 JSON 对象"
        elif name == "_timelimit" and not value.isdigit():
            return "_timelimit 应是毫秒数（正整数）"
        elif name.endswith(("__in", "__notin")) and value.startswith("[") and not isinstance(_json(value), list):
            return f"{name} 的值以 [ 开头时应是 JSON 数组"
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] == "http":
                query = scope.get("query_string", b"").decode("utf-8", "replace")
                mistake = argument_mistake(parse_qsl(query, keep_blank_values=True))
                if mistake is not None:
                    response = await _mistake_page(datasette, Request(scope, receive), mistake)
                    await response.asgi_send(send)
                    return
            await app(scope, receive, send)

        return checked

    return wrap


async def _mistake_page(datasette, request, message: str) -> Response:
    if request.path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": 400, "title": "请求有误"}, status=400)
    context = {"ok": False, "error": message, "status": 400, "title": "请求有误"}
    # Outside Datasette's middleware: no CSRF token, no actor, so no request for the template.
    return Response.html(await datasette.render_template("error.html", context), status=400)
