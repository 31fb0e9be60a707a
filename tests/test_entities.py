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
        ("腾飞地区三年行动计划", "腾飞公共服务提升三年行动计划", True),  # the area written with its zone word
        ("“腾飞”三年行动计划", "腾飞地区三年行动计划", True),  # quotes are no part of the name
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
        # a named part of the place in brackets is part of the works' name
        ("滨海区今年启动海河流域（新开河）综合整治工程。", "海河流域（新开河）综合整治工程", "project"),
        # a body named by its place and its field; 经 (approved by) is no part of it
        ("昌平区城市管理委员会发布通知。", "昌平区城市管理委员会", "org"),
        ("该项目经北京市规划和自然资源委员会审批。", "北京市规划和自然资源委员会", "org"),
        ("产业园经重庆市经信委批复建设。", "重庆市经信委", "org"),
        # 零部件 is a noun, though the dictionary reads it as a number and a measure word
        ("比亚迪新能源汽车零部件产业园正式开工。", "比亚迪新能源汽车零部件产业园", "project"),
        # a title and a verb of speaking make a city's name a person's
        ("芜湖市委书记宁波表示，将全力做好要素保障。", "宁波", "person"),
        # 落户 is no part of the zone it settles in
        ("项目正式落户芜湖经济技术开发区。", "芜湖经济技术开发区", "place"),
        # a zone named before a generic project phrase names the project
        ("其中，水井坊片区城市更新项目占地约45公顷。", "水井坊片区城市更新项目", "project"),
        # a registered name holds its trade, verbs included
        ("由成都锦江城市建设投资有限责任公司作为实施主体。", "成都锦江城市建设投资有限责任公司", "org"),
        ("项目由北京城市建设投资有限公司投资建设。", "北京城市建设投资有限公司", "org"),
        ("产业园由深圳市龙华建设发展有限公司负责实施。", "深圳市龙华建设发展有限公司", "org"),
    ],
)
def test_entities_found_with_type(extractor, text, name, type_):
    assert names(extractor(article_of(text))).get(name) == type_


@pytest.mark.parametrize("text, parcel, type_", [
    ("滨海区XS2024-18号地块由某某置业有限公司以28.6亿元竞得。", "XS2024-18号地块", "project"),
    ("同日，BJ-0203-A地块以底价成交。", "BJ-0203-A地块", "project"),
    ("滨海区挂牌出让杭政储出[2024]58号地块。", "杭政储出[2024]58号地块", "project"),
    ("余杭区YH2024-07号商业地块以底价4.2亿元成交。", "YH2024-07号商业地块", "project"),
    ("以G22-03号地块为东翼，打造产业组团。", "G22-03号地块", "place"),  # where, not what is sold
])
def test_entities_a_parcel_named_by_its_code(extractor, text, parcel, type_):
    assert names(extractor(article_of(text))).get(parcel) == type_


def test_entities_a_kind_of_project_counted_after_is_no_project(extractor):
    found = names(extractor(article_of("园区累计引进项目128个，其中国内500强项目4个，外资项目8个。")))
    assert "国内500强项目" not in found
    # A count after a list counts the list: its items are projects.
    listed = names(extractor(article_of("海港物流园项目、滨海数据湖项目、临港交易中心项目3项参加签约。")))
    assert listed.get("临港交易中心项目", listed.get("临港交易中心")) == "project"


