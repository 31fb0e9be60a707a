"""The load pipeline: find files, read them, extract facts, write each file in
its own transaction.

A file whose bytes are unchanged since the last run is skipped, so cron can
call `urbandb load` as often as it likes; a file that fails is recorded in
`load_errors` and the run goes on; a killed run leaves whole files only.
"""
from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Engine, select

from urbandb.db.engine import sqlite_path
from urbandb.db.models import Document, Paragraph
from urbandb.loaders import writer
from urbandb.loaders.article import Article
from urbandb.loaders.article import Paragraph as ArticleParagraph
from urbandb.loaders.errors import LoadFailure, LoadInProgress, UnreadableFile

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson"}

Stage = Callable[[Article], Article]


@dataclass
class Pipeline:
    """Extraction stages applied to every article, in order (`Article -> Article`)."""

    stages: Sequence[Stage] = ()
    version: str | None = None

    def __call__(self, article: Article) -> Article:
        for stage in self.stages:
            article = stage(article)
        return article


def default_pipeline() -> Pipeline:
    """Metrics, then entities and projects (which resolve metric subjects)."""
    from urbandb.extract.entities import ENTITY_EXTRACTOR_VERSION, EntityExtractor
    from urbandb.extract.metrics import EXTRACTOR_VERSION

    return Pipeline(
        stages=[add_metrics, EntityExtractor()],
        version=f"metrics-{EXTRACTOR_VERSION}+entities-{ENTITY_EXTRACTOR_VERSION}",
    )


def add_metrics(article: Article) -> Article:
    from urbandb.extract.metrics import extract_metrics

    article.metrics = extract_metrics(article)
    return article


@dataclass
class FileOutcome:
    path: str
    status: str  # added, updated, unchanged, failed
    documents: int = 0
    error: str | None = None


@dataclass
class LoadSummary:
    run_id: int
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "files_seen": len(self.outcomes),
            "files_added": self.count("added"),
            "files_updated": self.count("updated"),
            "files_unchanged": self.count("unchanged"),
            "files_failed": self.count("failed"),
        }

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def line(self) -> str:
        c = self.counts
        return (
            f"run {self.run_id}: {c['files_seen']} files, {c['files_added']} added, "
            f"{c['files_updated']} updated, {c['files_unchanged']} unchanged, "
            f"{c['files_failed']} failed in {self.seconds:.2f}s"
        )


def discover(paths: Iterable[str]) -> list[str]:
    """Files named, files under folders (recursively) and glob matches, each once.

    Inside folders only article formats are taken and hidden files skipped;
    a file named explicitly is always taken (and fails if unsupported).
    """
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(key)

    for given in paths:
        matches = [given] if os.path.exists(given) else sorted(glob.glob(given, recursive=True))
        if not matches:
            add(given)  # reported as unreadable, not silently dropped
        for match in matches:
            if os.path.isdir(match):
                for root, dirs, files in os.walk(match):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                            add(os.path.join(root, name))
            else:
                add(match)
    return found


def parse_file(path: str, data: bytes, pipeline: Pipeline) -> list[Article]:
    from urbandb.loaders.read import read_articles

    return [pipeline(article) for article in read_articles(path, data)]


def load_paths(
    engine: Engine,
    paths: Iterable[str],
    pipeline: Pipeline | None = None,
    progress: Callable[[int, int, FileOutcome], None] | None = None,
    wait_seconds: float = 0.0,
) -> LoadSummary:
    pipeline = pipeline or default_pipeline()
    files = discover(paths)
    with loader_lock(engine, wait_seconds) as lock:
        started = time.perf_counter()
        with engine.begin() as conn:
            run_id = writer.start_run(conn, exclusive=lock.exclusive)
        summary = LoadSummary(run_id=run_id)
        status = "failed"
        lease = RunLease(engine, run_id)
        try:
            for index, path in enumerate(files, 1):
                lease.renew()
                outcome = load_file(engine, path, pipeline, run_id)
                summary.outcomes.append(outcome)
                if progress:
                    progress(index, len(files), outcome)
            status = "ok" if summary.ok else "errors"
        finally:
            summary.seconds = time.perf_counter() - started
            with engine.begin() as conn:
                writer.finish_run(conn, run_id, status, summary.counts)
    return summary


