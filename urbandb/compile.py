"""Builds the compiled extraction modules (`urbandb.compiled`): each module
with no build for its source as it is now is compiled with Cython, and its
older builds are removed.

    python -m urbandb.compile           # builds what is missing or stale
    python -m urbandb.compile --status  # which modules import compiled, builds nothing
"""
from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from urbandb.compiled import EXTENSION_SUFFIX, MODULES, built_path, default_directory, in_use, source_of

# Plain Python semantics: annotations are documentation, not C types
# (a `list[Span]` parameter still takes a tuple).
DIRECTIVES = {"language_level": 3, "annotation_typing": False}


def build(modules: tuple[str, ...] = MODULES, directory: Path | None = None, jobs: int | None = None,
          search_path: list[str] | None = None) -> list[Path]:
    """Compile every module of `modules` with no build for its current source;
    older builds of those modules are removed. Returns the new builds."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    directory = directory or default_directory()
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for name in modules:
        parent = name.rpartition(".")[0]
        path = search_path if not parent else list(importlib.import_module(parent).__path__)
        source = source_of(name, path)
        if source is None:
            raise FileNotFoundError(f"no Python source for {name}")
        if not built_path(directory, name, source).is_file():
            wanted[name] = source
    if not wanted:
        return []
    with tempfile.TemporaryDirectory() as work:
        work_path = Path(work)
        # Compiled from a copy, named by the copy's hash: a source edited meanwhile gets no build of other bytes.
        copies, extensions = {}, []
        for name, source in wanted.items():
            copies[name] = work_path / "src" / Path(*name.split(".")).with_suffix(".py")
            copies[name].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copies[name])
            extensions.append(Extension(name, [str(copies[name])]))
        jobs = jobs or os.cpu_count() or 1
        compiled = cythonize(extensions, compiler_directives=DIRECTIVES, build_dir=str(work_path / "c"), nthreads=jobs, quiet=True)
        command = Distribution({"ext_modules": compiled}).get_command_obj("build_ext")
        command.build_lib, command.build_temp, command.parallel = str(work_path / "lib"), str(work_path / "tmp"), jobs
        command.ensure_finalized()
        command.run()
        built = []
        for name, copy in copies.items():
            for old in directory.glob(f"{name}.*{EXTENSION_SUFFIX}"):
                old.unlink()
            target = built_path(directory, name, copy)
            staged = directory / f".{target.name}.partial"  # in place at once: a loader never sees half a file
            shutil.copyfile(work_path / "lib" / Path(*name.split(".")).with_suffix(EXTENSION_SUFFIX), staged)
            os.replace(staged, target)
            built.append(target)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m urbandb.compile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--status", action="store_true", help="print which modules import compiled, build nothing")
    args = parser.parse_args(argv)
    if not args.status:
        built = build()
        print(f"compiled {len(built)} module(s) into {default_directory()}" if built else "compiled modules are up to date")
    for name in MODULES:
        importlib.import_module(name)
    for name, compiled in in_use().items():
        print(f"{name}: {'compiled' if compiled else 'pure Python'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
