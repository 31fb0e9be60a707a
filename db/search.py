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

from sqlalchemy import Connection, text

from urbandb.db.prepared import Prepared
from urbandb.site.search import UNSEARCHED_KINDS, paragraph_search_conditions, search_terms


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


_SEARCHABLE = "kind not in ({})".format(", ".join(f"'{kind}'" for kind in UNSEARCHED_KINDS))
_QUEUE_DOCUMENT = Prepared(text("insert into search_backlog (document_id) values (:document_id)"), ["document_id"])
# The paragraphs are read back by SQL: their text need not travel to the database twice.
# The backlog first (`cross join` fixes the order: without it SQLite scans every
# paragraph to find the few queued), and a paragraph a changed file kept, id and
# text, is in the index already.
_INDEX_BACKLOG = Prepared(
    text(
        "insert into fts_paragraphs (rowid, text) select p.id, p.text from search_backlog b"
        " cross join paragraphs p on p.document_id = b.document_id"
        f" where p.{_SEARCHABLE} and not exists (select 1 from fts_paragraphs f where f.rowid = p.id) order by p.id"
    )
)
_CLEAR_BACKLOG = Prepared(text("delete from search_backlog"))
_SEARCHABLE_OF_FILE = Prepared(
    text(
        "select p.id, d.source_item, p.text from paragraphs p join documents d on d.id = p.document_id"
        f" where d.source_path = :path and p.{_SEARCHABLE} order by p.id"
    ),
    ["path"],
)
_UNINDEX_PARAGRAPH = Prepared(text("delete from fts_paragraphs where rowid = :id"), ["id"])

# FTS5 writes a segment per transaction and merges them as they pile up:
# indexing file by file spent a sixth of a load's time there. A load queues
# each document in its file's transaction and indexes the queue (the backlog)
# once this many files have been written, and at the run's start and end;
# a run that dies leaves its backlog to the next one. Searches miss at most
# this many files' documents while a load runs.
BACKLOG_FILES = 50


def queue_document(conn: Connection, document_id: int) -> None:
    """Queue a document's paragraphs (written already) for the search index."""
    if not is_postgresql(conn):
        _QUEUE_DOCUMENT.execute(conn, (document_id,))


def index_backlog(conn: Connection) -> None:
    """Make the queued documents' searchable paragraphs searchable."""
    if not is_postgresql(conn):
        _INDEX_BACKLOG.execute(conn, ())
        _CLEAR_BACKLOG.execute(conn, ())


def searchable_paragraphs(conn: Connection, path: str) -> dict[tuple[int, str], list[int]]:
    """(source item, text) -> ids of the searchable paragraphs loaded from `path`
    which a changed file may keep with their index rows (SQLite; none on
    PostgreSQL, whose index follows the table by itself)."""
    found: dict[tuple[int, str], list[int]] = {}
    if not is_postgresql(conn):
        for paragraph_id, source_item, body in _SEARCHABLE_OF_FILE.execute(conn, (path,)):
            found.setdefault((source_item, body), []).append(paragraph_id)
    return found


def unindex_paragraphs(conn: Connection, paragraph_ids) -> None:
    """Forget these paragraphs (removed, or changed) in the search index."""
    if not is_postgresql(conn):
        _UNINDEX_PARAGRAPH.execute_many(conn, [(paragraph_id,) for paragraph_id in paragraph_ids])


# FTS5 merges the index's segments when this many of one size exist (its
# default is 4). A load commits one small segment per file; merging by 16
# spends about a sixth less of the load's time on the index, and searching
# 1,000 files measured as fast (bench/write.py, docs/benchmarks.md).
MERGE_SEGMENTS = 16
_MERGE_SEGMENTS = Prepared(
    text("insert into fts_paragraphs (fts_paragraphs, rank) values ('automerge', :segments)"), ["segments"]
)


def prepare_for_load(conn: Connection) -> None:
    """Set how the search index merges while files are added (kept by the database)."""
    if not is_postgresql(conn):
        _MERGE_SEGMENTS.execute(conn, (MERGE_SEGMENTS,))


def rebuild_index(conn: Connection) -> None:
    """Index every searchable paragraph again (after rows were copied in)."""
    if is_postgresql(conn):
        conn.execute(text("reindex index fts_paragraphs"))
        return
    conn.execute(text("delete from fts_paragraphs"))
    conn.execute(text("delete from search_backlog"))
    conn.execute(text(f"insert into fts_paragraphs (rowid, text) select id, text from paragraphs where {_SEARCHABLE}"))


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
