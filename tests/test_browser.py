"""The site's pages in a real headless Chromium: highlights, the milestone
timeline, lists, charts, the map and the reports are drawn (after CSS and
JavaScript), and a screenshot of each page is saved as `screenshots/NAME.png`
in pytest's base temporary folder (`pytest --basetemp=DIR` puts them in
DIR/screenshots/; pytest prints the folder when the test runs with -s)."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from site_fixtures import article_url, entity_url, facts_db, query, require_tables, site_db  # noqa: F401

pytestmark = pytest.mark.browser

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1200,2400",
    "--virtual-time-budget=5000",
]


def chromium_binary() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = chromium_binary()
    if binary is None:
        pytest.skip(f"no Chromium binary on PATH (looked for {', '.join(CHROMIUM_NAMES)}); `.ci/run` installs it")
    return binary


class Server:
    """The site for one database on a free localhost port, served by uvicorn in a thread."""

    def __init__(self, db_path: Path):
        from urbandb.site import make_datasette

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(make_datasette(db_path).app(), host="127.0.0.1", port=self.port, log_level="warning")
        self.uvicorn = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.uvicorn.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.uvicorn.started:
            assert time.monotonic() < deadline, "the site did not start within 10 s"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.uvicorn.should_exit = True
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def server(site_db):
    with Server(site_db) as url:
        yield url


@pytest.fixture(scope="module")
def facts_server(facts_db):
    with Server(facts_db) as url:
        yield url


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture
def browse(chromium, screenshots, tmp_path):
    """Open a page: `browse(url, name)` gives the DOM after JavaScript ran and
    the page's own drawing counts, and saves screenshots/NAME.png."""

    def open_page(url: str, name: str) -> tuple[str, dict]:
        return _browse(chromium, url, tmp_path / f"profile-{name}", screenshots / f"{name}.png")

    return open_page


def _browse(chromium: str, url: str, profile: Path, screenshot: Path) -> tuple[str, dict]:
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=30, check=True).stdout
    subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, timeout=30, check=True)
    assert screenshot.stat().st_size > 10_000, "the screenshot is (nearly) empty"
    match = re.search(r'<html[^>]*data-rendered="([^"]*)"', dom)
    assert match, "site.js did not run in the page"
    return dom, json.loads(match.group(1).replace("&quot;", '"'))


def test_browser_article_page_draws_paragraphs_and_highlights(browse, server, site_db):
    doc = query(site_db, "select id from documents where source_path like '%001_%'")[0][0]
    dom, rendered = browse(f"{server}{article_url(site_db, '001_')}", "article-001")
    (paragraphs,) = query(site_db, "select count(*) from paragraphs where document_id = ?", (doc,))[0]
    assert rendered["paragraphs"] == paragraphs
    require_tables(site_db, "metrics")
    assert rendered["metrics"] >= 5
    assert "47万平方米</mark>" in dom


def test_browser_project_page_draws_timeline_and_mentions(browse, server, site_db):
    require_tables(site_db, "entities", "projects", "project_milestones", "entity_mentions")
    rows = query(
        site_db,
        "select (select name from entities where id = p.entity_id) from projects p where exists (select 1 from project_milestones m"
        " where m.project_id = p.rowid) order by (select name from entities where id = p.entity_id)"
        " = '清华南口国家重点实验室基地' desc limit 1",
    )
    if not rows:
        pytest.skip("no project with milestones in the seeds")
    dom, rendered = browse(f"{server}{entity_url('project', rows[0][0])}", "project")
    assert rendered["milestones"] >= 1
    assert rendered["mentions"] >= 1
    assert "urbandb-timeline" in dom


def test_browser_project_page_draws_timeline_on_the_specified_schema(browse, facts_server):
    dom, rendered = browse(f"{facts_server}{entity_url('project', '清华南口国家重点实验室基地')}", "project-hand-built")
    assert rendered["milestones"] == 2
    assert rendered["mentions"] >= 2
    assert rendered["paragraphs"] == 2


def test_browser_article_page_draws_mentions_on_the_specified_schema(browse, facts_server):
    from urbandb.site.identity import article_key

    dom, rendered = browse(f"{facts_server}/-/article/{article_key('a.txt', 0)}", "article-hand-built")
    assert {k: rendered[k] for k in ("metrics", "mentions", "milestones", "paragraphs")} == {
        "metrics": 2, "mentions": 3, "milestones": 0, "paragraphs": 2}


@pytest.mark.parametrize(
    "name, path, drawn",
    [
        ("home", "/", {}),
        ("articles", "/-/articles", {"rows": 5}),
        ("projects", "/-/projects", {"rows": 20}),
        ("figures", "/-/figures", {"rows": 100}),
        ("places", "/-/places", {"rows": 20}),
        ("place", entity_url("place", "昌平区"), {"rows": 5, "paragraphs": 1}),
        ("charts", "/-/charts", {"bars": 10}),
        ("map", "/-/map", {"mapPoints": 1}),
        ("search", "/-/search?q=%E6%B8%85%E5%8D%8E%E5%8D%97%E5%8F%A3", {"rows": 1}),
        ("figures-area", "/-/figures?dimension=area", {"rows": 20}),
        ("report", "/urbandb/biggest_projects_by_area", {"rows": 3}),
        ("report-land", "/urbandb/land_released_per_district_and_year", {"rows": 3}),
        ("report-status", "/urbandb/projects_by_status", {"rows": 5}),
        ("report-disagree", "/urbandb/metrics_whose_sources_disagree", {"rows": 1}),
        ("paragraph-search", "/urbandb/paragraphs?_search=%E6%98%8C%E5%B9%B3+%E4%BA%A7%E4%B8%9A%E7%94%A8%E5%9C%B0",
         {"rows": 1}),
        ("not-found", "/-/project/99999999999999999999", {}),
    ],
)
def test_browser_lists_charts_and_map_are_drawn(browse, server, site_db, name, path, drawn):
    require_tables(site_db, "metrics", "entities", "projects")
    dom, rendered = browse(f"{server}{path}", name)
    for what, at_least in drawn.items():
        assert rendered[what] >= at_least, (what, rendered)
    assert "urbandb-nav" in dom or "urbandb-tiles" in dom or "rows-and-columns" in dom
    assert '<title id="nav-menu-svg-title">菜单</title>' in dom  # Datasette's menu button, titled in Chinese


@pytest.mark.parametrize("table", ["documents", "metrics"])
def test_browser_datasette_tables_keep_rows_short(browse, server, table):
    # A document's hash and text, or a figure's sentence, once made a row taller than a screen.
    dom, rendered = browse(f"{server}/urbandb/{table}", f"table-{table}")
    assert rendered["rows"] >= 5
    assert rendered["tallestRow"] < 300, rendered
