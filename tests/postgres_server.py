"""A throwaway PostgreSQL server for the tests and the benchmarks: Debian's
binaries, `initdb` into a temporary folder, 127.0.0.1 and a free port only,
trust authentication, stopped and deleted at the end.

Run as root, the server runs as the `postgres` user (PostgreSQL refuses root).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


class NoServer(Exception):
    """No PostgreSQL server can be started here (the message says why)."""


def postgres_bin() -> Path:
    for folder in BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise NoServer("no PostgreSQL binaries (initdb, pg_ctl): install Debian's postgresql package")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if not shutil.which("runuser"):
        raise NoServer("running as root without runuser: cannot start PostgreSQL as another user")
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A running server; yields its admin URL (`postgresql://postgres@127.0.0.1:PORT/postgres`)."""
    bin_dir = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="urbandb-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    run = lambda *args: subprocess.run(_as_server_user([str(a) for a in args]), capture_output=True, text=True)  # noqa: E731
    try:
        done = run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        if done.returncode:
            raise NoServer(f"initdb failed: {done.stderr.strip()[-300:]}")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off"
        done = run(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w", "start")
        if done.returncode:
            raise NoServer(f"the server did not start: {done.stderr.strip()[-300:]}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(admin_url: str, name: str | None = None) -> str:
    """A new empty database on the server; its URL."""
    import psycopg

    name = name or f"urbandb_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


