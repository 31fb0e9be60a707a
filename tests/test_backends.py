"""SQLite and PostgreSQL give the same database: loads, reloads,
re-extraction, evaluation, every report, search, export and snapshots."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select, text

from conftest import GOLD, SEEDS, database_url
from urbandb.analytics import connect, list_reports, run_report, run_sql
from urbandb.db.engine import make_engine
from urbandb.db.models import Base
from urbandb.db.search import like_pattern, search_paragraphs
from urbandb.evaluation import run_eval
from urbandb.export import export_database
from urbandb.loaders.pipeline import load_paths, reextract
from urbandb.site.search_check import DEFAULT_QUERIES
from urbandb.snapshot import write_snapshot

# Columns that say when or by which run a row was written, not what it holds.
RUN_COLUMNS = {"run_id", "loaded_at", "started_at", "finished_at", "heartbeat_at"}
RUN_TABLES = {"loader_runs", "load_errors"}


def contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every fact table (ids included), in key order."""
    engine = make_engine(url)
    rows = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in RUN_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in RUN_COLUMNS]
            rows[table.name] = [tuple(r) for r in conn.execute(select(*columns).order_by(*table.primary_key.columns))]
    engine.dispose()
    return rows


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        result = {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in Base.metadata.sorted_tables}
    engine.dispose()
    return result


def sqlite_url(path: Path) -> str:
    return database_url(str(path))


# --- the same articles give the same rows ---


def test_postgresql_holds_what_sqlite_holds_after_the_same_load(annotated_db, annotated_pg):
    on_sqlite, on_postgresql = contents(sqlite_url(annotated_db)), contents(annotated_pg)
    assert on_sqlite["documents"] and on_sqlite["entity_names"] and on_sqlite["project_milestones"]
    for table in on_sqlite:
        assert on_postgresql[table] == on_sqlite[table], table


def test_eval_scores_the_same_on_both_backends(annotated_db, annotated_pg):
    text_sqlite, _ = run_eval(sqlite_url(annotated_db), GOLD)
    text_postgresql, _ = run_eval(annotated_pg, GOLD)
    assert "F1" in text_sqlite
    assert text_postgresql == text_sqlite


@pytest.mark.parametrize("report", [r.name for r in list_reports()])
def test_every_report_runs_unchanged_on_both_backends(annotated_db, annotated_pg, report):
    from urbandb.analytics import load_report

    on_sqlite = run_report(connect(annotated_db), load_report(report), {})
    conn = connect(annotated_pg)
    # Statistics are what made DuckDB 1.5.5 push a filter down wrongly: have them.
    engine = make_engine(annotated_pg)
    with engine.begin() as pg:
        pg.exec_driver_sql("analyze")
    engine.dispose()
    on_postgresql = run_report(conn, load_report(report), {})
    assert on_sqlite[1], f"{report} finds nothing to compare"
    assert on_postgresql[0] == on_sqlite[0]
    assert sorted(map(repr, on_postgresql[1])) == sorted(map(repr, on_sqlite[1]))


def test_ad_hoc_sql_reads_postgresql_by_plain_table_names(annotated_pg):
    columns, rows = run_sql(connect(annotated_pg), "select kind, count(*) as n from paragraphs group by kind")
    assert columns == ["kind", "n"] and dict(rows)["body"] > 100
    with pytest.raises(duckdb.Error):  # read-only
        connect(annotated_pg).execute("delete from paragraphs")


# --- search: every term a substring, boilerplate never, short terms too ---


