"""Every migration goes up and down on an empty database, SQLite and
PostgreSQL alike, and the models match them."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from urbandb.db.engine import database_url, make_engine
from urbandb.db.migrate import alembic_config, current_revision, downgrade, include_name, upgrade
from urbandb.db.models import Base


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_migrations_have_a_single_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_migrations_are_named_by_number_and_purpose():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    for rev in script.walk_revisions():
        stem = rev.path.rsplit("/", 1)[-1].removesuffix(".py")
        number, _, purpose = stem.partition("_")
        assert number == rev.revision and number.isdigit() and purpose, stem


def test_migrations_upgrade_to_head_match_the_models(migrated_db):
    engine = make_engine(migrated_db)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def schema(url: str) -> dict[str, list[str]]:
    """Columns per table, and indexes per table (the search index included)."""
    engine = make_engine(url)
    inspector = inspect(engine)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    snapshot = {t: sorted(c["name"] for c in inspector.get_columns(t)) for t in tables}
    snapshot |= {f"{t} indexes": sorted(i["name"] for i in inspector.get_indexes(t)) for t in tables}
    engine.dispose()
    return snapshot


@pytest.mark.parametrize("revision", revisions())
def test_migration_down_restores_the_schema_before_it(blank_db, revision):
    url = blank_db
    ordered = revisions()
    previous = ordered[ordered.index(revision) - 1] if ordered.index(revision) else None
    if previous:
        upgrade(url, previous)
    before = schema(url)
    upgrade(url, revision)
    after = schema(url)
    assert after != before, "the migration changes nothing"
    downgrade(url, previous or "base")
    assert current_revision(url) == previous
    assert schema(url) == before
    upgrade(url, revision)
    assert schema(url) == after


def test_migration_0001_creates_the_contract_tables(tmp_path):
    url = database_url(str(tmp_path / "m.sqlite"))
    upgrade(url, "0001")
    inspector = inspect(make_engine(url))
    columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    assert {
        "id", "source_path", "content_sha256", "format", "encoding", "title", "subtitle", "authors",
        "publication", "published_date", "url", "text", "char_count", "loaded_at", "run_id",
    } <= columns["documents"]
    assert {"id", "document_id", "seq", "kind", "section", "text", "char_start", "char_end"} <= columns["paragraphs"]
    assert {
        "id", "started_at", "finished_at", "status", "files_seen", "files_added",
        "files_updated", "files_unchanged", "files_failed",
    } <= columns["loader_runs"]
    assert {"id", "run_id", "source_path", "error_type", "message"} <= columns["load_errors"]
    assert "fts_paragraphs" in columns


def test_migration_0005_claims_every_stored_name_and_alias(migrated_db):
    from sqlalchemy import text

    from conftest import SEEDS
    from urbandb.loaders.pipeline import load_paths, reextract

    engine = make_engine(migrated_db)
    assert load_paths(engine, [str(SEEDS)]).ok
    downgrade(migrated_db, "0004")
    upgrade(migrated_db)
    stored = (
        "select type, name from entities union select e.type, a.alias from entity_aliases a"
        " join entities e on e.id = a.entity_id"
    )
    with engine.connect() as conn:
        forms = set(conn.execute(text(stored)).all())
        claimed = dict(((t, n), e) for t, n, e in conn.execute(text("select type, name, entity_id from entity_names")))
        entities = conn.execute(text("select id, name, type from entities order by id")).all()
    assert forms and set(claimed) == forms
    # Re-extraction resolves every name through the claims: no entity is added or renamed.
    assert reextract(engine).documents == 5
    with engine.connect() as conn:
        assert conn.execute(text("select id, name, type from entities order by id")).all() == entities
    engine.dispose()


ROW_COUNTS = "select (select count(*) from documents), (select count(*) from paragraphs), (select count(*) from metrics), (select count(*) from entity_mentions)"


def test_migrations_down_and_up_keep_the_loaded_rows(migrated_db):
    """Down to 0003 and back on a loaded database: SQLite's batch mode rebuilds
    tables by copy and drop, which must not cascade into the rows that point at them."""
    from sqlalchemy import text

    from conftest import SEEDS
    from urbandb.loaders.pipeline import load_paths

    engine = make_engine(migrated_db)
    assert load_paths(engine, [str(SEEDS)]).ok
    with engine.connect() as conn:
        before = conn.execute(text(ROW_COUNTS)).one()
    downgrade(migrated_db, "0003")
    with engine.connect() as conn:
        assert conn.execute(text(ROW_COUNTS)).one() == before
    upgrade(migrated_db)
    with engine.connect() as conn:
        assert conn.execute(text(ROW_COUNTS)).one() == before
        assert before[0] == 5
    engine.dispose()


def test_migration_0006_places_each_located_project_by_the_documents_naming_it_and_its_place(migrated_db):
    from sqlalchemy import text

    from conftest import SEEDS
    from urbandb.loaders.pipeline import load_paths

    engine = make_engine(migrated_db)
    assert load_paths(engine, [str(SEEDS)]).ok
    downgrade(migrated_db, "0005")
    upgrade(migrated_db)
    named_together = (
        "select p.id, p.location_id, m.document_id from projects p join entity_mentions m on m.entity_id = p.entity_id"
        " join entity_mentions l on l.document_id = m.document_id and l.entity_id = p.location_id"
    )
    with engine.connect() as conn:
        located = set(conn.execute(text("select id, location_id from projects where location_id is not null")).all())
        sites = set(conn.execute(text("select project_id, location_id, document_id from project_sites")).all())
        expected = set(conn.execute(text(named_together)).all())
    engine.dispose()
    assert located and sites == expected
    assert {(project, place) for project, place, _ in sites} == located


def test_migration_0007_indexes_the_search_backlog_before_dropping_it(migrated_db):
    """Down from 0007, nothing written stays out of the search index (SQLite's;
    PostgreSQL keeps its own and never queues)."""
    from sqlalchemy import text

    from conftest import SEEDS
    from urbandb.db.engine import backend
    from urbandb.loaders import writer
    from urbandb.loaders.pipeline import default_pipeline, parse_file

    seed = sorted(SEEDS.iterdir())[1]
    pipeline = default_pipeline()
    engine = make_engine(migrated_db)
    articles = parse_file(str(seed), seed.read_bytes(), pipeline).articles
    writer.write_file(engine, str(seed), "a" * 64, 1, articles, None, pipeline.version)  # queued, not indexed
    sqlite = backend(migrated_db) == "sqlite"
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from search_backlog")).scalar() == (1 if sqlite else 0)
        expected = conn.execute(text("select count(*) from paragraphs where kind != 'boilerplate'")).scalar()
        if sqlite:
            assert conn.execute(text("select count(*) from fts_paragraphs")).scalar() == 0
    downgrade(migrated_db, "0006")
    engine.dispose()
    engine = make_engine(migrated_db)
    assert "search_backlog" not in inspect(engine).get_table_names()
    if sqlite:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from fts_paragraphs")).scalar() == expected > 10
    engine.dispose()
