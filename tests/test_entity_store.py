"""Writing entities through the migrations: cross-article resolution, reload, cascades."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from urbandb.db.engine import make_engine
from urbandb.loaders.pipeline import load_paths

REPO = Path(__file__).resolve().parent.parent
BASE = "清华南口国家重点实验室基地"


@pytest.fixture(scope="module")
def two_articles_db(tmp_path_factory):
    from tests.conftest import migrated_database

    folder = tmp_path_factory.mktemp("two")
    for stem in ("000", "001"):
        src = next((REPO / "seeds").glob(f"{stem}*.txt"))
        shutil.copy(src, folder / src.name)
    url = migrated_database(folder / "urbandb.sqlite")
    engine = make_engine(url)
    summary = load_paths(engine, [str(folder / n) for n in sorted(p.name for p in folder.glob("*.txt"))])
    assert summary.ok
    yield engine, folder
    engine.dispose()


def test_entity_store_same_project_in_two_articles_is_one_row(two_articles_db):
    engine, _ = two_articles_db
    with engine.connect() as conn:
        rows = conn.execute(text(
            "select e.id, count(distinct m.document_id) from entities e join entity_mentions m on m.entity_id = e.id "
            "where e.type = 'project' and (e.name = :n or e.id in (select entity_id from entity_aliases where alias = '清华南口国重基地')) "
            "group by e.id"), {"n": BASE}).all()
    assert len(rows) == 1 and rows[0][1] == 2


def test_entity_store_metrics_of_both_articles_in_one_query(two_articles_db):
    engine, _ = two_articles_db
    with engine.connect() as conn:
        docs = conn.execute(text(
            "select count(*), count(distinct m.document_id) from metrics m join entities e on e.id = m.subject_id where e.name = :n"),
            {"n": BASE}).one()
    assert docs[0] >= 4  # 58.9公顷, 43.1公顷, 47.3万平方米 in 000; 47万平方米 in 001
    assert docs[1] == 2  # from both articles


def test_entity_store_places_have_parents_and_codes(two_articles_db):
    engine, _ = two_articles_db
    with engine.connect() as conn:
        row = conn.execute(text(
            "select p.name, e.adcode from entities e join entities p on p.id = e.parent_id where e.name = '昌平区'")).one()
    assert tuple(row) == ("北京市", "110114")


def test_entity_store_project_rows_with_location_and_milestones(two_articles_db):
    engine, _ = two_articles_db
    with engine.connect() as conn:
        row = conn.execute(text(
            "select pr.category, l.name, pr.status from projects pr join entities e on e.id = pr.entity_id "
            "left join entities l on l.id = pr.location_id where e.name = :n"), {"n": BASE}).one()
        events = conn.execute(text(
            "select pm.event, pm.date, pm.status from project_milestones pm join projects pr on pr.id = pm.project_id "
            "join entities e on e.id = pr.entity_id where e.name = :n order by date"), {"n": BASE}).all()
    assert row[0] == "research_base" and row[2] == "under construction"
    assert ("开工", "2023", "done") in [tuple(e) for e in events]


def test_entity_store_reload_is_a_noop(two_articles_db):
    engine, folder = two_articles_db
    count = "select (select count(*) from entities), (select count(*) from entity_mentions), (select count(*) from project_milestones)"
    with engine.connect() as conn:
        before = conn.execute(text(count)).one()
    load_paths(engine, [str(p) for p in sorted(folder.glob("*.txt"))])
    with engine.connect() as conn:
        after = conn.execute(text(count)).one()
    assert tuple(before) == tuple(after)


@pytest.mark.parametrize("order", ["city first", "province first"])
def test_a_place_has_its_parent_whichever_article_is_loaded_first(tmp_path, order):
    """An article names 滨江区 and 杭州市 but not 浙江省; another names 浙江省.
    Loaded in either order, 滨江区 is in 杭州市, and 杭州市 in 浙江省: the
    enclosing division is stored with the places, with no mention of its own."""
    from tests.conftest import migrated_database

    city = tmp_path / "city.txt"
    city.write_text("杭州市滨江区新建一座产业园，总投资20亿元。\n", encoding="utf-8")
    province = tmp_path / "province.txt"
    province.write_text("浙江省今年供应工业用地3万亩。\n", encoding="utf-8")
    engine = make_engine(migrated_database(tmp_path / "urbandb.sqlite"))
    for path in ([city, province] if order == "city first" else [province, city]):
        assert load_paths(engine, [str(path)]).ok
    with engine.connect() as conn:
        parents = dict(conn.execute(text(
            "select e.name, p.name from entities e join entities p on p.id = e.parent_id where e.type = 'place'"
        )).all())
        mentioned = {name for name, in conn.execute(text(
            "select distinct e.name from entities e join entity_mentions m on m.entity_id = e.id"
            " join documents d on d.id = m.document_id where d.source_path like '%city.txt'"
        ))}
    engine.dispose()
    assert parents["滨江区"] == "杭州市" and parents["杭州市"] == "浙江省"
    assert "浙江省" not in mentioned
