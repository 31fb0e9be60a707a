"""Document structure from blocks: joins, kinds, sections and the metadata the text states."""
from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbandb.loaders.structure import (
    Block,
    Metadata,
    cuts_a_word,
    is_article_url,
    is_boilerplate,
    is_continuation,
    iso_date,
    parse_byline,
    structure,
)

BODY = "城市更新是城市发展的永恒课题，更是回应群众对美好生活向往的民生答卷。"
BODY2 = "昌平区城市更新坚持“以人为本、因地制宜、统筹协调”原则，把每一项工作都落到群众心坎上。"
LONG_CUT = "2018年8月，北京市发布回天公共服务和基础设施优化提升三年行动计划，重点破解难题。三年来，多个方面都取得阶段性"


def never_cuts(left: str, right: str) -> bool:
    return False


def lines(*texts: str, blank: int = 1) -> list[Block]:
    return [Block(text=t, blank_before=blank) for t in texts]


def kinds(blocks: list[Block], declared: Metadata | None = None) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in structure(blocks, declared).paragraphs]


@pytest.mark.parametrize(
    "previous, following, joined",
    [
        (LONG_CUT, "成效。在织补城市功能方面，项目全部开工。", True),  # long body cut without punctuation
        ("近年来，昌平区将老旧小", "区改造作为城市更新的“先手棋”。", True),  # clause punctuation inside
        ("这些案例覆盖了优化规", "划调整及用途转换规则等多个维度。", True),  # 规|划 is cut mid-word
        ("为各地破解发展难题、", "激发城乡空间活力提供更全面的参考。", True),  # ends mid-clause
        ("试点经验推动成都市出台《关于国有建设用地混合利用的指导意见》，为全市土地功能融合", "提供政策指引。", True),
        ("广州白云区村级工业园改造", "昔日的低效村级工业园已焕新为国际设计产业高地。", False),  # title, then a short sentence
        (BODY, BODY2, False),  # a sentence ended
        ("打造科研集群与创新高地", "如今，随着产业发展空间供地“加速度”，优质项目接连落地。", False),  # heading
        ("“焕发”活力", "打造科研集群与创新高地", False),  # two-line heading
        ("产城融合： 空间跟着产业走 生活围着人才转", "让土地学会“自我生长”，让空间持续孕育产业沃土。", False),
        ("28个国家级和北京市重点实验室、工程技术中心", "生态环境改善(截至2020年)", False),  # box lines
        (LONG_CUT, "■中国城市报记者 巩静", False),  # a byline never continues a sentence
        ("他说：", "“这是好事。”", False),
    ],
)
def test_structure_page_break_joins(previous, following, joined):
    assert is_continuation(Block(previous), Block(following)) is joined


def test_structure_no_join_across_markup_or_wide_gaps():
    assert not is_continuation(Block("近年来，昌平区将老旧小", hint="heading"), Block(BODY))
    assert not is_continuation(Block(LONG_CUT), Block("成效。在织补方面。", blank_before=3))


@pytest.mark.parametrize(
    "left, right, cut",
    [("近年来，昌平区将老旧小", "区改造作为", True), ("打造科研集群与创新高地", "如今，随着", False), ("逐梦", "补齐回天短板", False)],
)
def test_structure_cuts_a_word(left, right, cut):
    assert cuts_a_word(left, right) is cut


@pytest.mark.parametrize(
    "line, expected",
    [
        ("■中国城市报记者 巩静", ("中国城市报", ["巩静"])),
        ("本报记者 张三 李四", (None, ["张三", "李四"])),
        ("新华社记者 王五", ("新华社", ["王五"])),
        ("●本报记者 赵六、钱七", (None, ["赵六", "钱七"])),
        ("文/图 孙八", (None, ["孙八"])),
        ("（记者 周九）", (None, ["周九"])),
        ("本报记者 吴十 通讯员 郑一", (None, ["吴十", "郑一"])),
        ("作者：欧阳明", (None, ["欧阳明"])),
        ("■文/图 中国城市报记者 张三", ("中国城市报", ["张三"])),
        ("■中国城市报记者 张三 实习生 李四", ("中国城市报", ["张三", "李四"])),
        ("（中国城市报记者 张三）", ("中国城市报", ["张三"])),
        ("张三", None),
        ("文化中心", None),
        ("记者手记：", None),
        ("领取记者证公示", None),
        ("记者从昌平区获悉，项目已开工。", None),
        (BODY, None),
    ],
)
def test_structure_parse_byline(line, expected):
    assert parse_byline(line) == expected


