"""DuckDB over the database: the reports in `queries/` and ad-hoc SQL.

A SQLite file is attached read-only through the sqlite_scanner extension that
the `duckdb-extension-sqlite-scanner` package ships, a PostgreSQL database
through the postgres_scanner of `duckdb-extension-postgres-scanner` (nothing
is downloaded); the database is made the default schema, so reports use plain
table names and run unchanged on both. After that the connection is sealed: no file access (no COPY TO, no reading
other files) and no configuration change, and `run_sql` takes only queries
(SELECT, EXPLAIN), so no ATTACH can write anywhere.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
from sqlalchemy.engine import make_url

from urbandb import queries
from urbandb.db.engine import backend, database_url, sqlite_path

QUERIES_DIR = Path(queries.__file__).resolve().parent
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
REPORT_NAME = re.compile(r"[A-Za-z0-9_]+")
READ_ONLY_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# Table functions that reach past the attached database: SQL sent to the server
# as text (run there, where some functions write or read the server's files
# even in a read-only transaction), other servers and SQLite files, and queries
# given as strings, which no check here sees.
REFUSED_FUNCTIONS = frozenset({
    "postgres_query", "postgres_execute", "postgres_scan", "postgres_scan_pushdown", "postgres_attach",
    "postgres_configure_pool", "pg_clear_cache", "sqlite_query", "sqlite_scan", "sqlite_attach", "query", "query_table",
})
EXPLAIN_PREFIX = re.compile(r"^\s*explain\s*(\([^)]*\)\s*)?(analy[sz]e\s+)?", re.IGNORECASE)
DEFAULT = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*\(default\s+([^)]*)\)")


class ReportError(Exception):
    """A report that does not exist, or a statement that cannot run."""


class ServerUnreachable(ReportError):
    """A PostgreSQL server that cannot be reached, or refuses the connection."""


class ParameterError(ReportError):
    """A report called with a parameter it lacks, without one it needs, or of the wrong type."""


def scanner_path(package, extension: str) -> Path:
    """The extension file a `duckdb-extension-*` package ships for this DuckDB."""
    path = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{extension}.duckdb_extension"
    if not path.exists():
        raise ReportError(f"{extension} extension for DuckDB {duckdb.__version__} not found at {path}")
    return path


def sqlite_scanner_path() -> Path:
    import duckdb_extension_sqlite_scanner as package

    return scanner_path(package, "sqlite_scanner")


def postgres_scanner_path() -> Path:
    import duckdb_extension_postgres_scanner as package

    return scanner_path(package, "postgres_scanner")


def connect(db: str | Path, sealed: bool = True) -> duckdb.DuckDBPyConnection:
    """DuckDB with the database (a SQLite path, or any `--db` value) attached
    read-only as the default; `sealed=False` keeps file access, for `export`
    writing its files."""
    url = database_url(str(db))
    if backend(url) == "postgresql":
        conn = _connect_postgresql(url)
    else:
        conn = _connect_sqlite(url)
    if sealed:
        conn.execute("SET enable_external_access = false")
        conn.execute("SET lock_configuration = true")
    return conn


def _connect_sqlite(url: str) -> duckdb.DuckDBPyConnection:
    db_path = sqlite_path(url)
    if db_path is None or not db_path.exists():
        raise ReportError(f"no database at {db_path or url}: run `urbandb init` and `urbandb load` first")
    conn = duckdb.connect()
    conn.execute(f"LOAD {_literal(sqlite_scanner_path())}")
    conn.execute(f"ATTACH {_literal(db_path)} AS urbandb (TYPE sqlite, READ_ONLY)")
    conn.execute("USE urbandb")
    return conn


def _connect_postgresql(url: str) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute(f"LOAD {_literal(postgres_scanner_path())}")
    # DuckDB 1.5.5 pushes some filters down wrongly once PostgreSQL has table
    # statistics ("Unsupported table filter type" in projects_by_place).
    conn.execute("SET pg_experimental_filter_pushdown = false")
    dsn, shown = libpq_dsn(url), make_url(url).render_as_string(hide_password=True)
    try:
        conn.execute(f"ATTACH {_literal(dsn)} AS urbandb (TYPE postgres, READ_ONLY)")
    except duckdb.Error as error:
        # DuckDB quotes the connection string, password included: never show it.
        reason = str(error).replace(dsn, shown).strip().splitlines()[0]
        password = make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise ServerUnreachable(f"cannot open {shown}: {reason}") from None
    conn.execute("USE urbandb.public")
    return conn


def libpq_dsn(url: str) -> str:
    """`host=… port=… dbname=…` for libpq from a SQLAlchemy URL (query options kept)."""
    parsed = make_url(url)
    parts = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
        **parsed.query,
    }
    return " ".join(f"{key}={_dsn_value(value)}" for key, value in parts.items() if value is not None)


def _dsn_value(value) -> str:
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@dataclass
class Report:
    name: str
    path: Path
    description: str
    sql: str

    @property
    def parameters(self) -> list[str]:
        return sorted(set(PARAMETER.findall(_strip_comments(self.sql))))

    @property
    def defaults(self) -> dict[str, str]:
        return dict(DEFAULT.findall(self.header))

    @property
    def parameter_types(self) -> dict[str, type]:
        """Each parameter's type, from its default in the header: 2 is an
        integer, 0.05 a number, '…' text (and text without a default)."""
        return {name: _literal_type(self.defaults.get(name)) for name in self.parameters}

    @property
    def header(self) -> str:
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].strip())
        return "\n".join(lines)


def list_reports(queries_dir: Path = QUERIES_DIR) -> list[Report]:
    return [load_report(path.stem, queries_dir) for path in sorted(queries_dir.glob("*.sql"))]


def load_report(name: str, queries_dir: Path = QUERIES_DIR) -> Report:
    """The report `name` in `queries/`: a name, never a path."""
    path = queries_dir / f"{name}.sql"
    if not REPORT_NAME.fullmatch(name) or not path.is_file():
        known = ", ".join(p.stem for p in sorted(queries_dir.glob("*.sql")))
        raise ReportError(f"no report named {name!r}; reports: {known}")
    sql = path.read_text(encoding="utf-8")
    first = next((line[2:].strip() for line in sql.splitlines() if line.startswith("--")), "")
    return Report(name=name, path=path, description=first, sql=sql)


def run_report(conn: duckdb.DuckDBPyConnection, report: Report, params: dict[str, str]) -> tuple[list[str], list[tuple]]:
    values = {**report.defaults, **params}
    unknown = sorted(set(params) - set(report.parameters))
    if unknown:
        raise ParameterError(f"report {report.name} has no parameter {', '.join(unknown)}; it takes: {', '.join(report.parameters) or 'none'}")
    missing = [name for name in report.parameters if name not in values]
    if missing:
        raise ParameterError(f"report {report.name} needs --param {' --param '.join(m + '=…' for m in missing)}")
    types = report.parameter_types
    return run_sql(conn, report.sql, {name: _typed(name, values[name], types[name]) for name in report.parameters})


def run_sql(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Run queries only: any other statement (ATTACH, COPY, INSERT, SET …) is refused."""
    try:
        statements = conn.extract_statements(sql)
    except duckdb.Error as error:
        raise ReportError(str(error).strip()) from None
    refused = [s.type.name for s in statements if s.type not in READ_ONLY_STATEMENTS]
    if refused or not statements:
        raise ReportError(f"only queries (SELECT, EXPLAIN) are run, not {', '.join(refused) or 'an empty statement'}")
    called = set().union(*(functions_called(conn, s.query) for s in statements))
    if called & REFUSED_FUNCTIONS:
        names = ", ".join(sorted(called & REFUSED_FUNCTIONS))
        raise ReportError(f"only queries over the database's tables are run, not through {names}")
    cursor = conn.execute(sql, params or None)
    columns = [d[0] for d in cursor.description] if cursor.description else []
    return columns, cursor.fetchall() if columns else []


