"""Metric extraction on sentences: what is a metric, its surface and offsets,
qualifier, label, year and subject; boilerplate skipped; infobox captions."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbandb.extract.metrics import (
    CLAUSE_BREAK_RE,
    EXTRACTOR_VERSION,
    NAME_END_RE,
    QUOTED_RE,
    SENTENCE_BREAK_RE,
    SUBJECT_SUFFIXES,
    URL_HINT_RE,
    URL_RE,
    _Breaks,
    _may_quote,
    extract_metrics,
    metrics_in_paragraph,
)
from urbandb.loaders.article import Article, Paragraph, number_paragraphs


def found(text: str, **kwargs):
    metrics = metrics_in_paragraph(text, 0, **kwargs)
    for m in metrics:
        assert text[m.char_start : m.char_end] == m.surface  # offsets point at the surface
    return metrics


def surfaces(text: str) -> list[str]:
    return [m.surface for m in found(text)]


def one(text: str):
    metrics = found(text)
    assert len(metrics) == 1, [m.surface for m in metrics]
    return metrics[0]


def test_metrics_extractor_version_is_set():
    assert EXTRACTOR_VERSION


@pytest.mark.parametrize(
    "text",
    [
        # dates and years
        "按照2023年开工、2024年建成、2025年投用的总体安排",
        "3月30日，项目正式启动",
        "预计2024年年底竣工，2021年4月开工",
        "这个建于上世纪90年代的小区",
        "二〇二三年",
        # names and ordinals
        "地铁5号线、18号线和9号楼",
        "一期工程、二期扩建和第一批名单",
        "G6科创走廊与G45产业走廊",
        "“十四五”规划和“3个100”重点工程",
        "迈入4.0阶段，从“再转存1.0”到“新质变2.0”",
        "“20+8”产业集群，“9+2”城市群",
        "科技服务业成为第三大支柱产业，排名前10名",
        "位于小汤山镇和北七家镇交界处",
        "汽车零部件产业园",
        "北京市先后启动两轮百万亩造林工程" and "百万亩造林工程",
        "三位一体，二次开发，三元桥",
        "《关于2023年推进100个项目的通知》",
        # slogans and fixed phrases
        "围绕“两城一区多点”布局，不搞“一刀切”，实现“三步走”",
        "“一主三副、一带一廊”，“两业融合”示范园",
        # 一 + measure word means a/one
        "这是一个长在社区里的中心，又来一只",
        # unsupported dimension: an angle
        "坡度40度",
        # numbers with no unit
        "代码100086，电话010-12345678",
        # URLs and image names
        "详见https://example.com/a/100%25.html 和 pic_2023_5个.jpg",
    ],
)
def test_metrics_not_a_metric(text):
    assert surfaces(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("该项目规划占地面积58.9公顷，其中产业用地面积43.1公顷、建筑规模47.3万平方米", ["58.9公顷", "43.1公顷", "47.3万平方米"]),
        ("教育32项、医疗6项、文体7项", ["32项", "6项", "7项"]),
        ("近年来，全区供应产业用地超2000亩，产业投资年均增长超20%", ["超2000亩", "超20%"]),
        ("5天内完成3栋楼1875米管线探测", ["5天内", "3栋", "1875米"]),
        ("统一5个标准", ["5个"]),
        ("年营收超900亿元的国际设计产业高地", ["超900亿元"]),
        ("人才保障房2306套及配套停车位2616个", ["2306套", "2616个"]),
        ("２０２３年，新增用地５８．９公顷", ["５８．９公顷"]),
        ("总投资146，759.30万元", ["146，759.30万元"]),
        ("5家三甲医院", ["5家"]),
    ],
)
def test_metrics_surfaces_in_sentences(text, expected):
    assert surfaces(text) == expected


def test_metrics_fields_of_a_qualified_area():
    m = one("生命谷国际精准医学产业园区规划建筑规模约24.57万平方米，由昌发展集团打造")
    assert (m.surface, m.value, m.unit) == ("约24.57万平方米", 24.57, "万平方米")
    assert (m.value_normalized, m.unit_normalized, m.dimension) == (245_700, "m2", "area")
    assert (m.qualifier, m.value_min, m.value_max) == ("approx", None, None)
    assert m.label == "规划建筑规模"
    assert m.sentence.startswith("生命谷国际精准医学产业园区规划建筑规模")


@pytest.mark.parametrize(
    "text, surface, qualifier",
    [
        ("可提供集体宿舍、人才公寓等2300余套", "2300余套", "more_than"),
        ("计划完成2000亩以上产业用地供地任务", "2000亩以上", "more_than"),
        ("改造面积近100万平方米", "近100万平方米", "nearly"),
        ("新增重大储备项目不少于100家", "不少于100家", "at_least"),
        ("将单栋楼停暖时间控制在4小时内", "4小时内", "less_than"),
        ("推动上市企业5家左右", "5家左右", "approx"),
        ("驱车近一个小时", "近一个小时", "nearly"),
        ("规划建筑面积5—10万平方米", "5—10万平方米", "range"),
        ("超额7000亩完成任务", "7000亩", "exact"),  # 超额 is not 超
        ("经过14年集中开发建设", "14年", "exact"),  # 经过 is not 过
        ("节约30%的用地", "30%", "exact"),  # 节约 is not 约
    ],
)
def test_metrics_qualifiers_in_sentences(text, surface, qualifier):
    m = one(text)
    assert (m.surface, m.qualifier) == (surface, qualifier)


def test_metrics_post_qualifier_inside_only_for_spans():
    m = one("引进10家内资企业")
    assert (m.surface, m.qualifier) == ("10家", "exact")


@pytest.mark.parametrize("text, surface", [("近5年，累计投资", "5年"), ("近两年，坪山全力推进", "两年")])
def test_metrics_lookback_jin_is_a_plain_duration(text, surface):
    m = one(text)
    assert (m.surface, m.qualifier, m.dimension) == (surface, "exact", "duration")


@pytest.mark.parametrize("text, surface", [("这座老厂房已建成近60年", "近60年"), ("园区运营近8年，累计引进企业", "近8年")])
def test_metrics_jin_after_a_span_that_has_run_is_nearly(text, surface):
    m = next(m for m in metrics_in_paragraph(text, 0) if m.dimension == "duration")
    assert (m.surface, m.qualifier) == (surface, "nearly")


@pytest.mark.parametrize(
    "text, surface, dimension, normalized, qualifier",
    [
        ("截至2020年，常住人口81.4万", "81.4万", "population", 814_000, "exact"),
        ("统筹超1500亿资金", "超1500亿", "money", 150_000_000_000, "more_than"),
        ("带来千万级游客流量", "千万级", "population", 10_000_000, "at_least"),
        ("迈上万亿元台阶", "上万亿元", "money", 10**12, "at_least"),
        ("打造百亿级产业集群", "百亿级", "money", 10**10, "at_least"),
        ("上万人参加", "上万人", "population", 10_000, "at_least"),
        ("地块容积率3.5", "3.5", "ratio", 3.5, "exact"),
        ("平均容积率仅为0.8", "0.8", "ratio", 0.8, "exact"),
        ("昌平区拥有全市1/3的全国重点实验室", "1/3", "ratio", 0.3333, "exact"),
        ("他今年58岁", "58岁", "duration", 58, "exact"),
        ("冬季22摄氏度的室温", "22摄氏度", "temperature", 22, "exact"),
        ("以40吨高荷载道路", "40吨", "mass", 40, "exact"),
        ("一年来接待游客10万人次", "10万人次", "count", 100_000, "exact"),
        ("四成企业完成改造", "四成", "percent", 40, "exact"),
        ("占比提高2个百分点", "2个百分点", "percent", 2, "exact"),
        ("百分之三十的用地", "百分之三十", "percent", 30, "exact"),
        ("9000余名能源领域科研人才", "9000余名", "population", 9000, "more_than"),
        ("利用外资金额2.4亿美元以上", "2.4亿美元以上", "money", 240_000_000, "more_than"),
    ],
)
def test_metrics_units_the_table_does_not_spell_out(text, surface, dimension, normalized, qualifier):
    m = one(text)
    assert (m.surface, m.dimension, m.qualifier) == (surface, dimension, qualifier)
    assert m.value_normalized == pytest.approx(normalized, rel=1e-4)


def test_metrics_ratio_without_unit_word_has_no_unit():
    m = one("地块容积率3.5")
    assert (m.unit, m.unit_normalized) == (None, "ratio")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("某集团投资7个亿兴建新厂", [("7个亿", 7e8, "CNY", "exact")]),
        ("二期工程追加投资3个多亿", [("3个多亿", 3e8, "CNY", "more_than")]),
        # 个 counts what has that size: projects of 亿元 scale, clusters of 亿 scale.
        ("全年引进3个亿元以上项目", [("3个", 3, "个", "exact"), ("亿元以上", 1e8, "CNY", "more_than")]),
        ("建成5个亿级产业集群", [("5个", 5, "个", "exact"), ("亿级", 1e8, "CNY", "at_least")]),
    ],
)
def test_metrics_a_count_of_yi_is_colloquial_for_the_amount(text, expected):
    assert [(m.surface, m.value_normalized, m.unit_normalized, m.qualifier) for m in found(text)] == expected


def test_metrics_bare_amount_takes_the_measure_of_the_amount_before_it():
    metrics = found("全市常住人口达2189.3万人，比上年增加5万")
    assert [(m.surface, m.dimension) for m in metrics] == [("2189.3万人", "population"), ("5万", "population")]


@pytest.mark.parametrize(
    "text, surface, label",
    [
        ("其中产业用地面积43.1公顷", "43.1公顷", "产业用地面积"),
        ("力争到2027年实现年产值80亿元", "80亿元", "年产值"),  # an aim and its year are no part of the measure
        ("确保6月底前完成投资12亿元", "12亿元", "完成投资"),
        ("2023年，昌平区腾退土地418.7公顷，完成量居全市首位", "418.7公顷", "腾退土地"),
        ("增加学位5660个；医疗方面", "5660个", "增加学位"),
        ("南口是全市重点发展的8个新市镇之一", "8个", "新市镇"),
        ("已吸引华夏英泰等13家企业拟签约入驻", "13家", "企业"),
        ("收回天通中苑约68万平方米的闲置楼宇", "约68万平方米", "闲置楼宇"),
        ("全面贯通十三陵水库——奥森北园42公里绿道慢行系统", "42公里", "绿道慢行系统"),
        ("技术团队开展排查，5天内完成管线探测", "5天内", "完成管线探测"),
        ("目前人均公园绿地面积17.39平方米", "17.39平方米", "人均公园绿地面积"),
        ("总里程160公里", "160公里", "总里程"),
        ("规划产业空间超1700万平方米", "超1700万平方米", "规划产业空间"),
        ("在织补城市功能方面，三年行动计划共安排教育32项", "32项", "教育"),
        ("可提供集体宿舍、人才公寓等2300余套", "2300余套", "集体宿舍、人才公寓"),
        ("2021年全年新增市场主体15000家以上", "15000家以上", "新增市场主体"),
        ("直接服务人口将超过40万人。", "超过40万人", "直接服务人口"),
        ("工业增加值占GDP比重提升至32.6%", "32.6%", "工业增加值占GDP比重"),
        ("是原商业用地出让收益的11倍", "11倍", "原商业用地出让收益"),
        ("实现营业收入1.2万亿元", "1.2万亿元", "营业收入"),  # 实现 is the verb
        ("共有企业120家", "120家", "企业"),
        # the words after a count stop where the next item of a list starts
        ("其中东区2个小区和西区17个小区", "2个", "小区"),
    ],
)
def test_metrics_labels_in_sentences(text, surface, label):
    metrics = {m.surface: m for m in found(text)}
    assert metrics[surface].label == label


def test_metrics_label_in_a_key_value_line():
    assert one("规划常住人口 约69万人").label == "规划常住人口"
    assert one("17.39平方米 人均公园绿地面积").label == "人均公园绿地面积"


def test_metrics_labels_of_a_respectively_list():
    metrics = found("森林覆盖率以及林木绿化率，已分别由2012年的42.57%和64.07%，提高到了现在的48.25%和67.18%")
    assert [(m.surface, m.label) for m in metrics] == [
        ("42.57%", "森林覆盖率"),
        ("64.07%", "林木绿化率"),
        ("48.25%", "森林覆盖率"),
        ("67.18%", "林木绿化率"),
    ]
    assert [m.as_of_year for m in metrics] == [2012, 2012, None, None]


def test_metrics_a_figures_clause_before_respectively_lists_no_measures():
    metrics = found("全市新开工改造小区150个，惠及居民5.6万户，分别完成年度任务的112%和120%。")
    assert [(m.surface, m.label) for m in metrics][2:] == [("112%", "分别完成年度任务"), ("120%", "分别完成年度任务")]


def test_metrics_both_ends_of_a_change_share_the_label():
    metrics = found("项目投产后企业年销售收入将从4.7亿元跃升至14亿元")
    assert [m.label for m in metrics] == ["项目投产后企业年销售收入"] * 2


@pytest.mark.parametrize(
    "text, year",
    [
        ("2023年，昌平区腾退土地418.7公顷", 2023),
        ("截至2020年，昌平区共完成新增造林17.4万亩", 2020),
        ("2021年全年新增市场主体15000家以上", 2021),
        ("2023年以来，昌平区共推出面积约77公顷的工业用地", None),  # 以来 opens a period
        ("2012年起，北京市先后启动12个工程", None),
        ("按照“2023年开工”的安排，2024年率先亮相，今后这里将入驻14个实验室", None),  # another clause
        ("目前人均公园绿地面积17.39平方米", None),
    ],
)
def test_metrics_as_of_year(text, year):
    assert one(text).as_of_year == year


def test_metrics_leave_the_subject_to_the_subject_stage():
    assert one("2023年，昌平区腾退土地418.7公顷").subject is None


def article(*paragraphs: tuple[str, str]) -> Article:
    paras = [Paragraph(seq=0, kind=kind, text=text) for kind, text in paragraphs]
    return Article(format="text", encoding="utf-8", paragraphs=number_paragraphs(paras))


def test_metrics_extract_skips_boilerplate_and_keeps_paragraph_offsets():
    art = article(
        ("title", "补齐回天短板 提供人才公寓等2300余套"),
        ("body", "可提供集体宿舍、人才公寓等2300余套，地下停车位2600余个"),
        ("boilerplate", "本文共3000字，阅读需5分钟，转载请注明来源，已有20万人阅读"),
    )
    metrics = extract_metrics(art)
    assert [(m.paragraph_seq, m.surface) for m in metrics] == [(0, "2300余套"), (1, "2300余套"), (1, "2600余个")]
    for m in metrics:
        assert art.paragraphs[m.paragraph_seq].text[m.char_start : m.char_end] == m.surface


def test_metrics_infobox_value_takes_the_caption_of_the_neighbouring_line():
    art = article(
        ("infobox", "地理位置 小汤山镇和北七家镇交界处"),
        ("infobox", "170.6平方公里"),
        ("infobox", "范围"),
        ("infobox", "规划常住人口 约69万人"),
        ("infobox", "54.9万人"),
        ("infobox", "就业人口"),
    )
    metrics = extract_metrics(art)
    assert [(m.surface, m.label) for m in metrics] == [
        ("170.6平方公里", "范围"),
        ("约69万人", "规划常住人口"),
        ("54.9万人", "就业人口"),
    ]


def test_metrics_infobox_caption_year_applies_to_the_lines_under_it():
    art = article(
        ("infobox", "生态环境改善(截至2020年)"),
        ("infobox", "森林覆盖率 48.25%"),
        ("infobox", "87个 新建各类公园"),
        ("heading", "下一节"),
        ("infobox", "小微绿地 40处"),
    )
    assert [m.as_of_year for m in extract_metrics(art)] == [2020, 2020, None]


def test_metrics_empty_and_skipped_paragraphs_give_nothing():
    assert metrics_in_paragraph("", 0) == []
    assert metrics_in_paragraph("占地58.9公顷", 0, kind="boilerplate") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("责任编辑：王五 2023年5月 阅读3000次", []),
        ("（本文转载自某报，原文3000字）", []),
        ("来源：人民网 阅读10万次", []),
        ("编辑部共有5人", ["5人"]),  # a word that starts like chrome is not chrome
        ("点击量超过100万次", ["超过100万次"]),
    ],
)
def test_metrics_page_chrome_left_in_the_body_gives_nothing(text, expected):
    assert surfaces(text) == expected


@pytest.mark.parametrize(
    "text, surface, low, high",
    [
        ("增幅为5%—10%", "5%—10%", 5, 10),  # the unit repeated on the first bound
        ("楼高20层至30层", "20层至30层", 20, 30),
        ("投资5000万至1亿元", "5000万至1亿元", 50_000_000, 100_000_000),
    ],
)
def test_metrics_ranges_with_units_on_both_bounds(text, surface, low, high):
    m = one(text)
    assert (m.surface, m.qualifier, m.value_min, m.value_max) == (surface, "range", low, high)


def test_metrics_negative_temperature_and_speed():
    assert [(m.surface, m.value_normalized) for m in found("最低气温-5℃，零下3摄氏度")] == [("-5℃", -5), ("零下3摄氏度", -3)]
    assert surfaces("设计时速60公里，限速80公里/小时") == []  # speeds are not lengths


def test_metrics_year_of_an_event_is_not_as_of_year():
    assert [m.as_of_year for m in found("小区建于1998年，共有住户860户")] == [None]


def test_metrics_a_copula_clause_takes_its_label_from_the_clause_before():
    assert "总面积" in one("其中，河北省开发区总面积排名全国第一，达7.67万公顷").label
    # but a look-back span does not borrow the clause before it
    assert one("需要高品质的城市形态，而近两年，坪山全力推进").label is None


# --- the look-ups that stand in for slower scans must agree with them ---

BREAKING_TEXT = st.text(alphabet="字面积5，,。；;！!：\n （）—", max_size=40)


@given(text=BREAKING_TEXT, data=st.data())
def test_metrics_sentence_and_clause_bounds_agree_with_a_walk_over_the_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    floor = data.draw(st.integers(0, len(text)))
    breaks = _Breaks(text)
    left = start
    while left > 0 and not SENTENCE_BREAK_RE.match(text, left - 1):
        left -= 1
    after = SENTENCE_BREAK_RE.search(text, end)
    assert breaks.sentence_bounds(start, end) == (left, after.end() if after else len(text))
    clause = start
    while clause > floor and not CLAUSE_BREAK_RE.match(text, clause - 1):
        clause -= 1
    assert breaks.clause_start(start, floor) == clause
    pieces = [p for p in CLAUSE_BREAK_RE.split(text[left:start]) if p]
    assert list(breaks.clauses_back(text, start, left)) == pieces[::-1]


URLISH_TEXT = st.lists(
    st.sampled_from(list("wW.:/hHtTpPsSjJgGfFmMlLdD字，“”《》「」\"") + ["www.", "http://", ".jpg", ".PDF", ".Html"]),
    max_size=12,
).map("".join)


@given(text=URLISH_TEXT)
def test_metrics_quick_tests_never_miss_a_url_or_a_quote(text):
    if URL_RE.search(text):
        assert URL_HINT_RE.search(text)
    if QUOTED_RE.search(text):
        assert _may_quote(text)


def test_metrics_every_subject_suffix_ends_in_a_name_end_character():
    assert all(NAME_END_RE.fullmatch(suffix[-1]) for suffix in SUBJECT_SUFFIXES)


def test_metrics_blocked_spans_still_apply_after_the_first_candidate():
    text = "启动“3个片区”改造，共涉及120个项目，详见http://example.cn/?q=项目5个。"
    assert surfaces(text) == ["120个"]


@pytest.mark.parametrize(
    "text, surface, label",
    [
        ("核心城市的人口比重依次为41.5%、32.1%和26.4%。", "32.1%", "人口比重"),
        ("两市的GDP均超过3万亿元。", "超过3万亿元", "GDP"),
        ("今年减少用水200万吨等。", "200万吨", "减少用水"),
        ("新开门店同比增长30%据监测，门店总数增加。", "30%", "新开门店同比增长"),
        ("园区开业当月达成“98%出租率、70%首进品牌”。", "70%", "首进品牌"),
        ("湛北新区的面积最大，达到2400平方公里。", "2400平方公里", "面积"),
        ("下半年仍有6个项目可望开工。", "6个", "项目"),
        ("今年有12个项目有望竣工投产。", "12个", "项目"),
        ("全年共有15个项目计划开工。", "15个", "项目"),
        ("园区意向签约160亿元。", "160亿元", "园区意向签约"),
    ],
)
def test_metrics_labels_skip_clause_fragments_and_function_words(text, surface, label):
    assert {m.surface: m.label for m in metrics_in_paragraph(text, 0)}[surface] == label


def test_metrics_a_change_verb_is_no_label():
    labels = [m.label for m in metrics_in_paragraph("两地的差距从去年的500亿元升至800亿元。", 0)]
    assert len(labels) == 2 and not any(label and "升至" in label for label in labels)


def test_metrics_a_bare_amount_after_its_measure_and_a_comparison_counts_people():
    metrics = found("从人口上看，海港都市圈的人口最多，达到3257.56万，其次是滨江都市圈（3247.99万）。")
    assert [(m.surface, m.dimension, m.value_normalized) for m in metrics] == [
        ("3257.56万", "population", 32575600), ("3247.99万", "population", 32479900)]
    assert [m.dimension for m in found("全区投资达到12万。")] == ["money"]


def test_metrics_cities_counted_by_cheng_and_a_level_compared_with_is_no_qualifier():
    metrics = found("住建部推广19城的经验。零售业态低于24城水平，餐饮超过30家企业。")
    assert [(m.surface, m.unit_normalized, m.qualifier, m.label) for m in metrics] == [
        ("19城", "城", "exact", "城市"), ("24城", "城", "exact", "城市"), ("超过30家", "家", "more_than", "企业")]


def test_metrics_a_ratio_before_its_key():
    [m] = found("该厂区重建为产业广场，凭借4.2的高容积率破解了空间难题。")
    assert (m.surface, m.dimension, m.value_normalized, m.label) == ("4.2", "ratio", 4.2, "容积率")


def test_metrics_a_ratio_named_by_what_it_divides():
    assert [(m.surface, m.dimension, m.label) for m in found("园区职住比1.35，呈上行趋势。")] == [("1.35", "ratio", "园区职住比")]
    assert [m.dimension for m in found("销售额同比1.5倍，占比12.5%。")] == ["ratio", "percent"]


def test_metrics_an_amount_after_the_acronym_it_measures_and_the_previous_one_is_no_count():
    assert [(m.surface, m.label) for m in found("前三季度某省实现GDP5285亿元。")] == [("5285亿元", "GDP")]
    assert [m.surface for m in found("G6科创走廊上一个新开项目是某某广场。")] == []


def test_metrics_a_quoted_target_is_a_figure_a_quoted_slogan_is_not():
    assert [(m.surface, m.qualifier) for m in found("该省重申“工业用地比例不低于30%”，并划定控制线。")] == [("不低于30%", "at_least")]
    assert found("实施“3个100”重点工程。") == []


def test_metrics_a_count_of_things_of_a_size():
    assert [(m.surface, m.label) for m in found("规划建设3个100亩的产业园区。")] == [("3个", "产业园区"), ("100亩", "产业园区")]
