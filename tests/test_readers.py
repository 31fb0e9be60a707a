"""From files to articles: the five seeds, every format and encoding, and the bad inputs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from urbandb.loaders.errors import MalformedArticle, UnreadableFile, UnsupportedFormat
from urbandb.loaders.read import read_articles, read_source
from urbandb.loaders.readers.markdown import markdown_line
from urbandb.loaders.readers.text import text_blocks

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"


def read(path: Path):
    return read_articles(str(path), path.read_bytes())


def seed(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*")
    (article,) = read(path)
    return article


def kinds_of(article, kind: str) -> list[str]:
    return [p.text for p in article.paragraphs if p.kind == kind]


def paragraph_starting(article, start: str):
    return next(p for p in article.paragraphs if p.text.startswith(start))


# --- the seeds ------------------------------------------------------------

SEED_METADATA = [
    # prefix, format, title, subtitle, authors, publication, published_date, url
    ("000", "text", None, None, [], None, None, None),
    ("001", "markdown", "北京市昌平区以城市更新彰显城市品牌魅力", "从“心”开始 向“新”而行", ["巩静"], "中国城市报", None, None),
    ("002", "text", "补齐回天短板 提供人才公寓等2300余套", None, [], None, None, None),
    (
        "003",
        "markdown",
        "聚焦高质量发展的坪山实干⑤ | 高品质空间赋能高质量发展 未来之城样板地可期",
        None,
        [],
        "南方Plus",
        "2022-02-15",
        "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202152277399717",
    ),
    ("004", "text", "腾挪方寸地 激活新产业", "自然资源部推广19城新产业新业态发展经验", ["张永超"], "中国城市报", None, None),
]


@pytest.mark.parametrize("prefix, fmt, title, subtitle, authors, publication, published, url", SEED_METADATA)
def test_readers_seed_metadata(prefix, fmt, title, subtitle, authors, publication, published, url):
    article = seed(prefix)
    assert (article.format, article.encoding) == (fmt, "utf-8")
    assert article.title == title
    assert article.subtitle == subtitle
    assert article.authors == authors
    assert article.publication == publication
    assert article.published_date == published
    assert article.url == url


def test_readers_seed_000_plain_text_headings_and_no_title():
    article = seed("000")
    assert kinds_of(article, "title") == []
    assert kinds_of(article, "heading")[:2] == ["“焕发”活力", "打造科研集群与创新高地"]
    assert kinds_of(article, "heading") == [
        "“焕发”活力", "打造科研集群与创新高地", "蝶变升级", "奠定产业发展坚实基础", "规划引领", "组团式推进全域产业发展格局",
    ]  # fmt: skip
    assert paragraph_starting(article, "如今，随着").section == "打造科研集群与创新高地"
    assert article.paragraphs[0].kind == "body" and article.paragraphs[0].section is None
    assert all(not p.text.startswith("\u3000") for p in article.paragraphs)


def test_readers_seed_001_markdown_structure():
    article = seed("001")
    assert [(p.kind, p.text) for p in article.paragraphs[:3]] == [
        ("title", "北京市昌平区以城市更新彰显城市品牌魅力"),
        ("subtitle", "从“心”开始 向“新”而行"),
        ("byline", "■中国城市报记者 巩静"),
    ]
    assert kinds_of(article, "heading") == [
        "首创“昌盛模式” 以“环境提升”促“长效治理”",
        "活化工业遗存 以“科创赋能”助“存量更新”",
        "深耕精准微更新 以“小切口”惠及“大民生”",
    ]
    joined = paragraph_starting(article, "近年来，昌平区将老旧小")
    assert joined.text.startswith("近年来，昌平区将老旧小区改造作为城市更新的")
    assert joined.kind == "body" and joined.section == "首创“昌盛模式” 以“环境提升”促“长效治理”"
    assert "前沿交叉创新研究院已落地星煜空天等11个成果转化项目" in paragraph_starting(article, "作为区校共建重点项目").text
    assert kinds_of(article, "caption") == ["北京市昌平区昌盛小街年货大集热闹红火。", "昌平区区委宣传部供图"]


def test_readers_seed_002_column_title_join_and_infobox():
    article = seed("002")
    assert [(p.kind, p.text) for p in article.paragraphs[:2]] == [
        ("heading", "逐梦"),
        ("title", "补齐回天短板 提供人才公寓等2300余套"),
    ]
    joined = paragraph_starting(article, "2018年8月")
    assert "多个方面都取得阶段性成效。在织补城市功能方面" in joined.text
    assert not any(p.text.startswith("成效。") for p in article.paragraphs)
    infobox = kinds_of(article, "infobox")
    assert infobox[0] == "昌平“两区”建设情况"
    assert infobox[-1] == "小微绿地 40处"
    assert {"成绩单", "计划表", "森林覆盖率 48.25%", "2021年全年新增市场主体15000家以上"} <= set(infobox)
    start = next(p.seq for p in article.paragraphs if p.text == "昌平“两区”建设情况")
    assert all(p.kind == "infobox" for p in article.paragraphs[start:])
    assert article.paragraphs[start - 1].kind == "body"


def test_readers_seed_003_front_matter_and_html_paragraphs():
    article = seed("003")
    assert kinds_of(article, "title") == []  # the title is in the front matter only
    assert paragraph_starting(article, "新春伊始").kind == "body"
    assert article.paragraphs[0].text == "开栏语"
    assert kinds_of(article, "boilerplate") == [
        "（文章来源：南方Plus）",
        "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202202152277399717",
        "返回南方Plus新闻｜返回首页",
    ]
    assert not any("<p" in p.text or "](" in p.text for p in article.paragraphs)
    assert article.paragraphs[-4].text.startswith("从坪山当前的部署来看")


def test_readers_seed_004_joins_and_appended_notice():
    article = seed("004")
    assert [(p.kind, p.text) for p in article.paragraphs[:3]] == [
        ("title", "腾挪方寸地 激活新产业"),
        ("subtitle", "自然资源部推广19城新产业新业态发展经验"),
        ("byline", "■中国城市报记者 张永超"),
    ]
    assert paragraph_starting(article, "这些案例覆盖了").text.startswith("这些案例覆盖了优化规划调整及用途转换规则")
    assert "为全市土地功能融合提供政策指引。" in paragraph_starting(article, "它又是").text
    assert "为各地破解发展难题、激发城乡空间活力" in paragraph_starting(article, "值得关注的是").text
    notice = next(p.seq for p in article.paragraphs if p.text == "领取记者证公示")
    assert article.paragraphs[notice - 1].kind == "body"
    assert article.paragraphs[notice - 1].text == "这不是终点，而是起点。土地的故事，还在继续。"
    tail = article.paragraphs[notice:]
    assert [p.kind for p in tail] == ["boilerplate"] * 6
    assert tail[-1].text == "2026年3月2日"
    assert "产城融合： 空间跟着产业走 生活围着人才转" in kinds_of(article, "heading")
    assert {"记者手记：", "盘活存量 做优增量"} <= set(kinds_of(article, "heading"))


def all_articles():
    paths = sorted(SEEDS.iterdir()) + [
        FIXTURES / name
        for name in (
            "page_gbk.html", "hexo_post.md", "article.json", "articles.jsonl",
            "gb18030.txt", "utf16_bom.txt", "utf8_bom_crlf.txt",
        )
    ]  # fmt: skip
    return [(path.name, article) for path in paths for article in read(path)]


@pytest.mark.parametrize("name, article", all_articles(), ids=lambda v: v if isinstance(v, str) else "")
def test_readers_paragraph_offsets_point_into_article_text(name, article):
    text = article.text
    assert [p.seq for p in article.paragraphs] == list(range(len(article.paragraphs)))
    for paragraph in article.paragraphs:
        assert text[paragraph.char_start : paragraph.char_end] == paragraph.text
        assert paragraph.text == paragraph.text.strip() and paragraph.text
        assert paragraph.kind in {"title", "subtitle", "heading", "byline", "body", "caption", "infobox", "boilerplate"}


# --- formats and encodings --------------------------------------------------

ENCODED = [
    ("gb18030.txt", "gb18030", "深圳市光明区发布《旧工业区连片改造实施方案》，王𫖯介绍，首批改造用地约156公顷。"),
    ("utf16_bom.txt", "utf-16", "昔日的低效村级工业园，经过统一规划与深度改造，已焕新为年营收超900亿元的国际设计产业高地。"),
    ("utf8_bom_crlf.txt", "utf-8-sig", "一块超30万平方米的土地由国资平台回购后，成功引入商业火箭总部。"),
]


@pytest.mark.parametrize("name, encoding, paragraph", ENCODED)
def test_readers_encodings(name, encoding, paragraph):
    (article,) = read(FIXTURES / name)
    assert article.encoding == encoding
    assert paragraph in [p.text for p in article.paragraphs]
    assert "\r" not in article.text and "\ufeff" not in article.text


def test_readers_utf16_big_endian_text():
    data = "广州白云区村级工业园改造\n\n昔日的低效村级工业园已焕新为国际设计产业高地。\n".encode("utf-16-be")
    (article,) = read_articles("be.txt", b"\xfe\xff" + data)
    assert article.encoding == "utf-16"
    assert [p.kind for p in article.paragraphs] == ["title", "body"]


def test_readers_whole_html_page_in_gbk():
    (article,) = read(FIXTURES / "page_gbk.html")
    assert (article.format, article.encoding) == ("html", "gb18030")
    assert article.title == "深圳光明区旧工业区连片改造启动"
    assert article.published_date == "2024-03-15"
    assert article.url == "https://www.example-news.cn/2024/0315/article_88231.html"
    assert article.authors == ["李明"]
    assert article.publication == "南方都市网"
    assert [(p.kind, p.text) for p in article.paragraphs[:2]] == [
        ("title", "深圳光明区旧工业区连片改造启动"),
        ("byline", "本报记者 李明"),
    ]
    assert kinds_of(article, "heading") == ["腾挪产业空间"]
    assert kinds_of(article, "caption") == ["光明区凤凰城片区旧工业区俯瞰。"]
    assert kinds_of(article, "boilerplate") == ["责任编辑：王芳"]
    for chrome in ("首页", "热点新闻", "版权所有", "_hmt", "font-family", "分享到", "广州黄埔区"):
        assert chrome not in article.text
    assert len(kinds_of(article, "body")) == 4


def test_readers_html_info_line_above_the_body_dates_and_sources_the_article():
    page = (
        '<html><head><meta charset="utf-8"><title>滨海新区城市更新项目集中开工_滨海新区人民政府</title></head><body>'
        '<div class="nav">当前位置：<a href="/">首页</a> &gt; 部门动态</div><div class="article">'
        "<h1>滨海新区城市更新项目集中开工</h1>"
        '<div class="info">发布时间：2024-03-05 09:30 来源：滨海新区住房和建设局 浏览次数：1024 字号：[大 中 小]</div>'
        '<div class="TRS_Editor"><p>3月4日，滨海新区第一批城市更新项目集中开工，共涉及项目12个，总投资约86亿元。</p>'
        "<p>滨海新区住房和建设局相关负责人表示，今年全区计划实施城市更新项目30个以上。</p></div>"
        '<div class="tools">【打印本页】【关闭窗口】</div></div>'
        '<div class="footer">主办：滨海新区人民政府办公室 津ICP备05004580号-1</div></body></html>'
    )
    (article,) = read_articles("page.html", page.encode("utf-8"))
    assert (article.title, article.published_date, article.publication) == (
        "滨海新区城市更新项目集中开工", "2024-03-05", "滨海新区住房和建设局")
    assert [p.kind for p in article.paragraphs][:4] == ["title", "boilerplate", "body", "body"]
    assert all(p.kind == "boilerplate" for p in article.paragraphs[4:])  # 【打印本页】 if the page's box holds it
    assert "ICP" not in article.text


def test_readers_html_page_with_http_equiv_charset_and_br_lines():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>杭州滨江冠山数智产业园供地提速 - 钱江晚报</title></head><body>"
        '<div id="nav"><a href="/">首页</a></div>'
        '<div class="text">杭州高新区（滨江）推出“规划弹性适配+供应模式革新”的组合拳。<br>'
        "企业可以根据产业发展的节拍快速落地，审批时间缩短至4个月。<br></div>"
        "</body></html>"
    ).encode("gbk")
    (article,) = read_articles("page.htm", page)
    assert article.encoding == "gb18030"
    assert article.title == "杭州滨江冠山数智产业园供地提速"
    assert kinds_of(article, "body") == [
        "杭州高新区（滨江）推出“规划弹性适配+供应模式革新”的组合拳。",
        "企业可以根据产业发展的节拍快速落地，审批时间缩短至4个月。",
    ]
    assert kinds_of(article, "title") == []  # no <h1> on the page: the title is metadata only


def test_readers_whole_html_page_in_a_txt_file_is_read_as_html():
    (article,) = read_articles("saved.txt", (FIXTURES / "page_gbk.html").read_bytes())
    assert article.format == "html" and article.title == "深圳光明区旧工业区连片改造启动"


def test_readers_hexo_post():
    (article,) = read(FIXTURES / "hexo_post.md")
    assert article.format == "markdown"
    assert article.title == "杭州钱塘区临江产业邻里中心交付使用"
    assert article.published_date == "2025-04-18"
    assert article.authors == ["陈晓", "周宁"]
    assert article.publication == "钱江晚报"
    assert article.url is None
    assert [p.kind for p in article.paragraphs] == ["body", "heading", "body", "body", "boilerplate"]
    assert "more" not in article.text and "images" not in article.text


def test_readers_json_object_with_html_body():
    (article,) = read(FIXTURES / "article.json")
    assert (article.format, article.source_item) == ("json", 0)
    assert article.title == "上海闵行区盘活低效用地 引入商业航天项目"
    assert article.published_date == "2025-03-02"
    assert article.url == "https://www.example.cn/shanghai/2025/0302/5567.html"
    assert article.authors == ["王楠", "郑新钰"]
    assert article.publication == "中国城市报"
    assert [p.kind for p in article.paragraphs] == ["body", "body", "heading", "body"]
    assert "<p>" not in article.text


def test_readers_json_lines_one_article_per_line():
    articles = read(FIXTURES / "articles.jsonl")
    assert [a.source_item for a in articles] == [0, 2, 3]  # 0-based line index; the blank line 1 is skipped
    assert [a.title for a in articles] == ["成都东部新区推动体育用地复合利用", "湘潭整合闲置商业用地73亩", "北京经开区老旧厂房变身火箭大街"]
    assert [a.published_date for a in articles] == ["2025-01-10", "2025-02-20", "2025-03-05"]
    assert [a.authors for a in articles] == [[], ["李彤彤"], []]
    assert articles[0].publication == "四川日报" and articles[0].url == "https://www.example.cn/cd/1001.html"
    assert len(articles[0].paragraphs) == 2
    assert {a.format for a in articles} == {"json"}


def test_readers_json_list_of_objects():
    data = json.dumps([{"title": "甲", "text": "第一篇正文。"}, {"title": "乙", "body": "第二篇正文。"}], ensure_ascii=False)
    articles = read_articles("feed.json", data.encode("utf-8"))
    assert [(a.title, a.source_item, a.text) for a in articles] == [("甲", 0, "第一篇正文。"), ("乙", 1, "第二篇正文。")]


def test_readers_json_records_inside_a_crawlers_envelope_with_its_own_field_names():
    feed = {"code": 0, "msg": "ok", "data": {"total": 2, "list": [
        {"newsTitle": "甲", "publishTime": 1701590400000, "sourceName": "滨海日报", "newsContent": "<p>第一篇正文。</p>"},
        {"NEWS_TITLE": "乙", "pub-time": "1701763200", "Content": "第二篇正文。"},
        {"title": "丙", "ctime": "2023-12-06 10:00:00", "detail": "第三篇正文。"},
    ]}}
    articles = read_articles("feed.json", json.dumps(feed, ensure_ascii=False).encode("utf-8"))
    assert [(a.title, a.published_date, a.text) for a in articles] == [
        ("甲", "2023-12-03", "第一篇正文。"), ("乙", "2023-12-05", "第二篇正文。"), ("丙", "2023-12-06", "第三篇正文。")]
    assert articles[0].publication == "滨海日报"
    # A number that is no time of this century is no date.
    (odd,) = read_articles("one.json", json.dumps({"title": "丁", "time": 42, "text": "正文。"}).encode("utf-8"))
    assert odd.published_date is None


# --- bad inputs -------------------------------------------------------------

BAD_INPUTS = [
    ("binary.txt", UnreadableFile, "binary"),
    ("empty.txt", UnreadableFile, "empty"),
    ("whitespace.txt", UnreadableFile, "empty"),
    ("truncated.html", MalformedArticle, "truncated HTML"),
    ("bad_front_matter.md", MalformedArticle, "invalid front matter YAML"),
    ("no_body.json", MalformedArticle, "no article body"),
]


def test_readers_json_lines_keep_the_records_around_a_broken_line():
    reading = read_source("bad_line.jsonl", (FIXTURES / "bad_line.jsonl").read_bytes())
    assert [(a.source_item, a.title) for a in reading.articles] == [(0, "第一篇"), (2, "第三篇")]
    assert [(r.item, str(r.problem)) for r in reading.rejected] == [
        (1, "invalid JSON on line 2: Expecting ',' delimiter (column 38)")
    ]


@pytest.mark.parametrize("name, error, message", BAD_INPUTS)
def test_readers_bad_input_fails_with_a_named_error(name, error, message):
    with pytest.raises(error, match=message):
        read(FIXTURES / name)


@pytest.mark.parametrize(
    "path, data, error, message",
    [
        ("report.pdf", b"%PDF-1.4", UnsupportedFormat, "unsupported file type '.pdf'"),
        ("README", b"text", UnsupportedFormat, "no extension"),
        ("nav.html", "<html><body><nav><a href='/'>首页</a></nav></body></html>".encode(), MalformedArticle, "no article text"),
        ("list.json", b"[1, 2]", MalformedArticle, "item 0: expected a JSON object"),
        ("broken.json", b'{"title": ', MalformedArticle, "invalid JSON"),
        ("open.md", "---\ntitle: 标题\n正文。\n".encode(), MalformedArticle, "never closed"),
        ("list.md", "---\n- 甲\n- 乙\n---\n正文。\n".encode(), MalformedArticle, "not a mapping"),
        ("blank.jsonl", b"\n\n", UnreadableFile, "empty"),
        ("deep.json", b"[" * 100_000, MalformedArticle, "nested too deeply"),
        ("deep.md", b"---\na: " + b"[" * 100_000 + b"\n---\n", MalformedArticle, "nested too deeply|invalid front matter"),
    ],
)
def test_readers_bad_input_inline(path, data, error, message):
    with pytest.raises(error, match=message):
        read_articles(path, data)


# --- HTML layouts: where the article body is -----------------------------------

PARAGRAPHS = [
    "昌平区近年来围绕“两城一区多点”布局聚焦先导产业，高效盘活存量土地资源。",
    "南口是北京市传统工业重镇，曾聚集了鹿牌保温瓶厂、北京平板玻璃厂等一批知名工业企业。",
    "按照新版规划，南口是全市重点发展的8个新市镇之一。",
]
NAV = '<div class="nav"><a href="/">首页</a> <a href="/news">城市更新政策解读专栏</a></div>'
FOOT = '<div class="footer"><p><a href="/1">相关新闻：广州黄埔区发布产业用地新政，工业用地弹性年期出让</a></p></div>'
HTML_LAYOUTS = {
    "p-in-div": "<div class='content'>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>",
    "div-paragraphs": "<div class='article'>" + "".join(f"<div>{p}</div>" for p in PARAGRAPHS) + "</div>",
    "wrapped-p": "<div id='c'>" + "".join(f"<div class='p'><p>{p}</p></div>" for p in PARAGRAPHS) + "</div>",
    "br-in-td": "<table><tr><td>" + "<br><br>".join(f"　　{p}" for p in PARAGRAPHS) + "</td></tr></table>",
}


@pytest.mark.parametrize("layout", HTML_LAYOUTS)
def test_readers_html_finds_the_body_in_common_layouts(layout):
    page = f"<html><head><title>标题</title></head><body>{NAV}{HTML_LAYOUTS[layout]}{FOOT}</body></html>"
    (article,) = read_articles("page.html", page.encode("utf-8"))
    assert [(p.kind, p.text) for p in article.paragraphs] == [("body", p) for p in PARAGRAPHS]


def test_readers_jekyll_post_with_html_paragraphs_in_a_txt_file():
    (article,) = read(FIXTURES / "jekyll_post.txt")
    assert article.format == "markdown"
    assert (article.title, article.published_date, article.publication) == (
        "深圳坪山：旧工业区连片改造释放产业空间",
        "2022-03-01",
        "深圳特区报",
    )
    assert article.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203012277391111"
    assert [p.kind for p in article.paragraphs] == [
        "heading", "body", "caption", "heading", "body", "boilerplate", "boilerplate", "boilerplate",
    ]  # fmt: skip
    assert "今年计划释放产业空间约200万平方米" in article.text  # joined across two <p>


def test_readers_info_line_under_the_headline():
    text = (
        "昌平区城市更新观察：老厂房变身科创空间\n"
        "2024-03-15 10:20  来源：北京日报  作者：张三\n"
        "　　3月14日，昌平区召开城市更新工作大会，首批纳入改造范围的旧工业区共12个。\n"
    )
    (article,) = read_articles("a.txt", text.encode("utf-8"))
    assert [p.kind for p in article.paragraphs] == ["title", "boilerplate", "body"]
    assert (article.published_date, article.publication, article.authors) == ("2024-03-15", "北京日报", ["张三"])


def test_readers_json_plain_body_with_inline_markup_and_author_objects():
    item = {
        "title": "标题",
        "content": "<strong>昌平区</strong>腾退土地418.7公顷&nbsp;。\n\n完成量居全市首位。",
        "authors": [{"name": "巩静"}, {"name": "王迪"}],
    }
    (article,) = read_articles("a.json", json.dumps(item, ensure_ascii=False).encode("utf-8"))
    assert [p.text for p in article.paragraphs] == ["昌平区腾退土地418.7公顷 。", "完成量居全市首位。"]
    assert article.authors == ["巩静", "王迪"]


@pytest.mark.parametrize(
    "path, data",
    [
        ("only_front_matter.md", "---\ntitle: 标题\n---\n\n".encode()),
        ("images.html", b"<html><body><div><img src='a.jpg'></div></body></html>"),
    ],
)
def test_readers_no_article_text_is_malformed(path, data):
    with pytest.raises(MalformedArticle, match="no article text"):
        read_articles(path, data)


def test_readers_html_post_with_front_matter():
    data = "---\ntitle: 前置标题\ndate: 2024-05-01\n---\n<p>昌平区腾退土地418.7公顷，完成量居全市首位。</p>\n".encode()
    (article,) = read_articles("post.html", data)
    assert (article.format, article.title, article.published_date) == ("html", "前置标题", "2024-05-01")
    assert article.text == "昌平区腾退土地418.7公顷，完成量居全市首位。"


@pytest.mark.parametrize(
    "page",
    [
        '<html><head><title>新闻</title></head><body><div class="article"><p>昌平区',  # cut in the text
        "<html><body><p>昌平区腾退土地418.7公顷。</p><p class=",  # cut inside a tag
    ],
)
def test_readers_truncated_pages_are_malformed(page):
    with pytest.raises(MalformedArticle, match="truncated HTML"):
        read_articles("cut.html", page.encode())


def test_readers_page_without_closing_html_but_complete_body_is_read():
    page = "<html><body><p>昌平区腾退土地418.7公顷，完成量居全市首位。</p></body>"
    (article,) = read_articles("sloppy.html", page.encode())
    assert article.text == "昌平区腾退土地418.7公顷，完成量居全市首位。"


# --- reader units -------------------------------------------------------------


@pytest.mark.parametrize(
    "line, text, hint",
    [
        ("# 北京市昌平区以城市更新彰显城市品牌魅力", "北京市昌平区以城市更新彰显城市品牌魅力", "title"),
        ("### 首创“昌盛模式” ###", "首创“昌盛模式”", "heading"),
        ("**昌平区**&ldquo;两区&rdquo;建设情况", "昌平区“两区”建设情况", None),
        ("- 列表项一，含100亩。", "列表项一，含100亩。", None),
        ("> 引用段落。", "引用段落。", None),
        ("[返回南方Plus新闻](//finews.example.com/c.html)｜[返回首页](//finews.example.com/)", "返回南方Plus新闻｜返回首页", "links"),
        ("<http://finews.example.xyz/NewsShare.html?infoCode=NW1>", "http://finews.example.xyz/NewsShare.html?infoCode=NW1", None),
        ("详见[案例集](https://example.cn/a.html)第3页。", "详见案例集第3页。", None),
    ],
)
def test_readers_markdown_line(line, text, hint):
    block = markdown_line(line, 1)
    assert (block.text, block.hint) == (text, hint)


@pytest.mark.parametrize("line", ["---", "* * *", "![图](a.jpg)"])
def test_readers_markdown_rules_and_images_are_dropped(line):
    assert markdown_line(line, 1) is None


def test_readers_text_blocks_count_blank_lines():
    blocks = text_blocks("甲\n乙\n\n丙\n\n\n\n丁\n　　\n戊")
    assert [(b.text, b.blank_before) for b in blocks] == [("甲", 0), ("乙", 0), ("丙", 1), ("丁", 3), ("戊", 1)]


def test_readers_front_matter_after_blank_lines_with_an_email_style_date():
    post = "\n\n---\ntitle: '某市工业用地供应创新高'\nauthor: 某某财经\ndate: Mon, 08 Aug 2022 10:41:25 GMT\n---\n\n<div>\n<p>　　今年全市供应工业用地120公顷。</p>\n</div>\n"
    [article] = read_articles("crawl/post.md", post.encode("utf-8"))
    assert article.title == "某市工业用地供应创新高"
    assert article.published_date == "2022-08-08"
    assert [p.text for p in article.paragraphs if p.kind == "body"] == ["今年全市供应工业用地120公顷。"]
    assert not any("title:" in p.text for p in article.paragraphs)


def test_readers_cms_page_with_an_empty_title_takes_the_headline_and_date_above_the_body():
    page = (
        "<html><head><title></title></head><body><div id='main'><div class='logo'><img src='logo.png'></div>"
        "<div class='newst'>某县招商推介会在省城举行</div><div class='newsd'>发稿时间：2021/6/9 【 字体：大 中 小 】</div>"
        "<div class='newsc'><p>6月6日，某县招商推介会举行，签约项目12个，总投资45亿元。</p>"
        "<p>推介会由县人民政府主办，吸引了近两百名客商代表参加。</p></div></div></body></html>"
    )
    [article] = read_articles("site/news.html", page.encode("utf-8"))
    assert article.title == "某县招商推介会在省城举行"
    assert article.published_date == "2021-06-09"
    assert [p.kind for p in article.paragraphs][:2] == ["title", "boilerplate"]
    assert [p.text for p in article.paragraphs if p.kind == "body"][0].startswith("6月6日")
