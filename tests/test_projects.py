"""Projects: category, milestones (date precision, planned/done), operators, location."""
from __future__ import annotations

import pytest

from urbandb.extract.entities import EntityExtractor
from urbandb.extract.projects import abbreviated, categorize, milestone_status
from tests.test_entities import article_of


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor()


def project(extractor, name, *texts, published="2024-06-01"):
    article = extractor(article_of(*texts, published=published))
    return next(p for p in article.projects if p.name == name)


@pytest.mark.parametrize(
    "name, category",
    [
        ("清华南口国家重点实验室基地", "research_base"),
        ("生命谷国际精准医学产业园", "industrial_park"),
        ("科学家公园", "ecology"),
        ("京铁昌平小区", "renovation"),
        ("地铁18号线", "infrastructure"),
        ("清华附小天通苑校区", "public_facility"),
        ("人才公租房", "housing"),
        ("某某", "other"),
    ],
)
def test_projects_category(name, category):
    assert categorize(name) == category


@pytest.mark.parametrize(
    "before, date, status",
    [
        ("预计", "2024-12", "planned"),
        ("", "2023", "done"),
        ("", "2025", "planned"),
        ("已", "2024-03", "done"),
        ("计划推进改造项目12个，其中该项目已于", "2024-07", "done"),  # 已 in the event's clause
        ("已完成拆迁，预计", "2023", "planned"),
    ],
)
def test_projects_milestone_status(before, date, status):
    assert milestone_status(before, date, "2024-06-01") == status


def test_projects_milestones_with_dates_and_status(extractor):
    p = project(extractor, "清华南口国家重点实验室基地",
                "打造清华南口国家重点实验室基地，按照“2023年开工、2024年建成、2025年投用”的总体安排推进。")
    assert [(m.event, m.date, m.status) for m in p.milestones] == [
        ("开工", "2023", "done"), ("建成", "2024", "planned"), ("投用", "2025", "planned")]


def test_projects_two_events_one_date(extractor):
    p = project(extractor, "科学家公园", "规划建设科学家公园，预计2024年底公园一期就能建成开园。")
    assert [(m.event, m.date, m.status) for m in p.milestones] == [("建成", "2024-12", "planned"), ("开园", "2024-12", "planned")]


def test_projects_completion_of_all_construction_is_a_milestone(extractor):
    p = project(extractor, "海港新材料产业园", "海港新材料产业园总投资50亿元，分两期建设，预计2026年完成全部建设。")
    assert [(m.event, m.date, m.status) for m in p.milestones] == [("竣工", "2026", "planned")]


def test_projects_month_day_takes_published_year(extractor):
    p = project(extractor, "北京未来科学城机器人产业园", "3月30日，北京未来科学城机器人产业园项目正式启动。")
    assert [(m.event, m.date, m.status) for m in p.milestones] == [("开工", "2024-03-30", "done")]


def test_projects_operators_from_built_by_pattern(extractor):
    p = project(extractor, "生命谷国际精准医学产业园",
                "生命谷国际精准医学产业园由昌发展集团与康桥医疗健康产业设施平台共同打造。")
    assert [o for o, _ in p.operators] == ["昌发展集团", "康桥医疗健康产业设施平台"]


def test_projects_operator_named_in_project_name(extractor):
    p = project(extractor, "清华长庚医院二期", "北京市昌平区推进清华长庚医院二期建设。")
    assert ("清华长庚医院", "operator") in p.operators


def test_projects_location_from_place_in_name(extractor):
    p = project(extractor, "史各庄街道集体经济产业用房项目", "北京市昌平区史各庄街道集体经济产业用房项目进展顺利。")
    assert p.location == "史各庄街道"


def test_projects_location_after_weiyu_beats_a_place_in_the_name(extractor):
    texts = ("北京市昌平区的天通苑文化艺术中心已经开放。", "该文化艺术中心位于天通中苑二区，总建筑面积3.5万平方米。")
    assert project(extractor, "天通苑文化艺术中心", *texts).location == "天通中苑二区"


def test_projects_location_from_a_named_zone_earlier_in_the_sentence(extractor):
    text = "北京市昌平区加紧完成“北四村”拆迁腾退，并规划建设中关村生命科学园三期。"
    assert project(extractor, "中关村生命科学园三期", text).location == "北四村"


def test_projects_location_not_from_a_place_in_another_sentence(extractor):
    texts = ("北京市昌平区南口镇举行活动。科学家公园一期正式开园。",)
    assert project(extractor, "科学家公园一期", *texts).location == "昌平区"


