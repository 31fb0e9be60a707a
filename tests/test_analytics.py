"""DuckDB reports: every report in queries/ documents itself and returns rows on the seeds."""
from __future__ import annotations

import re

import duckdb
import pytest

from urbandb.analytics import ReportError, connect, list_reports, load_report, run_report, run_sql

REPORTS = [r.name for r in list_reports()]


def example_params(report) -> dict[str, str]:
    """The parameters shown on the report's `Example:` header line."""
    example = next((line for line in report.header.splitlines() if line.startswith("Example:")), "")
    return dict(re.findall(r"--param (\w+)=(\S+)", example))


def test_analytics_ships_the_foundation_reports():
    assert {"documents_by_publication", "paragraphs_by_kind"} <= set(REPORTS)


@pytest.mark.parametrize("name", REPORTS)
def test_analytics_report_has_a_header(name):
    report = load_report(name)
    assert report.description and not report.description.startswith("Parameters")
    assert "Columns:" in report.header and "Parameters:" in report.header
    for parameter in report.parameters:
        assert f"${parameter}" in report.header, f"{name}: parameter ${parameter} is not documented"


@pytest.mark.parametrize("name", REPORTS)
def test_analytics_report_returns_rows_on_the_seeds(seeded_db, name):
    report = load_report(name)
    columns, rows = run_report(connect(seeded_db), report, example_params(report))
    assert columns and rows, f"{name} returned no rows"
    documented = report.header.split("Columns:", 1)[1]
    for column in columns:
        assert column in documented, f"{name}: column {column} is not documented"


def test_analytics_documents_by_publication_counts_the_seeds(seeded_db):
    columns, rows = run_report(connect(seeded_db), load_report("documents_by_publication"), {})
    by_publication = {row[0]: dict(zip(columns, row)) for row in rows}
    assert sum(r["documents"] for r in by_publication.values()) == 5
    assert by_publication["中国城市报"]["documents"] == 2
    _, filtered = run_report(connect(seeded_db), load_report("documents_by_publication"), {"min_documents": "2"})
    assert "南方Plus" in by_publication
    assert sorted(row[0] for row in filtered) == ["(unknown)", "中国城市报"]


def test_analytics_paragraphs_by_kind_adds_up(seeded_db):
    columns, rows = run_report(connect(seeded_db), load_report("paragraphs_by_kind"), {})
    conn = connect(seeded_db)
    total = conn.execute("select count(*) from paragraphs").fetchone()[0]
    assert sum(dict(zip(columns, r))["paragraphs"] for r in rows) == total
    assert {"body", "title", "heading", "boilerplate"} <= {r[0] for r in rows}


def test_analytics_attaches_read_only(seeded_db):
    conn = connect(seeded_db)
    with pytest.raises(duckdb.Error):
        conn.execute("delete from documents")
    assert run_sql(conn, "select count(*) as n from documents") == (["n"], [(5,)])


def test_analytics_unknown_report_and_missing_parameter_are_clear(seeded_db):
    with pytest.raises(ReportError, match="no report named"):
        load_report("no_such_report")
    with pytest.raises(ReportError, match="no parameter"):
        run_report(connect(seeded_db), load_report("paragraphs_by_kind"), {"nope": "1"})


def rows_of(seeded_db, name: str, params: dict | None = None) -> list[dict]:
    columns, rows = run_report(connect(seeded_db), load_report(name), params or {})
    return [dict(zip(columns, row)) for row in rows]


def test_analytics_biggest_projects_by_area_only_counts_figures_about_the_project(seeded_db):
    rows = rows_of(seeded_db, "biggest_projects_by_area")
    # 超1700万平方米 is the corridor's planned space, not that of the park it names (生命科学园)
    assert [(r["project"], r["area_m2"], r["surface"]) for r in rows[:2]] == [
        ("G6科创走廊", 17_000_000.0, "超1700万平方米"), ("清华南口国家重点实验室基地", 589000.0, "58.9公顷")]
    assert {r["project"]: r["surface"] for r in rows}["生命谷国际精准医学产业园"] == "约24.57万平方米"
    assert "生命科学园" not in [r["project"] for r in rows]
    assert rows_of(seeded_db, "biggest_projects_by_area", {"min_m2": "500000"})[-1]["project"] == "清华南口国家重点实验室基地"


def test_analytics_metric_conflicts_compare_one_figure_only(seeded_db):
    rows = rows_of(seeded_db, "metric_conflicts")
    assert [(r["subject"], r["kind"], r["surface_a"], r["surface_b"]) for r in rows] == [
        ("清华南口国家重点实验室基地", "near value", "47.3万平方米", "47万平方米")]


def test_analytics_projects_by_status_reads_undated_events(seeded_db):
    rows = {r["status"]: r for r in rows_of(seeded_db, "projects_by_status")}
    assert "积水潭医院回龙观二期" in rows["in use"]["names"]  # 开诊
    assert "公共卫生服务大厦" in rows["under construction"]["names"]  # 主体封顶
    known = sum(r["projects"] for status, r in rows.items() if status != "unknown")
    assert known >= 15 and rows["unknown"]["projects"] < 45
    hospitals = rows_of(seeded_db, "projects_by_status", {"category": "public_facility"})
    assert sum(r["projects"] for r in hospitals) < sum(r["projects"] for r in rows.values())
