"""Where facts are written: one source file's articles replace its old rows.

Everything here runs inside the caller's transaction, so a file is either
fully loaded or not at all. The statements run for every file go straight to
the driver (`driver_cursor`), several rows per `executemany`.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Sequence

from sqlalchemy import Connection, insert

from urbandb.db.engine import driver_cursor, dump_json
from urbandb.db.models import LoadError, LoaderRun
from urbandb.loaders.article import Article
from urbandb.loaders.entity_index import EntityIndex
from urbandb.loaders.entity_store import delete_entity_facts, write_entities

loader_runs = LoaderRun.__table__
load_errors = LoadError.__table__

DOCUMENT_FIELDS = (
    "source_path",
    "source_item",
    "content_sha256",
    "format",
    "encoding",
    "title",
    "subtitle",
    "authors",
    "publication",
    "published_date",
    "url",
    "text",
    "char_count",
    "loaded_at",
    "run_id",
    "extractor_version",
)
PARAGRAPH_FIELDS = ("document_id", "seq", "kind", "section", "text", "char_start", "char_end")
METRIC_FIELDS = (
    "char_start",
    "char_end",
    "surface",
    "value",
    "unit",
    "value_normalized",
    "unit_normalized",
    "dimension",
    "qualifier",
    "value_min",
    "value_max",
    "label",
    "as_of_year",
    "subject",
    "sentence",
)


def insert_statement(table: str, fields: Sequence[str]) -> str:
    return f"insert into {table} ({', '.join(fields)}) values ({', '.join('?' for _ in fields)})"


INSERT_SOURCE_FILE = insert_statement(
    "source_files", ("path", "content_sha256", "size_bytes", "document_count", "loaded_at", "run_id")
)
INSERT_DOCUMENT = insert_statement("documents", DOCUMENT_FIELDS)
INSERT_PARAGRAPH = insert_statement("paragraphs", PARAGRAPH_FIELDS)
INSERT_SEARCHABLE = "insert into fts_paragraphs (rowid, text) values (?, ?)"
INSERT_METRIC = insert_statement("metrics", ("document_id", "paragraph_id", *METRIC_FIELDS))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stored_hash(conn: Connection, path: str) -> str | None:
    # fetchall ends the read, so the file's write transaction starts from a fresh snapshot.
    rows = driver_cursor(conn).execute("select content_sha256 from source_files where path = ?", (path,)).fetchall()
    return rows[0][0] if rows else None


def replace_source_file(
    conn: Connection,
    path: str,
    content_sha256: str,
    size_bytes: int,
    articles: Sequence[Article],
    run_id: int | None,
    extractor_version: str | None,
    entities: EntityIndex,
) -> list[int]:
    """Delete what `path` loaded before and write `articles` in its place."""
    delete_source_file(conn, path)
    loaded_at = now()
    driver_cursor(conn).execute(
        INSERT_SOURCE_FILE, (path, content_sha256, size_bytes, len(articles), loaded_at, run_id)
    )
    return [
        write_article(
            conn,
            path,
            article,
            # A file of one article is that article; a JSON Lines item has its own hash.
            content_sha256 if len(articles) == 1 else sha256_text(article.text),
            loaded_at,
            run_id,
            extractor_version,
            entities,
        )
        for article in articles
    ]


def delete_source_file(conn: Connection, path: str) -> None:
    cursor = driver_cursor(conn)
    cursor.execute(
        "delete from fts_paragraphs where rowid in (select p.id from paragraphs p"
        " join documents d on d.id = p.document_id where d.source_path = ?)",
        (path,),
    )
    # Documents cascade to paragraphs and every fact found in them.
    cursor.execute("delete from documents where source_path = ?", (path,))
    cursor.execute("delete from source_files where path = ?", (path,))


def write_article(
    conn: Connection,
    path: str,
    article: Article,
    content_sha256: str,
    loaded_at: str,
    run_id: int | None,
    extractor_version: str | None,
    entities: EntityIndex,
) -> int:
    body = article.text
    row = dict(
        source_path=path,
        source_item=article.source_item,
        content_sha256=content_sha256,
        format=article.format,
        encoding=article.encoding,
        title=article.title,
        subtitle=article.subtitle,
        authors=dump_json(list(article.authors)),
        publication=article.publication,
        published_date=article.published_date,
        url=article.url,
        text=body,
        char_count=len(body),
        loaded_at=loaded_at,
        run_id=run_id,
        extractor_version=extractor_version,
    )
    cursor = driver_cursor(conn)
    cursor.execute(INSERT_DOCUMENT, tuple(row[name] for name in DOCUMENT_FIELDS))
    document_id = cursor.lastrowid
    paragraph_ids = write_paragraphs(conn, document_id, article)
    write_facts(conn, article, document_id, paragraph_ids, entities)
    return document_id


def write_paragraphs(conn: Connection, document_id: int, article: Article) -> dict[int, int]:
    """Insert the paragraphs and index the searchable ones; returns seq -> id."""
    if not article.paragraphs:
        return {}
    cursor = driver_cursor(conn)
    cursor.executemany(
        INSERT_PARAGRAPH,
        [(document_id, p.seq, p.kind, p.section, p.text, p.char_start, p.char_end) for p in article.paragraphs],
    )
    # One executemany, then one select, is several times faster than RETURNING row by row.
    paragraph_ids = dict(cursor.execute("select seq, id from paragraphs where document_id = ?", (document_id,)))
    searchable = [(paragraph_ids[p.seq], p.text) for p in article.paragraphs if p.kind != "boilerplate"]
    if searchable:
        cursor.executemany(INSERT_SEARCHABLE, searchable)
    return paragraph_ids


def write_facts(
    conn: Connection, article: Article, document_id: int, paragraph_ids: dict[int, int], entities: EntityIndex
) -> None:
    """Metrics, then entities and projects (which link metrics to their subjects)."""
    metric_ids = write_metrics(conn, article, document_id, paragraph_ids)
    write_entities(conn, article, document_id, paragraph_ids, metric_ids, entities)


def write_metrics(conn: Connection, article: Article, document_id: int, paragraph_ids: dict[int, int]) -> list[int]:
    if not article.metrics:
        return []
    cursor = driver_cursor(conn)
    cursor.executemany(
        INSERT_METRIC,
        [
            (document_id, paragraph_ids[m.paragraph_seq], *(getattr(m, name) for name in METRIC_FIELDS))
            for m in article.metrics
        ],
    )
    # Row ids grow in insertion order inside the transaction that holds the write lock.
    ids = cursor.execute("select id from metrics where document_id = ? order by id", (document_id,))
    return [row[0] for row in ids]


def delete_facts(conn: Connection, document_id: int) -> None:
    """Remove what extraction found in a document, keeping the document itself."""
    delete_entity_facts(conn, document_id)
    driver_cursor(conn).execute("delete from metrics where document_id = ?", (document_id,))


def sha256_text(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- loader runs and errors ---


def start_run(conn: Connection) -> int:
    # A run still marked running holds no lock any more: its process died.
    conn.execute(
        loader_runs.update().where(loader_runs.c.status == "running").values(status="interrupted")
    )
    return conn.execute(insert(loader_runs).values(started_at=now(), status="running")).inserted_primary_key[0]


def finish_run(conn: Connection, run_id: int, status: str, counts: dict[str, int]) -> None:
    conn.execute(loader_runs.update().where(loader_runs.c.id == run_id).values(finished_at=now(), status=status, **counts))


def record_error(conn: Connection, run_id: int, path: str, error_type: str, message: str, **details) -> None:
    conn.execute(insert(load_errors).values(run_id=run_id, source_path=path, error_type=error_type, message=message, **details))
