"""Where facts are written: one source file's articles replace its old rows.

Everything here runs inside the caller's transaction, so a file is either
fully loaded or not at all. Statements are SQLAlchemy Core, the same for
SQLite and PostgreSQL; ids come back from `insert … returning`, several rows
per statement. Only the search index differs (`urbandb.db.search`).

Several loaders may write to one PostgreSQL database at once: `write_file`
retries a file whose transaction lost a race (a unique key another loader
took first, a deadlock), and re-checks in its transaction whether another
loader already wrote the same bytes.
"""
from __future__ import annotations

import hashlib
import random
import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence, TypeVar

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from urbandb.db import search
from urbandb.db.models import Document, LoadError, LoaderRun, Metric, Paragraph, SourceFile
from urbandb.loaders.article import Article
from urbandb.loaders.entity_store import ConcurrentWrite, delete_entity_facts, write_entities

T = TypeVar("T")

loader_runs = LoaderRun.__table__
load_errors = LoadError.__table__
source_files = SourceFile.__table__
documents = Document.__table__
paragraphs = Paragraph.__table__
metrics = Metric.__table__

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

# A file that keeps losing races is reported after this many attempts.
WRITE_ATTEMPTS = 8
# What another writer causes (PostgreSQL's codes): a deadlock, a serialization
# failure, a unique key taken or a referenced row deleted meanwhile. A NOT NULL
# or CHECK violation is this file's own fault and is not retried.
RACE_SQLSTATES = {"40P01", "40001", "23505", "23503"}
# A running run whose heartbeat is older than this is taken for dead.
LEASE_SECONDS = 120
HEARTBEAT_SECONDS = 15


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stored_hash(conn: Connection, path: str) -> str | None:
    return conn.execute(select(source_files.c.content_sha256).where(source_files.c.path == path)).scalar()


def write_file(
    engine: Engine,
    path: str,
    content_sha256: str,
    size_bytes: int,
    articles: Sequence[Article],
    run_id: int | None,
    extractor_version: str | None,
    alongside: Callable[[Connection], None] | None = None,
) -> str | None:
    """Replace `path`'s rows with `articles` in one transaction, retried when
    another loader wins a race; `alongside` writes more rows about the file in
    the same transaction. Returns the hash stored before: equal to
    `content_sha256` when another loader wrote these bytes first."""

    def write(conn: Connection) -> str | None:
        previous = stored_hash(conn, path)
        if previous != content_sha256:
            replace_source_file(conn, path, content_sha256, size_bytes, articles, run_id, extractor_version)
            if alongside is not None:
                alongside(conn)
        return previous

    return in_transaction(engine, write)


