"""Entity extraction: general rules on small texts, and the seeds."""
from __future__ import annotations

from pathlib import Path

import pytest

from urbandb.extract.entities import EntityExtractor, is_short_form, Span
from urbandb.extract.records import Metric
from urbandb.loaders.article import Article, Paragraph, number_paragraphs

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor()


def article_of(*texts: str, published: str | None = "2024-06-01", kinds=None) -> Article:
    paragraphs = [Paragraph(0, (kinds or {}).get(i, "body"), t) for i, t in enumerate(texts)]
    return Article(format="text", encoding="utf-8", paragraphs=number_paragraphs(paragraphs), published_date=published)


def read_seed(stem: str) -> Article:
    """The annotated article whose file name starts with `stem`, from seeds/ or corpus/."""
    from urbandb.loaders.read import read_articles

    path = next(p for folder in ("seeds", "corpus") for p in sorted((REPO / folder).glob(f"{stem}*")))
    return read_articles(str(path), path.read_bytes())[0]


def names(article: Article) -> dict[str, str]:
    return {e.name: e.type for e in article.entities}


@pytest.mark.parametrize(
    "short, full, expected",
    [
        ("清华南口国重基地", "清华南口国家重点实验室基地", True),
        ("昌平园", "中关村昌平园", True),
        ("精准医学产业园", "生命谷国际精准医学产业园", True),
        ("科学家公园", "科学家小镇", False),
        ("南口", "清华南口国家重点实验室基地", False),
    ],
)
def test_entities_short_form_rule(short, full, expected):
    assert is_short_form(short, full) is expected


@pytest.mark.parametrize(
    "text, name, type_",
    [
        ("昌平区与清华大学全面合作，打造清华南口国家重点实验室基地。", "清华南口国家重点实验室基地", "project"),
        ("该园区由昌发展集团与康桥医疗健康产业设施平台共同打造。", "康桥医疗健康产业设施平台", "org"),
        ("北京市出台《支持新产业新业态发展的规划和土地政策创新案例集》。", "《支持新产业新业态发展的规划和土地政策创新案例集》", "policy"),
        ("深圳坪山区新建生物医药产业园。", "坪山区", "place"),
        ("昌平区实施先进能源产业提质增效行动计划。", "先进能源产业提质增效行动计划", "policy"),
        ("运营方负责人张多介绍，中心已开放。", "张多", "person"),
    ],
)
def test_entities_found_with_type(extractor, text, name, type_):
    assert names(extractor(article_of(text))).get(name) == type_


@pytest.mark.parametrize("text, generic", [
    ("昌平区老旧小区改造加快推进。", "老旧小区"),
    ("相关负责人表示，产业园区发展良好。", "相关负责人"),
    ("全市重点项目进展顺利。", "重点项目"),
])
def test_entities_generic_phrases_are_not_entities(extractor, text, generic):
    assert generic not in names(extractor(article_of(text)))


def test_entities_place_gets_gazetteer_parent_and_code(extractor):
    article = extractor(article_of("坪山区位于广东省深圳市。"))
    place = next(e for e in article.entities if e.name == "坪山区")
    assert (place.parent, place.adcode) == ("深圳市", "440310")


def test_entities_short_place_resolves_to_full_name(extractor):
    article = extractor(article_of("北京市昌平区发布规划。", "昌平将建设新园区。"))
    place = next(e for e in article.entities if e.name == "昌平区")
    assert "昌平" in place.aliases and len(place.mentions) == 2


def test_entities_town_short_form_under_named_county(extractor):
    article = extractor(article_of("北京市昌平区南口是传统工业重镇。"))
    town = next(e for e in article.entities if "南口" in e.forms())
    assert town.parent == "昌平区"


def test_entities_person_role_and_org(extractor):
    article = extractor(article_of("该园区由昌发展集团建设。", "昌发展集团总经理王颖介绍，园区年底投用。"))
    person = next(e for e in article.entities if e.type == "person")
    assert (person.name, person.role, person.parent) == ("王颖", "总经理", "昌发展集团")


