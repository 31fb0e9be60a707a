"""Paragraph search, the one place where the backends differ in SQL.

SQLite: `fts_paragraphs`, an FTS5 trigram table the loader fills (rowid =
paragraph id, boilerplate left out); terms shorter than three characters are
a substring scan (see `docs/search.md`). PostgreSQL: a pg_trgm GIN index on
`paragraphs.text` (partial: boilerplate left out, created by migration 0001),
which serves `ILIKE '%term%'` for any term; PostgreSQL keeps it up to date.

Both answer the same question: the non-boilerplate paragraphs whose text
contains every whitespace-separated term of the query, as a substring.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Connection, text

from urbandb.site.search import UNSEARCHED_KINDS, paragraph_search_conditions, search_terms


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def index_paragraphs(conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Make (paragraph id, text) rows searchable."""
    rows = [{"id": paragraph_id, "text": body} for paragraph_id, body in rows]
    if rows and not is_postgresql(conn):
        conn.execute(text("insert into fts_paragraphs (rowid, text) values (:id, :text)"), rows)


def unindex_source_file(conn: Connection, path: str) -> None:
    """Forget the paragraphs of the documents loaded from `path`."""
    if not is_postgresql(conn):
        conn.execute(
            text(
                "delete from fts_paragraphs where rowid in (select p.id from paragraphs p"
                " join documents d on d.id = p.document_id where d.source_path = :path)"
            ),
            {"path": path},
        )


def rebuild_index(conn: Connection) -> None:
    """Index every searchable paragraph again (after rows were copied in)."""
    if is_postgresql(conn):
        conn.execute(text("reindex index fts_paragraphs"))
        return
    kinds = ", ".join(f"'{kind}'" for kind in UNSEARCHED_KINDS)
    conn.execute(text("delete from fts_paragraphs"))
    conn.execute(
        text(f"insert into fts_paragraphs (rowid, text) select id, text from paragraphs where kind not in ({kinds})")
    )


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's own characters taken literally (escape character `\\`)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_paragraphs(conn: Connection, query: str) -> list[int]:
    """Ids of the paragraphs that contain every term of `query`, in id order
    (no terms: none)."""
    terms = search_terms(query)
    if not terms:
        return []
    if is_postgresql(conn):
        params = {f"term_{i}": like_pattern(term) for i, term in enumerate(terms)}
        conditions = [f"p.text ilike :{name} escape '\\'" for name in params]
        # The same predicate as the partial index, so the planner may use it.
        conditions.append("p.kind <> 'boilerplate'")
    else:
        conditions, params = paragraph_search_conditions(terms, alias="p")
    sql = f"select p.id from paragraphs p where {' and '.join(conditions)} order by p.id"
    return [row[0] for row in conn.execute(text(sql), params)]
