"""Articles in traditional characters: read through the simplified reading,
facts keep the written text at their offsets, names are shared with the
simplified spelling."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from urbandb.db.engine import make_engine
from urbandb.extract.script import as_written, is_traditional, to_simplified
from urbandb.loaders.pipeline import default_pipeline, load_paths
from urbandb.loaders.read import read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CORPUS = Path(__file__).resolve().parent.parent / "corpus"

TRADITIONAL = (
    "深圳市龍華區今年計劃開工建設觀瀾數字產業園，總投資約35億元，佔地面積12.6公頃，"
    "建築面積超過40萬平方米，預計2026年竣工。\n\n"
    "龍華區住房和建設局表示，產業園由深圳市龍華建設發展有限公司負責實施。\n"
)


def test_traditional_text_is_told_from_simplified_text():
    assert is_traditional(TRADITIONAL)
    assert not is_traditional(to_simplified(TRADITIONAL))
    # Simplified articles keep a few characters the map folds (著, 覆): they stay simplified.
    for path in [*sorted(SEEDS.iterdir()), *sorted(CORPUS.iterdir())]:
        for article in read_articles(str(path), path.read_bytes()):
            assert not is_traditional(article.text), path.name


def test_the_simplified_reading_keeps_every_offset():
    simplified = to_simplified(TRADITIONAL)
    assert len(simplified) == len(TRADITIONAL)
    assert simplified.startswith("深圳市龙华区今年计划开工建设观澜数字产业园")
    assert as_written(TRADITIONAL, simplified, "约35亿元") == "約35億元"
    assert as_written(TRADITIONAL, simplified, "不在文中") == "不在文中"


def extracted(body: str, name: str, tmp_path: Path):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    (article,) = read_articles(str(path), path.read_bytes())
    return default_pipeline()(article)


def test_a_traditional_article_yields_the_facts_of_its_simplified_twin_as_written(tmp_path):
    written = extracted(TRADITIONAL, "traditional.txt", tmp_path)
    twin = extracted(to_simplified(TRADITIONAL), "simplified.txt", tmp_path)

    # The paragraphs are stored as written.
    assert [p.text for p in written.paragraphs] == TRADITIONAL.strip().split("\n\n")
    assert len(written.metrics) == len(twin.metrics) >= 3
    for metric, same in zip(written.metrics, twin.metrics):
        paragraph = written.paragraphs[metric.paragraph_seq].text
        assert paragraph[metric.char_start:metric.char_end] == metric.surface  # provenance holds
        assert (metric.value_normalized, metric.unit_normalized, metric.qualifier, metric.label, metric.subject) == (
            same.value_normalized, same.unit_normalized, same.qualifier, same.label, same.subject
        )
    money = next(m for m in written.metrics if m.unit_normalized == "CNY")
    assert (money.surface, money.unit, money.qualifier) == ("約35億元", "億元", "approx")
    assert money.sentence in written.paragraphs[money.paragraph_seq].text

    # Names are the simplified ones, shared with articles written in simplified characters.
    assert {(e.name, e.type) for e in written.entities} == {(e.name, e.type) for e in twin.entities}
    assert ("龙华区", "place") in {(e.name, e.type) for e in written.entities}
    for entity in written.entities:
        for mention in entity.mentions:
            assert written.paragraphs[mention.paragraph_seq].text[mention.char_start:mention.char_end] == mention.surface
    assert "龍華區" in {m.surface for e in written.entities for m in e.mentions}
    assert [(p.name, p.location, p.category) for p in written.projects] == [
        (p.name, p.location, p.category) for p in twin.projects
    ]


def test_a_traditional_and_a_simplified_article_name_one_place_in_the_database(tmp_path):
    from tests.conftest import migrated_database

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "traditional.txt").write_text(TRADITIONAL, encoding="utf-8")
    (folder / "simplified.txt").write_text("龙华区今年新建一座公园，占地面积3公顷。\n", encoding="utf-8")
    engine = make_engine(migrated_database(tmp_path / "urbandb.sqlite"))
    assert load_paths(engine, [str(folder)]).ok
    with engine.connect() as conn:
        documents = conn.execute(text(
            "select count(distinct m.document_id) from entity_mentions m join entities e on e.id = m.entity_id"
            " where e.name = '龙华区' and e.type = 'place'"
        )).scalar()
        surfaces = {s for s, in conn.execute(text("select surface from metrics"))}
    engine.dispose()
    assert documents == 2
    assert "約35億元" in surfaces and "3公顷" in surfaces


@pytest.mark.parametrize("body", ["著名的覆盖全市的公园", "乾隆年间的古城，著作颇丰。" * 3])
def test_a_few_characters_the_map_folds_do_not_make_a_text_traditional(body):
    assert not is_traditional(body)
