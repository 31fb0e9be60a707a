"""The Datasette site over the seeded database: pages, metadata, Chinese
search, read-only, canned queries, article and project pages, export."""
from __future__ import annotations

import asyncio
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from html import unescape
from urllib.parse import quote

import httpx

import duckdb
import pytest
from markupsafe import Markup
from site_fixtures import (  # noqa: F401
    SEEDS, article_url, document_id, entity_url, facts_db, get, query, require_tables, site, site_db, tables,
)

from urbandb.site import DATABASE_NAME, SETTINGS, load_canned_queries, make_datasette
from urbandb.site import charts, words
from urbandb.site.identity import article_key
from urbandb.site.pages import Span, mark_terms, nest_spans, render_highlighted
from urbandb.site.search import MIN_TRIGRAM_TERM, paragraph_search_conditions, search_terms
from urbandb.site.search_check import DEFAULT_QUERIES, check_queries

SEARCH_TERMS = ["昌平", "产业用地", "城市更新", "清华南口"]


def search_rows(ds, q: str) -> list[dict]:
    response = get(ds, f"/urbandb/paragraphs.json?_search={quote(q)}&_shape=array&_size=max")
    assert response.status_code == 200, response.text
    return response.json()


def containing(db_path, *terms: str) -> set[int]:
    """The plain substring scan the search must agree with."""
    return {
        pid
        for pid, kind, text in query(db_path, "select id, kind, text from paragraphs")
        if kind != "boilerplate" and all(t in text for t in terms)
    }


# --- pages and metadata ---


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/urbandb",
        "/urbandb/documents",
        "/urbandb/paragraphs",
        "/urbandb/paragraphs?_search=%E6%98%8C%E5%B9%B3",
        "/-/search",
        "/-/search?q=%E6%98%8C%E5%B9%B3",
        "/-/metadata.json",
    ],
)
def test_site_pages_load(site, path):
    response = get(site, path)
    assert response.status_code == 200, response.text[:500]


def test_site_every_table_page_loads(site, site_db):
    for table in sorted(tables(site_db)):
        response = get(site, f"/urbandb/{table}.json?_size=1")
        assert response.status_code == 200, (table, response.text[:300])


def test_site_database_is_named_urbandb_whatever_the_file(site_db, tmp_path):
    other = tmp_path / "copy-of-the-data.sqlite"
    shutil.copy(site_db, other)
    ds = make_datasette(other)
    assert DATABASE_NAME in ds.databases
    assert "copy-of-the-data" not in ds.databases
    assert get(ds, "/urbandb/documents.json").status_code == 200


def test_site_metadata_describes_every_table_and_column(site, site_db):
    metadata = get(site, "/-/metadata.json").json()
    assert metadata["title"].startswith("urbandb")
    assert metadata["license"] and metadata["source"]
    described = metadata["databases"]["urbandb"]["tables"]
    conn = sqlite3.connect(f"file:{site_db}?mode=ro", uri=True)
    missing = []
    for (table,) in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'fts\\_%' escape '\\'"
        " and name not like 'sqlite\\_%' escape '\\'"
    ):
        if not described.get(table, {}).get("description"):
            missing.append(table)
            continue
        columns = [row[1] for row in conn.execute(f"pragma table_info([{table}])")]
        missing += [f"{table}.{c}" for c in columns if not described[table].get("columns", {}).get(c)]
    conn.close()
    assert missing == [], f"undescribed in urbandb/site/metadata.yml: {missing}"


def test_site_documents_have_default_facets_by_publication_and_year(site):
    facets = get(site, "/urbandb/documents.json").json()["facet_results"]
    assert {"publication", "published_date"} <= set(facets)
    assert facets["published_date"]["type"] == "year"
    years = [r["value"] for r in facets["published_date"]["results"]]
    assert years and all(len(y) == 4 and y.isdigit() for y in years)


def test_site_year_facet_selects_the_year(site, site_db):
    year = get(site, "/urbandb/documents.json").json()["facet_results"]["published_date"]["results"][0]
    rows = get(site, f"/urbandb/documents.json?published_date__startswith={year['value']}&_shape=array").json()
    assert len(rows) == year["count"]


def test_site_paragraphs_facet_by_kind_and_label_documents_by_title(site, site_db):
    data = get(site, "/urbandb/paragraphs.json?_labels=on&_size=1").json()
    assert "kind" in data["facet_results"]
    document = data["rows"][0]["document_id"]
    (title,) = query(site_db, "select title from documents where id = ?", (document["value"],))[0]
    assert document["label"] == title or title is None


def test_site_milestones_facet_by_event_and_status(site, site_db):
    facets = get(site, "/urbandb/project_milestones.json").json()["facet_results"]
    assert {"event", "status"} <= set(facets)
    counted = {r["value"]: r["count"] for r in facets["status"]["results"]}
    stored = dict(query(site_db, "select status, count(*) from project_milestones group by status"))
    assert counted == stored


def test_site_document_titles_link_to_article_page(site, site_db):
    html = get(site, "/urbandb/documents").text
    assert f'href="{article_url(site_db, "001_")}"' in html


def test_site_paragraph_seq_links_to_its_place_in_the_article(site, site_db):
    pid, doc, seq = query(site_db, "select id, document_id, seq from paragraphs order by id limit 1")[0]
    html = get(site, f"/urbandb/paragraphs/{pid}").text
    assert f'href="/-/article/{doc}#p{seq}"' in html
    assert f"第 {seq + 1} 段" in html
    moved = get(site, f"/-/article/{doc}")
    assert moved.status_code == 302
    assert moved.headers["location"] == article_url(site_db, query(
        site_db, "select source_path from documents where id = ?", (doc,))[0][0])