def test_structure_headings_sections_and_no_title_for_plain_body_start():
    blocks = lines(BODY, "“焕发”活力", "打造科研集群与创新高地", BODY2, "规划引领", BODY, blank=0)
    paragraphs = structure(blocks).paragraphs
    assert [(p.kind, p.section) for p in paragraphs] == [
        ("body", None),
        ("heading", None),
        ("heading", "“焕发”活力"),
        ("body", "打造科研集群与创新高地"),
        ("heading", "打造科研集群与创新高地"),
        ("body", "规划引领"),
    ]


@pytest.mark.parametrize(
    "head, expected",
    [
        (["逐梦", "补齐回天短板 提供人才公寓等2300余套"], [("heading", "逐梦"), ("title", "补齐回天短板 提供人才公寓等2300余套")]),
        (["腾挪方寸地 激活新产业", "自然资源部推广19城新产业新业态发展经验"], [("title", "腾挪方寸地 激活新产业"), ("subtitle", "自然资源部推广19城新产业新业态发展经验")]),
        (["昌平区城市更新观察"], [("title", "昌平区城市更新观察")]),
        ([], []),
    ],
)
def test_structure_head_lines_become_column_title_subtitle(head, expected):
    result = structure(lines(*head, "■中国城市报记者 巩静", BODY, BODY2))
    assert [(p.kind, p.text) for p in result.paragraphs][: len(expected)] == expected
    title = next((t for k, t in expected if k == "title"), None)
    assert result.metadata.title == title
    assert result.metadata.authors == ["巩静"] and result.metadata.publication == "中国城市报"


def test_structure_markup_title_then_heading_is_subtitle():
    blocks = [Block("北京市昌平区以城市更新彰显城市品牌魅力", hint="title"), Block("从“心”开始 向“新”而行", hint="heading")]
    blocks += lines(BODY) + [Block("首创“昌盛模式”", hint="heading"), Block("另一个一级标题", hint="title")] + lines(BODY2)
    assert [k for k, _ in kinds(blocks)] == ["title", "subtitle", "body", "heading", "heading", "body"]


def test_structure_declared_title_is_metadata_not_a_paragraph():
    declared = Metadata(title="高品质空间赋能高质量发展", published_date="2022-02-15")
    result = structure(lines("开栏语", BODY, BODY2), declared)
    assert [p.kind for p in result.paragraphs] == ["heading", "body", "body"]
    assert result.metadata.title == "高品质空间赋能高质量发展"
    assert result.metadata.published_date == "2022-02-15"
    # ... unless the text repeats it: then that line is the title paragraph.
    result = structure(lines("高品质空间赋能高质量发展", BODY), declared)
    assert [p.kind for p in result.paragraphs] == ["title", "body"]


def test_structure_infobox_run_after_body():
    box = ["昌平“两区”建设情况", "梳理空间资源建筑面积2000余万平方米", "筛选确定重点项目99个", "成绩单", "完成项目20项", "森林覆盖率 48.25%"]
    result = kinds(lines(BODY, BODY2, *box))
    assert [k for k, _ in result] == ["body", "body"] + ["infobox"] * len(box)


def test_structure_short_runs_without_numbers_are_headings_not_infobox():
    result = kinds(lines(BODY, "蝶变升级", "奠定产业发展坚实基础", BODY2, "规划引领", "组团式推进全域产业发展格局", BODY))
    assert "infobox" not in [k for k, _ in result]


def test_structure_appended_notice_is_boilerplate():
    notice = [
        "领取记者证公示",
        "根据相关规定和要求，本社已对申领记者证人员的资格进行严格审核，现将名单进行公示。",
        "公示名单：杜英姿、常亮、郭文治。",
        "《中国城市报》社有限公司",
        "2026年3月2日",
    ]
    result = kinds(lines(BODY, BODY2, BODY, "这不是终点，而是起点。", *notice))
    assert [k for k, _ in result] == ["body"] * 4 + ["boilerplate"] * len(notice)


