"""The `urbandb` command: each command parses its arguments, makes one library
call, and turns domain errors into a message and an exit code.

Every foreseeable failure ends in one line on stderr and an `ExitCode`
(`urbandb/exit_codes.py`, listed in the README); `--debug` shows the traceback.
"""
from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from urbandb.db.engine import database_url, make_engine, sqlite_path
from urbandb.loaders.limits import DEFAULT_LIMITS, Limits
from urbandb.loaders.workers import available_cores
from urbandb.exit_codes import ExitCode, explain

DEBUG = "urbandb.debug"


CLICK_USAGE_EXIT = 2  # what Click's usage errors (bad option, bad parameter) exit with


def _usage_error(error: typer.TyperException) -> typer.TyperException:
    """A usage error as one line and ExitCode.USAGE (2 means "busy" here);
    other Click errors (and the help shown for no arguments) as they are."""
    if getattr(error, "exit_code", None) != CLICK_USAGE_EXIT or type(error).__name__ == "NoArgsIsHelpError":
        return error
    fail(error.format_message(), ExitCode.USAGE)


class ExplainingGroup(TyperGroup):
    """Usage errors exit with ExitCode.USAGE; any other exception becomes its
    one-line explanation and exit code, unless --debug asks for the traceback."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as error:
            raise _usage_error(error)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except typer.TyperException as error:
            raise _usage_error(error)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as error:
            if ctx.meta.get(DEBUG):
                raise
            code, message = explain(error)
            fail(message, code)


app = typer.Typer(
    cls=ExplainingGroup,
    help="urbandb: Chinese news on urban renewal, land supply and industrial parks, as facts you can query.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


@app.callback()
def main(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(
        None, "--db", envvar="URBANDB_DB", help="Database: a SQLAlchemy URL or a SQLite file path (default: urbandb.sqlite)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error instead of one line."),
) -> None:
    ctx.obj = database_url(db)
    ctx.meta[DEBUG] = debug


def fail(message: str, code: int = ExitCode.INPUT_FAILED) -> None:
    # One line, whatever the message: DuckDB's own end in the statement and a caret under it.
    lines = [line.strip() for line in message.splitlines() if line.strip().strip("^")]
    typer.secho(f"error: {' '.join(lines)}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def sqlite_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        fail(
            f"this command needs a SQLite database file, not {shown_url(url)};"
            " `urbandb snapshot OUT.sqlite` writes one from it"
        )
    return existing_database(path)


def existing_database(db: str | Path) -> str | Path:
    """`db` as it is, once a SQLite file is known to exist (a server is asked when connecting)."""
    path = sqlite_path(database_url(str(db)))
    if path is not None and not path.exists():
        fail(f"no database at {path}: run `urbandb init` first", ExitCode.NEEDS_INIT)
    return db


def report_exit_code(error: Exception) -> ExitCode:
    from urbandb.analytics import ServerUnreachable

    return ExitCode.UNREACHABLE if isinstance(error, ServerUnreachable) else ExitCode.INPUT_FAILED


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database, or upgrade it to the newest migration."""
    from urbandb.db.migrate import SchemaError, current_revision, upgrade

    try:
        _require_schema(ctx.obj)
    except SchemaError as error:
        if not error.needs_init:  # a revision this code does not know: upgrading cannot help
            raise
    upgrade(ctx.obj)
    typer.echo(f"database at revision {current_revision(ctx.obj)}: {shown_url(ctx.obj)}")