def test_site_serve_blocks_and_answers_on_localhost(site_db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"from pathlib import Path; from urbandb.site import serve; serve(Path({str(site_db)!r}), {port})"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, "serve() returned instead of serving"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/urbandb/paragraphs.json?_search=%E6%98%8C%E5%B9%B3")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve() did not answer within 15 s"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["filtered_table_rows_count"] == len(containing(site_db, "昌平"))
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_site_settings_limit_sql_time(site):
    settings = get(site, "/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == SETTINGS["sql_time_limit_ms"] <= 5000


# --- read-only ---


@pytest.mark.parametrize(
    "sql",
    [
        "delete from documents",
        "update paragraphs set text = 'x'",
        "insert into documents(id) values (999)",
        "drop table paragraphs",
        "pragma query_only = 0",
    ],
)
def test_site_sql_cannot_write(site, site_db, sql):
    before = query(site_db, "select count(*), sum(length(text)) from paragraphs")
    response = get(site, f"/urbandb.json?sql={quote(sql)}")
    assert response.status_code in (400, 403)
    assert query(site_db, "select count(*), sum(length(text)) from paragraphs") == before


def test_site_connections_refuse_writes_even_from_plugins(site, site_db):
    db = site.get_database(DATABASE_NAME)
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only|attempt to write"):
        asyncio.run(db.execute_write("delete from paragraphs"))
    assert query(site_db, "select count(*) from paragraphs")[0][0] > 0


def test_site_post_is_not_a_way_in(site, site_db):
    before = query(site_db, "select count(*) from documents")
    # Datasette 0.65 answers a POST to a table with an error (500: only canned queries take POST).
    response = asyncio.run(site.client.post("/urbandb/documents", data={"id": "999"}))
    assert response.status_code >= 400
    assert query(site_db, "select count(*) from documents") == before


# --- Chinese full-text search ---


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_site_search_returns_exactly_the_paragraphs_containing_the_term(site, site_db, term):
    rows = search_rows(site, term)
    assert rows, f"no paragraph found for {term}"
    assert all(term in row["text"] for row in rows)
    assert {row["id"] for row in rows} == containing(site_db, term)


def test_site_search_terms_narrow(site, site_db):
    both = {row["id"] for row in search_rows(site, "昌平 产业用地")}
    assert both == containing(site_db, "昌平", "产业用地")
    assert both
    assert both < {row["id"] for row in search_rows(site, "昌平")}
    assert both <= {row["id"] for row in search_rows(site, "产业用地")}


def test_site_search_full_width_space_separates_terms(site, site_db):
    assert {row["id"] for row in search_rows(site, "清华南口\u3000产业")} == containing(site_db, "清华南口", "产业")


def test_site_search_term_in_no_paragraph_returns_none(site):
    assert search_rows(site, "火星基地") == []
    assert search_rows(site, "昌平 火星") == []


def test_site_search_leaves_out_boilerplate(site, site_db):
    boilerplate = query(site_db, "select id, text from paragraphs where kind = 'boilerplate' and length(text) >= 4")
    assert boilerplate, "the seeds have boilerplate paragraphs"
    for pid, text in boilerplate[:5]:
        for term in (text[:2], text[:4]):
            if term.strip() and len(term.split()) == 1:
                ids = {row["id"] for row in search_rows(site, term)}
                assert pid not in ids
                assert all(kind != "boilerplate" for (kind,) in query(
                    site_db, f"select kind from paragraphs where id in ({','.join(map(str, ids)) or 'null'})"
                ))


def test_site_search_box_on_paragraphs_table(site):
    html = get(site, "/urbandb/paragraphs?_search=%E6%98%8C%E5%B9%B3").text
    assert 'name="_search" value="昌平"' in html
    assert "全文搜索" in html


def test_site_search_matches_substring_scan_for_every_measured_query(site_db):
    checks = check_queries(site_db, DEFAULT_QUERIES)
    wrong = [(c.query, c.precision, c.recall) for c in checks if c.precision < 1 or c.recall < 1]
    assert wrong == []


@pytest.mark.parametrize(
    "query_text, terms",
    [("昌平", ["昌平"]), (" 昌平  产业用地 昌平 ", ["昌平", "产业用地"]), ("", []), ("\u3000", [])],
)
def test_search_terms_split_on_any_whitespace_once_each(query_text, terms):
    assert search_terms(query_text) == terms


def test_search_conditions_use_trigram_index_only_for_long_terms():
    conditions, params = paragraph_search_conditions(["昌平", "产业用地", 'a"b"c'])
    assert "instr" in conditions[0] and params["urbandb_search_0"] == "昌平"
    assert "fts_paragraphs match" in conditions[1] and params["urbandb_search_1"] == '"产业用地"'
    assert params["urbandb_search_2"] == '"a""b""c"'
    assert conditions[-1] == "paragraphs.kind not in ('boilerplate')"
    assert MIN_TRIGRAM_TERM == 3


# --- highlighting ---


def test_pages_render_highlighted_nests_and_escapes():
    text = "<b>规划占地面积58.9公顷</b>"
    html = render_highlighted(text, [Span(3, 16, "metric", "a"), Span(9, 16, "metric", 'x"y')])
    assert isinstance(html, Markup)
    assert html.startswith("&lt;b&gt;")
    assert html.count("<mark") == 2
    assert 'title="x&#34;y"' in html


def test_pages_nest_spans_drops_crossing_and_out_of_range():
    roots = nest_spans([Span(0, 4, "a", ""), Span(2, 6, "b", ""), Span(5, 99, "c", ""), Span(1, 3, "d", "")], 10)
    assert [(s.css_class, [c.css_class for c in s.children]) for s in roots] == [("a", ["d"])]


def test_pages_mark_terms_marks_every_occurrence():
    assert str(mark_terms("昌平区昌平", ["昌平"])).count('<mark class="hit"') == 2


# --- search page ---


def test_site_search_page_lists_paragraph_hits_linking_to_rows(site, site_db):
    html = get(site, "/-/search?q=" + quote("清华南口 产业")).text
    for pid in containing(site_db, "清华南口", "产业"):
        assert f'href="/urbandb/paragraphs/{pid}"' in html
    assert '<mark class="hit"' in html


def test_site_search_page_finds_entities_by_alias(site, site_db):
    require_tables(site_db, "entities", "entity_aliases")
    rows = query(
        site_db,
        "select e.name, e.type, a.alias from entity_aliases a join entities e on e.id = a.entity_id"
        " where a.alias != e.name and instr(e.name, a.alias) = 0 and e.type in ('place', 'project') limit 1",
    )
    if not rows:
        pytest.skip("no alias that differs from its entity's name in the seeds")
    name, kind, alias = rows[0]
    html = get(site, "/-/search?q=" + quote(alias)).text
    assert f'href="{entity_url(kind, name)}"' in html


def test_site_search_page_lists_projects(site, site_db):
    require_tables(site_db, "entities", "projects")
    html = get(site, "/-/search?q=" + quote("清华南口")).text
    rows = query(site_db, "select id from entities where name = '清华南口国家重点实验室基地'")
    assert rows, "清华南口国家重点实验室基地 is an entity once the seeds are loaded"
    assert f'href="{entity_url("project", "清华南口国家重点实验室基地")}"' in html


# --- canned queries ---


CANNED_QUERIES_WITH_ROWS = [
    "biggest_projects_by_area",
    "land_released_per_district_and_year",
    "projects_by_status",
    "metrics_whose_sources_disagree",
]


def test_site_canned_queries_are_published_and_run(site, site_db):
    require_tables(site_db, "metrics", "entities", "projects")
    names = [q.name for q in load_canned_queries()]
    assert set(CANNED_QUERIES_WITH_ROWS) <= set(names)
    published = get(site, "/-/metadata.json").json()["databases"]["urbandb"]["queries"]
    assert set(names) <= set(published)
    for name in names:
        response = get(site, f"/urbandb/{name}.json?_shape=array")
        assert response.status_code == 200, (name, response.text[:300])


@pytest.mark.parametrize("name", CANNED_QUERIES_WITH_ROWS)
def test_site_canned_query_returns_rows_on_the_seeds(site, site_db, name):
    require_tables(site_db, "metrics", "entities", "projects")
    response = get(site, f"/urbandb/{name}.json?_shape=array")
    assert response.status_code == 200, response.text[:300]
    assert response.json(), f"canned query {name} returns no rows on the seeds"


# --- article page ---


def test_site_article_page_shows_paragraphs_in_order_with_headings(site, site_db):
    doc = document_id(site_db, "001_")
    html = get(site, article_url(site_db, "001_")).text
    rows = query(site_db, "select seq, kind from paragraphs where document_id = ? order by seq", (doc,))
    positions = [html.index(f'id="p{seq}"') for seq, _ in rows]
    assert positions == sorted(positions)
    headings = [seq for seq, kind in rows if kind == "heading"]
    assert headings and all(f'<h3 id="p{seq}"' in html for seq in headings)


def test_site_article_page_highlights_metrics(site, site_db):
    require_tables(site_db, "metrics")
    html = get(site, article_url(site_db, "001_")).text
    assert 'class="metric dim-area" title="47万平方米（470,000平方米） · 面积' in html
    assert "47万平方米</mark>" in html


def test_site_article_page_highlights_entity_mentions(site, site_db):
    require_tables(site_db, "entity_mentions")
    html = get(site, article_url(site_db, "001_")).text
    assert '<mark class="mention type-place" title="北京市昌平区（地点）"' in html or 'class="mention type-' in html
    assert html.count('class="mention') >= 5


def test_site_article_page_of_unknown_document_is_404(site):
    for path in ["/-/article/999999", "/-/article/99999999999999999999", "/-/article/aaaaaaaaaa", "/-/article/x%00y"]:
        assert get(site, path).status_code == 404, path


# --- project page ---


def test_site_project_page_lists_both_articles(site, site_db):
    require_tables(site_db, "entities", "projects", "entity_mentions")
    rows = query(site_db, "select id from entities where name = '清华南口国家重点实验室基地'")
    assert rows, "清华南口国家重点实验室基地 is an entity"
    html = get(site, entity_url("project", "清华南口国家重点实验室基地")).text
    for seed in ("000_", "001_"):
        assert f'href="{article_url(site_db, seed)}"' in html
    assert get(site, f"/-/project/{rows[0][0]}").text == html
    assert "urbandb-timeline" in html or "文中没有给出日期的事件" in html


def test_site_project_page_of_unknown_entity_is_404(site, site_db):
    require_tables(site_db, "entities", "projects")
    for path in ["/-/project/999999", "/-/project/99999999999999999999", "/-/project/" + quote("火星基地")]:
        assert get(site, path).status_code == 404, path
    (place,) = query(site_db, "select id from entities where type = 'place' limit 1")[0]
    assert get(site, f"/-/project/{place}").status_code == 404, "a place is no project"


# --- map ---


def test_site_entities_table_loads_the_cluster_map_from_local_assets(site, site_db):
    require_tables(site_db, "entities")
    html = get(site, "/urbandb/entities").text
    assert "datasette-cluster-map" in html
    scripts = [line for line in html.splitlines() if "<script" in line and "src=" in line]
    assert all('src="/' in line for line in scripts), scripts


# --- export ---


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table_with_its_rows(site_db, tmp_path, fmt):
    from urbandb.export import export_database

    written = export_database(site_db, tmp_path / fmt, fmt)
    names = {p.stem for p in written}
    assert {"documents", "paragraphs"} <= names
    assert not any(n.startswith("fts_") for n in names) and "search_backlog" not in names
    (count,) = query(site_db, "select count(*) from paragraphs")[0]
    exported = duckdb.sql(f"select count(*) from '{tmp_path / fmt / ('paragraphs.' + fmt)}'").fetchone()[0]
    assert exported == count


def test_export_rejects_unknown_format(site_db, tmp_path):
    from urbandb.export import ExportError, export_database

    with pytest.raises(ExportError, match="xlsx"):
        export_database(site_db, tmp_path, "xlsx")


# --- pages on a hand-built database shaped as migration 0003 is specified ---
# (entities, entity_aliases, entity_mentions, projects, project_milestones,
# project_operators, metrics.subject_id): the page code is exercised even
# before the extractors fill those tables from the seeds.

@pytest.fixture(scope="module")
def facts_site(facts_db):
    return make_datasette(facts_db)


def test_pages_article_highlights_metrics_and_mentions_in_place(facts_site):
    html = get(facts_site, "/-/article/" + article_key("a.txt", 0)).text
    assert '<mark class="metric dim-area" title="47.3万平方米（473,000平方米） · 面积 · 指标：建筑规模' in html
    assert ">47.3万平方米</mark>" in html
    project = entity_url("project", "清华南口国家重点实验室基地")
    assert f'title="清华南口国家重点实验室基地（项目）" tabindex="0" data-href="{project}">清华南口国重基地</mark>' in html
    assert '<h1 id="p0" class="para kind-title" data-n="1">' in html


def test_pages_project_page_shows_location_timeline_metrics_operators_mentions(facts_site):
    html = get(facts_site, entity_url("project", "清华南口国家重点实验室基地")).text
    assert "南口镇</a> › <a" in html and "北京市昌平区</a> › <a" in html
    assert html.index("2023") < html.index("2025-12")
    assert html.count('class="milestone status-') == 2
    assert "昌发展集团</a>（开发方）" in html and "研发基地" in html and "在建" in html
    assert "47.3万平方米" in html and "47万平方米" in html and "58.9公顷" in html
    assert f'href="/-/article/{article_key("a.txt", 0)}#p1"' in html
    assert f'href="/-/article/{article_key("b.txt", 0)}#p0"' in html
    assert "别名：清华南口国重基地" in html


def test_pages_search_page_finds_project_and_entity_by_alias(facts_site):
    html = get(facts_site, "/-/search?q=" + quote("国重基地")).text
    assert f'href="{entity_url("project", "清华南口国家重点实验室基地")}"' in html
    html = get(facts_site, "/-/search?q=" + quote("昌平区")).text
    assert f'href="{entity_url("place", "北京市昌平区")}"' in html


def test_pages_canned_queries_run_on_the_specified_schema(facts_site):
    published = get(facts_site, "/-/metadata.json").json()["databases"]["urbandb"]["queries"]
    assert set(CANNED_QUERIES_WITH_ROWS) <= set(published)
    for name in ["biggest_projects_by_area", "projects_by_status", "metrics_whose_sources_disagree"]:
        rows = get(facts_site, f"/urbandb/{name}.json?_shape=array").json()
        assert rows, name
    disagree = get(facts_site, "/urbandb/metrics_whose_sources_disagree.json?_shape=array").json()
    assert (disagree[0]["surface_a"], disagree[0]["surface_b"]) == ("47.3万平方米", "47万平方米")
    biggest = get(facts_site, "/urbandb/biggest_projects_by_area.json?_shape=array").json()
    assert biggest[0]["area_m2"] == 589000


def test_pages_entity_names_of_projects_link_to_project_page(facts_site):
    html = get(facts_site, "/urbandb/entities").text
    assert f'href="{entity_url("project", "清华南口国家重点实验室基地")}"' in html
    assert f'href="{entity_url("place", "南口镇")}"' in html


def test_pages_entities_with_coordinates_get_the_local_cluster_map(facts_site):
    html = get(facts_site, "/urbandb/entities").text
    assert "/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js" in html
    scripts = [line for line in html.splitlines() if "<script" in line and "src=" in line]
    assert scripts and all('src="/' in line for line in scripts), scripts
    rows = get(facts_site, "/urbandb/projects_on_the_map.json?_shape=array").json()
    assert [(r["project"], r["latitude"]) for r in rows] == [("清华南口国家重点实验室基地", 40.25)]


# --- words instead of codes ---


@pytest.mark.parametrize(
    "value, unit, dimension, label, written, shown",
    [
        (589000, "m2", "area", "规划占地面积", "公顷", "58.9公顷"),
        (473000, "m2", "area", "建筑规模", "万平方米", "47.3万平方米"),
        (470000, "m2", "area", "工业遗存", "万平方米", "47万平方米"),
        (63000000, "m2", "area", "总面积", "平方公里", "63平方公里"),
        (1333333.3333, "m2", "area", "供应产业用地", "亩", "133.33公顷"),
        (473000, "m2", "area", "建筑规模", None, "47.3万平方米"),
        (4_500_000_000, "CNY", "money", None, "亿元", "45亿元"),
        (35000, "CNY", "money", None, "万元", "3.5万元"),
        (2300, "套", "count", None, "套", "2,300套"),
        (2, "year", "duration", None, "年", "2年"),
        (48.25, "%", "percent", None, "%", "48.25%"),
    ],
)
def test_words_show_a_figure_in_the_unit_a_reader_uses(value, unit, dimension, label, written, shown):
    assert words.scaled(value, unit, dimension, label, written) == shown


def test_words_qualifiers_ranges_and_details_are_words():
    approx = {"value_normalized": 589000, "unit_normalized": "m2", "dimension": "area", "qualifier": "approx",
              "label": "规划占地面积", "unit": "公顷", "as_of_year": 2023}
    assert words.figure_value(approx) == "约58.9公顷"
    assert words.figure_value({**approx, "qualifier": "more_than"}) == "超过58.9公顷"
    money = {"value_normalized": 3e8, "value_min": 3e8, "value_max": 5e8, "unit_normalized": "CNY",
             "dimension": "money", "qualifier": "range"}
    assert words.figure_value(money) == "3亿元至5亿元"
    details = words.figure_details(approx)
    assert details == "约58.9公顷（589,000平方米） · 面积 · 指标：规划占地面积 · 年份：2023"
    assert not CODE_PATTERN.search(details)
    assert words.word("category", "research_base") == "研发基地"
    assert words.word("status", "under construction") == "在建"
    assert words.word("status", None) == "未知"


CODE_PATTERN = re.compile(
    r"(?<![A-Za-z_])("
    + "|".join(sorted(map(re.escape, {c for v in ("category", "status", "qualifier", "dimension", "role")
                                        for c in words.vocabularies()[v]} | {"m2", "CNY", "USD"}),
                      key=len, reverse=True))
    + r")(?![A-Za-z_])"
)


def visible_text_and_titles(html: str) -> tuple[str, list[str]]:
    """The text a reader sees in the page's content section, and its tooltips."""
    content = html[html.index('<section class="content">'):]
    content = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", content, flags=re.S)
    titles = [unescape(t) for t in re.findall(r'title="([^"]*)"', content)]
    titles += [unescape(t) for t in re.findall(r"<title>([^<]*)</title>", content)]
    text = unescape(re.sub(r"<[^>]+>", " ", content))
    return text, titles


def assert_no_codes(html: str, path: str) -> None:
    text, titles = visible_text_and_titles(html)
    assert not CODE_PATTERN.findall(text), (path, sorted(set(CODE_PATTERN.findall(text))))
    leaked = [t for t in titles if CODE_PATTERN.search(t)]
    assert not leaked, (path, leaked[:3])


PROJECT = "清华南口国家重点实验室基地"

PAGES = {
    # path → Chinese words the page must show
    "/": ["文章", "项目", "地点", "图表", "搜索"],
    "/-/articles": ["标题", "媒体", "日期", "数字", "北京市昌平区以城市更新彰显城市品牌魅力"],
    "/-/figures": ["数值", "度量什么", "对象", "公顷", "万平方米", "亿元"],
    "/-/figures?dimension=area": ["公顷", "面积"],
    "/-/projects": ["类别", "状态", "最新里程碑", "研发基地", PROJECT],
    "/-/places": ["上级", "昌平区"],
    "/-/charts": ["各年份的数字", "各区每年释放的土地", "按状态和类别的项目", "公顷"],
    "/-/map": ["项目地图", "只能定位到区县或城市的项目", "未能定位的项目"],
    "/-/search?q=" + quote("清华南口"): ["项目", "段落", PROJECT],
    entity_url("project", PROJECT): ["位置", "类别", "研发基地", "里程碑", "提到该项目的段落"],
    entity_url("place", "昌平区"): ["下级地点", "项目", PROJECT],
    "/urbandb/biggest_projects_by_area": ["面积最大的项目", PROJECT],
    "/urbandb/projects_by_status": ["按状态和类别统计项目", "研发基地", "在建"],
    "/urbandb/land_released_per_district_and_year": ["各区每年释放的土地"],
    "/urbandb/metrics_whose_sources_disagree": ["来源不一致的指标", "平方米"],
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_site_page_reads_in_chinese_without_codes(site, site_db, path):
    require_tables(site_db, "metrics", "entities", "projects")
    response = get(site, path)
    assert response.status_code == 200, (path, response.text[:300])
    for word in PAGES[path]:
        assert word in response.text, (path, word)
    assert_no_codes(response.text, path)


def test_site_article_page_reads_in_chinese_without_codes(site, site_db):
    html = get(site, article_url(site_db, "001_")).text
    assert "北京市昌平区以城市更新彰显城市品牌魅力" in html
    assert_no_codes(html, "article")


def test_site_links_on_the_pages_resolve(site, site_db):
    require_tables(site_db, "metrics", "entities", "projects")
    hrefs: set[str] = set()
    for path in [*PAGES, article_url(site_db, "001_")]:
        html = get(site, path).text
        content = html[html.index('<section class="content">'):]
        hrefs |= {unescape(h).split("#")[0] for h in re.findall(r'href="(/[^"]*)"', content)}
    hrefs = {h for h in hrefs if not h.startswith("/-/static") and "_sort" not in h}
    assert len(hrefs) > 100
    broken = []
    for href in sorted(hrefs):
        response = get(site, href)
        if response.status_code == 302:
            response = get(site, response.headers["location"])
        if response.status_code != 200:
            broken.append((href, response.status_code))
    assert broken == []


def test_site_names_in_tables_and_reports_link_to_their_pages(site, site_db):
    require_tables(site_db, "entities", "projects")
    project = entity_url("project", PROJECT)
    assert f'href="{project}"' in get(site, "/urbandb/biggest_projects_by_area").text
    assert f'href="{project}"' in get(site, "/urbandb/projects_by_status").text
    assert f'href="{project}"' in get(site, "/urbandb/entities?type=project").text
    assert f'href="{entity_url("place", "昌平区")}"' in get(site, "/urbandb/land_released_per_district_and_year").text


def test_site_canned_queries_show_results_with_the_sql_folded_away(site, site_db):
    require_tables(site_db, "metrics", "entities", "projects")
    html = get(site, "/urbandb/biggest_projects_by_area").text
    assert "with area_metrics as" not in html, "the SQL is not printed above the results"
    assert "_show_sql=1" in html
    assert 'class="rows-and-columns"' in html
    assert "with area_metrics as" in get(site, "/urbandb/biggest_projects_by_area?_show_sql=1").text
    # The codes stay in the API.
    rows = get(site, "/urbandb/projects_by_status.json?_shape=array").json()
    assert {"research_base"} <= {r["category"] for r in rows}


def test_site_home_page_leads_everywhere_and_lists_no_empty_database(site):
    html = get(site, "/").text
    for path in ["/-/articles", "/-/projects", "/-/places", "/-/figures", "/-/charts", "/-/map", "/-/search"]:
        assert f'href="{path}"' in html, path
    assert "_memory" not in html
    assert [d["name"] for d in get(site, "/-/databases.json").json()] == ["urbandb"]


def test_site_articles_list_every_article_with_its_counts(site, site_db):
    html = get(site, "/-/articles").text
    for (path, item, title, figures) in query(
        site_db, "select source_path, source_item, title, (select count(*) from metrics m where m.document_id = d.id)"
        " from documents d"):
        row = html[html.index(f'href="/-/article/{article_key(path, item)}"'):]
        row = row[:row.index("</tr>")]
        assert (title or "（无标题）") in row
        assert f'<td class="num">{figures}</td>' in row


def test_site_figures_list_pages_and_refuses_bad_pages(site, site_db):
    require_tables(site_db, "metrics")
    (count,) = query(site_db, "select count(*) from metrics")[0]
    html = get(site, "/-/figures").text
    assert html.count('<td class="value">') == min(count, 200)
    assert "#p" in html
    for path in ["/-/figures?page=0", "/-/figures?page=x", "/-/figures?dimension=volume"]:
        assert get(site, path).status_code == 400, path


@pytest.mark.parametrize("path", ["/-/search?q=", "/urbandb/paragraphs?_search=", "/urbandb/paragraphs.json?_search="])
def test_site_oversized_search_is_a_400_not_a_500(site, path):
    # (Datasette prints a traceback for each error of a table page: one request each there.)
    many_terms = "+".join(f"词{i}" for i in range(2000))
    assert get(site, path + many_terms).status_code == 400
    if path.startswith("/-/"):
        assert get(site, path + "长" * 5000).status_code == 400


def test_site_place_page_and_places_404_for_other_things(site, site_db):
    require_tables(site_db, "entities", "projects")
    html = get(site, entity_url("place", "昌平区")).text
    (children,) = query(site_db, "select count(*) from entities where parent_id ="
                                 " (select id from entities where name = '昌平区' and type = 'place')")[0]
    assert children > 0 and html.count('<a href="/-/place/') >= children
    for path in [entity_url("place", PROJECT), "/-/place/99999999999999999999", "/-/place/" + "地" * 500]:
        assert get(site, path).status_code == 404, path


def test_pages_place_page_lists_projects_in_child_places_and_figures(facts_site):
    html = get(facts_site, entity_url("place", "北京市昌平区")).text
    assert f'href="{entity_url("place", "南口镇")}"' in html
    assert f'href="{entity_url("project", PROJECT)}"' in html
    assert f'href="{entity_url("place", "北京市")}"' in html


def test_pages_charts_draw_bars_with_words(facts_site):
    html = get(facts_site, "/-/charts").text
    assert html.count("<svg") == 3
    assert "研发基地" in html and "在建" in html
    assert_no_codes(html, "/-/charts")


def test_pages_map_places_projects_at_their_place_without_tiles(facts_site):
    html = get(facts_site, "/-/map").text
    assert '<g class="map-point exact"><title>南口镇：1 个项目' in html
    assert "定位到所在地点的项目（1）" in html and "未能定位的项目（0）" in html
    content = html[html.index('<section class="content">'):]
    assert "<svg" in content and "tile" not in content.lower()


def test_site_map_clusters_what_it_cannot_place_exactly_and_says_so(site, site_db):
    require_tables(site_db, "entities", "projects")
    html = get(site, "/-/map").text
    (total,) = query(site_db, "select count(*) from projects")[0]
    counts = [int(n) for n in re.findall(r"（(\d+)）</h2>", html)]
    assert sum(counts) == total
    assert '<g class="map-point cluster">' in html


def test_charts_bar_chart_scales_to_the_largest_value():
    svg = charts.bar_chart([("甲", 10, "甲：10"), ("乙", 5, "乙：5")], "两根")
    bars = re.findall(r'<g class="bar"><title>([^<]*)</title><rect [^>]*width="([\d.]+)"', svg)
    widths = {tip: float(width) for tip, width in bars}
    assert widths["甲：10"] == pytest.approx(2 * widths["乙：5"], rel=0.01)
    assert "<title>两根</title>" in svg and "Pygal" not in re.sub(r"<!--.*?-->", "", svg)
    # Nothing fetched: no script file, no address but the XML namespaces.
    assert not re.search(r"<script[^>]*src=", svg)
    assert not re.search(r"https?://", re.sub(r'xmlns(:xlink)?="[^"]*"|<!--.*?-->', "", svg))


def test_charts_stacked_bars_stack_each_part_with_a_tooltip_in_words():
    svg = charts.stacked_bar_chart([("昌平区", "2021年", 10), ("深圳市", "2022年", 5), ("昌平区", "2022年", 3)], " 公顷")
    tips = re.findall(r'<g class="bar"><title>([^<]*)</title>', svg)
    assert sorted(tips) == ["昌平区 · 2021年：10 公顷", "昌平区 · 2022年：3 公顷", "深圳市 · 2022年：5 公顷"]
    assert "2021年" in svg and "2022年" in svg  # the legend


# --- stable addresses ---


def test_site_article_keeps_its_address_when_its_file_is_edited(tmp_path):
    from urbandb.db.engine import database_url, make_engine
    from urbandb.db.migrate import upgrade
    from urbandb.loaders.pipeline import Pipeline, load_paths

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("001_8fef133df46f6ba3.txt", "004_eb2d02766b2eee71.txt"):
        shutil.copy(SEEDS / name, seeds / name)
    db = tmp_path / "urbandb.sqlite"
    url = database_url(str(db))
    upgrade(url)

    def load() -> None:
        engine = make_engine(url)
        assert load_paths(engine, [str(seeds)], pipeline=Pipeline()).ok
        engine.dispose()

    load()
    address = article_url(db, "001_")
    (old_id,) = query(db, "select id from documents where source_path like '%001_%'")[0]
    before = get(make_datasette(db), address)
    assert before.status_code == 200
    edited = seeds / "001_8fef133df46f6ba3.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n编辑后补充的一段：昌平区新增一处口袋公园。\n", encoding="utf-8")
    load()
    (new_id,) = query(db, "select id from documents where source_path like '%001_%'")[0]
    assert new_id != old_id, "the reload gave the document a new row id"
    ds = make_datasette(db)
    after = get(ds, address)
    assert after.status_code == 200
    assert "编辑后补充的一段" in after.text
    assert article_url(db, "001_") == address
    assert get(ds, f"/-/article/{new_id}").headers["location"] == address


def test_export_csv_starts_with_a_bom_unless_asked_not_to(site_db, tmp_path):
    from urbandb.export import export_database

    export_database(site_db, tmp_path / "bom", "csv")
    export_database(site_db, tmp_path / "plain", "csv", bom=False)
    with_bom = (tmp_path / "bom" / "documents.csv").read_bytes()
    plain = (tmp_path / "plain" / "documents.csv").read_bytes()
    assert with_bom.startswith(b"\xef\xbb\xbfid,") and not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom[3:] == plain
    assert "北京市昌平区以城市更新彰显城市品牌魅力" in with_bom.decode("utf-8-sig")


def test_export_command_writes_csv_with_a_bom_by_default(site_db, tmp_path):
    from typer.testing import CliRunner

    from urbandb.cli import app

    for args, folder, starts in [([], "default", True), (["--no-bom"], "plain", False)]:
        result = CliRunner().invoke(app, ["--db", str(site_db), "export", "--format", "csv", *args, str(tmp_path / folder)])
        assert result.exit_code == 0, result.output
        for name in ("documents", "projects_named", "figures_named"):
            assert (tmp_path / folder / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf") == starts, (args, name)


def test_export_joins_projects_and_figures_with_their_names(site_db, tmp_path):
    require_tables(site_db, "metrics", "entities", "projects")
    import csv

    from urbandb.export import export_database

    export_database(site_db, tmp_path, "csv")
    with (tmp_path / "projects_named.csv").open(encoding="utf-8-sig", newline="") as f:
        projects = {row["project"]: row for row in csv.DictReader(f)}
    expected = query(site_db, "select e.name, l.name from projects p join entities e on e.id = p.entity_id"
                              " left join entities l on l.id = p.location_id")
    assert {name: place or "" for name, place in expected} == {k: v["place"] for k, v in projects.items()}
    operated = query(site_db, "select e.name, org.name from project_operators o join projects p on p.id = o.project_id"
                              " join entities e on e.id = p.entity_id join entities org on org.id = o.org_id limit 1")
    if operated:
        assert operated[0][1] in projects[operated[0][0]]["operators"]
    with (tmp_path / "figures_named.csv").open(encoding="utf-8-sig", newline="") as f:
        figures = list(csv.DictReader(f))
    assert len(figures) == query(site_db, "select count(*) from metrics")[0][0]
    named = [f for f in figures if f["surface"] == "58.9公顷"]
    assert named and named[0]["subject_name"] == PROJECT and named[0]["source_path"].endswith(".txt")
    export_database(site_db, tmp_path / "parquet", "parquet")
    parquet = duckdb.sql(f"select count(*) from '{tmp_path}/parquet/projects_named.parquet'").fetchone()[0]
    assert parquet == len(projects)


def test_site_untitled_articles_are_named_by_their_first_words_and_linked(site, site_db):
    require_tables(site_db, "metrics")
    untitled = query(site_db, "select id, source_path from documents where title is null or title = ''")
    assert untitled, "seed 000 has no title"
    doc, path = untitled[0]
    (opening,) = query(site_db, "select substr(text, 1, 24) from paragraphs where document_id = ?"
                                " and kind = 'body' order by seq limit 1", (doc,))[0]
    href = f'href="/-/article/{article_key(path, 0)}"'
    assert f"<a {href}>（无标题）{opening}…</a>" in get(site, "/-/articles").text
    link = f'<a {href} title="打开文章页">（无标题）{opening}…</a>'
    metrics = get(site, f"/urbandb/metrics?document_id={doc}&_size=5").text
    assert link in metrics
    assert ">None<" not in get(site, "/urbandb/metrics?_size=50").text


def test_site_table_columns_naming_projects_and_places_link_to_their_pages(site, site_db):
    require_tables(site_db, "projects", "project_milestones")
    projects = get(site, "/urbandb/projects?_size=max").text
    for name, place, kind in query(site_db, "select e.name, l.name, l.type from projects p join entities e on e.id = p.entity_id"
                                            " left join entities l on l.id = p.location_id"):
        assert f'href="{entity_url("project", name)}"' in projects
        assert place is None or f'href="{entity_url(kind, place)}"' in projects  # a place, or the park it is in
    (project,) = query(site_db, "select e.name from project_milestones ms join projects p on p.id = ms.project_id"
                                " join entities e on e.id = p.entity_id order by ms.id limit 1")[0]
    assert f'href="{entity_url("project", project)}"' in get(site, "/urbandb/project_milestones?_sort=id").text


def test_site_request_mistakes_are_4xx_without_a_traceback_in_the_log(site, capsys):
    for path, status in [("/urbandb/metrics?_sort=no_such_column", 400), ("/urbandb/no_such_table", 404),
                         ("/urbandb/metrics.json?_sort=no_such_column", 400)]:
        response = get(site, path)
        assert response.status_code == status, path
    assert "不能按这一列排序：no_such_column" in get(site, "/urbandb/metrics?_sort=no_such_column").text
    assert get(site, "/urbandb/metrics.json?_sort=no_such_column").json()["status"] == 400
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_site_errors_the_plugin_does_not_answer_go_to_datasette():
    from datasette.views.base import DatasetteError

    from urbandb.site.plugins.errors import request_mistake

    assert request_mistake(DatasetteError("Cannot sort table by x")) == 400
    assert request_mistake(DatasetteError("_col=x - invalid columns", status=400)) == 400
    assert request_mistake(DatasetteError("database is locked")) is None
    assert request_mistake(RuntimeError("bug")) is None


# --- reports, errors and Datasette's own words ---

DATASETTE_ENGLISH = ["Custom SQL query", "Edit SQL", "This data as", "Run SQL", "Query parameters", "0 results",
                     "Data license", "Data source", "Error 404", "Error 400"]


@pytest.mark.parametrize("query_name", [q.name for q in load_canned_queries()])
def test_site_report_pages_read_in_chinese_with_their_columns_in_words(site, site_db, query_name):
    require_tables(site_db, "metrics", "entities", "projects")
    html = get(site, f"/urbandb/{query_name}").text
    text, titles = visible_text_and_titles(html)
    assert [s for s in DATASETTE_ENGLISH if s in text] == []
    columns = get(site, f"/urbandb/{query_name}.json?_shape=objects&_size=1").json()["columns"]
    headings = re.findall(r'<th class="col-[^"]*" scope="col">([^<]*)</th>', html)
    assert headings == [words.column_heading(c) for c in columns]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in headings), headings
    assert not re.search(r"\b(metrics|subject_id|as_of_year|datasette-cluster-map)\b", text.split("共 ")[0])
    assert_no_codes(html, query_name)
    # Results first, then the downloads and the SQL, folded away.
    assert text.index("共 ") < text.index("下载") < text.index("这份报表的 SQL")


def test_site_reports_link_articles_and_subjects_and_show_values_in_words(site, site_db):
    require_tables(site_db, "metrics", "entities", "projects")
    rows = get(site, "/urbandb/metrics_whose_sources_disagree.json?_shape=array").json()
    assert rows, "the seeds have figures whose sources disagree"
    html = get(site, "/urbandb/metrics_whose_sources_disagree").text
    first = rows[0]
    ((path, item, kind, name),) = query(site_db, "select d.source_path, d.source_item, e.type, e.name from documents d,"
                                                 " entities e where d.id = ? and e.id = ?",
                                        (first["document_a"], first["subject_id"]))
    assert f'href="/-/article/{article_key(path, item)}" title="打开文章页"' in html
    if kind in ("project", "place"):
        assert f'href="{entity_url(kind, name)}"' in html
    shown = words.scaled(first["value_a"], first["unit_normalized"], None, first["label_a"])
    assert f'<span title="{words.plain(first["value_a"], first["unit_normalized"])}">{shown}</span>' in html
    biggest = get(site, "/urbandb/biggest_projects_by_area").text
    assert 'title="打开文章页"' in biggest


def test_site_error_pages_read_in_chinese(site):
    for path, status, message in [("/urbandb/no_such_table", 404, "没有这张表"), ("/no_such_database", 404, "没有这个数据库"),
                                  ("/urbandb/documents/99999999", 404, "没有这一行"),
                                  ("/urbandb/metrics?_sort=no_such_column", 400, "不能按这一列排序：no_such_column"),
                                  ("/-/article/99999999999999999999", 404, "没有这篇文章")]:
        response = get(site, path)
        assert response.status_code == status, path
        text, _ = visible_text_and_titles(response.text)
        assert message in text and words.error_heading(status) in text, (path, text[:300])
        assert [s for s in DATASETTE_ENGLISH if s in text] == [], path


def test_site_description_license_and_source_in_chinese(site):
    for path in ["/urbandb", "/urbandb/documents", "/urbandb/biggest_projects_by_area"]:
        text, _ = visible_text_and_titles(get(site, path).text)
        assert "Data license" not in text and "Data source" not in text, path
    assert "数据许可" in visible_text_and_titles(get(site, "/urbandb").text)[0]


@pytest.mark.parametrize("arguments", [
    "_through=x", '_through={"table":"paragraphs"}', "id__in=[1", "title__notin=[", "_timelimit=abc",
])
def test_site_malformed_arguments_datasette_would_fail_on_are_400(site, arguments, capsys):
    for path in ["/urbandb/documents?", "/urbandb/documents.json?"]:
        response = get(site, path + quote(arguments, safe="="))
        assert response.status_code == 400, (path, arguments, response.text[:300])
    assert "Traceback" not in "".join(capsys.readouterr())
    assert get(site, "/urbandb/documents?id__in=" + quote("[1, 2]")).status_code == 200
    assert get(site, "/urbandb/documents?_timelimit=500").status_code == 200


def test_site_paragraph_numbers_agree_between_search_and_article(site, site_db):
    html = get(site, "/-/search?q=" + quote("清华南口")).text
    hits = re.findall(r'<a href="(/-/article/[a-z2-7]{10})#p(\d+)">[^<]* 第 (\d+) 段</a>', html)
    assert len(hits) >= 2
    for article, seq, shown in hits[:5]:
        page = get(site, article).text
        assert re.search(rf'id="p{seq}" class="para [^"]*" data-n="{shown}"', page), (article, seq, shown)


def test_site_database_page_lists_reports_and_tables_in_chinese(site, site_db):
    html = get(site, "/urbandb").text
    text, _ = visible_text_and_titles(html)
    for english in ["Custom SQL query", "Run SQL", "Tables", "Queries", " rows", "hidden table"]:
        assert english not in text, english
    assert text.index("报表") < text.index("数据表") < text.index("自定义 SQL 查询")
    metadata = get(site, "/-/metadata.json").json()["databases"]["urbandb"]
    for query in load_canned_queries():
        assert f'href="/urbandb/{query.name}"' in html and query.title in text
    for table in tables(site_db):
        described = metadata["tables"].get(table, {})
        if table.startswith(("fts_", "sqlite_")) or described.get("hidden"):
            continue
        assert f'href="/urbandb/{table}"' in html, table
        assert described["description"] in text, table


def test_site_error_page_renders_in_chinese_from_datasettes_bare_context(site):
    # Datasette's own handler (a 500) renders error.html with only these variables.
    async def render() -> str:
        await site.invoke_startup()  # where Datasette prepares its template environment
        template = site.jinja_env.select_template(["500.html", "error.html"])
        return await template.render_async({"ok": False, "error": "boom", "status": 500, "title": None,
                                            "urls": site.urls, "app_css_hash": site.app_css_hash(),
                                            "menu_links": lambda: []})

    html = asyncio.run(render())
    assert "<h1>服务器出错</h1>" in html and "boom" in html and "Error 500" not in html