def test_projects_location_of_the_project_it_stands_beside(extractor):
    texts = ("北京市昌平区在南口打造清华南口国家重点实验室基地。", "在清华南口国重基地东侧，我们已规划建设科学家公园。")
    assert project(extractor, "科学家公园", *texts).location == project(extractor, "清华南口国家重点实验室基地", *texts).location


@pytest.mark.parametrize(
    "text, event, date, status",
    [
        ("北京市昌平区深井村改造项目已于2024年3月动工。", "开工", "2024-03", "done"),  # a date after 已于 is read
        ("北京市昌平区天通苑体育中心去年12月封顶。", "封顶", "2023-12", "done"),  # 去年 from the publication date
        ("北京市昌平区天通苑体育中心计划明年6月投用。", "投用", "2025-06", "planned"),
    ],
)
def test_projects_milestone_dates_as_written(extractor, text, event, date, status):
    article = extractor(article_of(text))
    found = [(m.event, m.date, m.status) for p in article.projects for m in p.milestones]
    assert (event, date, status) in found


def test_projects_name_with_project_suffix_folds_into_the_facility(extractor):
    article = extractor(article_of("北京市丰台区火箭大街项目今年开工。", "火箭大街将串联多个园区。"))
    assert [p.name for p in article.projects] == ["火箭大街"]


def test_projects_location_from_a_county_in_the_same_sentence(extractor):
    article = extractor(article_of("广州市黄埔区召开推进会。", "北京市丰台区火箭大街今年开工。"))
    assert next(p for p in article.projects if p.name == "火箭大街").location == "丰台区"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("南湖科技产业园计划2025年开工、2027年竣工投产。",
         [("开工", "2025", "planned"), ("竣工", "2027", "planned"), ("投用", "2027", "planned")]),
        ("南湖科技产业园一期2023年底投产。", [("投用", "2023-12", "done")]),
        ("南湖科技产业园今年2月试运行。", [("投用", "2024-02", "done")]),
        ("南湖科技产业园去年9月主体封顶。", [("封顶", "2023-09", "done")]),
        ("南湖科技产业园预计年底前建成。", [("建成", "2024", "planned")]),
        ("2019年开业的南湖万象城商业广场客流稳定。", [("投用", "2019", "done")]),
    ],
)
def test_projects_milestone_phrasings(extractor, text, expected):
    article = extractor(article_of(text))
    found = [(m.event, m.date, m.status) for p in article.projects for m in p.milestones]
    assert found == expected


def test_projects_bare_year_end_needs_a_publication_date(extractor):
    article = extractor(article_of("南湖科技产业园预计年底前建成。", published=None))
    assert [p.name for p in article.projects] == ["南湖科技产业园"]
    assert [m for p in article.projects for m in p.milestones] == []


def test_projects_a_month_with_no_year_to_read_it_by_gives_the_event_undated(extractor):
    article = extractor(article_of("南湖科技产业园三期项目作为重点项目，已于去年8月投用。", published=None))
    (park,) = article.projects
    assert (park.milestones, park.undated, park.status) == ([], [("投用", "done")], "in use")
    planned = extractor(article_of("南湖科技产业园计划3月开工。", published=None)).projects[0]
    assert (planned.undated, planned.status) == ([("开工", "planned")], "planned")
    # With a publication date, the same words give a dated milestone.
    dated = extractor(article_of("南湖科技产业园三期项目作为重点项目，已于去年8月投用。", published="2024-01-10")).projects[0]
    assert [(m.event, m.date, m.status) for m in dated.milestones] == [("投用", "2023-08", "done")]


def test_projects_a_sentence_opening_on_by_names_who_builds_the_project_before(extractor):
    article = extractor(article_of("南湖科技产业园总投资约15亿元。由嘉兴滨湖置业有限公司开发建设，主要打造标准化厂房。"))
    assert [(p.name, p.operators) for p in article.projects] == [("南湖科技产业园", [("嘉兴滨湖置业有限公司", "developer")])]
    # Not across paragraphs, and not when the sentence names a project of its own.
    apart = extractor(article_of("南湖科技产业园总投资约15亿元。", "由嘉兴滨湖置业有限公司开发建设。"))
    assert [p.operators for p in apart.projects] == [[]]


def test_projects_the_winner_of_a_parcel_named_after_the_word_for_it(extractor):
    article = extractor(article_of("滨海区YH2024-07号商业地块以底价4.2亿元成交，竞得人为嘉兴滨湖置业有限公司。"))
    assert [(p.name, p.operators) for p in article.projects] == [
        ("YH2024-07号商业地块", [("嘉兴滨湖置业有限公司", "operator")])]