@pytest.mark.parametrize("text, generic", [
    ("老旧厂区转型为高端汽车零部件产业园。", "高端汽车零部件产业园"),  # a kind described by standing and trade
    ("依托4条高铁线路，可实现1小时通达粤港澳大湾区。", "1小时通达粤港澳大湾区"),  # a clause opening on a measure
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


def test_entities_a_full_name_two_divisions_share_is_a_place_with_no_code(extractor):
    """深圳 and 海口 each have a 龙华区: with nothing to say which, it is still a
    place, with no code; named with its city, it is that city's."""
    alone = next(e for e in extractor(article_of("龙华区今年新建一座公园。")).entities if e.name == "龙华区")
    assert (alone.type, alone.adcode, alone.parent) == ("place", None, None)
    placed = next(e for e in extractor(article_of("深圳市龙华区今年新建一座公园。")).entities if e.name == "龙华区")
    assert (placed.adcode, placed.parent) == ("440309", "深圳市")
    # A division whose name is a common word stays a common word.
    assert "新城区" not in names(extractor(article_of("新城区今年新建一座公园。")))


def test_entities_a_place_that_plans_makes_no_plan(extractor):
    found = names(extractor(article_of("今年，榆林计划实施城市更新项目115个。")))
    assert "榆林计划" not in found and found.get("榆林市") == "place"


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
        # common words in a list of projects describe a project, they name no company
        ("此次签约的有汽车铝合金轮毂、再生资源利用等24个项目。", {"汽车铝合金轮毂": "project", "再生资源利用": "project"}),
        # a centre listed among projects is a facility being built, though a company's name opens it
        ("中国联通海港云计算中心、海港新材料研究中心等11个项目投入运营。", {"中国联通海港云计算中心": "project"}),
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
        ("区里推进中山路88号城市更新项目、北门老街项目等。", "中山路88号城市更新项目", "project"),  # an address names it
        ("海港台商投资区今年新签约项目12个。", "海港台商投资区", "place"),
        ("南湖管理区举行重大项目集中开工仪式。", "南湖管理区", "place"),
        ("现场签约东北农业大学、某某研究所等8家单位。", "东北农业大学", "org"),  # a region and a field
        ("太湖生态绿色一体化发展示范区位于三省交界处。", "太湖生态绿色一体化发展示范区", "place"),  # 发展 names the zone
        ("同时，腾飞地区又位于两城之间。腾飞地区三年行动计划共安排项目32项。", "腾飞地区三年行动计划", "policy"),  # no cut inside the zone
        ("其中，沙河街道华联科技大楼更新单元拟更新方向为研发。", "沙河街道华联科技大楼更新单元", "project"),
        ("以广州南(番禺)商务中心城市更新单元规模最大。", "广州南(番禺)商务中心城市更新单元", "project"),
        ("市政府与华宇风能(天津)股份有限公司签署协议。", "华宇风能(天津)股份有限公司", "org"),  # the seat in brackets
        ("2021年10月，江西协力新材料有限公司以1200万元竞得该宗地。", "江西协力新材料有限公司", "org"),  # a brand read as a verb
        ("最终，海州铝业以291万元的价格竞得该地块。", "海州铝业", "org"),  # a company's short name
        ("海港数据中心一期2025年底投产。", "海港数据中心一期", "project"),  # facilities by their kind of centre
        ("昨日，记者从市科技局获悉，全市新开工项目14个。", "市科技局", "org"),  # not the reporter who heard it
        ("常州经开区此次签约重特大项目20个。", "常州经开区", "place"),
        ("滨江新城B3-07商住地块由某某置业以15亿元竞得。", "滨江新城B3-07商住地块", "project"),  # a parcel sold
        ("新区以东湖地块为西翼、南岗地块为东翼，打造两个产业组团。", "东湖地块", "place"),  # a parcel that says where
        ("中新社广州5月6日电（记者 王明 李华）广州今年供应住宅用地。", "中新社", "org"),  # the dateline's agency
        ("中新社广州5月6日电（记者 王明 李华）广州今年供应住宅用地。", "李华", "person"),  # a second reporter after a space
        ("（记者 赵刚 通讯员 钱伟 孙丽）某区新建学校3所。", "孙丽", "person"),
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
        ("（记者从市住建局获悉）全市新建学校3所。", "从市住"),  # a credit that names no one
        ("本报北京3月5日讯 今天新开工项目12个。", "本报"),  # a house dateline is no agency's name
        ("园区重点发展新材料、智能制造、节能环保工程等产业。", "环保工程"),  # an industry in a list of fields
        ("全市提前超额完成老旧小区改造年度任务。", "超额完成老旧小区"),  # common words before a generic phrase
        ("区里举行产业项目集中签约暨重大项目集中开工仪式。", "暨重大项目"),  # a conjunction the segmenter calls a name
        ("管委会与宏图新材料有限公司签署项目投资协议。", "宏图新材料有限公司签署项目"),  # the company acts
        ("常州经开区此次签约重特大项目20个。", "重特大项目"),
        ("它是太湖示范区规划、建设、治理的基本依据。", "太湖示范区规划"),  # one of a list of acts
        ("全市去年新批城市更新项目53个。", "新批城市更新项目"),
        ("推动房地产市场平稳发展，壮大精细化工。", "精细化工"),  # an industry, not a company
        ("已开工城中村项目、成片开发项目及危旧小区改造项目等城市更新项目共19个。", "成片开发项目"),  # kinds of project
        ("已开工城中村项目、成片开发项目及危旧小区改造项目等城市更新项目共19个。", "城中村项目"),
    ],
)
def test_entities_descriptions_are_not_names(extractor, text, not_a_name):
    assert not_a_name not in names(extractor(article_of(text)))


