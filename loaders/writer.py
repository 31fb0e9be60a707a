"""Where facts are written: one source file's articles replace its old rows.

Everything here runs inside the caller's transaction, so a file is either
fully loaded or not at all.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Sequence

from sqlalchemy import Connection, delete, insert, select, text

from db.models import Document, LoadError, LoaderRun, Metric, Paragraph, SourceFile
from loaders.article import Article
from loaders.entity_store import delete_entity_facts, write_entities

documents = Document.__table__
paragraphs = Paragraph.__table__
source_files = SourceFile.__table__
loader_runs = LoaderRun.__table__
load_errors = LoadError.__table__
metrics = Metric.__table__


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stored_hash(conn: Connection, path: str) -> str | None:
    return conn.execute(select(source_files.c.content_sha256).where(source_files.c.path == path)).scalar()


def replace_source_file(
    conn: Connection,
    path: str,
    content_sha256: str,
    size_bytes: int,
    articles: Sequence[Article],
    run_id: int | None,
    extractor_version: str | None = None,
) -> list[int]:
    """Delete what `path` loaded before and write `articles` in its place."""
    delete_source_file(conn, path)
    loaded_at = now()
    conn.execute(
        insert(source_files).values(
            path=path,
            content_sha256=content_sha256,
            size_bytes=size_bytes,
            document_count=len(articles),
            loaded_at=loaded_at,
            run_id=run_id,
        )
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
        )
        for article in articles
    ]


def delete_source_file(conn: Connection, path: str) -> None:
    conn.execute(
        text(
            "DELETE FROM fts_paragraphs WHERE rowid IN (SELECT p.id FROM paragraphs p"
            " JOIN documents d ON d.id = p.document_id WHERE d.source_path = :path)"
        ),
        {"path": path},
    )
    # Documents cascade to paragraphs and every fact found in them.
    conn.execute(delete(documents).where(documents.c.source_path == path))
    conn.execute(delete(source_files).where(source_files.c.path == path))


def write_article(
    conn: Connection,
    path: str,
    article: Article,
    content_sha256: str,
    loaded_at: str,
    run_id: int | None,
    extractor_version: str | None,
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
        authors=list(article.authors),
        publication=article.publication,
        published_date=article.published_date,
        url=article.url,
        text=body,
        char_count=len(body),
        loaded_at=loaded_at,
        run_id=run_id,
        extractor_version=extractor_version,
    )
    document_id = conn.execute(insert(documents).values(**row)).inserted_primary_key[0]
    paragraph_ids = write_paragraphs(conn, document_id, article)
    write_facts(conn, article, document_id, paragraph_ids)
    return document_id


def write_paragraphs(conn: Connection, document_id: int, article: Article) -> dict[int, int]:
    """Insert the paragraphs and index the searchable ones; returns seq -> id."""
    if not article.paragraphs:
        return {}
    rows = [
        dict(
            document_id=document_id,
            seq=p.seq,
            kind=p.kind,
            section=p.section,
            text=p.text,
            char_start=p.char_start,
            char_end=p.char_end,
        )
        for p in article.paragraphs
    ]
    # A plain executemany, then one select, is several times faster than RETURNING row by row.
    conn.execute(insert(paragraphs), rows)
    paragraph_ids = dict(
        conn.execute(select(paragraphs.c.seq, paragraphs.c.id).where(paragraphs.c.document_id == document_id)).all()
    )
    searchable = [
        {"rowid": paragraph_ids[p.seq], "text": p.text} for p in article.paragraphs if p.kind != "boilerplate"
    ]
    if searchable:
        conn.execute(text("INSERT INTO fts_paragraphs(rowid, text) VALUES (:rowid, :text)"), searchable)
    return paragraph_ids


def write_facts(conn: Connection, article: Article, document_id: int, paragraph_ids: dict[int, int]) -> None:
    """Metrics, then entities and projects (which link metrics to their subjects)."""
    metric_ids = write_metrics(conn, article, document_id, paragraph_ids)
    write_entities(conn, article, document_id, paragraph_ids, metric_ids)


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


def write_metrics(conn: Connection, article: Article, document_id: int, paragraph_ids: dict[int, int]) -> list[int]:
    if not article.metrics:
        return []
    rows = [
        {
            "document_id": document_id,
            "paragraph_id": paragraph_ids[m.paragraph_seq],
            **{name: getattr(m, name) for name in METRIC_FIELDS},
        }
        for m in article.metrics
    ]
    conn.execute(insert(metrics), rows)
    # Row ids grow in insertion order inside the transaction that holds the write lock.
    ids = conn.execute(select(metrics.c.id).where(metrics.c.document_id == document_id).order_by(metrics.c.id))
    return [row[0] for row in ids]


def delete_facts(conn: Connection, document_id: int) -> None:
    """Remove what extraction found in a document, keeping the document itself."""
    delete_entity_facts(conn, document_id)
    conn.execute(delete(metrics).where(metrics.c.document_id == document_id))


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


def record_error(conn: Connection, run_id: int, path: str, error_type: str, message: str) -> None:
    conn.execute(insert(load_errors).values(run_id=run_id, source_path=path, error_type=error_type, message=message))
