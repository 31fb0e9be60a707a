"""Hostile inputs, each built here: nothing a folder holds may stop, hang or
poison a load, and nothing good in it is lost."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from conftest import migrated_database, new_database
from urbandb.cli import app
from urbandb.db.engine import make_engine
from urbandb.db.migrate import downgrade, upgrade
from urbandb.exit_codes import ExitCode, explain
from urbandb.loaders.decode import decode
from urbandb.loaders.limits import Limits
from urbandb.loaders.pipeline import LoadSummary, default_pipeline, load_paths
from urbandb.loaders.read import read_articles

ARTICLE = (
    "昌平区南口镇城市更新项目启动\n\n"
    "昌平区近年来围绕“两城一区多点”布局聚焦先导产业，高效盘活存量土地资源。\n\n"
    "南口是北京市传统工业重镇，按照新版规划，南口是全市重点发展的8个新市镇之一，规划用地58.9公顷。\n"
)


@pytest.fixture(scope="module")
def pipeline():
    return default_pipeline()


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "u.sqlite"
    migrated_database(path)
    return path


def load(db: Path, paths, pipeline, limits: Limits = Limits()) -> LoadSummary:
    engine = make_engine(f"sqlite:///{db}")
    try:
        return load_paths(engine, [str(p) for p in paths], pipeline=pipeline, limits=limits)
    finally:
        engine.dispose()


def rows(db: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def cli(db: Path | str, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args])


# --- names ------------------------------------------------------------------


def test_a_name_that_is_not_utf8_is_loaded_and_kept_as_its_bytes(tmp_path, db, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/b-\xb3\xc7.txt"  # 城 in GBK, as a Windows zip names it
    with open(raw, "wb") as handle:
        handle.write(ARTICLE.encode())
    (folder / "z-later.txt").write_text(ARTICLE.replace("南口", "小汤山"), encoding="utf-8")
    summary = load(db, [folder], pipeline)
    assert summary.counts["files_added"] == 2 and summary.ok
    ((path, path_bytes),) = rows(db, "select path, path_bytes from source_files where path_bytes is not null")
    assert path.endswith("b-\\xb3\\xc7.txt")
    assert path_bytes == raw
    assert rows(db, "select count(*) from documents where source_path = ?", path) == [(1,)]
    again = load(db, [folder], pipeline)
    assert again.counts["files_unchanged"] == 2


def test_a_bad_file_with_a_name_that_is_not_utf8_is_recorded_and_the_run_goes_on(tmp_path, db, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/\xff\xfe-broken.html"
    with open(raw, "wb") as handle:
        handle.write(b"<html><body><p>\x00\x00\x00")
    (folder / "z-good.txt").write_text(ARTICLE, encoding="utf-8")
    summary = load(db, [folder], pipeline)
    assert (summary.counts["files_failed"], summary.counts["files_added"]) == (1, 1)
    ((path, path_bytes, severity),) = rows(db, "select source_path, path_bytes, severity from load_errors")
    assert path.endswith("\\xff\\xfe-broken.html") and path_bytes == raw and severity == "error"


# --- bounds -------------------------------------------------------------------


def load_in_thread(db: Path, paths, pipeline, limits: Limits = Limits()) -> LoadSummary:
    """The load, failing the test instead of hanging it if something blocks."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(summary=load(db, paths, pipeline, limits)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the load blocked"
    return result["summary"]


def test_a_named_pipe_is_skipped_unopened(tmp_path, db, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "x.txt")  # nobody writes: opening it for reading would block forever
    (folder / "y.txt").write_text(ARTICLE, encoding="utf-8")
    summary = load_in_thread(db, [folder], pipeline)
    assert (summary.counts["files_skipped"], summary.counts["files_added"]) == (1, 1) and summary.ok
    assert rows(db, "select error_type, severity, message from load_errors") == [
        ("NotRegularFile", "skipped", "not a regular file but a named pipe: not read")
    ]


def test_a_link_to_dev_zero_is_skipped_unread(tmp_path, db, pipeline):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    summary = load_in_thread(db, [link], pipeline)
    assert summary.counts["files_skipped"] == 1
    assert rows(db, "select message from load_errors") == [("not a regular file but a character device: not read",)]