def functions_called(conn: duckdb.DuckDBPyConnection, query: str) -> set[str]:
    """The names of the functions a query (or the query an EXPLAIN shows) calls,
    from DuckDB's own parse of it."""
    select = EXPLAIN_PREFIX.sub("", query, count=1)
    parsed = json.loads(conn.execute("SELECT json_serialize_sql(?)", [select]).fetchone()[0])
    if parsed.get("error"):
        raise ReportError(f"only queries (SELECT, EXPLAIN) are run: {parsed.get('error_message', 'cannot read this one')}")
    names: set[str] = set()
    pending = [parsed]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("function_name"), str):
                names.add(node["function_name"].lower())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


def _literal_type(default: str | None) -> type:
    if default is None or default[:1] in "'\"":
        return str
    for kind in (int, float):
        try:
            kind(default)
            return kind
        except ValueError:
            pass
    return str


TYPE_NAMES = {int: "an integer", float: "a number", str: "text"}


def _typed(name: str, value: str, kind: type):
    """A CLI parameter (always text) as its report declares it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    try:
        return kind(value)
    except ValueError:
        raise ParameterError(f"parameter {name} wants {TYPE_NAMES[kind]}, got {value!r}") from None


def _literal(path: Path) -> str:
    # ATTACH and LOAD take no bound parameters.
    return "'" + str(path).replace("'", "''") + "'"


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