def test_structure_notice_word_early_in_the_article_is_a_heading():
    result = kinds(lines(BODY, "关于旧改项目的公示", BODY2, BODY, BODY2, BODY))
    assert result[1] == ("heading", "关于旧改项目的公示")


@pytest.mark.parametrize(
    "tail, expected",
    [
        (["北京市昌平区昌盛小街年货大集热闹红火。", "昌平区区委宣传部供图"], ["caption", "caption"]),
        (["图为改造后的京铁昌平小区。"], ["caption"]),
        (["新华社记者 张三 摄"], ["caption"]),
        (["（图片来源：视觉中国）"], ["caption"]),
        (["责任编辑：王芳"], ["boilerplate"]),
        (["来源：人民网"], ["boilerplate"]),
        (["返回首页"], ["boilerplate"]),
        (["https://www.example.cn/"], ["boilerplate"]),
        (["版权所有 © 中国城市报社"], ["boilerplate"]),
        (["（完）"], ["boilerplate"]),
        (["【打印】【关闭】"], ["boilerplate"]),
        (["打印机产业园一期已经投产，年产值超过10亿元。"], ["body"]),
    ],
)
def test_structure_captions_and_boilerplate_lines(tail, expected):
    result = kinds(lines(BODY, BODY2, *tail))
    assert [k for k, _ in result][2:] == expected


def test_structure_lone_line_set_apart_between_body_is_a_caption():
    blocks = lines(BODY, BODY2, BODY) + [Block("回天地区公共服务配套设施不断补齐", blank_before=3), Block(BODY, blank_before=3)]
    assert [k for k, _ in kinds(blocks)] == ["body", "body", "body", "caption", "body"]


def test_structure_source_date_and_article_url_from_text():
    result = structure(
        lines(
            BODY,
            "（文章来源：南方Plus）",
            "发布时间：2024年3月15日 09:30",
            "<http://finews.example.xyz/html_News/NewsShare.html?infoCode=NW2022021522>",
        )
        + [Block("返回南方Plus新闻｜返回首页", hint="links")]
    )
    assert [p.kind for p in result.paragraphs] == ["body"] + ["boilerplate"] * 4
    assert result.metadata.publication == "南方Plus"
    assert result.metadata.published_date == "2024-03-15"
    assert result.metadata.url == "http://finews.example.xyz/html_News/NewsShare.html?infoCode=NW2022021522"


def test_structure_declared_metadata_wins():
    declared = Metadata(authors=["李明"], publication="南方都市网", url="https://a.cn/1.html")
    result = structure(lines(BODY, "■中国城市报记者 巩静", "来源：人民网"), declared)
    assert (result.metadata.authors, result.metadata.publication, result.metadata.url) == (
        ["李明"],
        "南方都市网",
        "https://a.cn/1.html",
    )


def test_structure_nothing_invented():
    metadata = structure(lines(BODY, BODY2)).metadata
    assert metadata == Metadata()


def test_structure_segmenter_is_injectable():
    blocks = lines(BODY, "这些案例覆盖了优化规", "划调整及用途转换规则、支持土地兼容复合利用等多个维度。")
    assert len(structure(blocks).paragraphs) == 2
    assert len(structure(blocks, cuts_word=never_cuts).paragraphs) == 3


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2022-02-15 19:12:03 +0800", "2022-02-15"),
        ("2024年3月5日", "2024-03-05"),
        ("2025/1/9", "2025-01-09"),
        ("2024-03-15T09:30:00+08:00", "2024-03-15"),
        (datetime.date(2022, 2, 15), "2022-02-15"),
        (datetime.datetime(2022, 2, 15, 19, 12), "2022-02-15"),
        ("2024-13-40", None),
        ("昨天", None),
        (None, None),
    ],
)
def test_structure_iso_date(value, iso):
    assert iso_date(value) == iso


@pytest.mark.parametrize(
    "url, own",
    [
        ("http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202152277399717", True),
        ("https://www.example.cn/2024/0315/article_88231.html", True),
        ("https://www.example.cn/", False),
        ("https://www.example.cn/category/news.html", False),
        ("//finews.withounder.com/category/nanfangPlus.html", False),
    ],
)
def test_structure_is_article_url(url, own):
    assert is_article_url(url) is own


