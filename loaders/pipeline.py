"""The load pipeline: find files, read them, extract facts, write each file in
its own transaction.

A file whose bytes are unchanged since the last run is skipped, so cron can
call `urbandb load` as often as it likes; a file that fails is recorded in
`load_errors` and the run goes on; a failure of the database itself (full,
read-only, gone) stops the run; a killed run leaves whole files only.
Every input found ends as loaded, unchanged, or a `load_errors` row (error,
skipped or, next to a loaded file, warning).
"""
from __future__ import annotations

import fcntl
import functools
import gc
import glob
import hashlib
import os
import pickle
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from sqlalchemy import Engine, select

from urbandb.db import search
from urbandb.db.engine import sqlite_path
from urbandb.db.models import Document, Paragraph, SourceFile
from urbandb.loaders import writer
from urbandb.loaders.article import Article
from urbandb.loaders.article import Paragraph as ArticleParagraph
from urbandb.loaders.entity_store import StoredNames, names_for_run
from urbandb.loaders.errors import LoadFailure, LoadInProgress, fails_every_file
from urbandb.loaders.inputs import raw_name, read_input, readable_name
from urbandb.loaders.limits import DEFAULT_LIMITS, Limits
from urbandb.loaders.read import Reading
from urbandb.loaders.workers import FileFailure, InProcess, WorkerPool

Stage = Callable[[Article], Article]
# Imported once by the server that worker processes are forked from.
PRELOAD = ["urbandb.loaders.prewarm"]


@dataclass
class Pipeline:
    """Extraction stages applied to every article, in order (`Article -> Article`).

    The stages are the hook for other extractors (tests inject slow or failing
    ones here). To run in worker processes a pipeline must pickle: one with a
    `factory` (a module-level function) travels as that function and is
    rebuilt once per worker; otherwise its stages are pickled.
    """

    stages: Sequence[Stage] = ()
    version: str | None = None
    factory: Callable[[], "Pipeline"] | None = None

    def __call__(self, article: Article) -> Article:
        for stage in self.stages:
            article = stage(article)
        return article

    def __reduce__(self):
        if self.factory is not None:
            return self.factory, ()
        return Pipeline, (list(self.stages), self.version)


def default_pipeline() -> Pipeline:
    """Metrics, then entities and projects, then what each metric is about;
    an article in traditional characters read in simplified ones."""
    from urbandb.extract.entities import ENTITY_EXTRACTOR_VERSION, EntityExtractor
    from urbandb.extract.metrics import EXTRACTOR_VERSION
    from urbandb.extract.script import InSimplifiedCharacters
    from urbandb.extract.subjects import assign_subjects

    return Pipeline(
        stages=[InSimplifiedCharacters([add_metrics, EntityExtractor(), assign_subjects])],
        version=f"metrics-{EXTRACTOR_VERSION}+entities-{ENTITY_EXTRACTOR_VERSION}",
        factory=process_pipeline,
    )


@functools.cache
def process_pipeline() -> Pipeline:
    """The default pipeline, built once per process: what a default pipeline
    unpickles to in a worker, already warm when the worker was forked from
    a server that imported `urbandb.loaders.prewarm`."""
    return default_pipeline()


def add_metrics(article: Article) -> Article:
    from urbandb.extract.metrics import extract_metrics

    article.metrics = extract_metrics(article)
    return article


@dataclass
class FileOutcome:
    path: str  # readable: undecodable bytes of the name escaped
    status: str  # added, updated, unchanged, failed, skipped
    documents: int = 0
    error: str | None = None
    rejected: int = 0  # JSON Lines records not loaded (each has its load_errors row)