def test_projects_a_paragraph_opening_on_project_by_names_who_builds_the_project_before(extractor):
    # (the company's name holds 投资, one of the verbs that end the phrase)
    article = extractor(article_of("南湖科技产业园正式开工，总投资约35亿元。", "项目由嘉兴南湖投资有限公司投资建设。"))
    assert [(p.name, p.operators) for p in article.projects] == [("南湖科技产业园", [("嘉兴南湖投资有限公司", "developer")])]


def test_projects_a_date_then_the_places_then_the_project_and_its_event(extractor):
    article = extractor(article_of("12月3日，嘉兴市南湖区南湖科技产业园正式开工。", published="2023-12-05"))
    (park,) = article.projects
    assert [(m.event, m.date, m.status) for m in park.milestones] == [("开工", "2023-12-03", "done")]


def test_projects_the_most_specific_place_any_mention_is_sited_at(extractor):
    article = extractor(article_of("南湖科技产业园落户嘉兴", "南湖科技产业园项目正式落户嘉兴经济技术开发区。"))
    assert [p.location for p in article.projects] == ["嘉兴经济技术开发区"]


def test_projects_status_from_an_undated_event_of_a_list(extractor):
    article = extractor(article_of("南湖人民医院二期、南湖中医医院二期开诊，南湖科技产业园主体封顶。"))
    status = {p.name: p.status for p in article.projects}
    assert status == {"南湖人民医院二期": "in use", "南湖中医医院二期": "in use", "南湖科技产业园": "under construction"}
    assert all(not p.milestones for p in article.projects)  # no date, no milestone


def test_projects_event_after_the_fact_is_no_status(extractor):
    article = extractor(article_of("南湖文化艺术中心投用后可服务周边居民。"))
    assert [(p.name, p.status) for p in article.projects] == [("南湖文化艺术中心", None)]


@pytest.mark.parametrize(
    "text, role",
    [
        ("南湖科技产业园由嘉兴滨湖置业有限公司投资建设。", "developer"),
        ("南湖科技产业园由嘉兴滨湖置业有限公司运营。", "developer"),
        ("嘉兴滨湖置业有限公司作为实施主体，推进南湖科技产业园建设。", "operator"),
        ("嘉兴滨湖置业有限公司负责实施南湖科技产业园。", "operator"),
        ("嘉兴滨湖置业有限公司以3亿元竞得南湖科技产业园。", "operator"),
    ],
)
def test_projects_operator_phrasings(extractor, text, role):
    article = extractor(article_of(text))
    park = next(p for p in article.projects if p.name.startswith("南湖科技产业园"))
    assert park.operators == [("嘉兴滨湖置业有限公司", role)]


def test_projects_location_looks_each_paragraph_up_once(monkeypatch):
    """Regression (quadratic `_location`): every place span of a paragraph is read once per
    article, not once per project mention, and each project still gets the town before it."""
    from urbandb.extract import projects as stage
    from urbandb.extract.entities import Span
    from urbandb.extract.entity_records import Entity, Mention

    pieces, spans, entities = [], [], []
    at = 0
    for i in range(60):
        town, park = f"第{i:02d}镇", f"第{i:02d}号科技园"  # the same length, so offsets are easy
        piece = f"{town}建设{park}，"
        spans += [Span(at, at + len(town), town, "place"), Span(at + len(town) + 2, at + len(town) + 2 + len(park), park, "project")]
        entities += [Entity(town, "place", adcode=None, mentions=[Mention(0, at, at + len(town), town)]),
                     Entity(park, "project", mentions=[Mention(0, at + len(town) + 2, at + len(town) + 2 + len(park), park)])]
        pieces.append(piece)
        at += len(piece)
    article = article_of("".join(pieces))
    calls = []
    real = stage._place_of
    monkeypatch.setattr(stage, "_place_of", lambda span, forms: calls.append(span) or real(span, forms))
    found = stage.describe_projects(article, entities, {0: spans})
    assert {p.name: p.location for p in found}["第37号科技园"] == "第37镇"
    assert len(calls) <= len(spans)  # was one call per span and project: 120 x 60


