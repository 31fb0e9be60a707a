"""Document structure: from the blocks a reader found to classified paragraphs and metadata.

Readers know markup (a Markdown `#`, an HTML `<h1>`) and pass it on as a
`Block.hint`; everything else is inferred from the text the way a reader of a
Chinese newspaper page would: a short line without sentence punctuation is a
heading, a line broken off mid-sentence continues after the page break, a run
of short numeric lines is a statistics box, a notice after the article's end
is not the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Callable
from urllib.parse import urlsplit

import rjieba

from urbandb.loaders.article import Paragraph, number_paragraphs

KINDS = ("title", "subtitle", "heading", "byline", "body", "caption", "infobox", "boilerplate")

# A block ending in one of these ends a sentence (closing quotes and brackets too:
# a quotation that closes ends its paragraph).
SENTENCE_END = "。！？!?…”」』）)】》\"'"
FULL_STOPS = "。！？!?…"
# Punctuation that only occurs inside running text, never in a headline.
CLAUSE_PUNCT = re.compile(r"[，,；;。！？]")  # not 、: headlines and box lines list things with it
SENTENCE_PUNCT = re.compile(r"[。！？!?；;]")
DIGIT = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万亿]+[个项家所处座条套亩]")
WORD_CHAR = re.compile(r"\w")
SPACES = re.compile(r"[ \t\u3000\xa0\u2002\u2003\u200b]+")

HEADING_MAX = 30  # longest line still read as a heading
TITLE_MAX = 45  # headlines of policy news run longer (关于印发《……》的通知)
QUESTION_HEADING_MAX = 20  # 城市更新为何要“绣花”？ is a heading; a longer question is a sentence
# 一、 （二） 3. 第四， : the numbering of a heading is not clause punctuation
ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．]\s*|第[一二三四五六七八九十]+[，,、])")
COLUMN_MAX = 6  # a column name above the headline (逐梦, 要闻) is a few characters
INFOBOX_MIN_RUN = 4
CAPTION_MAX = 80
JOIN_MAX_BLANKS = 2  # a wider gap is a deliberate break, not a page break

# ■中国城市报记者 巩静 / 本报记者 张三 李四 / ■文/图 中国城市报记者 王五 / （记者 赵六）
NAME = r"[\u4e00-\u9fff·]{2,5}"
NAME_SEPARATOR = r"(?:\s*(?:通讯员|实习生|记者)\s*|\s+|、|，|,)"
BYLINE = re.compile(
    r"^[（(]?[■●▲◆□★◇○◎\s]*"
    r"(?:(?P<credit>(?:文\s*[/／]\s*图|文图|图\s*[/／]\s*文|撰文|摄影|作者)\s*[：:/／]?|[文图]\s*[：:/／]|[文图]\s)\s*)?"
    r"(?:(?P<pub>本报|本刊|本台|本网|[^\s：:，。■●]{1,12}?(?:报|社|网|台|刊|志|新闻|客户端|Plus|\+))?"
    r"(?P<role>(?:特约|见习|首席|实习|驻\S{1,6})?(?:记者|通讯员))\s*[：:]?)?"
    rf"\s*(?P<names>{NAME}(?:{NAME_SEPARATOR}{NAME})*)"
    r"\s*[）)]?$"
)
NOT_NAMES = {"手记", "观察", "调查", "专访", "述评", "评论", "视点", "来信", "采访", "见闻"}
HOUSE_PUBLICATION = re.compile(r"^(本报|本刊|本台|本网|我报|本站)$")

SOURCE_LINE = re.compile(
    r"^[（(【\[]?\s*(?:文章|本文|新闻|信息|稿件|内容)?来源\s*[：:|｜]\s*(?P<pub>[^）)】\]]{1,30}?)\s*[）)】\]]?$"
)
DATE_LINE = re.compile(r"^[（(]?(?:发布|发表|更新|刊发)?(?:时间|日期)\s*[：:]\s*(?P<date>.{6,30}?)\s*[）)]?$")
RFC_2822_DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b")
ISO_DATE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
# A page's info line under the headline, and a bare date stamp.
PAGE_META = re.compile(r"(?:来源|作者|编辑|发布|发稿|浏览|阅读|点击|字号)(?:时间|日期)?\s*[：:]")
DATE_STAMP = re.compile(r"^[（(]?\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?[）)]?$")
SOURCE_AT_END = re.compile(r"[（(]\s*(?:文章|本文)?来源\s*[：:]\s*(?P<pub>[^）)]{2,30})[）)]$")  # ……。（文章来源：南方Plus）
SOURCE_IN_LINE = re.compile(r"来源\s*[：:]\s*(?P<pub>[^\s|｜）)]{2,20})")
AUTHOR_IN_LINE = re.compile(r"作者\s*[：:]\s*(?P<names>[\u4e00-\u9fff·]{2,4}(?:[、，\s][\u4e00-\u9fff·]{2,4})*)")
URL_ONLY = re.compile(r"^<?(?:https?:)?//[^\s<>]+>?$|^<?www\.[^\s<>]+>?$", re.IGNORECASE)

# Chrome of news pages: editors, navigation, sharing, copyright. Line-start patterns
# hold for any short line; the others only for lines too short to be a sentence of
# the article (a body sentence may well say 扫码 or 点击查看).
BOILERPLATE_LINE_START = [
    re.compile(
        r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|监制|主编|值班编辑|终审|初审|复审|排版|美编|制图|编审|校审)"
        r"\s*[：:|｜]"
    ),
    re.compile(r"^[（(]?(?:完|全文完|END)[）)]?$", re.IGNORECASE),
    re.compile(r"^(?:上一篇|下一篇|相关阅读|相关新闻|相关链接|推荐阅读|延伸阅读|热点推荐|更多精彩|原标题)\s*[：:]?"),
    re.compile(r"^【\s*(?:纠错|字号|字体|打印|关闭)|^(?:纠错|字号|字体)\s*[：:【]"),
    re.compile(r"^[（(【\[]?\s*(?:声明|特别声明|免责声明|本文转自|转载自|原文链接|原文地址|本文链接|文章链接)\s*[：:]"),
    re.compile(r"^(?:版权所有|copyright|©)", re.IGNORECASE),
]
BOILERPLATE_SHORT_LINE = [
    re.compile(r"返回(?:首页|顶部|列表|目录|上一页)|关闭窗口|打印本页|打印此文|分享到|一键分享|扫一扫|点击(?:查看|阅读|进入)"),
    re.compile(r"版权所有|copyright|©|转载请注明|未经(?:书面)?授权[，,]?(?:不得|禁止|严禁)|ICP备", re.IGNORECASE),
    re.compile(r"二维码|关注(?:我们|公众号)|微信公众号"),
]
SHORT_LINE = 40
# A site's advertisement: two of these in one short line (a policy's 红包 alone is news).
PROMOTION = re.compile(r"红包|中奖|礼包|抽奖|优惠券|京东卡|购物卡|免费领|扫码|下载(?:APP|客户端)|开户|>>$")
PROMO_LINE = 80
OWN_LINK_LINE = re.compile(r"^(?:原文链接|原文地址|本文链接|文章链接)\s*[：:]\s*<?(https?://[^\s<>]+)>?$")
# 本报讯（记者 张三） / 新华社北京3月5日电（记者 王五 李六）: the byline inside the first paragraph
DATELINE = re.compile(
    r"^(?P<pub>本报|本刊|本网|[^\s（(，。]{1,10}?(?:报|社|网|台|刊|新闻|客户端))[^\s（(，。]{0,12}?[讯电]"
    r"\s*[（(][^）)]{0,12}?(?:记者|通讯员)\s*"
    r"(?P<names>[\u4e00-\u9fff·]{2,4}(?:(?:\s+|、|，)[\u4e00-\u9fff·]{2,4})*)\s*[）)]"
)

# A notice printed after the article (公示, 声明, 启事 ...) is not part of it.
NOTICE_HEADING = re.compile(r"(?:公示|声明|启事|公告|告示|通告|更正|致歉|征订|招聘|征稿|订阅|广告)$")
SIGNATURE = re.compile(r"(?:公司|委员会|编辑部|报社|杂志社|社|办公室|中心|局|厅)$")
DATE_ONLY = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")

# Photo credits: 昌平区区委宣传部供图, 新华社记者 张三 摄, （图片来源：视觉中国）
CREDIT = re.compile(
    r"供图\s*[）)]?$"
    r"|(?:\s|记者|[（(/／])[\u4e00-\u9fff·]{2,4}\s*[/／]?\s*摄(?:影)?\s*[）)]?$"
    r"|^[（(]?\s*(?:摄影|图片来源|图源|图片|照片|图)\s*[：:/／]"
    r"|^[（(]?(?:资料图片?|图片由\S{2,20}提供)[）)]?$"
)
CAPTION_START = re.compile(r"^(?:图为|图片为|▲|△|上图|下图|左图|右图|图\d|图：)")


@dataclass(frozen=True)
class Block:
    """One line or markup block as a reader found it.

    `hint` carries what markup says (title, subtitle, heading, caption, links,
    boilerplate); `blank_before` counts blank lines before it in plain text.
    """

    text: str
    hint: str | None = None
    blank_before: int = 1


@dataclass
class Metadata:
    """What a file says about its article; what it does not say stays None."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    publication: str | None = None
    published_date: str | None = None
    url: str | None = None