def test_entities_named_zone_in_diqu_has_its_stem_as_alias(extractor):
    article = extractor(article_of("同时，回天地区又位于两城之间。"))
    zone = next(e for e in article.entities if e.name == "回天地区")
    assert "回天" in zone.aliases


@pytest.mark.parametrize("text, zone, bare", [
    ("广州市番禺区加快城市更新。番禺大石片区旧改启动。", "番禺大石片区", {"大石片区"}),
    ("四川省成都市加快发展。成都东部新区建设提速。", "成都东部新区", set()),  # 东部新区: a direction, no name
])
def test_entities_zone_named_after_its_district_is_known_without_it(extractor, text, zone, bare):
    entity = next(e for e in extractor(article_of(text)).entities if e.name == zone)
    assert set(entity.aliases) == bare


def test_entities_places_overlay_the_paragraph_tagging(extractor):
    tagged = [("北京", "ns"), ("市", "n"), ("昌平", "ns"), ("区", "n"), ("发布", "v")]
    places = [Span(0, 3, "北京市", "place"), Span(3, 6, "昌平区", "place")]
    tokens, offsets = extractor.tokens("北京市昌平区发布", places, tagged)
    assert tokens == [("北京市", "ns"), ("昌平区", "ns"), ("发布", "v")] and offsets == [0, 3, 6]


def test_entities_place_inside_a_token_is_segmented_around(extractor):
    tagged = [("在昌", "v"), ("平区", "n")]  # a place that does not fall on token boundaries
    tokens, _ = extractor.tokens("在昌平区", [Span(1, 4, "昌平区", "place")], tagged)
    assert ("昌平区", "ns") in tokens and "".join(w for w, _ in tokens) == "在昌平区"


def test_entities_a_county_short_form_is_the_county_the_article_names_in_full(extractor):
    """沙洋 is 沙洋县 (named in full below), not its seat 沙洋镇; 京山 is 京山市, though no
    city above them is named."""
    article = extractor(article_of("京山沙洋12个项目集中开工", "京山市、沙洋县先后有12个项目集中开工。"))
    places = {e.name: [m.paragraph_seq for m in e.mentions] for e in article.entities if e.type == "place"}
    assert places == {"京山市": [0, 1], "沙洋县": [0, 1]}


def test_entities_town_short_form_not_inside_a_word(extractor):
    # 江高 is a town of 白云区, which the article names; here it is inside 临江高科园
    article = extractor(article_of("广州市白云区江高镇建设产业园。", "杭州钱塘区临江高科园曾面临难题。"))
    mentions = [m for e in article.entities if e.name.startswith("江高") for m in e.mentions]
    assert [m.paragraph_seq for m in mentions] == [0]


def test_entities_a_project_quoted_whole_is_the_project_named_without_quotes(extractor):
    article = extractor(article_of("签约项目包括“青山·绿水文旅小镇”、某某二期等。", "其中“青山·绿水文旅小镇”项目总投资12亿元。"))
    (town,) = [e for e in article.entities if "青山" in e.name]
    assert town.name == "青山·绿水文旅小镇" and "“青山·绿水文旅小镇”项目" in town.aliases and len(town.mentions) == 2


def test_entities_projects_of_an_economic_sector_are_no_name(extractor):
    found = names(extractor(article_of("全市第一产业项目12个，第三产业项目40个。")))
    assert not any("产业项目" in name for name in found)


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
        ("南宁百亿项目集中开工仪式昨日举行。", "南宁百亿项目"),
        ("徐州市百亿产业园开工。", "百亿产业园"),
        ("龙华三年内将实施225项城市更新项目。", "项城市"),
        ("更新改造老厂区、老商业街区等2600多个。", "老商业街区"),
        ("海淀区新开工项目15个，宝安区续建项目共42个。", "新开工项目"),
        ("宝安区续建项目共42个。", "续建项目"),
        ("海洋生物科技园6条PPP道路项目顺利推进。", "PPP道路项目"),
        ("党工委研究部署下一步工作。", "党工委"),
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