def test_entities_boilerplate_yields_nothing(extractor):
    article = extractor(article_of("版权所有：北京日报社 清华南口国家重点实验室基地", kinds={0: "boilerplate"}))
    assert article.entities == []


def test_entities_short_form_is_alias_within_article(extractor):
    article = extractor(article_of("打造清华南口国家重点实验室基地。", "在清华南口国重基地东侧建设公园。"))
    base = [e for e in article.entities if e.type == "project" and "清华南口国重基地" in e.forms()]
    assert len(base) == 1 and base[0].name == "清华南口国家重点实验室基地"


def test_entities_seed_000_key_entities(extractor):
    found = names(extractor(read_seed("000")))
    for name, type_ in [("昌平区", "place"), ("北京市", "place"), ("清华大学", "org"), ("昌发展集团", "org"),
                        ("清华南口国家重点实验室基地", "project"), ("生命谷国际精准医学产业园", "project"), ("王颖", "person")]:
        assert found.get(name) == type_, name


@pytest.mark.parametrize(
    "text, expected",
    [
        # a list closed by 等 and a head noun types its items
        ("目前已吸引华夏英泰、可瑞生物、丹序生物等13家企业入驻。", {"华夏英泰": "org", "可瑞生物": "org", "丹序生物": "org"}),
        ("并会同区经信局、区投促中心等部门推进。", {"区经信局": "org", "区投促中心": "org"}),
        ("规划建设中关村生命科学园三期、国际生物工程创新中心等3个重大项目。", {"国际生物工程创新中心": "project"}),
        # a bare name in a list of projects is the company that brings one
        ("年内落地星煜空天等11个成果转化项目。", {"星煜空天": "org"}),
        # items split at 和 as well as 、
        ("曾聚集了鹿牌保温瓶厂、北京平板玻璃厂和汽车钢圈厂等一批知名工业企业。", {"北京平板玻璃厂": "org", "汽车钢圈厂": "org"}),
    ],
)
def test_entities_list_items_typed_by_head_noun(extractor, text, expected):
    found = names(extractor(article_of(text)))
    for name, type_ in expected.items():
        assert found.get(name) == type_, (name, found)


def test_entities_list_without_head_noun_types_nothing(extractor):
    found = names(extractor(article_of("可提供总部办公、研发中心、中试和生产基地等自由转换的复合空间。")))
    assert "中试和生产基地" not in found and "总部办公" not in found


@pytest.mark.parametrize(
    "text, name, type_",
    [
        ("上述两个项目所在地都是闻名的“北四村”。", "北四村", "place"),  # a quoted coined name
        ("西区建设具有全球领先水平的“生命谷”。", "生命谷", "place"),
        ("同时，回天地区又位于两城之间。", "回天地区", "place"),  # the dictionary reads 回天 as a verb
        ("高效推进昌平文化馆改造提升工程。", "昌平文化馆改造提升工程", "project"),  # verbs before the suffix
        ("建成中西医结合医院住院楼，增加病床200张。", "中西医结合医院住院楼", "project"),  # a building of the hospital
        ("该文化艺术中心位于天通中苑二区。", "天通中苑二区", "place"),
        ("作为三个分园之一，中关村昌平园（以下简称昌平园）是起步区。", "中关村昌平园", "project"),
    ],
)
def test_entities_named_by_general_rules(extractor, text, name, type_):
    assert names(extractor(article_of(text))).get(name) == type_


