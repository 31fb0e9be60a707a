"""Mistakes in a request (a table that does not exist, a sort by an unknown
column) answered with Datasette's error page, a 4xx status and no traceback in
the server's log; every other exception is left to Datasette's own handler,
which this one replaces (`register_plugins` unregisters it) because Datasette
runs every handler and its own prints a traceback for each."""
from __future__ import annotations

from datasette import handle_exception as datasette_handler
from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
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