def load_file(engine: Engine, path: str, pipeline: Pipeline, run_id: int) -> FileOutcome:
    try:
        data = read_bytes(path)
        digest = hashlib.sha256(data).hexdigest()
        with engine.connect() as conn:
            previous = writer.stored_hash(conn, path)
        if previous == digest:
            return FileOutcome(path, "unchanged")
        articles = parse_file(path, data, pipeline)
        previous = writer.write_file(engine, path, digest, len(data), articles, run_id, pipeline.version)
        if previous == digest:  # another loader wrote the same bytes meanwhile
            return FileOutcome(path, "unchanged")
    except LoadFailure as error:
        return _failed(engine, run_id, path, type(error).__name__, str(error))
    except Exception as error:  # a bug must not stop the other files; it is recorded with its type
        return _failed(engine, run_id, path, type(error).__name__, f"internal error: {error!r}")
    return FileOutcome(path, "added" if previous is None else "updated", documents=len(articles))


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UnreadableFile(f"is a directory: {path}") from None
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror}") from None


def _failed(engine: Engine, run_id: int, path: str, error_type: str, message: str) -> FileOutcome:
    with engine.begin() as conn:
        writer.record_error(conn, run_id, path, error_type, message)
    return FileOutcome(path, "failed", error=f"{error_type}: {message}")


class RunLease:
    """Keeps a run's heartbeat fresh, so that other loaders know it is alive."""

    def __init__(self, engine: Engine, run_id: int):
        self.engine, self.run_id, self.renewed = engine, run_id, time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self.renewed >= writer.HEARTBEAT_SECONDS:
            with self.engine.begin() as conn:
                writer.heartbeat(conn, self.run_id)
            self.renewed = time.monotonic()


class loader_lock:
    """One load at a time per SQLite database file (whatever path or symlink
    names it): a second one waits up to `wait_seconds`, then raises
    `LoadInProgress` with a clear message. PostgreSQL takes loaders at once."""

    def __init__(self, engine: Engine, wait_seconds: float = 0.0):
        db_file = sqlite_path(str(engine.url))
        self.path = Path(f"{db_file.resolve()}.lock") if db_file else None
        self.wait_seconds = wait_seconds
        self.handle = None

    @property
    def exclusive(self) -> bool:
        """Whether holding this lock makes this process the database's only writer."""
        return self.path is not None

    def __enter__(self):
        if self.path is None:
            return self
        self.handle = open(self.path, "a+")
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self.handle.close()
                    raise LoadInProgress(
                        f"another load is writing to this database (lock {self.path}); try again later or pass --wait"
                    ) from None
                time.sleep(0.2)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
        return False


# --- re-extraction from stored paragraphs ---


def stored_articles(engine: Engine) -> Iterator[tuple[int, Article]]:
    """Rebuild each document's Article from its rows, without reading files."""
    documents = Document.__table__
    paragraphs = Paragraph.__table__
    with engine.connect() as conn:
        doc_rows = conn.execute(select(documents).order_by(documents.c.id)).mappings().all()
        for doc in doc_rows:
            paras = conn.execute(
                select(paragraphs).where(paragraphs.c.document_id == doc["id"]).order_by(paragraphs.c.seq)
            ).mappings()
            article = Article(
                format=doc["format"],
                encoding=doc["encoding"],
                paragraphs=[
                    ArticleParagraph(
                        seq=p["seq"],
                        kind=p["kind"],
                        text=p["text"],
                        section=p["section"],
                        char_start=p["char_start"],
                        char_end=p["char_end"],
                    )
                    for p in paras
                ],
                title=doc["title"],
                subtitle=doc["subtitle"],
                authors=list(doc["authors"] or []),
                publication=doc["publication"],
                published_date=doc["published_date"],
                url=doc["url"],
                source_item=doc["source_item"],
            )
            yield doc["id"], article


def reextract(engine: Engine, pipeline: Pipeline | None = None, wait_seconds: float = 0.0) -> int:
    """Recompute every document's facts with the current extractors; one
    transaction per document. Returns the number of documents."""
    pipeline = pipeline or default_pipeline()
    count = 0
    with loader_lock(engine, wait_seconds):
        for document_id, article in list(stored_articles(engine)):
            writer.rewrite_facts(engine, document_id, pipeline(article), pipeline.version)
            count += 1
    return count