@pytest.mark.parametrize(
    "text, not_a_name",
    [
        ("据介绍，该项目获评了全市首批“两业融合”示范园。", "“两业融合”示范园"),  # a title awarded
        ("创新建立“产教科融汇”发展新模式。", "“产教科融汇”发展新模式"),  # words between quote and suffix
        ("共同打造全国领先的生命科学研发生产基地。", "生命科学研发生产基地"),  # a description after 的
        ("让南口这座老工业基地焕发出新的生机。", "老工业基地"),
        ("该项目位于中关村生命科学园三期核心区域。", "中关村生命科学园三期核心区域"),  # a part of a place
        ("包括一镇六街道、133个社区和村。", "一镇六街道"),  # counts of units
        ("以“面子”“里子”提升为抓手，推进“里子工程”。", "里子工程"),
        ("在南口“三大厂”利用城市更新政策。", "三大厂"),
    ],
)
def test_entities_descriptions_are_not_names(extractor, text, not_a_name):
    assert not_a_name not in names(extractor(article_of(text)))


def test_entities_named_zone_in_diqu_has_its_stem_as_alias(extractor):
    article = extractor(article_of("同时，回天地区又位于两城之间。"))
    zone = next(e for e in article.entities if e.name == "回天地区")
    assert "回天" in zone.aliases


def test_entities_places_overlay_the_paragraph_tagging(extractor):
    tagged = [("北京", "ns"), ("市", "n"), ("昌平", "ns"), ("区", "n"), ("发布", "v")]
    places = [Span(0, 3, "北京市", "place"), Span(3, 6, "昌平区", "place")]
    tokens, offsets = extractor.tokens("北京市昌平区发布", places, tagged)
    assert tokens == [("北京市", "ns"), ("昌平区", "ns"), ("发布", "v")] and offsets == [0, 3, 6]


def test_entities_place_inside_a_token_is_segmented_around(extractor):
    tagged = [("在昌", "v"), ("平区", "n")]  # a place that does not fall on token boundaries
    tokens, _ = extractor.tokens("在昌平区", [Span(1, 4, "昌平区", "place")], tagged)
    assert ("昌平区", "ns") in tokens and "".join(w for w, _ in tokens) == "在昌平区"


def test_entities_town_short_form_not_inside_a_word(extractor):
    # 江高 is a town of 白云区, which the article names; here it is inside 临江高科园
    article = extractor(article_of("广州市白云区江高镇建设产业园。", "杭州钱塘区临江高科园曾面临难题。"))
    mentions = [m for e in article.entities if e.name.startswith("江高") for m in e.mentions]
    assert [m.paragraph_seq for m in mentions] == [0]


def test_entities_short_title_in_book_marks_is_an_alias(extractor):
    article = extractor(article_of("自然资源部印发《支持新产业新业态发展的规划和土地政策创新案例集》。", "《案例集》收录了19个案例。"))
    policy = next(e for e in article.entities if e.type == "policy")
    assert policy.name.startswith("《支持") and "《案例集》" in policy.aliases


@pytest.mark.parametrize(
    "text, not_a_name",
    [
        ("加快建设新一代信息技术、生物医药等5大专业产业园。", "5大专业产业园"),
        ("有关部门将在相关地区推广。", "相关地区"),
        ("为坪山打造深圳未来创新的“下一站”提供支撑。", "下一站"),
    ],
)
def test_entities_counts_and_generic_openers_are_not_names(extractor, text, not_a_name):
    assert not_a_name not in names(extractor(article_of(text)))


def test_entities_verb_before_a_quoted_name_stays_out(extractor):
    found = names(extractor(article_of("杭州市钱塘区创新采用“政府主导+国企参与”模式。")))
    assert "“政府主导+国企参与”模式" in found and not any(n.startswith("钱塘区创新") for n in found)


@pytest.mark.parametrize(
    "text, not_names",
    [
        ("吸引了新能源、人工智能等领域企业落户。", ["新能源", "人工智能"]),
        ("集聚了生物医药、新能源等企业。", ["生物医药", "新能源"]),
    ],
)
def test_entities_lists_of_fields_name_no_orgs(extractor, text, not_names):
    found = names(extractor(article_of(text)))
    assert not any(name in found for name in not_names), found
