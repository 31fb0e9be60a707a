"""Where each file is read and its facts extracted: in the loading process, or
in worker processes (`urbandb load --workers N`). Either way the results come
back in the order the files were given, so the loading process writes them
in a deterministic order, and at most a bounded number of extracted files
wait in memory.

Each file has a wall-time limit. In the loading process it is enforced with
SIGALRM (it interrupts Python code and blocking system calls, not one long
call inside a C extension); in a worker, the loading process kills the worker
and starts another, so nothing can hold a run for longer than the limit.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

# Files handed out ahead of the one being written, per worker: enough to keep
# every worker busy while one file is slow, few enough to bound memory.
AHEAD_PER_WORKER = 12
# Files sent to a worker before it asks: the one it extracts and those that
# fit in QUEUED_BYTES behind it, so that the worker has work for the longest
# pause of this process (indexing the search backlog, a checkpoint: tens of
# ms) and sending never blocks (the pipe holds about 200 KB).
QUEUED_PER_WORKER = 8
QUEUED_BYTES = 64 * 1024
# A worker reads one short article before it takes files, so that the
# segmenter's dictionaries and the gazetteer load outside any file's time limit.
WARM_UP_PATH = "warm-up.txt"
WARM_UP_TEXT = "北京市昌平区回龙观街道产业园项目占地58.9公顷。"


@dataclass(frozen=True)
class FileFailure:
    """Why a file yields no articles: recorded in `load_errors` as is."""

    error_type: str
    message: str
    severity: str = "error"  # or "skipped", as `LoadFailure.severity`


# The step a worker runs on one file: (path, bytes, pipeline) -> articles or a FileFailure.
Step = Callable[[str, bytes, Any], Any]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not every platform has affinity
        return os.cpu_count() or 1


def timeout_failure(seconds: float) -> FileFailure:
    return FileFailure(
        "FileTimeout",
        f"reading and extraction took longer than the limit of {seconds:g} s per file (--max-seconds-per-file)",
    )


class _TimeLimit(BaseException):
    """Raised by SIGALRM; a BaseException so that no `except Exception` inside a reader or an extractor swallows it."""


class InProcess:
    """Read and extract in the loading process, one file at a time."""

    cpu_seconds = None  # no workers

    def __init__(self, step: Step, pipeline, file_seconds: float | None):
        self.step = step
        self.pipeline = pipeline
        self.file_seconds = file_seconds

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def in_order(self, jobs: Iterable[tuple[Any, tuple[str, bytes] | None]]) -> Iterator[tuple[Any, Any]]:
        """For each `(job, work)`, `(job, result)`; `work` None passes through with result None."""
        for job, work in jobs:
            yield job, (None if work is None else self._run(*work))

    def _run(self, path: str, data: bytes):
        seconds = self.file_seconds
        if not seconds or threading.current_thread() is not threading.main_thread():
            return self.step(path, data, self.pipeline)

        def on_alarm(signum, frame):
            raise _TimeLimit

        previous = signal.signal(signal.SIGALRM, on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                return self.step(path, data, self.pipeline)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _TimeLimit:  # also when the alarm comes just as the step returns
            return timeout_failure(seconds)
        finally:
            signal.signal(signal.SIGALRM, previous)


def _serve(conn: Connection, step: Step, pipeline) -> None:
    """A worker: build the extractors once (unpickling `pipeline` did), warm
    them, then extract the files sent until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the loading process's to handle
    step(WARM_UP_PATH, WARM_UP_TEXT.encode("utf-8"), pipeline)
    conn.send("ready")
    while True:
        try:
            work = conn.recv()
        except EOFError:  # the loading process is gone
            return
        if work is None:
            conn.send(time.process_time())  # what the loading process reports as the workers' CPU time
            return
        result = step(*work, pipeline)
        try:
            conn.send(result)
        except Exception as error:  # a result that cannot be pickled is the extractor's bug, not a stop
            conn.send(FileFailure(type(error).__name__, f"internal error: {error!r}"))


class WorkerStartFailed(RuntimeError):
    """A worker died before it was ready to take files (the pipeline cannot be built)."""


class _Worker:
    """A worker process and the files handed to it, oldest (being extracted) first."""

    def __init__(self, context, step: Step, pipeline):
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_conn, step, pipeline), daemon=True)
        self.process.start()
        child_conn.close()
        self.ready = False
        self.broken = False  # a send failed: the process died, its pipe reports how
        self.entries: deque[_Entry] = deque()
        self.started = 0.0  # when the oldest file began (as near as this process can tell)

    def can_take(self, entry: "_Entry") -> bool:
        # Files wait in the pipe so the worker need not wait for this process
        # between files; only as many bytes as the pipe holds, so that sending
        # never blocks behind a file that is still being extracted.
        if not self.ready or self.broken:
            return False
        if not self.entries:
            return True
        in_pipe = sum(len(queued.work[1]) for queued in islice(self.entries, 1, None))
        return len(self.entries) < QUEUED_PER_WORKER and in_pipe + len(entry.work[1]) <= QUEUED_BYTES

    def give(self, entry: "_Entry") -> bool:
        """Send the file; False when the worker has died since it was last heard from."""
        try:
            self.conn.send(entry.work)
        except OSError:  # BrokenPipeError: the death is read from the pipe in `_collect`
            self.broken = True
            return False
        if not self.entries:
            self.started = time.monotonic()
        self.entries.append(entry)
        return True

    def finished(self) -> "_Entry":
        entry = self.entries.popleft()
        self.started = time.monotonic()
        return entry

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self, seconds: float = 5.0) -> float:
        """Ask the worker to exit; its CPU seconds (0 when it does not say)."""
        cpu = 0.0
        try:
            self.conn.send(None)
            while self.conn.poll(seconds):
                message = self.conn.recv()  # "ready" may come first, from a worker that got no file
                if isinstance(message, float):
                    cpu = message
                    break
        except (OSError, EOFError):
            pass
        self.process.join(seconds)
        self.kill()
        return cpu