@pytest.mark.parametrize(
    "texts, name, location",
    [
        # no place near it: the city the article is about
        (("成都市今年将推进一批重大项目。", "另外，天府国际会展中心二期将于年底开工。"), "天府国际会展中心二期", "成都市"),
        # the article's most named city or county, though a district is named too
        (("番禺区商业潜力可期。", "广州市购物中心众多，广州市民爱逛街，广州市商业活跃。", "另外，摩登购物广场陆续歇业。"),
         "摩登购物广场", "广州市"),
        # the nearest city earlier in the paragraph (a heading such as 南京：)
        (("武汉：推进老城更新。南京：加快建设。此前这里是闲置的玄武湖体育中心。",), "玄武湖体育中心", "南京市"),
        # after 位于, the last of the places written together
        (("杏花岭体育中心位于山西省太原市城区东部，是当地群众健身的主要场所。",), "杏花岭体育中心", "太原市"),
        # a county in the sentence is more specific than the city in the name
        (("广州今年在天河区开业了广州滨江购物广场。",), "广州滨江购物广场", "天河区"),
        # a paragraph that names no place: the last place of the paragraph before
        (("北京市昌平区史各庄街道推进公共服务提升。", "具体来说，建成天通苑体育中心，增加座位200个。"), "天通苑体育中心", "史各庄街道"),
        # 东山 (of 东山街道) in a name is not read as the street
        (("广州市越秀区东山街道开展老旧小区改造，东山的老房子焕然一新。东山购物广场花地湾店陆续发出歇业通知。",),
         "东山购物广场花地湾店", "越秀区"),
        # a place a thing is ranked among is not where the project is
        (("佛山市南海区加快建设轨道交通，线路里程居珠三角各区前列，广佛地铁2号线延长线今年通车。",), "广佛地铁2号线", "南海区"),
        # a street written short in a building's name (曲南 for 曲江池南): that street
        (("西安市雁塔区今年完工曲南街道综合服务中心，惠及曲江池南街道居民。",), "曲南街道综合服务中心", "曲江池南街道"),
        # 位于X的Y: Y is in X, a park (a project) as well as a place
        (("苏州市吴中区推进产业升级，位于苏州生物医药产业园三期的太湖精准医学产业园主体封顶。",), "太湖精准医学产业园", "苏州生物医药产业园三期"),
        # a zone that opens the sentence (在X，) holds across its semicolons
        (("在苏州工业园区，老厂房变身为创意园；废弃仓库则改造为苏州市首座垂直农场——绿穹农业大楼，年产蔬菜千吨。",),
         "绿穹农业大楼", "苏州工业园区"),
        # of the places before it in the sentence, the one the project is named after
        (("成都市双流区以东湖地块为北翼、西岗镇工业园地块为南翼，建设东湖智能制造产业园、西岗新材料产业园。",),
         "东湖智能制造产业园", "东湖地块"),
        # the ends of a route (X——Y绿道) are not where a project is
        (("今年，杭州市西湖区将全面贯通龙井水库——九溪公园十公里绿道，加快实施西溪河生态治理工程。",), "西溪河生态治理工程", "西湖区"),
        # nor a river a thing is built along (沿甬江而建: 甬江 is no street here)
        (("宁波市江北区加快发展。", "宁波来福士广场沿甬江而建，今年开业。", "宁波万象城引进多家宁波首店。"), "宁波万象城", "宁波市"),
        # a city in its name says less than the zone named before it in the paragraph
        (("成都锦江区，盐市口商圈近年热度不减。2022年，随着新项目入市——成都SKP购物中心，商圈重新闪亮。",),
         "成都SKP购物中心", "盐市口商圈"),
        # built on another project (Y依托X打造): where that one is, more specific than the city in its name
        (("厦门市湖里区建成东渡国际邮轮母港。", "厦门市商业持续升温。", "厦门海韵购物中心依托东渡国际邮轮母港打造，今年开业。"),
         "厦门海韵购物中心", "湖里区"),
        # named after a park named shortly before: in that park
        (("宁波市北仑区春晓科技园曾面临配套不足的难题。", "配套建设成本高、通勤远，这些曾是企业的痛点。",
          "去年，随着春晓人才公寓的交付使用，难题迎刃而解。"), "春晓人才公寓", "春晓科技园"),
        # not after a city both names begin with
        (("广州市天河区建成广州软件产业园。", "广州市的消费持续升温。", "广州星河广场今年开业。"), "广州星河广场", "广州市"),
        # a sentence that opens with a side alone (而在北侧) goes on about the project set beside before
        (("上海市闵行区在吴泾镇打造紫竹国际会展中心。", "闵行区在紫竹国际会展中心东侧已建成樱花公园。而在北侧，我们规划打造工程师小镇。"),
         "工程师小镇", "吴泾镇"),
        # or, when its paragraph names none before it, the last one of the paragraph before
        (("成都锦江区，盐市口商圈今年共吸纳首店30家。", "成都SKP购物中心引进多家成都首店。"), "成都SKP购物中心", "盐市口商圈"),
    ],
)
def test_projects_location_rules(extractor, texts, name, location):
    assert project(extractor, name, *texts).location == location