@dataclass
class LoadSummary:
    run_id: int
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    workers_cpu_seconds: float | None = None  # None when the loading process extracted

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
            "files_skipped": self.count("skipped"),
        }

    @property
    def rejected_records(self) -> int:
        return sum(o.rejected for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and self.rejected_records == 0

    def line(self) -> str:
        c = self.counts
        rejected = f", {self.rejected_records} records rejected" if self.rejected_records else ""
        return (
            f"run {self.run_id}: {c['files_seen']} files, {c['files_added']} added, "
            f"{c['files_updated']} updated, {c['files_unchanged']} unchanged, "
            f"{c['files_failed']} failed, {c['files_skipped']} skipped{rejected} in {self.seconds:.2f}s"
        )


def discover(paths: Iterable[str]) -> list[str]:
    """Files named, files under folders (recursively) and glob matches, each once.

    Inside folders hidden files and folders are left out; every other entry is
    taken, so that one of a kind no reader handles is recorded as skipped, and
    a folder that cannot be listed is recorded as failed.
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
                for root, dirs, files in os.walk(match, onerror=lambda error: add(error.filename)):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if not name.startswith("."):
                            add(os.path.join(root, name))
            else:
                add(match)
    return found


def parse_file(path: str, data: bytes, pipeline: Pipeline) -> Reading:
    from urbandb.loaders.read import read_source

    reading = read_source(path, data)
    reading.articles = [pipeline(article) for article in reading.articles]
    return reading


def extract_file(path: str, data: bytes, pipeline: Pipeline) -> Reading | FileFailure:
    """The per-file step a worker runs: the file's articles with their facts
    (and the records it rejected), or why it has none. Pure of the database,
    so it runs in any process."""
    try:
        return parse_file(path, data, pipeline)
    except LoadFailure as error:
        return FileFailure(type(error).__name__, str(error), error.severity)
    except Exception as error:  # a bug must not stop the other files; it is recorded with its type
        return FileFailure(type(error).__name__, f"internal error: {error!r}")


def load_paths(
    engine: Engine,
    paths: Iterable[str],
    pipeline: Pipeline | None = None,
    progress: Callable[[int, int, FileOutcome], None] | None = None,
    wait_seconds: float = 0.0,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 1,
    in_process: bool | None = None,
) -> LoadSummary:
    """Load files; `workers` processes read and extract (in this process when
    1, unless `in_process` is False), this process writes in the order of
    the files. A file whose reading and extraction take longer than
    `limits.max_seconds_per_file` is recorded as failed."""
    pipeline = pipeline or default_pipeline()
    files = discover(paths)
    if in_process is None:
        in_process = workers <= 1
    with loader_lock(engine, wait_seconds) as lock, objects_kept_out_of_collections():
        started = time.perf_counter()
        with engine.begin() as conn:
            run_id = writer.start_run(conn, exclusive=lock.exclusive)
            search.prepare_for_load(conn)
            search.index_backlog(conn)  # what a run that died left unindexed
        summary = LoadSummary(run_id=run_id)
        status = "failed"
        runner = (InProcess if in_process else partial(WorkerPool, size=workers, preload=PRELOAD))(
            extract_file, pipeline, file_seconds=limits.max_seconds_per_file
        )
        # The only writer resolves names in memory; loaders at once, in the database.
        names = names_for_run(lock.exclusive)
        try:
            with runner, RunLease(engine, run_id, exclusive=lock.exclusive):
                checked = (check_file(engine, path, limits) for path in files)
                queued = 0
                for index, (job, extracted) in enumerate(runner.in_order(checked), 1):
                    outcome = write_file(engine, job, extracted, run_id, pipeline.version, names)
                    summary.outcomes.append(outcome)
                    queued += outcome.status in ("added", "updated")
                    if queued >= search.BACKLOG_FILES:
                        with engine.begin() as conn:
                            search.index_backlog(conn)
                        queued = 0
                    if progress:
                        progress(index, len(files), outcome)
                with engine.begin() as conn:
                    search.index_backlog(conn)
            summary.workers_cpu_seconds = runner.cpu_seconds
            status = "ok" if summary.ok else "errors"
        finally:
            summary.seconds = time.perf_counter() - started
            with engine.begin() as conn:
                writer.finish_run(conn, run_id, status, summary.counts)
    return summary


@contextmanager
def objects_kept_out_of_collections() -> Iterator[None]:
    """Keep what exists before a run (modules, extractors, the engine) out of
    the garbage collector's full passes while it loads: each file's rows are
    many new objects, which start those passes again and again (about 5 % of
    the loading process's time with worker processes). Released at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class FileJob:
    """One file as the loading process sees it before extraction."""

    name: str  # readable: rows name the file so
    raw: bytes | None  # a name that is not UTF-8, as the OS gave it
    digest: str | None = None
    size: int = 0
    previous: str | None = None  # the stored hash, None for a new file
    failure: FileFailure | None = None
    unchanged: bool = False


def check_file(engine: Engine, path: str, limits: Limits) -> tuple[FileJob, tuple[str, bytes] | None]:
    """Read and hash the file; the work to hand to extraction, or None when
    the file is unchanged or unreadable."""
    job = FileJob(readable_name(path), raw_name(path))
    try:
        data = read_input(path, limits)
        job.digest, job.size = hashlib.sha256(data).hexdigest(), len(data)
        with engine.connect() as conn:
            job.name, job.previous = known_name(conn, path, job.name)
    except LoadFailure as error:
        job.failure = FileFailure(type(error).__name__, str(error), error.severity)
        return job, None
    except Exception as error:  # a bug must not stop the other files; it is recorded with its type
        if fails_every_file(error):
            raise
        job.failure = FileFailure(type(error).__name__, f"internal error: {error!r}")
        return job, None
    job.unchanged = job.previous == job.digest
    return job, None if job.unchanged else (job.name, data)


def known_name(conn, path: str, name: str) -> tuple[str, str | None]:
    """The name the file was loaded under before and its stored hash: `name`, or another
    spelling of the same file's path (absolute, relative to this folder, through a
    symlink), so that `seeds/` and `/srv/news/seeds/` do not load it twice."""
    previous = writer.stored_hash(conn, name)
    if previous is not None or raw_name(path) is not None:
        return name, previous
    for other in other_spellings(path):
        if other != name and (previous := writer.stored_hash(conn, other)) is not None:
            return other, previous
    return name, None


def other_spellings(path: str) -> list[str]:
    """The absolute and the relative form of `path`, as written and with symlinks resolved."""
    spellings = []
    for absolute in (os.path.abspath(path), os.path.realpath(path)):
        spellings += [absolute, os.path.relpath(absolute)]
    return list(dict.fromkeys(spellings))


def write_file(
    engine: Engine,
    job: FileJob,
    extracted: Reading | FileFailure | None,
    run_id: int,
    version: str | None,
    names: StoredNames | None = None,
) -> FileOutcome:
    """Write one extracted file through `writer.write_file` (its own
    transaction, retried when another loader wins a race), with the rows of
    what its reading rejected or replaced; entities resolved in `names`."""
    name, raw = job.name, job.raw
    if job.unchanged:
        return FileOutcome(name, "unchanged")
    failure = job.failure or (extracted if isinstance(extracted, FileFailure) else None)
    if failure is not None:
        return _failed(engine, run_id, name, raw, failure.error_type, failure.message, failure.severity)
    reading = extracted
    try:
        if not reading.articles:
            return _failed_records(engine, run_id, name, raw, reading)

        def alongside(conn) -> None:
            if raw is not None:
                conn.execute(SourceFile.__table__.update().where(SourceFile.path == name).values(path_bytes=raw))
            record_reading_problems(conn, run_id, name, raw, reading)

        previous = writer.write_file(
            engine, name, job.digest, job.size, reading.articles, run_id, version, alongside=alongside, names=names
        )
        if previous == job.digest:  # another loader wrote the same bytes meanwhile
            return FileOutcome(name, "unchanged")
    except LoadFailure as error:
        return _failed(engine, run_id, name, raw, type(error).__name__, str(error), error.severity)
    except Exception as error:  # a bug must not stop the other files; it is recorded with its type
        if fails_every_file(error):
            raise
        return _failed(engine, run_id, name, raw, type(error).__name__, f"internal error: {error!r}")
    return FileOutcome(
        name, "added" if job.previous is None else "updated", documents=len(reading.articles), rejected=len(reading.rejected)
    )


def record_reading_problems(conn, run_id: int, name: str, raw: bytes | None, reading: Reading) -> None:
    """A row per rejected record, and a warning for bytes decoding replaced."""
    for record in reading.rejected:
        writer.record_error(
            conn, run_id, name, type(record.problem).__name__, str(record.problem), source_item=record.item, path_bytes=raw
        )
    if reading.replaced_bytes:
        message = (
            f"{reading.replaced_bytes} undecodable bytes replaced by U+FFFD (read as {reading.encoding}); the rest is loaded"
        )
        writer.record_error(conn, run_id, name, "ReplacedBytes", message, severity="warning", path_bytes=raw)


def _failed_records(engine: Engine, run_id: int, name: str, raw: bytes | None, reading: Reading) -> FileOutcome:
    with engine.begin() as conn:
        record_reading_problems(conn, run_id, name, raw, reading)
    first = reading.rejected[0].problem
    return FileOutcome(name, "failed", error=f"{type(first).__name__}: no record loaded; {first}")


def _failed(
    engine: Engine, run_id: int, name: str, raw: bytes | None, error_type: str, message: str, severity: str = "error"
) -> FileOutcome:
    with engine.begin() as conn:
        writer.record_error(conn, run_id, name, error_type, message, severity=severity, path_bytes=raw)
    status = "skipped" if severity == "skipped" else "failed"
    return FileOutcome(name, status, error=f"{error_type}: {message}")


class RunLease:
    """Keeps a run's heartbeat fresh while it loads, so that other loaders
    know it is alive. A thread of its own renews it: one file may take
    longer to extract (`--max-seconds-per-file`) than the lease lasts.
    A run holding the exclusive SQLite lock needs no lease."""

    def __init__(self, engine: Engine, run_id: int, exclusive: bool = False):
        self.engine, self.run_id, self.exclusive = engine, run_id, exclusive
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"run-{run_id}-heartbeat", daemon=True)

    def __enter__(self) -> "RunLease":
        if not self.exclusive:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> bool:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()
        return False

    def _beat(self) -> None:
        while not self.stopped.wait(writer.HEARTBEAT_SECONDS):
            try:
                with self.engine.begin() as conn:
                    writer.heartbeat(conn, self.run_id)
            except Exception:  # a lost server fails the writes too, and the run with them; try again later
                continue


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


@dataclass
class Reextraction:
    """What a re-extraction did: documents whose facts were rewritten, and those that kept
    their old facts because extraction failed on them (document id, why)."""

    documents: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


def extract_stored(label: str, data: bytes, pipeline: Pipeline) -> Article | FileFailure:
    """The per-document step of re-extraction (any process): a stored article, pickled,
    through the extractors; why not, for a bug, so the other documents go on."""
    try:
        return pipeline(pickle.loads(data))
    except Exception as error:  # the document keeps its old facts; the others go on
        return FileFailure(type(error).__name__, f"internal error: {error!r}")


def reextract(engine: Engine, pipeline: Pipeline | None = None, wait_seconds: float = 0.0, workers: int = 1) -> Reextraction:
    """Recompute every document's facts with the current extractors, in `workers`
    processes (in this one when 1); one transaction per document, written in order."""
    pipeline = pipeline or default_pipeline()
    done = Reextraction()
    with loader_lock(engine, wait_seconds):
        stored = list(stored_articles(engine))  # read before writing: one connection at a time on SQLite
        runner = InProcess(extract_stored, pipeline, None) if workers <= 1 else WorkerPool(extract_stored, pipeline, workers, None, PRELOAD)
        jobs = ((document_id, (f"document {document_id}", pickle.dumps(article))) for document_id, article in stored)
        with runner:
            for document_id, result in runner.in_order(jobs):
                if isinstance(result, FileFailure):
                    done.failed.append((document_id, f"{result.error_type}: {result.message}"))
                    continue
                writer.rewrite_facts(engine, document_id, result, pipeline.version)
                done.documents += 1
    return done