# Names in one author field: split at list punctuation, and at spaces only
# between Chinese characters (张三 李四 is two people, John Smith is one).
AUTHOR_SEPARATOR = re.compile(r"\s*[、,，;；/／]\s*|(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def author_names(field_text: str) -> list[str]:
    """The people an author field names."""
    return [name.strip() for name in AUTHOR_SEPARATOR.split(field_text) if name.strip()]


@dataclass
class Structured:
    paragraphs: list[Paragraph]
    metadata: Metadata


# Does a word run across the boundary between two strings? (a page break cut it)
WordSplitTest = Callable[[str, str], bool]


def cuts_a_word(left: str, right: str) -> bool:
    """True when the segmenter reads a word across the end of `left` and start of `right`.

    老旧小 | 区改造 reads 小区 across the break: the line was cut mid-word, so it is
    a fragment, not a heading. Only a few characters either side are segmented.
    """
    left, right = left[-4:], right[:4]
    position = 0
    for token in rjieba.cut(left + right):
        if position < len(left) < position + len(token):
            return True
        position += len(token)
    return False


def structure(
    blocks: list[Block],
    declared: Metadata | None = None,
    cuts_word: WordSplitTest = cuts_a_word,
) -> Structured:
    """Classify and join blocks into numbered paragraphs; fill metadata the text states.

    `declared` is what the file's markup declares (front matter, HTML meta, JSON
    fields); it wins over what is inferred from the text. `cuts_word` tells a
    page-break fragment from a heading (pass a stub to test without a segmenter).
    """
    declared = declared or Metadata()
    # Lines without a letter, digit or character (----, ***, ■) are decoration, not text.
    blocks = join_page_breaks(
        [b for b in map(clean_block, blocks) if WORD_CHAR.search(b.text)], cuts_word, titled=bool(declared.title)
    )
    kinds = classify(blocks, declared)
    found = metadata_from_text(blocks, kinds)
    paragraphs = with_sections([Paragraph(seq=0, kind=k, text=b.text) for b, k in zip(blocks, kinds)])
    metadata = Metadata(
        title=declared.title or _first(blocks, kinds, "title"),
        subtitle=declared.subtitle or _first(blocks, kinds, "subtitle"),
        authors=declared.authors or found.authors,
        publication=declared.publication or found.publication,
        published_date=declared.published_date or found.published_date,
        url=declared.url or found.url,
    )
    return Structured(paragraphs=number_paragraphs(paragraphs), metadata=metadata)


# --- cleaning and joining -------------------------------------------------


def clean_block(block: Block) -> Block:
    text = SPACES.sub(" ", block.text).strip()
    return block if text == block.text else replace(block, text=text)  # (a block is frozen: most are clean already)


def join_page_breaks(blocks: list[Block], cuts_word: WordSplitTest = cuts_a_word, titled: bool = True) -> list[Block]:
    """Rejoin a paragraph that a page or column break cut in two. Where the
    file declares no title (`titled`), a short first line that does not end
    mid-clause is the headline (长三角某某产业园正式投产，年产值预估达20亿元),
    never the start of a cut paragraph."""
    joined: list[Block] = []
    for block in blocks:
        headline = not titled and len(joined) == 1 and len(joined[0].text) <= TITLE_MAX and joined[0].text[-1] not in "，,、"
        if joined and not headline and is_continuation(joined[-1], block, cuts_word):
            previous = joined[-1]
            joined[-1] = replace(previous, text=_glue(previous.text, block.text))
        else:
            joined.append(block)
    return joined


def is_continuation(previous: Block, block: Block, cuts_word: WordSplitTest = cuts_a_word) -> bool:
    """True when `block` carries on the sentence `previous` breaks off.

    The previous block must be cut mid-sentence and look like running text
    (long, or with clause punctuation inside: headlines have neither) or end
    in half a word; the next must be running text too, not a heading that
    happens to follow.
    """
    if previous.hint or block.hint or block.blank_before > JOIN_MAX_BLANKS:
        return False
    text = previous.text
    if text[-1] in SENTENCE_END or text[-1] in "：:；;":
        return False
    if special_kind(text) or special_kind(block.text):
        return False
    cut_mid_clause = text[-1] in "，,、"
    running_text = len(text) > TITLE_MAX or bool(CLAUSE_PUNCT.search(ENUMERATION.sub("", text)))
    if is_headline_like(block.text) and block.text[-1] not in FULL_STOPS:
        return False
    # Headline style (halves set apart by a space or a colon) is never a cut-off fragment,
    # even when its last character and the next line's first happen to read as a word.
    headline_style = " " in text or "：" in text
    return cut_mid_clause or running_text or (not headline_style and cuts_word(text, block.text))


def _glue(left: str, right: str) -> str:
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


# --- classification -------------------------------------------------------


def is_headline_like(text: str, longest: int = HEADING_MAX) -> bool:
    """Short, and no sentence punctuation: a title, heading or box line.

    A short question (为何要“绣花”？) is a heading too.
    """
    if len(text) > longest or text[-1] in "，,、":
        return False
    if text[-1] in "？?！!" and len(text) <= QUESTION_HEADING_MAX:
        text = text[:-1]
    return not SENTENCE_PUNCT.search(text)


def is_boilerplate(text: str) -> bool:
    if URL_ONLY.match(text) or SOURCE_LINE.match(text) or DATE_LINE.match(text) or DATE_STAMP.match(text):
        return True
    if len(text) <= 100 and ISO_DATE.search(text) and PAGE_META.search(text):
        return True  # 2024-03-15 10:20 来源：北京日报 作者：张三
    if len(text) <= 120 and any(p.search(text) for p in BOILERPLATE_LINE_START):
        return True
    if len(text) <= PROMO_LINE and len(set(PROMOTION.findall(text))) >= 2:
        return True  # 你的专属投资礼包！更有百元京东卡、188元现金红包等你拿，100%中奖>>
    chrome_sized = len(text) <= SHORT_LINE and "，" not in text  # chrome is not a sentence with clauses
    return chrome_sized and any(p.search(text) for p in BOILERPLATE_SHORT_LINE)


def is_credit(text: str) -> bool:
    return len(text) <= 40 and bool(CREDIT.search(text))


def parse_byline(text: str) -> tuple[str | None, list[str]] | None:
    """(publication, authors) of a byline line, or None if the line is not one."""
    if len(text) > 50:
        return None
    match = BYLINE.match(text)
    if not match or not (match.group("credit") or match.group("role")):
        return None
    names = [n for n in re.split(NAME_SEPARATOR, match.group("names")) if n]
    if not names or any(n in NOT_NAMES for n in names):
        return None
    publication = (match.group("pub") or "").strip() or None
    if publication and HOUSE_PUBLICATION.match(publication):
        publication = None
    return publication, names


@lru_cache(maxsize=4096)  # asked of each line by page-break joining and again by classification
def special_kind(text: str) -> str | None:
    """The kind a line has whatever surrounds it: boilerplate, byline or caption."""
    if is_credit(text):
        return "caption"
    if is_boilerplate(text):
        return "boilerplate"
    if parse_byline(text):
        return "byline"
    return None


def classify(blocks: list[Block], declared: Metadata) -> list[str]:
    """One kind per block; see KINDS."""
    kinds: list[str | None] = [None] * len(blocks)
    for i, block in enumerate(blocks):
        if block.hint == "links":
            kinds[i] = "boilerplate"
        elif block.hint in KINDS:
            kinds[i] = block.hint
        else:
            kinds[i] = special_kind(block.text)
    _mark_appended_notice(blocks, kinds)
    _mark_captions(blocks, kinds)
    _mark_head(blocks, kinds, declared)
    _mark_infoboxes(blocks, kinds)
    titles = [i for i, kind in enumerate(kinds) if kind == "title"]
    for i in titles[1:]:
        kinds[i] = "heading"  # a second <h1> or `#` further down heads a section
    for i, block in enumerate(blocks):
        if kinds[i] is None:
            last = i == len(blocks) - 1
            kinds[i] = "heading" if is_headline_like(block.text) and not last else "body"
    return kinds  # type: ignore[return-value]


def _mark_head(blocks: list[Block], kinds: list[str | None], declared: Metadata) -> None:
    """Title, subtitle and column name: the headline lines before the first body text."""
    head: list[int] = []
    for i, block in enumerate(blocks):
        if kinds[i] in ("byline", "boilerplate", "caption"):
            continue
        if kinds[i] in ("title", "subtitle", "heading") and block.hint:
            head.append(i)
            continue
        # (a comma only in the first: 某某产业园正式投产，年产值预估达20亿元 is a headline, a later line a sentence)
        if kinds[i] is None and is_headline_like(block.text, TITLE_MAX) and ("，" not in block.text or not head) and len(head) < 4:
            head.append(i)
            continue
        break
    if not head:
        return
    title_given = any(kinds[i] == "title" for i in head)
    if declared.title or title_given:
        # A title held in markup or metadata: only a line repeating it is the title
        # paragraph; a headline right after a marked title is its subtitle.
        for i in head:
            if kinds[i] is None and declared.title and _same(blocks[i].text, declared.title):
                kinds[i] = "title"
                title_given = True
        if title_given:
            after_title = [i for i in head if i > min(j for j in head if kinds[j] == "title")]
            if after_title and kinds[after_title[0]] in (None, "heading") and not any(
                kinds[j] == "subtitle" for j in head
            ):
                kinds[after_title[0]] = "subtitle"
        return
    unmarked = [i for i in head if kinds[i] is None]
    if not unmarked or unmarked != head:
        return
    if len(unmarked) >= 2 and len(blocks[unmarked[0]].text) <= COLUMN_MAX < len(blocks[unmarked[1]].text):
        kinds[unmarked[0]] = "heading"  # a column name, like 逐梦, above the headline
        unmarked = unmarked[1:]
    kinds[unmarked[0]] = "title"
    if len(unmarked) > 1:
        kinds[unmarked[1]] = "subtitle"


def _mark_captions(blocks: list[Block], kinds: list[str | None]) -> None:
    """The line a photo credit follows is the photo's caption; so is a line set apart."""
    typical_gap = sorted(b.blank_before for b in blocks)[len(blocks) // 2] if blocks else 1
    for i, block in enumerate(blocks):
        if kinds[i] == "caption" and is_credit(block.text) and i > 0 and kinds[i - 1] is None:
            previous = blocks[i - 1].text
            if len(previous) <= CAPTION_MAX and not SENTENCE_PUNCT.search(previous[:-1]):
                kinds[i - 1] = "caption"
        elif kinds[i] is None and CAPTION_START.match(block.text) and len(block.text) <= CAPTION_MAX:
            kinds[i] = "caption"
        elif (
            kinds[i] is None
            and 0 < i < len(blocks) - 1
            and typical_gap < 2
            and block.blank_before >= 2
            and blocks[i + 1].blank_before >= 2
            and is_headline_like(block.text)
            and kinds[i - 1] is None
            and not is_headline_like(blocks[i - 1].text)
        ):
            kinds[i] = "caption"  # a lone line set apart between body paragraphs: a photo caption


def _mark_infoboxes(blocks: list[Block], kinds: list[str | None]) -> None:
    """A run of short, mostly numeric lines after body text is a statistics box."""
    seen_body = False
    i = 0
    while i < len(blocks):
        if kinds[i] is None and not is_headline_like(blocks[i].text):
            seen_body = True
        if not (seen_body and kinds[i] is None and _is_box_line(blocks[i].text)):
            i += 1
            continue
        end = i
        while end < len(blocks) and kinds[end] is None and _is_box_line(blocks[end].text):
            end += 1
        run = range(i, end)
        numeric = sum(1 for j in run if DIGIT.search(blocks[j].text))
        if len(run) >= INFOBOX_MIN_RUN and numeric * 2 >= len(run):
            for j in run:
                kinds[j] = "infobox"
        i = end


def _is_box_line(text: str) -> bool:
    return is_headline_like(text) and "，" not in text and text[-1] not in "？?！!"


def _mark_appended_notice(blocks: list[Block], kinds: list[str | None]) -> None:
    """From a notice heading (……公示, 声明, 启事) in the second half of the article to the end.

    Without such a heading, a signature and date closing the file (《中国城市报》社有限公司 /
    2026年3月2日) are the sign-off of something other than the article: those two lines only.
    """
    body_seen_at = None
    start = None
    for i, block in enumerate(blocks):
        if kinds[i] is None and not is_headline_like(block.text):
            body_seen_at = body_seen_at if body_seen_at is not None else i
        if (
            body_seen_at is not None
            and kinds[i] is None
            and i >= len(blocks) // 2
            and is_headline_like(block.text)
            and NOTICE_HEADING.search(block.text)
            and i < len(blocks) - 1
        ):
            start = i
            break
    if start is None and len(blocks) >= 4:
        last, before = blocks[-1].text, blocks[-2].text
        if DATE_ONLY.match(last) and len(before) <= HEADING_MAX and SIGNATURE.search(before):
            start = len(blocks) - 2  # only the sign-off: where its notice starts is a guess
    if start is not None:
        for j in range(start, len(blocks)):
            kinds[j] = "boilerplate"


def with_sections(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """`section` is the latest heading above each paragraph."""
    section = None
    for paragraph in paragraphs:
        paragraph.section = section
        if paragraph.kind == "heading":
            section = paragraph.text
    return paragraphs


# --- metadata from the text ----------------------------------------------


def metadata_from_text(blocks: list[Block], kinds: list[str]) -> Metadata:
    """Authors, publication, date and the article's own URL, from the lines that state them."""
    found = Metadata()
    first_body = next((i for i, kind in enumerate(kinds) if kind == "body"), len(kinds))
    for i, (block, kind) in enumerate(zip(blocks, kinds)):
        if kind == "byline":
            publication, names = parse_byline(block.text) or (None, [])
            _add_authors(found, names, publication)
        elif kind == "body":
            _read_body_line(found, block.text, first=i == first_body)
        elif kind == "boilerplate":
            _read_chrome_line(found, block.text, above_body=i < first_body)
    return found


def _add_authors(found: Metadata, names: list[str], publication: str | None) -> None:
    found.authors += [name for name in names if name not in found.authors]
    if publication and not HOUSE_PUBLICATION.match(publication):
        found.publication = found.publication or publication


def _read_body_line(found: Metadata, text: str, first: bool) -> None:
    """本报讯（记者 张三）opening the first paragraph; （文章来源：X） closing any."""
    dateline = DATELINE.match(text) if first and not found.authors else None
    if dateline:
        _add_authors(found, [n for n in re.split(r"\s+|、|，", dateline.group("names")) if n], dateline.group("pub"))
    source = SOURCE_AT_END.search(text)
    if source and not found.publication:
        found.publication = source.group("pub").strip()


def _read_chrome_line(found: Metadata, text: str, above_body: bool) -> None:
    """Source, author, date and URL lines around the article."""
    source = SOURCE_LINE.match(text) or SOURCE_IN_LINE.search(text)
    if source and not found.publication:
        found.publication = source.group("pub").strip()
    author = AUTHOR_IN_LINE.search(text)
    if author and not found.authors:
        found.authors = [n for n in re.split(r"[、，\s]", author.group("names")) if n]
    # A bare date stamp above the body dates the article; one below may date anything.
    dated = DATE_LINE.match(text) or (PAGE_META.search(text) and ISO_DATE.search(text))
    if not found.published_date and (dated or (above_body and DATE_STAMP.match(text))):
        found.published_date = iso_date(text)
    own_link = OWN_LINK_LINE.match(text)
    url = own_link.group(1) if own_link else text.strip("<>") if URL_ONLY.match(text) else None
    if url and not found.url and is_article_url(url):
        found.url = url


def is_article_url(url: str) -> bool:
    """A link to one article (a path with an id in it), not to a home or category page."""
    if url.startswith("//"):
        return False  # scheme-relative links are site navigation
    parts = urlsplit(url if "://" in url else "http://" + url)
    path = parts.path.strip("/")
    return bool(path) and bool(re.search(r"\d", path + parts.query))


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from a date, datetime or a string holding one; None if there is none."""
    if value is None:
        return None
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # type: ignore[attr-defined]
    match = ISO_DATE.search(str(value))
    if not match:
        return _email_date(str(value))
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _email_date(value: str) -> str | None:
    """YYYY-MM-DD from an RFC 2822 date (Mon, 08 Aug 2022 10:41:25 GMT), as feeds and crawlers write them."""
    if not RFC_2822_DATE.search(value):
        return None
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _first(blocks: list[Block], kinds: list[str], kind: str) -> str | None:
    return next((b.text for b, k in zip(blocks, kinds) if k == kind), None)


def _same(a: str, b: str) -> bool:
    return SPACES.sub("", a) == SPACES.sub("", b)