@pytest.mark.parametrize(
    "name, category",
    [("东方百货", "commercial"), ("新皇岗口岸联检大楼", "infrastructure"), ("某某医学科学院", "research_base"),
     ("某某水库连通工程", "infrastructure"), ("临江高科园", "industrial_park")],
)
def test_projects_category_words_of_newer_kinds(name, category):
    assert categorize(name) == category


@pytest.mark.parametrize(
    "name, category",
    [("金桥米业产业园", "industrial_park"), ("站前商业广场", "commercial"), ("某某大桥项目", "infrastructure"),
     ("滨河路二期工程", "infrastructure"), ("北站", "infrastructure"),
     ("某某文化产业园", "industrial_park"), ("某某养老产业园项目", "industrial_park"), ("某某体育文化公园", "public_facility"),
     ("滨江A-05商办地块", "commercial")],
)
def test_projects_category_one_character_words_tell_only_at_the_end(name, category):
    assert categorize(name) == category


def test_projects_category_from_the_kind_its_list_names(extractor):
    text = "深圳市推动宝安燕罗、龙岗宝龙等20个先进制造业园区建设提速。"
    assert project(extractor, "宝安燕罗", text).category == "industrial_park"


def test_projects_heading_dates_the_projects_listed_after_it(extractor):
    texts = ("成都市今年购物中心供应充足。", "纵观2025年新入市项目阵容：", "成都天府购物广场由华润置地打造，面积大。",
             "这些项目各有特色。", "成都东郊购物中心已经营业多年。")
    article = extractor(article_of(*texts, published="2025-02-01", kinds={1: "heading"}))
    by_name = {p.name: [(m.event, m.date, m.status) for m in p.milestones] for p in article.projects}
    assert by_name["成都天府购物广场"] == [("投用", "2025", "planned")]
    assert by_name["成都东郊购物中心"] == []  # the list ended at the paragraph naming none



@pytest.mark.parametrize(
    "texts, name, operators",
    [
        # a developer's brand before a mall's name, after the city
        (("广州商业繁荣，凯德集团在此运营多家商场。", "广州凯德购物广场今年焕新。"), "广州凯德购物广场", ["凯德集团"]),
        # X为A…作品
        (("成都天府购物广场为新鸿基地产集团高端品牌首发作品之一。",), "成都天府购物广场", ["新鸿基地产集团"]),
        # A携手B和C首秀之作
        (("益田旅游商业集团携手信达地产和中国金茂首秀之作——成都天府购物广场正式亮相。",), "成都天府购物广场",
         ["益田旅游商业集团", "信达地产", "中国金茂"]),
        # the former site of works is not run by the works
        (("这里是闲置的沈阳第一机床总厂旧址，沈阳第一机床总厂已搬迁。",), "沈阳第一机床总厂旧址", []),
    ],
)
def test_projects_operator_rules(extractor, texts, name, operators):
    assert sorted(o for o, _ in project(extractor, name, *texts).operators) == sorted(operators)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("改变发生在2024年4月，随着天通苑体育中心的交付使用，居民有了去处。", [("投用", "2024-04", "done")]),
        ("2025年，天通苑体育中心将正式开工。", [("开工", "2025", "planned")]),
        ("2023年签约后，天通苑体育中心开工。", []),  # the date is the signing's
    ],
)
def test_projects_event_after_the_name_dated_earlier_in_the_sentence(extractor, text, expected):
    p = project(extractor, "天通苑体育中心", "北京市昌平区推进建设。" + text)
    assert [(m.event, m.date, m.status) for m in p.milestones] == expected


@pytest.mark.parametrize(
    "form, short",
    [("曲江池南街道", "曲南街道"), ("龙湖桥东社区", "龙东社区"), ("大红门镇", None), ("南口", None), ("高新技术产业开发区", None)],
)
def test_projects_abbreviated_admin_names(form, short):
    assert abbreviated(form) == short


def test_projects_one_listed_beside_a_park_is_not_in_it(extractor):
    text = "中国联通云计算中心、橡胶产业孵化中心、橡胶新材料研究中心等11个项目投入运营。"
    p = project(extractor, "橡胶新材料研究中心", text)
    assert p.location != "橡胶产业孵化中心"


def test_projects_with_no_city_or_county_named_are_in_the_zone_the_article_keeps_naming(extractor):
    found = project(extractor, "长山尾污水处理厂",
                    "东山经济技术开发区推动工业项目高质量发展。",
                    "连日来，各园区道路建设顺利推进，路网格局已然形成。",
                    "目前，长山尾污水处理厂土建和设备安装基本完成。",
                    "下一步，东山经济技术开发区力争全年签约项目9个。")
    assert found.location == "东山经济技术开发区"