@app.command()
def load(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(..., help="Files, folders (recursive) or glob patterns."),
    wait: float = typer.Option(0.0, help="Seconds to wait for another running load before giving up."),
    max_file_mb: float = typer.Option(
        DEFAULT_LIMITS.max_file_mb, min=0, help="Skip (and record) files larger than this many MB, unread."
    ),
    max_seconds_per_file: float = typer.Option(
        DEFAULT_LIMITS.max_seconds_per_file, min=1, help="Record a file as failed when reading and extracting it takes longer."
    ),
    workers: Optional[int] = typer.Option(
        None, min=1, help="Processes that read and extract files (default: the number of cores); 1 runs them in this process."
    ),
) -> None:
    """Load articles; unchanged files are skipped. Exit 1 if any file or record failed."""
    from urbandb.loaders.pipeline import load_paths

    _require_schema(ctx.obj)
    engine = make_engine(ctx.obj)
    limits = Limits(max_file_mb=max_file_mb, max_seconds_per_file=max_seconds_per_file)
    show_progress = sys.stderr.isatty()

    def progress(index: int, total: int, outcome) -> None:
        if show_progress or outcome.status in ("failed", "skipped") or outcome.rejected:
            rejected = f" ({outcome.rejected} records rejected: see load_errors)" if outcome.rejected else ""
            detail = f" ({outcome.error})" if outcome.error else rejected
            typer.echo(f"[{index}/{total}] {outcome.status:9} {shown(outcome.path)}{shown(detail)}", err=True)

    summary = load_paths(
        engine, paths, progress=progress, wait_seconds=wait, limits=limits, workers=workers or available_cores()
    )
    typer.echo(summary.line())
    raise typer.Exit(ExitCode.OK if summary.ok else ExitCode.INPUT_FAILED)


@app.command()
def reextract(
    ctx: typer.Context,
    wait: float = typer.Option(0.0, help="Seconds to wait for a running load."),
    workers: Optional[int] = typer.Option(
        None, min=1, help="Processes that extract (default: the number of cores); 1 runs them in this process."
    ),
) -> None:
    """Recompute metrics, entities and projects of every document from its stored paragraphs.
    Exit 1 if extraction failed on a document (it keeps its old facts)."""
    from urbandb.loaders.pipeline import default_pipeline, reextract as run

    _require_schema(ctx.obj)
    pipeline = default_pipeline()
    done = run(make_engine(ctx.obj), pipeline, wait_seconds=wait, workers=workers or available_cores())
    for document_id, why in done.failed:
        typer.echo(f"document {document_id} kept its facts: {why}", err=True)
    typer.echo(f"re-extracted {done.documents} documents with {pipeline.version}" + (f", {len(done.failed)} failed" if done.failed else ""))
    raise typer.Exit(ExitCode.INPUT_FAILED if done.failed else ExitCode.OK)


@app.command()
def runs(ctx: typer.Context, limit: int = typer.Option(10, help="How many runs to show.")) -> None:
    """The last loader runs with their counts."""
    from sqlalchemy import select

    from urbandb.db.models import LoaderRun

    _require_schema(ctx.obj)
    table = LoaderRun.__table__
    with make_engine(ctx.obj).connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id.desc()).limit(limit)).all()
    columns = [
        "id", "started_at", "finished_at", "status", "files_seen", "files_added",
        "files_updated", "files_unchanged", "files_failed", "files_skipped",
    ]
    print_rows(columns, [tuple(getattr(r, c) for c in columns) for r in rows], OutputFormat.table)


@app.command()
def serve(
    ctx: typer.Context,
    port: int = typer.Option(8001, help="Port on 127.0.0.1."),
) -> None:
    """Publish the database with Datasette on 127.0.0.1, read-only."""
    from urbandb.site import SiteError, serve as serve_site

    _require_schema(ctx.obj)
    try:
        serve_site(sqlite_file(ctx.obj), port=port)
    except SiteError as error:
        fail(str(error))


@app.command()
def query(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, help="A report in queries/ (without .sql)."),
    param: List[str] = typer.Option([], "--param", "-p", help="key=value, repeatable."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    list_: bool = typer.Option(False, "--list", help="List the reports with their description."),
) -> None:
    """Run a report from queries/ in DuckDB over the database (attached read-only)."""
    from urbandb.analytics import ParameterError, ReportError, connect, list_reports, load_report, run_report

    if list_ or name is None:
        for report in list_reports():
            params = f" [{', '.join(report.parameters)}]" if report.parameters else ""
            typer.echo(f"{report.name:28} {report.description}{params}")
        return
    try:
        params = dict(_split_param(p) for p in param)
        columns, rows = run_report(connect(existing_database(ctx.obj)), load_report(name), params)
    except ParameterError as error:
        fail(str(error), ExitCode.USAGE)
    except ReportError as error:
        fail(str(error), report_exit_code(error))
    print_rows(columns, rows, format)


