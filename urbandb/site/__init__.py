"""The Datasette site: the database published read-only, with urbandb's
metadata, Chinese full-text search on paragraphs, and pages for articles,
projects and a search across paragraphs, entities and projects.

`make_datasette` builds the app (tests use it with `ds.client`), `serve` runs
it on 127.0.0.1 until interrupted (`urbandb serve` calls it).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import yaml

DATABASE_NAME = "urbandb"
"""The database's name in every URL (`/urbandb/paragraphs`), whatever the file is called."""

SITE_DIR = Path(__file__).resolve().parent
METADATA_FILE = SITE_DIR / "metadata.yml"
QUERIES_DIR = SITE_DIR / "queries"
STATIC_MOUNT = "-/urbandb-static"

SETTINGS = {
    # A runaway query is stopped instead of holding a thread.
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "allow_download": False,
    "default_cache_ttl": 0,
}


class SiteError(Exception):
    """The database cannot be published (missing file, unreadable metadata)."""


COLUMNS_LINE = "列："


@dataclass
class CannedQuery:
    """A canned query: `queries/<name>.sql`; its first comment line is the
    title, the following comment lines the description shown on its page,
    except the lines starting with 列： (the columns, for whoever writes SQL:
    the page heads them in words)."""

    name: str
    title: str
    description: str
    sql: str

    def as_metadata(self) -> dict:
        # The SQL is folded away behind a link: people come for the results.
        return {"title": self.title, "description": self.description, "sql": self.sql, "hide_sql": True}


def load_canned_queries(queries_dir: Path = QUERIES_DIR) -> list[CannedQuery]:
    queries = []
    for path in sorted(queries_dir.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        header = []
        for line in sql.splitlines():
            if not line.startswith("--"):
                break
            header.append(line[2:].strip())
        title = header[0] if header else path.stem
        description = " ".join(line for line in header[1:] if line and not line.startswith(COLUMNS_LINE))
        queries.append(CannedQuery(path.stem, title, description, sql))
    return queries


def _runnable(conn: sqlite3.Connection, sql: str) -> bool:
    """Whether the query compiles against this database (its tables exist)."""
    params = {name: None for name in re.findall(r"(?<!:):([A-Za-z_]\w*)", sql)}
    try:
        conn.execute("explain " + sql, params)
    except sqlite3.Error:
        return False
    return True


def build_metadata(db_path: Path) -> dict:
    """metadata.yml, with canned queries from `queries/` — those whose tables
    the database has (a database at an older migration still serves)."""
    try:
        metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(f"cannot read {METADATA_FILE}: {error}") from error
    database = metadata.setdefault("databases", {}).setdefault(DATABASE_NAME, {})
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        queries = {q.name: q.as_metadata() for q in load_canned_queries() if _runnable(conn, q.sql)}
    finally:
        conn.close()
    database["queries"] = {**database.get("queries", {}), **queries}
    return metadata


def register_plugins() -> None:
    """Register urbandb's plugin modules once per process (Datasette's plugin
    manager is global)."""
    from datasette.plugins import pm

    from urbandb.site.plugins import PLUGINS, errors

    for module in PLUGINS:
        if not pm.is_registered(module):
            pm.register(module, name=f"urbandb.site.plugins.{module.__name__.rsplit('.', 1)[-1]}")
    if pm.get_plugin(errors.DATASETTE_HANDLER) is not None:
        pm.unregister(name=errors.DATASETTE_HANDLER)  # `errors` calls it for what it does not answer itself


def make_datasette(db_path: Path):
    """A Datasette app serving `db_path` read-only as the database `urbandb`."""
    from datasette.app import Datasette
    from datasette.database import Database

    db_path = Path(db_path)
    if not db_path.is_file():
        raise SiteError(f"no database at {db_path}: run `urbandb init` and `urbandb load` first")
    register_plugins()
    ds = Datasette(
        metadata=build_metadata(db_path),
        template_dir=str(SITE_DIR / "templates"),
        static_mounts=[(STATIC_MOUNT, str(SITE_DIR / "static"))],
        settings=SETTINGS,
    )
    # Read-only but not immutable: Datasette opens the file with mode=ro, so a
    # load running meanwhile (WAL) is seen when it commits; the plugin adds
    # PRAGMA query_only. Named `urbandb` whatever the file's name.
    ds.add_database(Database(ds, path=str(db_path), is_mutable=True), name=DATABASE_NAME)
    if "_memory" in ds.databases:
        ds.remove_database("_memory")  # an empty database on the home page helps no one
    return ds


def serve(db_path: Path, port: int, host: str = "127.0.0.1") -> None:
    """Serve the site until interrupted (blocks)."""
    import uvicorn

    ds = make_datasette(db_path)
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on")