def in_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work` in a transaction of its own, run again (a few times, after a
    random pause) when it loses a race to another writer."""
    # SQLite has one writer at a time (the load lock): a conflict there is no race, and no retry helps.
    attempts = 1 if engine.dialect.name == "sqlite" else WRITE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            with engine.begin() as conn:
                return work(conn)
        except (ConcurrentWrite, DBAPIError) as error:
            if attempt == attempts or not lost_race(error):
                raise
            # Back off, with jitter, so that the loaders that collided do not collide again.
            time.sleep(random.uniform(0, min(1.0, 0.05 * 2**attempt)))
    raise AssertionError("unreachable")


def lost_race(error: Exception) -> bool:
    """A failure another writer caused, that a new attempt may not meet."""
    if isinstance(error, ConcurrentWrite):
        return True
    return getattr(getattr(error, "orig", None), "sqlstate", None) in RACE_SQLSTATES


def replace_source_file(
    conn: Connection,
    path: str,
    content_sha256: str,
    size_bytes: int,
    articles: Sequence[Article],
    run_id: int | None,
    extractor_version: str | None,
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
    search.unindex_source_file(conn, path)
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
    document_id = conn.execute(
        insert(documents)
        .values(
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
        .returning(documents.c.id)
    ).scalar_one()
    paragraph_ids = write_paragraphs(conn, document_id, article)
    write_facts(conn, article, document_id, paragraph_ids)
    return document_id


def inserted_ids(conn: Connection, table, rows: list[dict]) -> list[int]:
    """Insert `rows` into `table`; their ids, in the order of `rows`."""
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(conn.execute(statement, rows).scalars())


def write_paragraphs(conn: Connection, document_id: int, article: Article) -> dict[int, int]:
    """Insert the paragraphs and index the searchable ones; returns seq -> id."""
    ids = inserted_ids(
        conn,
        paragraphs,
        [
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
        ],
    )
    paragraph_ids = {p.seq: paragraph_id for p, paragraph_id in zip(article.paragraphs, ids)}
    search.index_paragraphs(
        conn, ((paragraph_ids[p.seq], p.text) for p in article.paragraphs if p.kind != "boilerplate")
    )
    return paragraph_ids


def write_facts(conn: Connection, article: Article, document_id: int, paragraph_ids: dict[int, int]) -> None:
    """Entities and projects, then the metrics with the entity each is about."""
    entity_ids = write_entities(conn, article, document_id, paragraph_ids)
    write_metrics(conn, article, document_id, paragraph_ids, entity_ids)


def write_metrics(
    conn: Connection,
    article: Article,
    document_id: int,
    paragraph_ids: dict[int, int],
    entity_ids: dict[tuple[str, str], int],
) -> None:
    # Subjects go in with the rows: one plain executemany, no ids to read back.
    rows = [
        dict(
            document_id=document_id,
            paragraph_id=paragraph_ids[m.paragraph_seq],
            subject_id=entity_ids.get((m.subject, m.subject_type)) if m.subject else None,
            **{name: getattr(m, name) for name in METRIC_FIELDS},
        )
        for m in article.metrics
    ]
    if rows:
        conn.execute(insert(metrics), rows)


def rewrite_facts(engine: Engine, document_id: int, article: Article, extractor_version: str | None) -> None:
    """Replace a stored document's facts with `article`'s (re-extraction), in
    one transaction, run again if it loses a race to a loader."""

    def rewrite(conn: Connection) -> None:
        ids = dict(conn.execute(select(paragraphs.c.seq, paragraphs.c.id).where(paragraphs.c.document_id == document_id)).all())
        delete_facts(conn, document_id)
        write_facts(conn, article, document_id, ids)
        if extractor_version:
            conn.execute(update(documents).where(documents.c.id == document_id).values(extractor_version=extractor_version))

    in_transaction(engine, rewrite)


def delete_facts(conn: Connection, document_id: int) -> None:
    """Remove what extraction found in a document, keeping the document itself."""
    delete_entity_facts(conn, document_id)
    conn.execute(delete(metrics).where(metrics.c.document_id == document_id))


def sha256_text(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- loader runs and errors ---


def start_run(conn: Connection, exclusive: bool = False) -> int:
    """A new run. Runs still marked running are dead when this one holds the
    database's only write lock (`exclusive`, SQLite) or when their lease ran
    out; a live one (another loader) is left alone."""
    dead = loader_runs.c.status == "running"
    if not exclusive:
        expired = (datetime.now(timezone.utc) - timedelta(seconds=LEASE_SECONDS)).isoformat(timespec="seconds")
        dead &= loader_runs.c.heartbeat_at.is_(None) | (loader_runs.c.heartbeat_at < expired)
    conn.execute(update(loader_runs).where(dead).values(status="interrupted"))
    started = now()
    return conn.execute(
        insert(loader_runs).values(started_at=started, heartbeat_at=started, status="running")
    ).inserted_primary_key[0]


def heartbeat(conn: Connection, run_id: int) -> None:
    """Renew the run's lease: it is alive."""
    conn.execute(update(loader_runs).where(loader_runs.c.id == run_id).values(heartbeat_at=now()))


def finish_run(conn: Connection, run_id: int, status: str, counts: dict[str, int]) -> None:
    conn.execute(loader_runs.update().where(loader_runs.c.id == run_id).values(finished_at=now(), status=status, **counts))


def record_error(conn: Connection, run_id: int, path: str, error_type: str, message: str, **details) -> None:
    conn.execute(insert(load_errors).values(run_id=run_id, source_path=path, error_type=error_type, message=message, **details))