def _merge_spans_by_pairs(places, named):
    """The definition of `merge_spans`, comparing every pair of spans (quadratic)."""
    named = sorted(named, key=lambda s: (s.start, -(s.end - s.start)))
    kept = []
    for span in named:
        outer = [k for k in kept if k.start <= span.start and span.end <= k.end and (k.start, k.end) != (span.start, span.end)]
        if outer and not (span.type == "org" and not span.text.endswith("实验室") and all(k.type == "project" and k.start == span.start for k in outer)):
            continue
        if not outer and any(k.start < span.end and span.start < k.end for k in kept):
            continue
        kept.append(span)
    out = list(kept)
    for place in places:
        same = next((k for k in kept if (k.start, k.end) == (place.start, place.end)), None)
        if same is not None:
            same.type, same.place = "place", place.place
            continue
        if any(k.start <= place.start and place.end <= k.end for k in kept) and place.text != place.place.name:
            continue
        out.append(place)
    return sorted(out, key=lambda s: s.start)


def _random_spans(rng, n, length):
    from urbandb.extract.gazetteer import Place

    def span(kind):
        start = rng.randrange(length)
        end = min(length, start + rng.randint(1, 12))
        text = "名" * (end - start - 1) + rng.choice("园区司室")
        place = Place(name=rng.choice([text, text + "区"]), level="county", adcode=None) if kind == "place" else None
        return Span(start, end, text, kind, place=place)

    named = [span(rng.choice(["org", "project", "policy"])) for _ in range(n)]
    # names that share a start with a project (an org inside it), the case nesting keeps
    named += [Span(s.start, max(s.start + 1, s.end - rng.randint(0, 3)), "名" * 2, "org") for s in named[: n // 4]]
    return [span("place") for _ in range(n // 2)], named


@pytest.mark.parametrize("seed", range(40))
def test_entities_merge_spans_same_as_pairwise_definition(seed):
    """`merge_spans` sweeps once by offset; on random overlapping spans it keeps exactly
    what comparing every pair of spans keeps."""
    import copy
    import random

    from urbandb.extract.entities import merge_spans

    rng = random.Random(seed)
    places, named = _random_spans(rng, rng.randint(1, 60), rng.randint(20, 200))
    expected = _merge_spans_by_pairs(copy.deepcopy(places), copy.deepcopy(named))
    got = merge_spans(places, named)
    assert [(s.start, s.end, s.type, s.text) for s in got] == [(s.start, s.end, s.type, s.text) for s in expected]


def test_entities_merge_spans_looks_at_few_spans_per_span(monkeypatch):
    """Linear in the number of spans: each span is compared with the names still open
    at its start, not with every name kept before it (counted through `Span.end`)."""
    from urbandb.extract import entities

    reads = 0

    class CountingSpan(Span):
        def __getattribute__(self, name):
            nonlocal reads
            if name == "end":
                reads += 1
            return object.__getattribute__(self, name)

    def spans(n):
        return [CountingSpan(10 * i, 10 * i + 6, "名名名名名园", "project") for i in range(n)]

    counts = []
    for n in (500, 2000):
        reads = 0
        entities.merge_spans([], spans(n))
        counts.append(reads)
    assert counts[1] <= 4.5 * counts[0]  # a quadratic sweep would read 16x as often


@pytest.mark.parametrize(
    "text, name, type_",
    [
        ("中共湖南省委、湖南省人民政府召开会议，省政府办公厅参加。", "中共湖南省委", "org"),
        ("长沙市自然资源和规划局公布了出让结果。", "长沙市自然资源和规划局", "org"),
        ("据国家发改委消息，项目已获批复。", "国家发展改革委", "org"),
        ("碧桂园、龙光等房企参与竞拍。", "碧桂园", "org"),
        ("消息来源：澎湃新闻。", "澎湃新闻", "org"),
        ("文章最早刊于《湖北日报》。", "湖北日报", "org"),
        ("记者|郭晓燕", "郭晓燕", "person"),
        ("撰写丨孔令杰 林慧欣", "林慧欣", "person"),
        ("出席会议的还有市领导邓建国、秦志伟、罗天平等。", "罗天平", "person"),
        ("该项目由张锦秋院士团队参与设计。", "张锦秋", "person"),
        ("武汉都市圈建设提速。", "武汉都市圈", "place"),
        ("成渝地区双城经济圈建设提速。", "成渝地区双城经济圈", "place"),
        ("洛溪-沙滘片区纳入更新计划。", "洛溪-沙滘片区", "place"),
        ("株洲市政府工作报告指出，今年将加快建设。", "株洲市政府工作报告", "policy"),
    ],
)
def test_entities_names_without_a_classic_suffix(extractor, text, name, type_):
    assert names(extractor(article_of(text))).get(name) == type_


@pytest.mark.parametrize("text, not_a_name", [
    ("全省规划了三个都市圈。", "三个都市圈"),
    ("报告指出都市圈发展不平衡。", "指出都市圈"),
    ("株洲中心区人口密集。", "株洲中心区"),
    ("《谁在抢地，谁在观望？》一文引发讨论。", "《谁在抢地，谁在观望？》"),
    ("他们对美的东西有追求。", "美的"),
])
def test_entities_counts_verbs_parts_and_headlines_are_not_names(extractor, text, not_a_name):
    found = extractor(article_of(text)).entities
    assert not_a_name not in {form for e in found for form in e.forms()}


def test_entities_bare_body_folds_into_the_full_one(extractor):
    article = extractor(article_of("株洲市人民政府印发通知。", "市政府要求各区落实。"))
    body = next(e for e in article.entities if e.name == "株洲市人民政府")
    assert "市政府" in body.aliases and not any(e.name == "市政府" for e in article.entities)


def test_entities_bare_body_takes_the_article_province(extractor):
    article = extractor(article_of("湖南省发布产业用地新政。", "省政府要求各市落实。"))
    assert "湖南省人民政府" in names(article)


def test_entities_policy_title_has_its_plain_form(extractor):
    article = extractor(article_of("长沙市印发《关于推进产业用地提质增效的实施意见》。"))
    policy = next(e for e in article.entities if e.type == "policy")
    assert "关于推进产业用地提质增效的实施意见" in policy.aliases


def test_entities_project_keeps_the_places_before_it_as_an_alias(extractor):
    article = extractor(article_of("长沙岳麓区麓谷科技园二期开工。"))
    project = next(e for e in article.entities if e.type == "project")
    assert {"麓谷科技园二期", "麓谷科技园"} <= project.forms()


@pytest.mark.parametrize("text, brand", [
    ("商场今年引进Blue Harbor华南首店、Nordlys广州旗舰店等。", "Blue Harbor"),
    ("商场今年引进Blue Harbor华南首店、Nordlys广州旗舰店等。", "Nordlys"),
    ("二层新开运动品牌Kestrel，客流明显上升。", "Kestrel"),
])
def test_entities_brands_named_by_their_shops(extractor, text, brand):
    assert names(extractor(article_of(text))).get(brand) == "org"


def test_entities_shop_words_are_not_part_of_a_brand(extractor):
    found = names(extractor(article_of("商场今年引进Blue Harbor华南首店、Nordlys广州旗舰店等。")))
    assert not any(name.endswith("店") for name in found)


@pytest.mark.parametrize("text, name", [
    ("重点推进长沙汽车产业园（浏阳）项目、某某路改造工程等项目建设。", "长沙汽车产业园（浏阳）项目"),
    ("地铁将在五一广场站与2号线换乘。", "五一广场站"),
    ("乘客可在地铁2号线橘子洲站换乘。", "橘子洲站"),
    ("老牌的湘江百货河西店陆续歇业。", "湘江百货河西店"),
    ("重点推进第一人民医院、湘江大桥等项目建设。", "第一人民医院"),
])
def test_entities_projects_beyond_a_classic_suffix(extractor, text, name):
    assert names(extractor(article_of(text))).get(name) == "project"


@pytest.mark.parametrize("text, not_a_name", [
    ("加快推进片区类城市更新项目。", "片区类城市更新项目"),
    ("长沙新开业购物中心数量居前。", "长沙新开业购物中心"),
    ("副市长李建军作招商项目推介。", "副市长李建军作招商项目"),
])
def test_entities_kinds_and_clauses_are_not_projects(extractor, text, not_a_name):
    found = extractor(article_of(text)).entities
    assert not_a_name not in {form for e in found for form in e.forms()}


@pytest.mark.parametrize("text, source", [
    ("据睿地数据统计，今年前三季度成交回落。", "睿地数据"),
    ("本文来自微信公众号“城市观察社”，经授权转载。", "城市观察社"),
])
def test_entities_sources_of_figures_are_organizations(extractor, text, source):
    assert names(extractor(article_of(text))).get(source) == "org"


def test_entities_a_company_short_name_joins_its_full_name(extractor):
    article = extractor(article_of("万科集团今年拿地放缓。", "万科在长沙的项目已开盘。"))
    company = next(e for e in article.entities if e.name == "万科集团")
    assert "万科" in company.aliases and "万科" not in names(article)


def test_entities_two_bodies_of_one_place_stay_two(extractor):
    found = names(extractor(article_of("湖南省委部署改革，湖南省发改委随后印发方案。")))
    assert found.get("湖南省委") == "org" and found.get("湖南省发改委") == "org"


@pytest.mark.parametrize(
    "text, org",
    [
        ("记者从天府新区管委会获悉，园区新签约项目12个。", "天府新区管委会"),
        ("苏州工业园区管理委员会发布通知。", "苏州工业园区管理委员会"),
        ("据滨海工业园区管理委员会介绍，园区已入驻企业30家。", "滨海工业园区管理委员会"),
    ],
)
def test_entities_a_zones_management_committee_is_an_organization(extractor, text, org):
    assert names(extractor(article_of(text))).get(org) == "org"


@pytest.mark.parametrize("text, project", [("城东污水处理厂二期工程开工。", "城东污水处理厂二期"), ("新建的城西水厂已经投用。", "城西水厂")])
def test_entities_a_works_of_water_or_power_is_a_project(extractor, text, project):
    assert names(extractor(article_of(text))).get(project) == "project"


def test_entities_division_after_its_parent_is_one_form(extractor):
    article = extractor(article_of("长沙岳麓，湘江之畔。"))
    county = next(e for e in article.entities if e.name == "岳麓区")
    assert "长沙岳麓" in county.aliases


def test_entities_a_description_after_de_is_no_name(extractor):
    found = names(extractor(article_of("依托湘江新区打造的大型滨江文旅综合体即将开业。")))
    assert not any(name.endswith("综合体") for name in found)


@pytest.mark.parametrize("text, mall", [
    ("成都太古汇本周引入三家首店。", "成都太古汇"),
    ("据介绍，杭州K11的客流同比上升。", "杭州K11"),
    ("去年开业的南京IFC 国金天地表现亮眼。", "南京IFC 国金天地"),
    ("成都远洋Taikoo Li引进多家餐饮。", "成都远洋Taikoo Li"),
    ("华润计划在西安新建一座万象城。", "万象城"),
])
def test_entities_malls_named_by_city_and_brand(extractor, text, mall):
    assert names(extractor(article_of(text))).get(mall) == "project"


@pytest.mark.parametrize("text, not_mall", [
    ("上海GDP前三季度增长5%。", "上海GDP"),
    ("重庆新城建设提速。", "重庆新城"),
    ("深圳AI产业规模扩大。", "深圳AI"),
])
def test_entities_city_words_and_abbreviations_are_not_malls(extractor, text, not_mall):
    assert names(extractor(article_of(text))).get(not_mall) != "project"


def test_entities_adverb_and_verb_glued_before_a_zone_are_not_its_name(extractor):
    found = names(extractor(article_of("两项指标皆列滨海新城前列。")))
    assert found.get("滨海新城") == "place" and "皆列滨海新城" not in found


def test_entities_a_rank_is_not_a_zone_name(extractor):
    found = names(extractor(article_of("拥有“西南第一商圈”称号的商圈客流回升，天河路商圈也是。")))
    assert "西南第一商圈" not in found and found.get("天河路商圈") == "place"


@pytest.mark.parametrize(
    "text, project",
    [
        ("包括桂月路（樟阁路-桂花路）拓宽改造工程和某某大道改造工程等。", "桂月路（樟阁路-桂花路）拓宽改造工程"),
        ("滨江路（南湖段）提升改造工程年底完工。", "滨江路（南湖段）提升改造工程"),
    ],
)
def test_entities_a_route_section_in_brackets_is_part_of_a_works_name(extractor, text, project):
    assert names(extractor(article_of(text))).get(project) == "project"


@pytest.mark.parametrize(
    "text, works",
    [
        ("观澜版画艺术博物馆布展工程年内完工。", "观澜版画艺术博物馆布展工程"),
        ("新华中学校舍安全工程年内完工。", "新华中学校舍安全工程"),
    ],
)
def test_entities_works_on_a_facility_carry_its_name(extractor, text, works):
    assert names(extractor(article_of(text))).get(works) == "project"
