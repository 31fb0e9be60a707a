"""Where facts are written: one source file's articles replace its old rows.

Everything here runs inside the caller's transaction, so a file is either
fully loaded or not at all. Statements are SQLAlchemy Core, the same for
SQLite and PostgreSQL; those run for every file are `Prepared` (compiled once
per database, rows handed to the driver), each table's rows of an article in
one `executemany`. Ids come back from `insert … returning` (a document) or
are read back once (an article's paragraphs, by `seq`). Only the search
index differs (`urbandb.db.search`).

Several loaders may write to one PostgreSQL database at once: `write_file`
retries a file whose transaction lost a race (a unique key another loader
took first, a deadlock), and re-checks in its transaction whether another
loader already wrote the same bytes.
"""
from __future__ import annotations

import hashlib
import operator
import random
import time
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence, TypeVar

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from urbandb.db import search
from urbandb.db.models import Document, LoadError, LoaderRun, Metric, Paragraph, SourceFile
from urbandb.db.prepared import Prepared
from urbandb.loaders.article import Article
from urbandb.loaders.entity_store import (
    ConcurrentWrite,
    NamesInDatabase,
    StoredNames,
    delete_entity_facts,
    project_sites,
    relocate,
    write_entities,
)
from urbandb.site.search import UNSEARCHED_KINDS

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

metric_values = operator.attrgetter(*METRIC_FIELDS)

DOCUMENT_COLUMNS = (
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
PARAGRAPH_COLUMNS = ("document_id", "seq", "kind", "section", "text", "char_start", "char_end")
SOURCE_FILE_COLUMNS = ("path", "content_sha256", "size_bytes", "document_count", "loaded_at", "run_id")

STORED_HASH = Prepared(select(source_files.c.content_sha256).where(source_files.c.path == bindparam("path")), ["path"])
DELETE_DOCUMENTS = Prepared(delete(documents).where(documents.c.source_path == bindparam("path")), ["path"])
SITED_BY_FILE = Prepared(
    select(project_sites.c.project_id)
    .join(documents, documents.c.id == project_sites.c.document_id)
    .where(documents.c.source_path == bindparam("path")),
    ["path"],
)
DELETE_SOURCE_FILE = Prepared(delete(source_files).where(source_files.c.path == bindparam("path")), ["path"])
INSERT_SOURCE_FILE = Prepared(insert(source_files), SOURCE_FILE_COLUMNS)
INSERT_DOCUMENT = Prepared(insert(documents).returning(documents.c.id), DOCUMENT_COLUMNS)
INSERT_PARAGRAPHS = Prepared(insert(paragraphs), PARAGRAPH_COLUMNS)
# (SQLite: a null id is a new one)
INSERT_PARAGRAPHS_KEEPING_IDS = Prepared(insert(paragraphs), ("id", *PARAGRAPH_COLUMNS))
PARAGRAPH_IDS = Prepared(
    select(paragraphs.c.seq, paragraphs.c.id).where(paragraphs.c.document_id == bindparam("document_id")),
    ["document_id"],
)
INSERT_METRICS = Prepared(insert(metrics), ("document_id", "paragraph_id", "subject_id", *METRIC_FIELDS))

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
    return STORED_HASH.scalar(conn, (path,))


def write_file(
    engine: Engine,
    path: str,
    content_sha256: str,
    size_bytes: int,
    articles: Sequence[Article],
    run_id: int | None,
    extractor_version: str | None,
    alongside: Callable[[Connection], None] | None = None,
    names: StoredNames | None = None,
) -> str | None:
    """Replace `path`'s rows with `articles` in one transaction, retried when
    another loader wins a race; `alongside` writes more rows about the file in
    the same transaction; `names` is where entities are resolved (by default
    the database, in the transaction). Returns the hash stored before: equal
    to `content_sha256` when another loader wrote these bytes first."""
    names = names or NamesInDatabase()

    def write(conn: Connection) -> str | None:
        previous = stored_hash(conn, path)
        if previous != content_sha256:
            replace_source_file(
                conn, path, content_sha256, size_bytes, articles, run_id, extractor_version,
                replacing=previous is not None, names=names,
            )
            if alongside is not None:
                alongside(conn)
        return previous

    return in_transaction(engine, write, names.transaction)


def in_transaction(
    engine: Engine, work: Callable[[Connection], T], undo: Callable[[], AbstractContextManager] | None = None
) -> T:
    """`work` in a transaction of its own, run again (a few times, after a
    random pause) when it loses a race to another writer. `undo` is entered
    around each attempt, so that what it keeps in memory follows a rollback."""
    # SQLite has one writer at a time (the load lock): a conflict there is no race, and no retry helps.
    attempts = 1 if engine.dialect.name == "sqlite" else WRITE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            with (undo or nullcontext)(), engine.begin() as conn:
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
    replacing: bool = True,
    names: StoredNames | None = None,
) -> list[int]:
    """Delete what `path` loaded before (unless it is known to be new: not
    `replacing`) and write `articles` in its place. A paragraph whose text is
    unchanged keeps its id and its row in the search index: an edit costs
    the index only the paragraphs it touched."""
    kept: dict[int, dict[int, int]] = {}
    if replacing:
        searchable = search.searchable_paragraphs(conn, path)
        kept = kept_paragraphs(articles, searchable)
        delete_source_file(conn, path, unindexing=[i for ids in searchable.values() for i in ids])
    loaded_at = now()
    INSERT_SOURCE_FILE.execute(conn, (path, content_sha256, size_bytes, len(articles), loaded_at, run_id))
    names = names or NamesInDatabase()
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
            names,
            kept.get(article.source_item, {}),
        )
        for article in articles
    ]