@pytest.mark.parametrize(
    "heading",
    ["一、加快推进城市更新", "（二）盘活存量工业用地", "3. 优化产业用地供应", "城市更新为何要“绣花功夫”？", "优功能、精治理"],
)
def test_structure_numbered_and_question_headings_are_not_joined(heading):
    assert kinds(lines(BODY, heading, BODY2))[1] == ("heading", heading)


def test_structure_long_policy_headline_is_the_title():
    title = "关于印发《北京市城市更新专项规划（北京市“十四五”时期城市更新规划）》的通知"
    assert kinds(lines(title, BODY, BODY2))[0] == ("title", title)


def test_structure_a_first_line_with_a_comma_is_the_headline_not_a_cut_paragraph():
    title = "滨海新区产业园正式投产，年产值预计达20亿元"
    assert kinds(lines(title, "近日，滨海新区产业园正式宣告投产，首批企业已经入驻。", BODY))[:2] == [
        ("title", title), ("body", "近日，滨海新区产业园正式宣告投产，首批企业已经入驻。")]
    # Further down, a short line with a comma is still the start of a paragraph a page break cut.
    assert len(kinds(lines(title, BODY, "园区规划面积5平方公里，一期", "已经全部建成投用。"))) == 3


@pytest.mark.parametrize(
    "first, authors, publication",
    [
        ("本报讯（记者 张三 李四）昌平区日前召开城市更新大会，部署全年工作。", ["张三", "李四"], None),
        ("新华社北京3月5日电（记者 王五）记者从自然资源部获悉，第一批案例集已经发布。", ["王五"], "新华社"),
        ("今天（3月5日）记者从昌平区获悉，城市更新项目已开工。", [], None),
    ],
)
def test_structure_dateline_byline_in_first_paragraph(first, authors, publication):
    metadata = structure(lines(first, BODY)).metadata
    assert (metadata.authors, metadata.publication) == (authors, publication)


@pytest.mark.parametrize("line", ["精心拍摄", "该数据由统计局提供。", "图书馆改造完成"])
def test_structure_not_photo_credits(line):
    assert kinds(lines(BODY, line, BODY2))[1][0] != "caption"


@pytest.mark.parametrize(
    "sentence",
    [
        "居民扫码即可预约停车位，点击查看剩余车位，十分便捷。",
        "任何单位未经授权擅自改变土地用途的，将依法收回土地使用权。",
        "2024年，昌平区编辑出版了《城市更新案例集》，发布了12个案例。",
    ],
)
def test_structure_body_sentences_with_chrome_words_stay_body(sentence):
    assert kinds(lines(BODY, sentence, BODY2))[1] == ("body", sentence)


def test_structure_decoration_lines_are_dropped():
    assert kinds(lines("----------", BODY, "* * *", "■", BODY2)) == [("body", BODY), ("body", BODY2)]


LINE_TEXT = st.text(alphabet="昌平区城市更新土地园区产业2024年12万平方米，。、：？“”■ 　abc", min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LINE_TEXT, st.integers(min_value=0, max_value=3)), max_size=25))
def test_structure_keeps_every_character_and_offsets(raw):
    blocks = [Block(text=text, blank_before=blanks) for text, blanks in raw]
    paragraphs = structure(blocks, cuts_word=never_cuts).paragraphs
    kept = [b.text for b in blocks if re.search(r"\w", b.text)]
    assert re.sub(r"\s", "", "".join(kept)) == re.sub(r"\s", "", "".join(p.text for p in paragraphs))
    text = "\n\n".join(p.text for p in paragraphs)
    assert all(text[p.char_start : p.char_end] == p.text for p in paragraphs)


def test_structure_source_at_the_end_of_the_last_paragraph():
    metadata = structure(lines(BODY, BODY2 + "（文章来源：证券时报网）")).metadata
    assert metadata.publication == "证券时报网"


@pytest.mark.parametrize(
    "line, boilerplate",
    [
        ("你的专属投资礼包！更有百元京东卡、188元现金红包等你拿，100%中奖>>", True),
        ("扫码下载APP，领取新人红包", True),
        ("全市发放消费红包2000万元，惠及市民12万人次。", False),  # news about 红包
    ],
)
def test_structure_an_advertisement_line_is_boilerplate(line, boilerplate):
    assert is_boilerplate(line) is boilerplate
