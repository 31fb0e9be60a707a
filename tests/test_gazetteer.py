"""The packaged gazetteer: names, short forms, parent chains, codes, coordinates."""
import pickle

import pytest

from urbandb.extract.gazetteer import FormMatcher, load_gazetteer, short_forms


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize(
    "name, level, expected",
    [
        ("昌平区", "county", ["昌平"]),
        ("南口地区", "town", ["南口"]),
        ("史各庄街道", "town", ["史各庄", "史各庄街"]),
        ("广州市", "city", ["广州"]),
        ("内蒙古自治区", "province", ["内蒙古"]),
        ("县", "county", []),
    ],
)
def test_gazetteer_short_forms(name, level, expected):
    assert short_forms(name, level) == expected


@pytest.mark.parametrize(
    "form, chain",
    [
        ("昌平", ["昌平区", "北京市"]),
        ("坪山区", ["坪山区", "深圳市", "广东省"]),
        ("南口地区", ["南口地区", "昌平区", "北京市"]),
    ],
)
def test_gazetteer_parent_chain(gazetteer, form, chain):
    candidates = [p for p in gazetteer.candidates(form) if p.chain()[-1].name == chain[-1]]
    assert [p.name for p in candidates[0].chain()] == chain


def test_gazetteer_county_has_adcode_and_coordinates(gazetteer):
    place = gazetteer.candidates("昌平区")[0]
    assert place.adcode == "110114"
    assert 116 < place.longitude < 117 and 40 < place.latitude < 41


def test_gazetteer_towns_only_under_their_county(gazetteer):
    county = gazetteer.candidates("昌平区")[0]
    towns = gazetteer.town_forms(county)
    assert [form for _, _, form in towns.find("在南口镇")] == ["南口"]
    assert towns.find("坪山街道") == []


def test_gazetteer_forms_match_leftmost_longest(gazetteer):
    found = gazetteer.upper_forms.find("广东省深圳市坪山区和昌平")
    assert [(start, form) for start, _, form in found] == [(0, "广东省"), (3, "深圳市"), (6, "坪山区"), (10, "昌平")]


def test_form_matcher_finds_leftmost_longest_forms_in_character_offsets():
    matcher = FormMatcher(["昌平", "昌平区", "平区", "回龙观", "K11"])
    text = "北京昌平区回龙观与广州K11"
    assert matcher.find(text) == [(2, 5, "昌平区"), (5, 8, "回龙观"), (11, 14, "K11")]
    assert "回龙观" in matcher and "北京" not in matcher
    assert FormMatcher([]).find(text) == [] and not FormMatcher([])


def test_form_matcher_pickles_by_its_forms():
    matcher = FormMatcher(["昌平区", "回龙观"])
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy.find("昌平区回龙观") == matcher.find("昌平区回龙观") == [(0, 3, "昌平区"), (3, 6, "回龙观")]


def test_form_matcher_finds_in_each_text_what_it_finds_in_that_text_alone():
    matcher = FormMatcher(["昌平", "昌平区", "回龙观", "平区"])
    # forms at the ends of texts, an empty text, a text ending where the next one's form begins
    texts = ["北京昌平", "区回龙观", "", "回龙观", "昌平区", "无"]
    found = matcher.find_each(texts)
    assert found == [matcher.find(text) for text in texts]
    assert found == [[(2, 4, "昌平")], [(1, 4, "回龙观")], [], [(0, 3, "回龙观")], [(0, 3, "昌平区")], []]
    assert matcher.find_each([]) == [] and FormMatcher([]).find_each(["昌平区"]) == [[]]
    across = FormMatcher(["平\n区"])  # a form holding a line break: each text searched on its own
    assert across.find_each(["昌平", "区"]) == [[], []] and across.find_each(["平\n区"]) == [[(0, 3, "平\n区")]]