class _Entry:
    __slots__ = ("job", "work", "result", "done")

    def __init__(self, job, work):
        self.job, self.work = job, work
        self.result = None
        self.done = work is None


def _context(preload: list[str]):
    # forkserver: workers do not inherit the loading process's open database
    # connections or threads, but they do inherit what the server imported
    # (`preload`: extractors built and warmed once, shared copy-on-write).
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    return context


class WorkerPool:
    """`size` worker processes, each with its own pipe and one file at a time,
    so a file that overruns its limit is pinned to one worker that can be
    killed and replaced. `pipeline` must pickle (`Pipeline` pickles by its
    factory when it has one); `preload` names modules the server that forks
    the workers imports once, before the first worker."""

    def __init__(self, step: Step, pipeline, size: int, file_seconds: float | None, preload: list[str] = ()):
        self.step = step
        self.pipeline = pipeline
        self.size = max(1, size)
        self.file_seconds = file_seconds
        self.ahead = AHEAD_PER_WORKER * self.size
        self.context = _context(list(preload))
        self.workers: list[_Worker] = []
        self.cpu_seconds = 0.0  # of the workers that stopped when asked

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, *exc) -> bool:
        for worker in self.workers:
            if exc_type is None and not worker.entries:
                self.cpu_seconds += worker.stop()
            else:
                worker.kill()
        self.workers = []
        return False

    def in_order(self, jobs: Iterable[tuple[Any, tuple[str, bytes] | None]]) -> Iterator[tuple[Any, Any]]:
        """For each `(job, work)`, `(job, result)` in the order given; `work`
        None passes through (in its place) with result None."""
        jobs = iter(jobs)
        window: deque[_Entry] = deque()
        waiting: deque[_Entry] = deque()
        exhausted = False
        while True:
            while not exhausted and len(window) < self.ahead:
                try:
                    job, work = next(jobs)
                except StopIteration:
                    exhausted = True
                    break
                entry = _Entry(job, work)
                window.append(entry)
                if not entry.done:
                    waiting.append(entry)
            if not window:
                return
            # Results are taken and files handed out before each write, so
            # that workers are not idle while this process writes.
            self._hand_out(waiting)
            self._collect(waiting, block=not window[0].done)
            self._hand_out(waiting)
            if window[0].done:
                entry = window.popleft()
                yield entry.job, entry.result

    def _hand_out(self, waiting: deque[_Entry]) -> None:
        while waiting:
            while len(self.workers) < self.size:
                self.workers.append(_Worker(self.context, self.step, self.pipeline))
            died_idle = False
            for worker in sorted(self.workers, key=lambda w: len(w.entries)):
                while waiting and worker.can_take(waiting[0]):
                    if worker.give(waiting[0]):
                        waiting.popleft()
                    elif not worker.entries:  # nothing to fail: replace it now
                        worker.kill()
                        self.workers.remove(worker)
                        died_idle = True
            if not died_idle:
                return

    def _collect(self, waiting: deque[_Entry], block: bool) -> None:
        """Take the results, ready workers, dead workers and overrun limits
        there are; with `block`, wait until there is one."""
        timeout = None if block else 0.0
        if self.file_seconds and block:
            deadlines = [w.started + self.file_seconds for w in self.workers if w.entries]
            if deadlines:
                timeout = max(0.0, min(deadlines) - time.monotonic())
        listening = [w for w in self.workers if w.entries or not w.ready]
        ready = wait([w.conn for w in listening], timeout)
        for worker in listening:
            if worker.conn in ready:
                self._receive(worker, waiting)
        if self.file_seconds:
            now = time.monotonic()
            for worker in list(self.workers):
                if worker.entries and now - worker.started >= self.file_seconds:
                    self._replace(worker, timeout_failure(self.file_seconds), waiting)

    def _receive(self, worker: _Worker, waiting: deque[_Entry]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join()
            code = worker.process.exitcode
            if not worker.entries:
                self.workers.remove(worker)
                worker.kill()
                raise WorkerStartFailed(f"a worker process exited with code {code} before it was ready") from None
            failure = FileFailure("WorkerDied", f"the worker process extracting this file died (exit code {code})")
            self._replace(worker, failure, waiting)
            return
        if message == "ready" and not worker.ready:
            worker.ready = True
            return
        entry = worker.finished()
        entry.result, entry.done, entry.work = message, True, None

    def _replace(self, worker: _Worker, failure: FileFailure, waiting: deque[_Entry]) -> None:
        """The worker's current file fails; the files queued behind it go back first in line."""
        entry = worker.entries.popleft()
        entry.result, entry.done, entry.work = failure, True, None
        waiting.extendleft(reversed(worker.entries))
        worker.kill()
        self.workers.remove(worker)  # a new one is started when files wait
