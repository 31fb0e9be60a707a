"""The compiled extraction modules: used only when built from the source on
disk, and extracting exactly what the Python source extracts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from urbandb import compiled
from urbandb.compile import build

REPO = Path(__file__).resolve().parent.parent


def _compiler_or_skip() -> None:
    """Skipped where no C compiler exists (the modules then run as Python); in CI that is a failure."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        if os.environ.get("CI"):
            pytest.fail(f"no C compiler ({compiler}) to build the compiled extraction modules in CI")
        pytest.skip(f"no C compiler ({compiler}): the extraction modules run as plain Python")


@pytest.fixture
def small_package(tmp_path, monkeypatch):
    """A package `compiledcheck` with one module, importable from `tmp_path`."""
    root = tmp_path / "src"
    (root / "compiledcheck").mkdir(parents=True)
    (root / "compiledcheck" / "__init__.py").write_text("")
    module = root / "compiledcheck" / "area.py"
    module.write_text("def hectares(square_metres):\n    return square_metres / 10000\n")
    monkeypatch.syspath_prepend(str(root))
    yield module
    for name in [n for n in sys.modules if n.startswith("compiledcheck")]:
        del sys.modules[name]


def _import_fresh(name: str, finder: compiled.CompiledFinder):
    sys.modules.pop(name, None)
    sys.meta_path.insert(0, finder)
    try:
        return __import__(name, fromlist=["_"])
    finally:
        sys.meta_path.remove(finder)


def test_a_build_is_used_only_for_the_source_it_was_built_from(small_package, tmp_path):
    _compiler_or_skip()
    name, directory = "compiledcheck.area", tmp_path / "builds"
    finder = compiled.CompiledFinder((name,), directory)

    assert not _import_fresh(name, finder).__file__.endswith(compiled.EXTENSION_SUFFIX)  # nothing built yet
    [first] = build((name,), directory, jobs=1)
    module = _import_fresh(name, finder)
    assert module.__file__ == str(first) and module.hectares(589000) == 58.9

    # An edited source is imported as Python, never shadowed by the stale build.
    small_package.write_text("def hectares(square_metres):\n    return round(square_metres / 10000)\n")
    module = _import_fresh(name, finder)
    assert module.__file__ == str(small_package) and module.hectares(589000) == 59

    assert build((name,), directory, jobs=1) != [first]
    assert [p.name for p in directory.iterdir()] != [first.name] and len(list(directory.iterdir())) == 1  # the old build is gone
    assert _import_fresh(name, finder).__file__.endswith(compiled.EXTENSION_SUFFIX)
    assert build((name,), directory, jobs=1) == []  # up to date: nothing to do


def test_status_names_each_module_and_how_it_runs(capsys):
    from urbandb.compile import main

    assert main(["--status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(compiled.MODULES)
    assert all(line.endswith((": compiled", ": pure Python")) for line in lines)


def test_pure_python_is_one_variable_away(monkeypatch):
    monkeypatch.setenv(compiled.PURE_PYTHON_VARIABLE, "1")
    assert compiled.install() is None
    monkeypatch.setenv(compiled.PURE_PYTHON_VARIABLE, "0")
    assert isinstance(compiled.install(), compiled.CompiledFinder)
    assert sum(isinstance(f, compiled.CompiledFinder) for f in sys.meta_path) == 1  # installed once


FACTS = """
import json, sys
from pathlib import Path
from urbandb import compiled
from urbandb.loaders.pipeline import default_pipeline
from urbandb.loaders.read import read_articles

pipeline = default_pipeline()
facts = []
for folder in ("seeds", "corpus"):
    for path in sorted(Path(folder).iterdir()):
        for article in read_articles(str(path), path.read_bytes()):
            article = pipeline(article)
            facts.append([path.name, repr(article.metrics), repr(article.entities), repr(article.projects)])
print(json.dumps({"in_use": compiled.in_use(), "facts": facts}))
"""


def _extract_all(pure: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_PYTHON_VARIABLE}
    if pure:
        env[compiled.PURE_PYTHON_VARIABLE] = "1"
    done = subprocess.run([sys.executable, "-c", FACTS], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_the_compiled_modules_extract_exactly_what_the_python_source_does():
    _compiler_or_skip()
    built = _extract_all(pure=False)
    if not all(built["in_use"].values()):
        stale = sorted(name for name, used in built["in_use"].items() if not used)
        message = f"no current build of {stale}: run `python -m urbandb.compile` (make venv does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pure = _extract_all(pure=True)
    assert not any(pure["in_use"].values())
    assert len(built["facts"]) == 12 and built["facts"] == pure["facts"]
