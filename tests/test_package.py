"""The package as a new user gets it: a fresh clone runs the README's
quickstart as written, and a wheel built from it, installed in a clean
virtualenv, runs `urbandb init`, `load`, `query` and `serve` from a folder
outside the checkout.

To stay offline and fast, the new virtualenv reaches the already installed
dependencies through a `.pth` line (its own site-packages, where the wheel
goes, comes first), and the wheel is installed with `--no-deps`.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from conftest import REPO

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the repository as committed."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    target = tmp_path_factory.mktemp("clone") / "urbandb"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(target)], check=True, timeout=120)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command: list[str], cwd: Path, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    return result


def serve_and_fetch(command: list[str], port: int, cwd: Path, env: dict, paths: list[str]) -> dict[str, httpx.Response]:
    """Start `urbandb serve`, GET the paths once it answers, stop it."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read()[-2000:]
            try:
                responses = {path: httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10) for path in paths}
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return responses


def quickstart_commands(readme: str) -> list[str]:
    """The command lines of the README's Quickstart block, comments dropped."""
    section = readme[readme.index("## Quickstart"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_readme_quickstart_runs_as_written_on_a_fresh_clone(clone):
    commands = quickstart_commands((clone / "README.md").read_text(encoding="utf-8"))
    assert commands[0] == ". .venv/bin/activate"
    # The activation, done for the subprocesses: the environment `make venv` builds is this one.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(VENV_BIN.parent)}
    env.pop("URBANDB_DB", None)
    ran = []
    for line in commands[1:]:
        argv = shlex.split(line)
        assert argv[0] == "urbandb", line
        if argv[1] == "serve":
            port = free_port()
            argv[argv.index("--port") + 1] = str(port)  # the README's port may be taken on this machine
            pages = serve_and_fetch(argv, port, clone, env, ["/", "/-/articles"])
            assert all(r.status_code == 200 for r in pages.values())
            assert "文章" in pages["/-/articles"].text
        else:
            run(argv, clone, env, timeout=300)
        ran.append(argv[1])
    assert {"init", "load", "serve", "query", "sql", "export"} <= set(ran)
    assert (clone / "urbandb.sqlite").is_file()
    assert (clone / "export" / "documents.parquet").is_file()


@pytest.fixture(scope="module")
def built(clone, tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from the clone, and what the build printed."""
    dist = tmp_path_factory.mktemp("dist")
    log = run([sys.executable, "-m", "pip", "wheel", "--verbose", "--no-deps", "--no-build-isolation", "-w", str(dist),
               str(clone)], clone, dict(os.environ), timeout=300)
    (wheel,) = dist.glob("urbandb-*.whl")
    return wheel, log.stdout + log.stderr


# Folders of the checkout whose files the wheel carries (under urbandb/), and which files.
PACKAGE_DATA = {
    "extract/data": "*.tsv", "migrations/versions": "*.py", "queries": "*.sql", "urbandb/export_queries": "*.sql",
    "urbandb/site/data": "*.yml", "urbandb/site/queries": "*.sql", "urbandb/site/static": "*",
    "urbandb/site/templates": "**/*.html",
}


def test_wheel_carries_every_data_file_and_builds_without_packaging_warnings(built, clone):
    wheel, log = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for folder, pattern in PACKAGE_DATA.items():
        files = [p for p in (clone / folder).glob(pattern) if p.is_file()]
        assert files, folder
        inside = folder if folder.startswith("urbandb/") else f"urbandb/{folder}"
        missing = [p.name for p in files if f"{inside}/{p.relative_to(clone / folder).as_posix()}" not in names]
        assert missing == [], (folder, missing)
    assert "urbandb/migrations/script.py.mako" in names and "urbandb/site/metadata.yml" in names
    # One import name: db, loaders, extract … install under urbandb, never as top-level packages.
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {"urbandb"}
    warnings = [line.strip() for line in log.splitlines()
                if "Warning" in line and "byte-compiling" not in line]
    assert warnings == []


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """The `bin/` of a new virtualenv with the wheel built from the clone installed."""
    wheel, _ = built
    dist = wheel.parent
    venv = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], dist, dict(os.environ))
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "urbandb-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        dist, dict(os.environ), timeout=300)
    return venv / "bin"


def test_wheel_installed_in_a_clean_virtualenv_runs_from_any_folder(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("URBANDB_DB", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed}{os.pathsep}{env['PATH']}"
    where = run([str(installed / "python"), "-c", "import urbandb.migrations, urbandb.queries, urbandb.site;"
                 "print(urbandb.migrations.__file__); print(urbandb.queries.__file__)"], tmp_path, env).stdout
    assert all(line.startswith(str(installed.parent)) for line in where.split()), where
    assert str(REPO) not in where

    articles = tmp_path / "articles"
    shutil.copytree(REPO / "seeds", articles)
    urbandb = str(installed / "urbandb")
    assert "revision" in run([urbandb, "init"], tmp_path, env).stdout
    assert "0 failed" in run([urbandb, "load", "articles"], tmp_path, env, timeout=300).stdout
    report = run([urbandb, "query", "documents_by_publication", "--format", "csv"], tmp_path, env).stdout
    assert report.splitlines()[0].startswith("publication,documents")
    assert "中国城市报" in report
    port = free_port()
    pages = serve_and_fetch([urbandb, "serve", "--port", str(port)], port, tmp_path, env, ["/", "/-/projects", "/-/charts"])
    assert [r.status_code for r in pages.values()] == [200, 200, 200]
    assert "研发基地" in pages["/-/projects"].text and "<svg" in pages["/-/charts"].text
    assert (tmp_path / "urbandb.sqlite").is_file()