@app.command()
def sql(
    ctx: typer.Context,
    statement: str = typer.Argument(..., help="SQL for DuckDB; tables of the database by plain name."),
    format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Run ad-hoc SQL in DuckDB over the database (attached read-only)."""
    import duckdb

    from urbandb.analytics import ReportError, connect, run_sql

    try:
        columns, rows = run_sql(connect(existing_database(ctx.obj)), statement)
    except (ReportError, duckdb.Error) as error:
        fail(str(error).strip(), report_exit_code(error))
    print_rows(columns, rows, format)


@app.command(name="eval")
def eval_(
    ctx: typer.Context,
    gold_dir: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder of gold JSON files."),
    min_f1: Optional[float] = typer.Option(None, help="Exit 1 when the metrics F1 is below this."),
) -> None:
    """Score the database's extractions against hand-checked gold files."""
    from urbandb.evaluation import run_eval

    _require_schema(ctx.obj)
    text, ok = run_eval(ctx.obj, gold_dir, min_f1)
    typer.echo(text)
    raise typer.Exit(0 if ok else 1)


@app.command()
def export(
    ctx: typer.Context,
    out_dir: Path = typer.Argument(..., help="Folder to write one file per table into."),
    format: ExportFormat = typer.Option(ExportFormat.parquet, "--format", "-f"),
    bom: bool = typer.Option(True, "--bom/--no-bom", help="CSV: begin each file with a UTF-8 byte order mark (for Excel)."),
) -> None:
    """Export every table, and projects and figures joined with their names, as Parquet or CSV files."""
    from urbandb.analytics import ReportError
    from urbandb.export import ExportError, export_database

    _require_schema(ctx.obj)
    try:
        written = export_database(existing_database(ctx.obj), out_dir, format.value, bom=bom)
    except (ExportError, ReportError) as error:
        fail(str(error), report_exit_code(error.__cause__ or error))
    typer.echo(f"wrote {len(written)} files to {out_dir}")


@app.command()
def snapshot(
    ctx: typer.Context,
    out: Path = typer.Argument(..., help="The SQLite file to write (replaced if it exists)."),
) -> None:
    """Copy the database (PostgreSQL or SQLite) into a read-only SQLite file, search index included, for `serve`."""
    from urbandb.snapshot import SnapshotError, write_snapshot

    _require_schema(ctx.obj)
    try:
        counts = write_snapshot(ctx.obj, out)
    except SnapshotError as error:
        fail(str(error))
    typer.echo(f"wrote {out}: {sum(counts.values())} rows in {len(counts)} tables")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """`text` safe for a terminal: a file name's escape sequences or newlines shown as `\\xNN`."""
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _require_schema(url: str) -> None:
    """Refuse a database this code must not write: missing, older, unknown,
    not a database, or another application's (tables, but no revision)."""
    from urbandb.db.migrate import SchemaError, current_revision, require_current_schema

    try:
        require_current_schema(url)
    except SchemaError as error:
        missing = (path := sqlite_path(url)) is not None and not path.exists()  # and must not be created
        tables = [] if missing or not error.needs_init or current_revision(url) else _tables(url)
        if tables:
            raise SchemaError(
                f"the database {shown_url(url)} holds tables ({', '.join(tables[:3])}…) but no urbandb revision:"
                " another application's database, or one whose `urbandb init` was interrupted; refusing to use it",
                needs_init=False,
            ) from None
        raise


def _tables(url: str) -> list[str]:
    from sqlalchemy import inspect

    engine = make_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _split_param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"--param wants key=value, got {text!r}", param_hint="--param")
    return key.strip(), value


def print_rows(columns: list[str], rows: list[tuple], fmt: OutputFormat) -> None:
    if fmt == OutputFormat.json:
        typer.echo(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=2))
    elif fmt == OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        typer.echo(format_table(columns, rows))


def format_table(columns: list[str], rows: list[tuple], max_width: int = 40) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [_line(columns, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(r, widths) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value, max_width: int) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    while _width(text) > max_width:
        text = text[: max(1, len(text) - 2)] + "…"
        if _width(text) <= max_width:
            break
        text = text[:-1]
    return text


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(values, widths) -> str:
    return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()
