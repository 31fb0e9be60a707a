"""A project's location is the place most of its documents give (the most
specific on a tie, then the first name), whatever order the articles load
in, and follows a document that changes, is re-extracted or goes."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from urbandb.db.engine import make_engine
from urbandb.loaders.pipeline import Pipeline, default_pipeline, load_paths, reextract

PROJECT = "青山科技园"
# Each article places the project once: a town (南口地区, as the gazetteer
# names 南口镇), or a district (朝阳区, 海淀区).
SITED_AT = {
    "town": "北京市昌平区南口镇",
    "chaoyang": "北京市朝阳区",
    "haidian": "北京市海淀区",
}
PLACE = {"town": "南口地区", "chaoyang": "朝阳区", "haidian": "海淀区"}


def article(folder: Path, name: str, place: str | None, note: str = "") -> Path:
    """An article of its own on the project, sited at `place` (a key of SITED_AT) or nowhere."""
    where = f"位于{SITED_AT[place]}，" if place else "，"
    path = folder / f"{name}.txt"
    path.write_text(f"园区动态{note}\n\n{PROJECT}{where}一期于2024年开工建设。\n", encoding="utf-8")
    return path


def location(engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select l.name from projects p join entities e on e.id = p.entity_id"
                " left join entities l on l.id = p.location_id where e.name = :name and e.type = 'project'"
            ),
            {"name": PROJECT},
        ).scalar_one()


def sites(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return sorted(
            tuple(row)
            for row in conn.execute(
                text(
                    "select d.source_path, l.name from project_sites s join documents d on d.id = s.document_id"
                    " join entities l on l.id = s.location_id"
                )
            )
        )


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return default_pipeline()  # built once: it loads the extractors' dictionaries


def load_in_turn(url: str, paths: list[Path], pipeline: Pipeline) -> str | None:
    """Each path loaded by a run of its own, in the order given; the project's location."""
    engine = make_engine(url)
    for path in paths:
        assert load_paths(engine, [str(path)], pipeline=pipeline).ok
    found = location(engine)
    engine.dispose()
    return found


@pytest.mark.parametrize(
    "places, expected",
    [
        (["town", "chaoyang"], "南口地区"),  # one each: the town is more specific than the district
        (["chaoyang", "haidian"], "朝阳区"),  # one each, both districts: the first name
        (["town", "haidian", "haidian"], "海淀区"),  # two documents against one
    ],
)
@pytest.mark.parametrize("order", [1, -1])
def test_the_location_is_the_same_in_either_load_order(migrated_db, tmp_path, pipeline, places, expected, order):
    paths = [article(tmp_path, f"{k}_{place}", place, note=str(k)) for k, place in enumerate(places)]
    assert load_in_turn(migrated_db, paths[::order], pipeline) == expected


@pytest.mark.parametrize("order", [1, -1])
def test_two_articles_in_one_run_with_workers_give_the_location_of_either_order(empty_db, tmp_path, pipeline, order):
    paths = [article(tmp_path, "a", "chaoyang"), article(tmp_path, "b", "town")][::order]
    engine = make_engine(empty_db)
    assert load_paths(engine, [str(p) for p in paths], pipeline=pipeline, workers=2).ok
    assert location(engine) == "南口地区"
    assert {place for _, place in sites(engine)} == {"南口地区", "朝阳区"}
    engine.dispose()


def test_a_changed_article_moves_the_location_to_what_the_others_say(migrated_db, tmp_path, pipeline):
    town = article(tmp_path, "town", "town")
    districts = [article(tmp_path, "chaoyang", "chaoyang"), article(tmp_path, "haidian", "haidian")]
    assert load_in_turn(migrated_db, [town, *districts], pipeline) == "南口地区"
    article(tmp_path, "town", None)  # the article that gave the location now gives none
    assert load_in_turn(migrated_db, [town], pipeline) == "朝阳区"
    article(tmp_path, "chaoyang", "haidian")  # and this one now says 海淀区
    assert load_in_turn(migrated_db, [districts[0]], pipeline) == "海淀区"
    engine = make_engine(migrated_db)
    assert [place for _, place in sites(engine)] == ["海淀区", "海淀区"]
    engine.dispose()


def test_a_project_no_article_places_any_more_has_no_location(migrated_db, tmp_path, pipeline):
    path = article(tmp_path, "only", "chaoyang")
    assert load_in_turn(migrated_db, [path], pipeline) == "朝阳区"
    article(tmp_path, "only", None)
    assert load_in_turn(migrated_db, [path], pipeline) is None
    engine = make_engine(migrated_db)
    assert sites(engine) == []
    engine.dispose()


def unplacing_the_town(article):
    """A stage that drops the place of every project an article sets in the town."""
    if SITED_AT["town"] in article.text:
        for project in article.projects:
            project.location = None
    return article


def test_re_extraction_that_drops_a_place_moves_the_location(migrated_db, tmp_path, pipeline):
    paths = [article(tmp_path, "town", "town"), article(tmp_path, "haidian", "haidian")]
    assert load_in_turn(migrated_db, paths, pipeline) == "南口地区"
    engine = make_engine(migrated_db)
    unplacing = Pipeline([*pipeline.stages, unplacing_the_town], f"{pipeline.version}+unplaced")
    assert reextract(engine, unplacing).documents == 2
    assert location(engine) == "海淀区"
    assert [place for _, place in sites(engine)] == ["海淀区"]
    engine.dispose()
