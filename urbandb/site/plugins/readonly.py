"""Nothing can be written through the site, and the site's own stylesheet and script."""
from __future__ import annotations

from datasette import hookimpl

from urbandb.site import DATABASE_NAME, STATIC_MOUNT


@hookimpl
def prepare_connection(conn, database, datasette):
    # Datasette already opens the file with mode=ro; query_only also refuses
    # writes on the connection Datasette would use for execute_write().
    if database == DATABASE_NAME:
        conn.execute("PRAGMA query_only = 1")


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/site.css")]


@hookimpl
def extra_js_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT}/site.js")]