def test_a_link_to_a_regular_file_is_read(tmp_path, db, pipeline):
    target = tmp_path / "article.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link.txt").symlink_to(target)
    assert load(db, [tmp_path / "in"], pipeline).counts["files_added"] == 1


def test_a_folder_that_cannot_be_listed_is_a_failure_not_a_skip(tmp_path, db, pipeline, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE, encoding="utf-8")
    listed = os.scandir

    def scandir(path="."):  # as the OS answers for a folder without read permission (root is never refused)
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listed(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = load(db, [folder], pipeline)
    assert (summary.counts["files_added"], summary.counts["files_failed"]) == (1, 1) and not summary.ok
    ((path, error_type, severity, message),) = rows(db, "select source_path, error_type, severity, message from load_errors")
    assert path.endswith("locked") and (error_type, severity) == ("UnreadableFile", "error")
    assert message.endswith("cannot list the folder " + path + ": Permission denied")


def test_a_file_over_the_size_limit_is_skipped_and_the_limit_is_an_option(tmp_path, db, pipeline):
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 40, encoding="utf-8")  # about 10 KB
    summary = load(db, [big], pipeline, Limits(max_file_mb=0.005))
    assert summary.counts["files_skipped"] == 1
    ((error_type, message),) = rows(db, "select error_type, message from load_errors")
    assert error_type == "OverLimit" and "over the 0.005 MB limit" in message
    result = cli(db, "load", "--max-file-mb", "1", str(big))
    assert result.exit_code == ExitCode.OK and "1 added" in result.output


