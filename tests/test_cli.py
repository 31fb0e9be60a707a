"""The `urbandb` command end to end, through Typer's runner."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from conftest import GOLD, SEEDS
from urbandb.db.engine import database_url, make_engine
from urbandb.loaders.pipeline import loader_lock
from urbandb.cli import app
from urbandb.exit_codes import ExitCode


@pytest.fixture
def run(tmp_path):
    db = str(tmp_path / "cli.sqlite")

    def invoke(*args: str):
        return CliRunner().invoke(app, ["--db", db, *args])

    invoke.db = db
    return invoke


def test_cli_init_creates_then_upgrades_in_place(run):
    first = run("init")
    assert first.exit_code == 0 and "revision" in first.output
    again = run("init")
    assert again.exit_code == 0 and again.output == first.output


def test_cli_commands_refuse_a_database_without_schema(run):
    result = run("load", str(SEEDS))
    assert result.exit_code == ExitCode.NEEDS_INIT
    assert "urbandb init" in result.output


def test_cli_load_twice_reports_unchanged_and_lists_runs(run):
    run("init")
    first = run("load", str(SEEDS))
    assert first.exit_code == 0, first.output
    assert "5 files, 5 added, 0 updated, 0 unchanged, 0 failed" in first.output
    second = run("load", str(SEEDS))
    assert "5 files, 0 added, 0 updated, 5 unchanged, 0 failed" in second.output
    runs = run("runs")
    assert runs.exit_code == 0
    lines = runs.output.splitlines()
    assert lines[0].split()[:4] == ["id", "started_at", "finished_at", "status"]
    assert lines[2].split()[0] == "2" and lines[3].split()[0] == "1"


def test_cli_load_exits_1_when_a_file_fails(run, tmp_path):
    run("init")
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"\x00\x01\x02binary")
    result = run("load", str(SEEDS / "000_7d818fa84bd0e737.txt"), str(broken))
    assert result.exit_code == 1
    assert "1 added" in result.output and "1 failed" in result.output
    assert "broken.html" in result.output


def test_cli_load_exits_2_while_another_load_runs(run):
    run("init")
    with loader_lock(make_engine(database_url(run.db))):
        result = run("load", str(SEEDS))
    assert result.exit_code == 2
    assert "another load" in result.output


def test_cli_query_formats_and_list(run):
    run("init")
    run("load", str(SEEDS))
    listing = run("query", "--list")
    assert "documents_by_publication" in listing.output and "paragraphs_by_kind" in listing.output
    as_csv = run("query", "documents_by_publication", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert sum(int(r["documents"]) for r in rows) == 5
    as_json = run("query", "documents_by_publication", "--param", "min_documents=2", "--format", "json")
    assert {r["publication"] for r in json.loads(as_json.output)} == {"(unknown)", "中国城市报"}
    table = run("query", "paragraphs_by_kind")
    assert table.exit_code == 0 and "body" in table.output and "rows)" in table.output
    missing = run("query", "no_such_report")
    assert missing.exit_code == 1 and "no report named" in missing.output


def test_cli_sql_runs_in_duckdb_read_only(run):
    run("init")
    run("load", str(SEEDS))
    result = run("sql", "select count(*) as n from documents where publication = '中国城市报'", "--format", "json")
    assert json.loads(result.output) == [{"n": 2}]
    refused = run("sql", "delete from documents")
    assert refused.exit_code == 1 and "error" in refused.output.lower()


def test_cli_eval_passes_and_fails_on_threshold(run):
    run("init")
    run("load", str(SEEDS))
    ok = run("eval", str(GOLD))
    assert ok.exit_code == 0 and "F1" in ok.output
    strict = run("eval", str(GOLD), "--min-f1", "1.01")
    assert strict.exit_code == 1


def test_cli_reextract_records_the_extractor_version(run):
    import sqlite3

    run("init")
    run("load", str(SEEDS))
    conn = sqlite3.connect(run.db)
    before = conn.execute("select count(*) from metrics").fetchone()[0]
    conn.execute("delete from metrics")
    conn.execute("update documents set extractor_version = 'old'")
    conn.commit()
    result = run("reextract")
    assert result.exit_code == 0 and "re-extracted 5 documents" in result.output
    assert conn.execute("select count(*) from metrics").fetchone()[0] == before > 0
    versions = {v for (v,) in conn.execute("select distinct extractor_version from documents")}
    assert len(versions) == 1 and "old" not in versions and versions.pop().startswith("metrics-")


@pytest.mark.parametrize("fmt, suffix", [("parquet", ".parquet"), ("csv", ".csv")])
def test_cli_export_writes_every_table(run, tmp_path, fmt, suffix):
    import duckdb

    run("init")
    run("load", str(SEEDS))
    out = tmp_path / "export"
    result = run("export", "--format", fmt, str(out))
    assert result.exit_code == 0, result.output
    files = {p.stem: p for p in out.iterdir()}
    assert {"documents", "paragraphs", "metrics"} <= set(files)
    assert all(p.suffix == suffix for p in files.values())
    assert not any(name.startswith("fts_") for name in files)
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    count = duckdb.sql(f"select count(*) from {reader}('{files['documents']}')").fetchone()[0]
    assert count == 5
