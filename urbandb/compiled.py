"""The extraction modules compiled to C with Cython, used only when built
from the very source on disk.

Extraction is branchy Python over tokens and spans; compiled as it is (no
types added, the same source), it needs a sixth to a fifth less CPU. The
build is optional: without a C compiler, or for a module edited since its
build, the module is imported from its `.py` as usual, with the same
results, only slower.

A build is kept in `build/compiled/` (beside the package folders; the
`URBANDB_COMPILED_DIR` environment variable moves it), one file per module
named by the SHA-256 of the source it was compiled from. An import hook
loads it only when that hash matches the source now on disk, so an edited
module is never shadowed by a stale build. `URBANDB_PURE_PYTHON=1` turns
the hook off (e.g. to profile the Python code).

`python -m urbandb.compile` builds them (`make venv` does).
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

# The stages that spend the load's CPU (measured: docs/benchmarks.md, "Compiled extraction").
MODULES = (
    "urbandb.extract.entities",
    "urbandb.extract.gazetteer",
    "urbandb.extract.metrics",
    "urbandb.extract.projects",
    "urbandb.extract.quantity",
    "urbandb.extract.subjects",
)
EXTENSION_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
PURE_PYTHON_VARIABLE = "URBANDB_PURE_PYTHON"
DIRECTORY_VARIABLE = "URBANDB_COMPILED_DIR"


def default_directory() -> Path:
    configured = os.environ.get(DIRECTORY_VARIABLE)
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "build" / "compiled"


def source_digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()[:16]


def built_path(directory: Path, name: str, source: Path) -> Path:
    """Where the build of module `name` from `source`, as it is now, lies."""
    return directory / f"{name}.{source_digest(source)}{EXTENSION_SUFFIX}"


def source_of(name: str, path=None) -> Path | None:
    """The `.py` file the normal import system would load for `name`."""
    spec = importlib.machinery.PathFinder.find_spec(name, path)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


@dataclass
class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the build of each of `modules` whose source is unchanged."""

    modules: tuple[str, ...]
    directory: Path

    def find_spec(self, name, path=None, target=None):
        if name not in self.modules:
            return None
        source = source_of(name, path)
        if source is None:
            return None
        built = built_path(self.directory, name, source)
        if not built.is_file():
            return None
        return importlib.util.spec_from_file_location(name, built, loader=importlib.machinery.ExtensionFileLoader(name, str(built)))


def install(modules: tuple[str, ...] = MODULES, directory: Path | None = None) -> CompiledFinder | None:
    """Put the hook first on `sys.meta_path` (once), unless pure Python is asked for."""
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    for finder in sys.meta_path:
        if isinstance(finder, CompiledFinder) and finder.modules == modules:
            return finder
    finder = CompiledFinder(modules, directory or default_directory())
    sys.meta_path.insert(0, finder)
    return finder


def in_use(modules: tuple[str, ...] = MODULES) -> dict[str, bool]:
    """For each module already imported: whether it is the compiled build."""
    return {
        name: getattr(sys.modules[name], "__file__", "").endswith(EXTENSION_SUFFIX)
        for name in modules if name in sys.modules
    }

