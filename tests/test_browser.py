"""The site's pages in a real headless Chromium: highlights, the milestone
timeline, lists, charts and the map are drawn (after CSS and JavaScript), and
a screenshot of each page is saved under pytest's tmp_path."""
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


def browse(chromium: str, url: str, tmp_path: Path, name: str) -> tuple[str, dict]:
    """The DOM after JavaScript ran, the page's own drawing counts, and a PNG."""
    profile = tmp_path / f"profile-{name}"
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=30, check=True).stdout
    screenshot = tmp_path / f"{name}.png"
    subprocess.run([*common, f"--screenshot={screenshot}", url], capture_output=True, timeout=30, check=True)
    assert screenshot.stat().st_size > 10_000, "the screenshot is (nearly) empty"
    match = re.search(r'<html[^>]*data-rendered="([^"]*)"', dom)
    assert match, "site.js did not run in the page"
    return dom, json.loads(match.group(1).replace("&quot;", '"'))


def test_browser_article_page_draws_paragraphs_and_highlights(chromium, server, site_db, tmp_path):
    doc = query(site_db, "select id from documents where source_path like '%001_%'")[0][0]
    dom, rendered = browse(chromium, f"{server}{article_url(site_db, '001_')}", tmp_path, "article-001")
    (paragraphs,) = query(site_db, "select count(*) from paragraphs where document_id = ?", (doc,))[0]
    assert rendered["paragraphs"] == paragraphs
    require_tables(site_db, "metrics")
    assert rendered["metrics"] >= 5
    assert "47万平方米</mark>" in dom


def test_browser_project_page_draws_timeline_and_mentions(chromium, server, site_db, tmp_path):
    require_tables(site_db, "entities", "projects", "project_milestones", "entity_mentions")
    rows = query(
        site_db,
        "select (select name from entities where id = p.entity_id) from projects p where exists (select 1 from project_milestones m"
        " where m.project_id = p.rowid) order by (select name from entities where id = p.entity_id)"
        " = '清华南口国家重点实验室基地' desc limit 1",
    )
    if not rows:
        pytest.skip("no project with milestones in the seeds")
    dom, rendered = browse(chromium, f"{server}{entity_url('project', rows[0][0])}", tmp_path, "project")
    assert rendered["milestones"] >= 1
    assert rendered["mentions"] >= 1
    assert "urbandb-timeline" in dom


def test_browser_project_page_draws_timeline_on_the_specified_schema(chromium, facts_server, tmp_path):
    dom, rendered = browse(chromium, f"{facts_server}{entity_url('project', '清华南口国家重点实验室基地')}", tmp_path,
                           "project-hand-built")
    assert rendered["milestones"] == 2
    assert rendered["mentions"] >= 2
    assert rendered["paragraphs"] == 2


def test_browser_article_page_draws_mentions_on_the_specified_schema(chromium, facts_server, tmp_path):
    from urbandb.site.identity import article_key

    dom, rendered = browse(chromium, f"{facts_server}/-/article/{article_key('a.txt', 0)}", tmp_path, "article-hand-built")
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
        ("report", "/urbandb/biggest_projects_by_area", {"rows": 3}),
    ],
)
def test_browser_lists_charts_and_map_are_drawn(chromium, server, site_db, tmp_path, name, path, drawn):
    require_tables(site_db, "metrics", "entities", "projects")
    dom, rendered = browse(chromium, f"{server}{path}", tmp_path, name)
    for what, at_least in drawn.items():
        assert rendered[what] >= at_least, (what, rendered)
    assert "urbandb-nav" in dom or "urbandb-tiles" in dom or "rows-and-columns" in dom
