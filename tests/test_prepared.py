"""Prepared statements bind what SQLAlchemy Core binds, on both backends, and
their driver errors reach the writer as SQLAlchemy's (which retries races by them)."""
from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from urbandb.db.engine import make_engine
from urbandb.db.models import Document, Entity, LoaderRun, Metric, SourceFile
from urbandb.db.prepared import Prepared
from urbandb.loaders.entity_store import BATCHED, RELOCATE, insert_ignoring_duplicates
from urbandb.loaders.writer import DOCUMENT_COLUMNS, INSERT_DOCUMENT, STORED_HASH, lost_race

documents, entities, metrics, source_files = (m.__table__ for m in (Document, Entity, Metric, SourceFile))
SOURCE_FILE = {"content_sha256": "a" * 64, "size_bytes": 1, "document_count": 1, "loaded_at": "2024-05-02"}


def document(path: str, authors: list[str]) -> tuple:
    values = {
        "source_path": path, "source_item": 0, "content_sha256": "a" * 64, "format": "text", "encoding": "utf-8",
        "title": "标题", "subtitle": None, "authors": authors, "publication": None, "published_date": "2024-05-01",
        "url": None, "text": "正文", "char_count": 2, "loaded_at": "2024-05-02T00:00:00+00:00", "run_id": None,
        "extractor_version": None,
    }
    return tuple(values[name] for name in DOCUMENT_COLUMNS)


def test_prepared_insert_stores_the_row_core_stores_json_included(migrated_db):
    engine = make_engine(migrated_db)
    with engine.begin() as conn:
        for path in ("a.txt", "b.txt"):
            conn.execute(insert(source_files).values(**SOURCE_FILE, path=path))
        prepared_id = INSERT_DOCUMENT.scalar(conn, document("a.txt", ["张三", "李四"]))
        core_values = dict(zip(DOCUMENT_COLUMNS, document("b.txt", ["张三", "李四"])))
        core_id = conn.execute(insert(documents).values(core_values).returning(documents.c.id)).scalar_one()
        stored = {row["id"]: dict(row) for row in conn.execute(select(documents)).mappings()}
        # The JSON column as the database holds it: the same text either way, Chinese kept.
        raw = conn.exec_driver_sql("select cast(authors as text) from documents order by id").scalars().all()
        assert STORED_HASH.scalar(conn, ("a.txt",)) == "a" * 64
        assert STORED_HASH.scalar(conn, ("nowhere.txt",)) is None
    engine.dispose()
    prepared_row, core_row = stored[prepared_id], stored[core_id]
    assert prepared_row.pop("source_path") == "a.txt" and core_row.pop("source_path") == "b.txt"
    del prepared_row["id"], core_row["id"]
    assert prepared_row == core_row
    assert prepared_row["authors"] == ["张三", "李四"]
    assert raw[0] == raw[1] and "张三" in raw[0]


def test_prepared_statement_keeps_its_own_literals_and_converts_floats(migrated_db):
    """The project updates' CASEs (a stage's rank, a place's) and LIMIT hold
    literals SQLAlchemy binds as parameters; a float column gets a float even
    from an int, as Core gives it."""
    engine = make_engine(migrated_db)
    with engine.begin() as conn:
        conn.execute(insert(source_files).values(**SOURCE_FILE, path="a.txt"))
        document_id = INSERT_DOCUMENT.scalar(conn, document("a.txt", []))
        paragraph_id = conn.exec_driver_sql(
            "insert into paragraphs (document_id, seq, kind, text, char_start, char_end)"
            f" values ({document_id}, 0, 'body', '占地12公顷', 0, 6) returning id"
        ).scalar()
        project_entity, place = (
            conn.execute(insert(entities).values(name=name, type=type_).returning(entities.c.id)).scalar()
            for name, type_ in (("南口基地", "project"), ("昌平区", "place"))
        )
        project_id = conn.exec_driver_sql(
            f"insert into projects (entity_id, category, status) values ({project_entity}, 'other', 'planned') returning id"
        ).scalar()
        BATCHED["project"].execute_many(conn, [("completed", project_id), ("planned", project_id)])
        BATCHED["site"].execute_many(conn, [(project_id, document_id, place)])
        RELOCATE.execute_many(conn, [(None, project_id)])
        project = conn.exec_driver_sql(f"select location_id, status from projects where id = {project_id}").one()
        columns = ("document_id", "paragraph_id", "char_start", "char_end", "surface", "value", "value_normalized",
                   "unit_normalized", "dimension", "qualifier")
        Prepared(insert(metrics), columns).execute_many(
            conn, [(document_id, paragraph_id, 2, 6, "12公顷", 12, 120000, "m2", "area", "exact")]
        )
        value, normalized = conn.execute(select(metrics.c.value, metrics.c.value_normalized)).one()
    engine.dispose()
    assert tuple(project) == (place, "completed")  # its one site's place; a later stage, and an earlier one changes nothing
    assert (value, normalized) == (12.0, 120000.0) and isinstance(value, float)


def test_prepared_statement_raises_what_core_raises(migrated_db):
    engine = make_engine(migrated_db)
    alias = Prepared(lambda dialect: insert_ignoring_duplicates(dialect, entities), ["name", "type"])
    with engine.begin() as conn:
        alias.execute_many(conn, [("北京市", "place"), ("北京市", "place")])  # the second is ignored
        assert conn.execute(select(entities.c.name)).scalars().all() == ["北京市"]
    plain = Prepared(insert(entities), ["name", "type"])
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        plain.execute_many(conn, [("北京市", "place")])
    engine.dispose()
    assert lost_race(raised.value) == (engine.dialect.name == "postgresql")  # a key another loader took
    assert "北京市" not in str(type(raised.value))


def test_prepared_statement_refuses_a_parameter_no_row_gives():
    runs = LoaderRun.__table__
    statement = Prepared(update(runs).where(runs.c.id == bindparam("run")).values(status=bindparam("status")), ["status"])
    with pytest.raises(ValueError, match="'run'"):
        statement.compiled(make_engine("sqlite://").dialect)