def kept_paragraphs(articles: Sequence[Article], searchable: dict[tuple[int, str], list[int]]) -> dict[int, dict[int, int]]:
    """Source item -> seq -> the id a new paragraph keeps: a searchable paragraph
    of the same article with the same text (each old id once, in order). The
    kept ids are taken out of `searchable`: what is left there goes from the index."""
    unsearched = set(UNSEARCHED_KINDS)
    kept: dict[int, dict[int, int]] = {}
    for article in articles:
        for paragraph in article.paragraphs:
            ids = searchable.get((article.source_item, paragraph.text))
            if ids and paragraph.kind not in unsearched:
                kept.setdefault(article.source_item, {})[paragraph.seq] = ids.pop(0)
    return kept


def delete_source_file(conn: Connection, path: str, unindexing: list[int]) -> None:
    """Delete what `path` loaded, and `unindexing` from the search index (the
    file's paragraphs but those its new paragraphs keep)."""
    search.unindex_paragraphs(conn, unindexing)
    sited = {project_id: None for project_id, in SITED_BY_FILE.execute(conn, (path,))}
    # Documents cascade to paragraphs and every fact found in them, their projects' sites too…
    DELETE_DOCUMENTS.execute(conn, (path,))
    DELETE_SOURCE_FILE.execute(conn, (path,))
    # …and the projects they placed are placed by what the other documents say.
    relocate(conn, sited)


def write_article(
    conn: Connection,
    path: str,
    article: Article,
    content_sha256: str,
    loaded_at: str,
    run_id: int | None,
    extractor_version: str | None,
    names: StoredNames,
    kept: dict[int, int] | None = None,
) -> int:
    body = article.text
    document_id = INSERT_DOCUMENT.scalar(
        conn,
        (
            path,
            article.source_item,
            content_sha256,
            article.format,
            article.encoding,
            article.title,
            article.subtitle,
            list(article.authors),
            article.publication,
            article.published_date,
            article.url,
            body,
            len(body),
            loaded_at,
            run_id,
            extractor_version,
        ),
    )
    paragraph_ids = write_paragraphs(conn, document_id, article, kept or {})
    write_facts(conn, article, document_id, paragraph_ids, names)
    return document_id


def write_paragraphs(conn: Connection, document_id: int, article: Article, kept: dict[int, int] | None = None) -> dict[int, int]:
    """Insert the paragraphs (those in `kept`, seq -> id, under their old ids) and
    queue them for the search index; returns seq -> id."""
    rows = [(document_id, p.seq, p.kind, p.section, p.text, p.char_start, p.char_end) for p in article.paragraphs]
    if kept:
        # The kept ids first: a new paragraph then takes an id above all of them.
        keeping = sorted(((kept.get(row[1]), *row) for row in rows), key=lambda row: row[0] is None)
        INSERT_PARAGRAPHS_KEEPING_IDS.execute_many(conn, keeping)
    else:
        INSERT_PARAGRAPHS.execute_many(conn, rows)
    search.queue_document(conn, document_id)
    return dict(PARAGRAPH_IDS.execute(conn, (document_id,)))


def write_facts(
    conn: Connection,
    article: Article,
    document_id: int,
    paragraph_ids: dict[int, int],
    names: StoredNames | None = None,
) -> None:
    """Entities and projects, then the metrics with the entity each is about."""
    entity_ids = write_entities(conn, article, document_id, paragraph_ids, names)
    write_metrics(conn, article, document_id, paragraph_ids, entity_ids)


def write_metrics(
    conn: Connection,
    article: Article,
    document_id: int,
    paragraph_ids: dict[int, int],
    entity_ids: dict[tuple[str, str], int],
) -> None:
    # Subjects go in with the rows: one plain executemany, no ids to read back.
    INSERT_METRICS.execute_many(
        conn,
        [
            (
                document_id,
                paragraph_ids[m.paragraph_seq],
                entity_ids.get((m.subject, m.subject_type)) if m.subject else None,
                *metric_values(m),
            )
            for m in article.metrics
        ],
    )


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