YAML_BOMB = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
url: *i
author: *i
---
正文。
"""


def test_a_yaml_alias_bomb_in_front_matter_is_refused_not_expanded(tmp_path, db, pipeline):
    (tmp_path / "bomb.md").write_text(YAML_BOMB, encoding="utf-8")
    (tmp_path / "good.md").write_text("---\ntitle: 标题\nauthor: John Smith\n---\n" + ARTICLE, encoding="utf-8")
    summary = load_in_thread(db, [tmp_path / "bomb.md", tmp_path / "good.md"], pipeline)
    assert (summary.counts["files_failed"], summary.counts["files_added"]) == (1, 1)
    ((error_type, message),) = rows(db, "select error_type, message from load_errors")
    assert error_type == "MalformedArticle" and "aliases" in message


# --- partial data kept --------------------------------------------------------


def test_json_lines_with_one_broken_line_load_every_other_record(tmp_path, db, pipeline):
    records = [json.dumps({"title": f"第{n}篇", "content": ARTICLE}, ensure_ascii=False) for n in range(4)]
    records[2] = records[2][:-15]  # cut off mid-record
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(records) + "\n" + '["not", "an", "object"]\n', encoding="utf-8")
    result = cli(db, "load", str(feed))
    assert result.exit_code == ExitCode.INPUT_FAILED and "2 records rejected" in result.output
    assert f"added     {feed} (2 records rejected: see load_errors)" in result.output  # the progress line says so too
    assert rows(db, "select source_item, title from documents order by source_item") == [
        (0, "第0篇"), (1, "第1篇"), (3, "第3篇"),
    ]
    errors = rows(db, "select source_item, severity, substr(message, 1, 25) from load_errors order by source_item")
    assert errors == [(2, "error", "invalid JSON on line 3: U"), (4, "error", "line 5: expected a JSON o")]


def test_a_json_number_of_thousands_of_digits_is_a_broken_record_not_a_bug(tmp_path, db, pipeline):
    huge = "9" * 5000  # past Python's limit on converting digits to an integer
    body = json.dumps(ARTICLE, ensure_ascii=False)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(f'{{"title": {huge}, "content": {body}}}\n{{"content": {body}}}\n', encoding="utf-8")
    (tmp_path / "one.json").write_text(f'{{"content": {body}, "views": {huge}}}', encoding="utf-8")
    summary = load(db, [feed, tmp_path / "one.json"], pipeline)
    assert (summary.counts["files_added"], summary.counts["files_failed"], summary.rejected_records) == (1, 1, 1)
    errors = rows(db, "select source_item, error_type, message from load_errors order by source_path")
    assert [(item, kind) for item, kind, _ in errors] == [(0, "MalformedArticle"), (None, "MalformedArticle")]
    assert all("digits" in message and "internal error" not in message for _, _, message in errors)


@pytest.mark.parametrize(
    "damage, bad_bytes",
    [
        (lambda data: data[:59] + b"\xff" + data[59:], 1),  # a stray byte between two characters
        (lambda data: data[:-1] + "。".encode()[:2], 2),  # the last character cut in half
    ],
)
def test_a_few_bad_bytes_are_replaced_and_counted_not_fatal(tmp_path, db, pipeline, damage, bad_bytes):
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(damage(ARTICLE.encode()))
    summary = load(db, [damaged], pipeline)
    assert summary.counts["files_added"] == 1 and summary.ok
    ((error_type, severity, message),) = rows(db, "select error_type, severity, message from load_errors")
    assert (error_type, severity) == ("ReplacedBytes", "warning")
    assert message.startswith(f"{bad_bytes} undecodable bytes replaced")
    (text,) = rows(db, "select text from documents")[0]
    assert "\ufffd" in text and "新市镇之一" in text


BRIEF = "南口是北京市传统工业重镇，规划用地58.9公顷。"


def test_a_short_utf8_brief_with_a_bad_byte_anywhere_is_read_as_utf8_not_as_gbk():
    # GB18030 decodes damaged UTF-8 with fewer bad bytes, into nonsense: a brief
    # of a line has too few characters to outvote it by bytes alone.
    data = BRIEF.encode()
    for at in range(len(data) + 1):
        decoded = decode(data[:at] + b"\xff" + data[at:])
        assert decoded.encoding == "utf-8", at
        assert decoded.text.replace("\ufffd", "") in {BRIEF, *(BRIEF[:n] + BRIEF[n + 1 :] for n in range(len(BRIEF)))}, at
    cut = decode(data[:-1])
    assert (cut.encoding, cut.text, cut.replaced_bytes) == ("utf-8", BRIEF[:-1] + "\ufffd", 2)


def test_a_gbk_article_with_a_bad_byte_is_still_read_as_gbk(tmp_path, db, pipeline):
    data = ARTICLE.encode("gb18030")
    (tmp_path / "gbk.txt").write_bytes(data[:40] + b"\x80" + data[40:])
    assert load(db, [tmp_path / "gbk.txt"], pipeline).ok
    assert rows(db, "select encoding from documents") == [("gb18030",)]


def test_binary_files_are_still_refused(tmp_path, db, pipeline):
    noise = bytes((n * 7919 + 13) % 256 for n in range(4000)).replace(b"\x00", b"\x01")
    (tmp_path / "noise.txt").write_bytes(noise)
    summary = load(db, [tmp_path / "noise.txt"], pipeline)
    assert summary.counts["files_failed"] == 1
    ((error_type, message),) = rows(db, "select error_type, message from load_errors")
    assert error_type == "UnreadableFile" and ("cannot decode" in message or "binary" in message)


def test_unsupported_files_in_a_folder_are_recorded_as_skipped_with_the_reason(tmp_path, db, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = cli(db, "load", str(folder))
    assert result.exit_code == ExitCode.OK and "1 skipped" in result.output
    ((path, error_type, severity, message),) = rows(db, "select source_path, error_type, severity, message from load_errors")
    assert path.endswith("report.pdf") and (error_type, severity) == ("UnsupportedFormat", "skipped")
    assert "'.pdf'" in message


def test_a_file_name_with_terminal_escapes_is_shown_escaped(tmp_path, db):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "clear\x1b[2J\nscreen.pdf").write_bytes(b"%PDF-1.4\n")
    result = cli(db, "load", str(folder))
    assert result.exit_code == ExitCode.OK and "\x1b" not in result.output
    assert "clear\\x1b[2J\\x0ascreen.pdf (UnsupportedFormat" in result.output
    assert rows(db, "select source_path from load_errors")[0][0].endswith("clear\x1b[2J\nscreen.pdf")  # kept as it is


@pytest.mark.parametrize(
    "field, names",
    [
        ("John Smith", ["John Smith"]),
        ("张三 李四", ["张三", "李四"]),
        ("Jane Doe, 王五", ["Jane Doe", "王五"]),
        ({"name": "John Smith"}, ["John Smith"]),
        ([{"name": "张三"}, "李四", None, 7, {"name": 5}, True], ["张三", "李四"]),  # what is not a name names nobody
        ({"name": 5}, []),
        (2024, []),
    ],
)
def test_author_fields_split_into_people_not_words(field, names):
    (article,) = read_articles("a.json", json.dumps({"author": field, "content": ARTICLE}).encode())
    assert article.authors == names


# --- the database ---------------------------------------------------------------


def test_every_foreign_key_with_on_delete_has_an_index(db):
    conn = sqlite3.connect(db)
    tables = [t for (t,) in conn.execute("select name from sqlite_master where type = 'table' and name not like 'fts_%'")]
    for table in tables:
        leading = {conn.execute(f"pragma index_info('{index}')").fetchone()[2] for _, index, *_ in conn.execute(f"pragma index_list('{table}')")}
        # An INTEGER PRIMARY KEY is the rowid: the table itself is its index.
        key_columns = [(name, type_) for _, name, type_, _, _, pk in conn.execute(f"pragma table_info('{table}')") if pk]
        if len(key_columns) == 1 and key_columns[0][1].upper() == "INTEGER":
            leading.add(key_columns[0][0])
        for key in conn.execute(f"pragma foreign_key_list('{table}')").fetchall():
            column, on_delete = key[3], key[6]
            if on_delete != "NO ACTION":
                assert column in leading, f"{table}.{column} ({on_delete}) has no index"


def test_load_refuses_a_database_at_a_revision_it_does_not_know(db, tmp_path):
    conn = sqlite3.connect(db)
    conn.execute("update alembic_version set version_num = 'ffff'")
    conn.commit()
    conn.close()
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    for command in (["load", str(tmp_path / "a.txt")], ["reextract"], ["serve"], ["runs"], ["init"]):
        result = cli(db, *command)
        assert result.exit_code == ExitCode.REFUSED_DATABASE, (command, result.output)
        assert "ffff" in result.output and "Traceback" not in result.output
    assert rows(db, "select count(*) from loader_runs") == [(0,)]


def test_load_reextract_and_serve_on_an_older_revision_say_to_run_init(db, tmp_path):
    downgrade(f"sqlite:///{db}", "0003")
    for command in (["load", str(tmp_path)], ["reextract"], ["serve"]):
        result = cli(db, *command)
        assert result.exit_code == ExitCode.NEEDS_INIT, (command, result.output)
        assert result.output.count("\n") == 1 and "run `urbandb init`" in result.output
    assert rows(db, "select version_num from alembic_version") == [("0003",)]


def test_a_file_that_is_not_a_database_is_one_line_and_exit_5(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(bytes(range(256)) * 20)
    for command in (["load", str(tmp_path)], ["serve"], ["runs"], ["reextract"], ["query", "paragraphs_by_kind"]):
        result = cli(junk, *command)
        assert result.exit_code == ExitCode.REFUSED_DATABASE, (command, result.output)
        assert result.output.count("\n") == 1 and "not a database" in result.output
    debug = CliRunner().invoke(app, ["--db", str(junk), "--debug", "runs"])
    assert isinstance(debug.exception, Exception) and "not a database" in str(debug.exception)


@pytest.mark.parametrize("command", [["runs"], ["load", "."], ["reextract"], ["serve"], ["export", "out"], ["snapshot", "s.sqlite"]])
def test_a_missing_database_is_not_created_by_a_command_but_init(tmp_path, command):
    missing = tmp_path / "none.sqlite"
    result = cli(missing, *command)
    assert result.exit_code == ExitCode.NEEDS_INIT and "run `urbandb init`" in result.output
    assert not missing.exists()


def test_another_applications_database_is_refused_even_by_init(tmp_path):
    foreign = tmp_path / "notes.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table documents (note text)")
    for command in (["init"], ["load", str(tmp_path)], ["runs"], ["export", str(tmp_path / "out")]):
        result = cli(foreign, *command)
        assert result.exit_code == ExitCode.REFUSED_DATABASE, (command, result.output)
        assert result.output.count("\n") == 1 and "no urbandb revision" in result.output
    assert rows(foreign, "select name from sqlite_master") == [("documents",)]


def test_export_of_a_database_without_schema_says_to_run_init(tmp_path):
    blank = tmp_path / "blank.sqlite"
    sqlite3.connect(blank).close()
    result = cli(blank, "export", str(tmp_path / "out"))
    assert result.exit_code == ExitCode.NEEDS_INIT and not (tmp_path / "out").exists()


def test_init_where_the_database_cannot_be_created_is_one_line(tmp_path):
    result = cli(tmp_path / "no" / "such" / "folder" / "u.sqlite", "init")
    assert result.exit_code == ExitCode.CANNOT_WRITE
    assert result.output.count("\n") == 1 and "unable to open database file" in result.output


def sqlite_error(action) -> sqlite3.Error:
    try:
        action()
    except sqlite3.Error as error:
        return error
    raise AssertionError("no error")


def test_full_disk_read_only_and_locked_databases_map_to_their_exit_codes(tmp_path):
    path = tmp_path / "s.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("create table t (x)")
    conn.commit()

    def fill():
        conn.execute("pragma max_page_count = 2")
        conn.execute("insert into t values (randomblob(100000))")

    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    cases = {ExitCode.CANNOT_WRITE: [sqlite_error(fill), sqlite_error(lambda: read_only.execute("insert into t values (1)"))]}
    holder = sqlite3.connect(path)
    holder.execute("begin exclusive")
    waiter = sqlite3.connect(path, timeout=0)
    cases[ExitCode.BUSY] = [sqlite_error(lambda: waiter.execute("insert into t values (1)"))]
    holder.rollback()
    for code, errors in cases.items():
        for error in errors:
            got, message = explain(error)
            assert got == code, (error, got)
            assert "\n" not in message
    assert explain(OSError(28, "No space left on device", "u.sqlite-wal"))[0] == ExitCode.CANNOT_WRITE


def test_a_full_disk_stops_the_load_instead_of_failing_every_file(tmp_path, db, pipeline):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02d}.txt").write_text(ARTICLE.replace("南口", f"南口{n}") * 6, encoding="utf-8")
    (pages,) = rows(db, "pragma page_count")[0]
    engine = make_engine(f"sqlite:///{db}")

    @event.listens_for(engine, "connect")
    def little_room(conn, _):  # the disk fills up a few files in (the search index comes at the end)
        conn.execute(f"pragma max_page_count = {pages + 18}")

    with pytest.raises(OperationalError, match="full") as stopped:
        load_paths(engine, [str(folder)], pipeline=pipeline)
    engine.dispose()
    assert explain(stopped.value)[0] == ExitCode.CANNOT_WRITE
    ((loaded,),) = rows(db, "select count(*) from source_files")
    assert 0 < loaded < 12
    assert rows(db, "select count(*) from load_errors") == [(0,)]  # no file blamed for the disk
    assert rows(db, "pragma integrity_check") == [("ok",)]
    again = load(db, [folder], pipeline)  # room again: the next run loads the rest
    assert (again.counts["files_unchanged"], again.counts["files_added"]) == (loaded, 12 - loaded)


def test_a_postgresql_role_that_may_not_write_articles_stops_the_load_in_one_line(request, tmp_path):
    url = new_database(request, "postgresql", tmp_path)
    upgrade(url)
    role = f"logger_{uuid.uuid4().hex[:8]}"
    engine = make_engine(url)
    with engine.begin() as conn:  # it may record runs and errors, not articles
        conn.exec_driver_sql(f"create role {role} login")
        conn.exec_driver_sql(f"grant usage on schema public to {role}")
        conn.exec_driver_sql(f"grant select on all tables in schema public to {role}")
        conn.exec_driver_sql(f"grant insert, update on loader_runs, load_errors to {role}")
        conn.exec_driver_sql(f"grant usage on all sequences in schema public to {role}")
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(ARTICLE.replace("南口", f"南口{n}"), encoding="utf-8")
    as_role = make_url(url).set(username=role).render_as_string(hide_password=False)
    result = cli(as_role, "load", "--workers", "1", str(tmp_path))
    assert result.exit_code == ExitCode.CANNOT_WRITE and result.output.count("\n") == 1, result.output
    assert "permission denied for table" in result.output and "42501" in result.output
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from load_errors").scalar() == 0  # no file blamed
        assert conn.exec_driver_sql("select status from loader_runs").scalars().all() == ["failed"]
    engine.dispose()


# --- query and sql ------------------------------------------------------------


@pytest.fixture
def loaded_db(tmp_path, db) -> Path:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli(db, "load", str(tmp_path / "a.txt")).exit_code == 0
    return db


def test_query_parameters_are_typed_by_the_report_header(loaded_db):
    wrong = cli(loaded_db, "query", "projects_by_place", "-p", "min_projects=abc")
    assert wrong.exit_code == ExitCode.USAGE
    assert wrong.output.strip() == "error: parameter min_projects wants an integer, got 'abc'"
    text = cli(loaded_db, "query", "project_dossier", "--param", "name=123", "-f", "json")
    assert text.exit_code == ExitCode.OK and json.loads(text.output) == []
    malformed = cli(loaded_db, "query", "project_dossier", "--param", "name")
    assert malformed.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("name", ["../queries/paragraphs_by_kind", "/tmp/evil", "queries/paragraphs_by_kind.sql"])
def test_query_takes_report_names_not_paths(loaded_db, tmp_path, name):
    (tmp_path / "evil.sql").write_text("select 1 as pwned")
    result = cli(loaded_db, "query", name)
    assert result.exit_code == ExitCode.INPUT_FAILED and "no report named" in result.output


def test_a_mistyped_statement_is_one_line_that_still_points_at_the_mistake(loaded_db):
    result = cli(loaded_db, "sql", "select count(*) form documents")
    assert result.exit_code == ExitCode.INPUT_FAILED and result.output.count("\n") == 1
    assert result.output.startswith("error: Parser Error") and "LINE 1: select count(*) form documents" in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH '{other}' AS other (TYPE sqlite); CREATE TABLE other.t AS SELECT 1",
        "ATTACH '{other}' AS other",
        "COPY (SELECT 1) TO '{other}'",
        "SELECT * FROM read_csv('{other}')",
        "SET enable_external_access = true",
    ],
)
def test_sql_cannot_write_or_reach_other_files(loaded_db, tmp_path, statement):
    other = tmp_path / "other.db"
    result = cli(loaded_db, "sql", statement.format(other=other))
    assert result.exit_code == ExitCode.INPUT_FAILED and result.output.startswith("error:")
    assert not other.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH '{other}' AS other (TYPE sqlite); CREATE TABLE other.t AS SELECT 1",
        "SELECT * FROM postgres_query('urbandb', 'SELECT lo_create(0)')",  # writes, though the transaction is read-only
        "EXPLAIN ANALYZE SELECT * FROM postgres_query('urbandb', 'SELECT lo_create(0)')",
        "SELECT * FROM postgres_execute('urbandb', 'DELETE FROM loader_runs')",
        "SELECT (SELECT count(*) FROM main.Postgres_Scan('dbname=postgres', 'public', 'x'))",
        "SELECT * FROM sqlite_scan('{other}', 'secret')",
        "SELECT * FROM sqlite_attach('{other}'); SELECT * FROM secret",
        "FROM query('SELECT 1')",
    ],
)
def test_sql_is_read_only_on_every_backend(migrated_db, tmp_path, statement):
    other = tmp_path / "other.db"
    if "secret" in statement:  # another SQLite file, which `sql` must not read
        with sqlite3.connect(other) as conn:
            conn.execute("create table secret as select 'hidden words' as words")
    result = cli(migrated_db, "sql", statement.format(other=other))
    assert result.exit_code == ExitCode.INPUT_FAILED and result.output.startswith("error:"), result.output
    assert "hidden words" not in result.output and ("secret" in statement or not other.exists())
    engine = make_engine(migrated_db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from loader_runs").scalar() == 0
        if engine.dialect.name == "postgresql":
            assert conn.exec_driver_sql("select count(*) from pg_largeobject_metadata").scalar() == 0
    engine.dispose()