def scanned(url: str, query: str) -> list[int]:
    """The paragraphs a plain substring scan returns (ASCII case folded)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(Base.metadata.tables["paragraphs"])).mappings().all()
    engine.dispose()
    terms = query.split()
    return sorted(r["id"] for r in rows if r["kind"] != "boilerplate" and all(t.lower() in r["text"].lower() for t in terms))


@pytest.mark.parametrize("query", DEFAULT_QUERIES)
def test_search_finds_what_a_substring_scan_finds_on_both_backends(annotated_db, annotated_pg, query):
    for url in (sqlite_url(annotated_db), annotated_pg):
        engine = make_engine(url)
        with engine.connect() as conn:
            found = search_paragraphs(conn, query)
        engine.dispose()
        assert found == scanned(url, query), (url, query)
    if query in ("昌平", "南口", "园区"):
        assert found  # two-character words are found on PostgreSQL too


def test_search_pattern_takes_like_wildcards_literally():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_search_uses_the_trigram_index_on_postgresql(annotated_pg):
    engine = make_engine(annotated_pg)
    with engine.connect() as conn:
        conn.exec_driver_sql("set enable_seqscan = off")
        plan = "\n".join(
            r[0] for r in conn.execute(
                text("explain select id from paragraphs p where p.text ilike :pattern and p.kind <> 'boilerplate'"),
                {"pattern": like_pattern("清华南口")},
            )
        )
    engine.dispose()
    assert "fts_paragraphs" in plan


# --- loads, reloads and re-extraction on each backend ---


def test_reload_changes_nothing_and_reextract_keeps_the_facts(migrated_db):
    engine = make_engine(migrated_db)
    first = load_paths(engine, [str(SEEDS)])
    assert first.ok and first.counts["files_added"] == 5
    before = contents(migrated_db)
    again = load_paths(engine, [str(SEEDS)])
    assert again.counts["files_unchanged"] == 5
    assert contents(migrated_db) == before
    facts = counts(migrated_db)
    assert reextract(engine).documents == 5
    after = counts(migrated_db)
    engine.dispose()
    for table in ("entities", "entity_aliases", "entity_names", "entity_mentions", "projects", "metrics"):
        assert after[table] == facts[table], table


def test_a_changed_file_replaces_its_rows_on_both_backends(migrated_db, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    engine = make_engine(migrated_db)
    assert load_paths(engine, [str(folder)]).ok
    target = next(folder.glob("001*.txt"))
    target.write_text(target.read_text(encoding="utf-8") + "\n\n补充：项目占地12公顷。\n", encoding="utf-8")
    summary = load_paths(engine, [str(folder)])
    engine.dispose()
    assert summary.counts["files_updated"] == 1 and summary.counts["files_unchanged"] == 4
    engine = make_engine(migrated_db)
    with engine.connect() as conn:
        documents = Base.metadata.tables["documents"]
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 5
        assert search_paragraphs(conn, "占地12公顷") != []
    engine.dispose()


# --- export and snapshot ---


def test_export_writes_the_same_tables_and_rows_from_both_backends(annotated_db, annotated_pg, tmp_path):
    sqlite_files = export_database(annotated_db, tmp_path / "sqlite", "parquet")
    pg_files = export_database(annotated_pg, tmp_path / "postgresql", "parquet")
    assert [p.name for p in pg_files] == [p.name for p in sqlite_files]
    count = lambda path: duckdb.sql(f"select count(*) from '{path}'").fetchone()[0]  # noqa: E731
    for a, b in zip(sqlite_files, pg_files):
        if a.stem not in RUN_TABLES:
            assert count(a) == count(b), a.stem


def test_snapshot_of_postgresql_is_the_sqlite_database_with_its_search_index(annotated_db, annotated_pg, tmp_path):
    out = tmp_path / "published.sqlite"
    copied = write_snapshot(annotated_pg, out)
    assert copied["paragraphs"] > 100
    assert not out.stat().st_mode & 0o222  # read-only
    assert contents(sqlite_url(out)) == contents(sqlite_url(annotated_db))
    engine = make_engine(sqlite_url(out))
    with engine.connect() as conn:
        for query in ("昌平 产业用地", "清华南口", "G6"):
            assert search_paragraphs(conn, query) == scanned(annotated_pg, query)
        fts_rows = conn.exec_driver_sql("select count(*) from fts_paragraphs").scalar()
        searchable = conn.exec_driver_sql("select count(*) from paragraphs where kind <> 'boilerplate'").scalar()
    engine.dispose()
    assert fts_rows == searchable


def test_snapshot_refuses_a_database_without_schema(blank_db, tmp_path):
    from urbandb.snapshot import SnapshotError

    with pytest.raises(SnapshotError, match="urbandb init"):
        write_snapshot(blank_db, tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()


# --- the command line on PostgreSQL: workers, sealed SQL, joined exports, a server that is not there ---


def test_load_with_two_workers_writes_what_one_process_writes_on_postgresql(request, annotated_pg, tmp_path):
    from typer.testing import CliRunner

    from conftest import CORPUS, new_database
    from urbandb.cli import app

    url = new_database(request, "postgresql", tmp_path)
    assert CliRunner().invoke(app, ["--db", url, "init"]).exit_code == 0
    result = CliRunner().invoke(app, ["--db", url, "load", "--workers", "2", str(SEEDS), str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    with_two, with_one = contents(url), contents(annotated_pg)  # annotated_pg: loaded in one process
    assert with_one["documents"] and with_one["entity_mentions"]
    for table in with_one:
        assert with_two[table] == with_one[table], table


def test_sealed_sql_reads_postgresql_and_refuses_files(annotated_pg, tmp_path):
    conn = connect(annotated_pg)  # sealed, as `urbandb sql` opens it
    columns, rows = run_sql(conn, "select count(*) as n from documents")
    assert rows[0][0] > 0
    with pytest.raises(duckdb.Error):  # no file access once sealed
        conn.execute(f"copy (select 1) to '{tmp_path / 'out.csv'}'")
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(duckdb.Error):  # no configuration change either
        conn.execute("set enable_external_access = true")


def test_csv_export_of_postgresql_has_the_joined_files_with_a_bom(annotated_pg, tmp_path):
    written = {p.name: p for p in export_database(annotated_pg, tmp_path, "csv")}
    assert {"projects_named.csv", "figures_named.csv", "documents.csv"} <= set(written)
    projects_csv = written["projects_named.csv"].read_bytes()
    assert projects_csv.startswith(b"\xef\xbb\xbf" + b"project_id,project,")
    assert len(projects_csv.decode("utf-8-sig").splitlines()) > 1


def test_an_unreachable_server_is_one_line_and_its_own_exit_code(tmp_path):
    import socket

    from typer.testing import CliRunner

    from urbandb.cli import app
    from urbandb.exit_codes import ExitCode

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://urbandb:secret@127.0.0.1:{port}/urbandb"
    for args in (["init"], ["load", str(SEEDS)], ["runs"], ["query", "projects_by_place"], ["sql", "select 1"]):
        result = CliRunner().invoke(app, ["--db", url, *args])
        assert result.exit_code == ExitCode.UNREACHABLE, (args, result.output)
        assert "Traceback" not in result.output and "secret" not in result.output, args
        assert result.output.startswith("error: ") and result.output.count("\n") == 1, (args, result.output)


def test_a_postgresql_database_without_schema_asks_for_init_without_showing_the_password(request, tmp_path):
    from typer.testing import CliRunner

    from conftest import new_database
    from urbandb.cli import app
    from urbandb.exit_codes import ExitCode

    url = new_database(request, "postgresql", tmp_path).replace("postgres@", "postgres:secret@", 1)
    assert ":secret@" in url  # the test server trusts any password
    result = CliRunner().invoke(app, ["--db", url, "runs"])
    assert result.exit_code == ExitCode.NEEDS_INIT, result.output
    assert "has no schema" in result.output and "secret" not in result.output
