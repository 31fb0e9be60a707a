"""Metrics: every quantity an article states, normalized, qualified and labelled.

`extract_metrics(article)` runs over the paragraphs of an `Article` (boilerplate
skipped); `metrics_in_paragraph(text, seq, kind, ...)` is the pure per-paragraph
step. Numbers and units are read by `extract.quantity`; this module decides,
from the characters around a candidate, whether it is a metric at all (not a
date, a name, an ordinal or a slogan), and finds what it measures (`label`),
and the year it holds for (`as_of_year`); what it is about (`subject`)
is decided by `extract.subjects` once the entities are known.

Rules are character rules over compiled regexes, with no segmenter, so that
extraction runs faster than `jieba.lcut` over the same text. The rules follow
`spec/metrics.md`; the reasons for each are in the comments.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from itertools import accumulate
from dataclasses import dataclass

from urbandb.extract.quantity import (
    BARE_AMOUNT_RE,
    CHINESE_FRACTION_RE,
    FRACTION_RE,
    MULTIPLIERS,
    PERCENT_WORD_RE,
    QUALIFIERS_BEFORE,
    QUANTITY_RE,
    SINGLE_QUANTITY_RE,
    UNITS,
    NotANumber,
    NotAQuantity,
    Quantity,
    normalize,
    parse_number,
    qualify,
    quantity_from_match,
    to_half_width,
)
from urbandb.extract.records import Metric
from urbandb.extract.wordlists import LEVEL_AFTER_RE, LIST_JOINTS, SENTENCE_REACH, alternation, word_table

# Bump whenever a rule changes: `urbandb reextract` recomputes older documents.
EXTRACTOR_VERSION = "1.2"

SKIPPED_KINDS = frozenset({"boilerplate"})
# Page chrome and notices a reader may have left in the body: never metrics.
CHROME_RE = re.compile(
    r"^\s*[（(【\[]?\s*(?:(?:责任编辑|编辑|责编|审核|校对|来源|稿源|原标题|版权所有|免责声明|声明)\s*[:：]|"
    r"本文转载|本文来源|转载自|版权所有|阅读原文|相关阅读|延伸阅读|推荐阅读|上一篇|下一篇)"
)

CJK = "\u4e00-\u9fff"

# --- where a number is not a metric ---

# Short quoted phrases and book titles are names and slogans: “3个100”, “十四五”, 《…》.
QUOTED_RE = re.compile(r"“[^“”\n]{1,12}”|‘[^‘’\n]{1,12}’|\"[^\"\n]{1,12}\"|《[^《》\n]*》|「[^「」\n]{1,12}」")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s，。]+|[\w\-]+\.(?:jpg|jpeg|png|gif|webp|html?|pdf)\b", re.I)
# What every URL_RE match contains: ://, www. or a file extension. URL_RE itself
# backtracks over every run of word characters (all of a Chinese clause); the hint
# starts with a plain character, so the search skips to the dots and colons.
URL_HINT_RE = re.compile(r"://|\.(?:(?<=(?i:www)\.)|(?i:jpg|jpeg|png|gif|webp|html?|pdf)\b)")
# A year: 4-digit (1000–2999) or four Chinese digits (二〇二三).
YEAR_NUMERAL_RE = re.compile(r"^(?:[12][0-9０-９]{3}|[一二三四五六七八九〇零○]{4})$")
# 年 that names a period, a date or a plan rather than a span: 90年代, 3年级, 23年底, 三年行动计划.
NOT_DURATION_AFTER_RE = re.compile(r"代|级|度|底|末|初|[0-9０-９一二三四五六七八九十]{1,2}月|行动|计划|规划|纲要|攻坚|方案")
# Place names built from a numeral and a measure word: 北七家镇, 五棵松, 三家店.
PLACE_SUFFIX = set("镇村庄街路桥店屯营堡湾沟口坊寨岭松峪")
PLACE_MEASURES = {"家", "棵", "里", "座"}
# N大 that is an adjective or a name: 三大厂 is quoted; 大型, 大学, 大会 …
DA_NOT_COUNT = set("型学会厦道街桥楼院队幅量约多概于小陆")
DA_NOUN_START_RE = re.compile(rf"[{CJK}“\"]")
DA_CONGRESS_RE = re.compile(r"以来|召开|精神|报告|代表|期间|胜利|开幕|闭幕")
# Ranking words: 前10名, 排名第3位.
RANK_BEFORE = ("前", "第", "排名", "排行", "排第", "列第", "名列", "居")
RANK_UNITS = {"名", "位"}
# Units a look-back 近 (近5年, 近两年) turns into a plain duration.
LOOKBACK_UNITS = {"year", "month", "day"}
# Post-qualifiers that need a span or a distance to make sense (5天内, but 10家内资企业).
INSIDE_DIMENSIONS = {"duration", "length"}

# --- labels ---

# Word lists of data/label_cues.tsv, each as one alternation (longest word first).
_LABEL_CUES = {kind: alternation(words) for kind, words in word_table("label_cues").items()}

CLAUSE_BREAK_RE = re.compile(r"[，,。；;：:！？!?\s（）()【】\[\]—]")
SENTENCE_BREAK_CHARS = "。！？!?；;\n"
SENTENCE_BREAK_RE = re.compile(f"[{SENTENCE_BREAK_CHARS}]")
# Time expressions at the start of a label: 截至2020年, 2021年全年, 目前, 今年 …
LEADING_TIME_RE = re.compile(
    r"^(?:截至|截止|到|至|在|从|自|由|于)?(?:"
    r"[12][0-9]{3}年(?:[0-9]{1,2}月(?:[0-9]{1,2}日)?)?(?:年底|年末|年初|底|末|初|全年|上半年|下半年|前三季度|以来|起|来)?"
    r"|[0-9]{1,2}月份?(?:[0-9]{1,2}日)?(?:底|末|初|上旬|中旬|下旬|以来|起)?"
    r"|目前|当前|如今|现在|今年|去年|明年|前年|今后|近年来|近年|近期|日前|年内|年底|年初|此前|未来|届时"
    r")(?:之前|以前|前)?(?:的)?"
)
LEADING_FILLER_RE = re.compile(f"^(?:{_LABEL_CUES['leading_filler']})")
TRAILING_FILLER_RE = re.compile(f"(?:{_LABEL_CUES['trailing_filler']})$")
# Words ending in 约 (签约, 节约, 合约), as the qualifier 约 of `quantity` leaves them.
_WORD_ENDING_IN_YUE = re.compile("[节制签预公契条邀合]约$")
ELAPSED_BEFORE_RE = re.compile(f"(?:{_LABEL_CUES['elapsed']})$")
# Verbs of listing that are not part of what is measured: 安排教育32项 -> 教育.
LEADING_VERB_RE = re.compile(r"^(?:安排|实施|推出|提供|包括|拥有|集聚|聚集|吸引|涉及|涵盖)")
# Where a label written after the number stops (14个全国重点实验室拟签约…): a character
# or a word. Searched apart, each pattern skips ahead to its first characters; as one
# alternation, every word would be tried at every character.
AFTER_STOP_CHAR_RE = re.compile(r"[，,。；;：:！？!?\s、（）()【】\[\]—…0-9０-９]")
AFTER_STOP_WORD_RE = re.compile(_LABEL_CUES["after_stop"])
DURATION_AFTER_STOP_RE = re.compile(r"[，,。；;：:！？!?\s、（）()【】\[\]…0-9０-９]")
CONJUNCTION_START_RE = re.compile(r"^(?:及|和|与|以及|并|或|、)")
# Before-labels that already name a measure (面积, 规模 …) beat the noun after the unit.
MEASURE_NOUN_RE = re.compile(
    r"(?:面积|规模|用地|土地|空间|人口|里程|长度|总长|距离|投资|金额|资金|收入|营收|产值|总额|增加值|比重|比例|"
    r"增长|增速|增幅|时间|时长|周期|价格|房价|地价|租金|成本|费用|预算|补贴|容量|产量|产能|数量|总数|总量|任务|"
    r"指标|率|量|额|值|数|价|温|绿地|GDP|生产总值)$"
)
# The label of a 分别 list: 森林覆盖率以及林木绿化率，已分别由…42.57%和64.07%.
LIST_SPLIT_RE = re.compile(r"以及|和|与|及|、")
# A clause that only says “is/reaches” takes its label from the clause before (…总面积排名全国第一，达7.67万公顷).
COUNTED_DIMENSIONS = ("count", "population", "duration")  # labelled by the noun after them
COPULA_ONLY_RE = re.compile(r"^(?:已|均|共|合计|总计|累计)?(?:达到|达|为|是|有|计|约为)$")
LABEL_MAX = 24
# Between the two ends of a change: 从4.7亿元跃升至14亿元, 由28%提高到32.6%.
CHANGE_TO_RE = re.compile(
    r"^(?:，|,)?(?:已|将|再)?(?:跃升|增长|增加|提高|提升|上升|下降|降低|减少|扩大|缩小|缩短|增|降|升|跃)?(?:了)?(?:至|到)了?(?:现在的|目前的)?$"
)

# --- years, and names that open a label ---

# The look back (no digit before the year) comes after the year's first digit, so
# that the search skips ahead to the 1s and 2s instead of looking back everywhere.
YEAR_RE = re.compile(r"(?P<year>[12](?<![0-9][12])[0-9]{3})年(?P<after>以来|起|来|至今|开始|之前|前|代)?")
SUBJECT_SUFFIXES = (
    "新城东区", "科学城", "产业园区", "产业园", "园区", "国重基地", "基地", "研究院", "中心", "项目", "街道", "小区",
    "社区", "新城", "地区", "集团", "公司", "医院", "走廊", "区", "市", "县", "镇", "省", "村", "园", "谷",
)
SUBJECT_SUFFIX_RE = re.compile("|".join(SUBJECT_SUFFIXES))
# The last characters of the suffixes: a clause without one names nothing (a quick test).
NAME_END_RE = re.compile("[" + "".join(sorted({suffix[-1] for suffix in SUBJECT_SUFFIXES})) + "]")
ADMIN_SUFFIXES = ("区", "市", "县", "镇", "省")
ADMIN_SUFFIX_RE = re.compile("[区市县镇省]")
# A suffix character that starts a common word is not the end of a name: 市场, 区域, 区级, 村民.
NOT_NAME_END = set("场域位级民长委属内外里化")
# Words that do not occur inside the name of a place or project.
NOT_IN_NAME_RE = re.compile(
    r"[的了是为在将以和与及并已还被把等也就都占，“”0-9]|始终|包括|实现|达到|累计|人均|平均|总计|围绕|依托|通过|按照|根据|结合|随着|聚焦|针对|对于|关于|改造|修复|新开工|补齐|新建|新增|增加|建成|建设|推动|完成|完工|投用|提供|辐射|"
    r"开展|实施|加快|打造|形成|成为|直接|具备|规划|安排|推出|集聚|拥有|吸引|全市|全区|全国|全省"
)


@dataclass
class _Candidate:
    start: int
    end: int
    quantity: Quantity


# --- the extractor ---


def extract_metrics(article) -> list[Metric]:
    """Every metric in the article's paragraphs, in reading order (boilerplate skipped).

    Infobox lines that hold only a quantity take their label from the caption on
    the neighbouring line; a heading like 生态环境改善(截至2020年) gives its year to
    the infobox lines under it.
    """
    metrics: list[Metric] = []
    paragraphs = article.paragraphs
    # The text of each paragraph that is read, None for the skipped ones.
    texts = [None if p.kind in SKIPPED_KINDS else p.text for p in paragraphs]
    context_year: int | None = None
    for index, paragraph in enumerate(paragraphs):
        text = texts[index]
        if text is None:
            continue
        found = metrics_in_paragraph(
            text,
            paragraph.seq,
            paragraph.kind,
            previous_text=texts[index - 1] if index > 0 else None,
            next_text=texts[index + 1] if index + 1 < len(texts) else None,
            context_year=context_year,
        )
        metrics.extend(found)
        context_year = _next_context_year(text, paragraph.kind, found, context_year)
    return metrics


CAPTION_YEAR_RE = re.compile(r"(?:截至|截止|至)(?P<year>[12][0-9]{3})年")


def _next_context_year(text: str, kind: str, found: list[Metric], year: int | None) -> int | None:
    """A short numberless caption with 截至YEAR sets the year of the lines under it;
    a title, a heading without a year or a long paragraph ends it."""
    stripped = text.strip()
    if not found and len(stripped) <= 30:
        m = CAPTION_YEAR_RE.search(stripped)
        if m:
            return int(m["year"])
        if kind in ("title", "heading", "subtitle"):
            return None
        return year
    if len(stripped) > 60 or kind in ("title", "heading"):
        return None
    return year


def metrics_in_paragraph(
    text: str,
    seq: int,
    kind: str = "body",
    previous_text: str | None = None,
    next_text: str | None = None,
    context_year: int | None = None,
) -> list[Metric]:
    """The metrics of one paragraph, with offsets into `text`.

    `previous_text`/`next_text` are the neighbouring paragraphs (an infobox line
    holding only a number takes its label from them); `context_year` is the year
    of a caption above (截至2020年) for lines that name none.
    """
    if kind in SKIPPED_KINDS or not text:
        return []
    candidates = _candidates(text)
    if not candidates or CHROME_RE.match(text):
        return []
    metrics: list[Metric] = []
    breaks = _Breaks(text)
    for i, cand in enumerate(candidates):
        q = cand.quantity
        sentence_start, sentence_end = breaks.sentence_bounds(cand.start, cand.end)
        clause_start = breaks.clause_start(cand.start, sentence_start)
        segment_start = clause_start
        if i > 0 and candidates[i - 1].end > clause_start:
            segment_start = candidates[i - 1].end
        if (
            i > 0
            and candidates[i - 1].end > sentence_start
            and CHANGE_TO_RE.match(text[candidates[i - 1].end : cand.start])
            and "分别" not in text[sentence_start : cand.start]
        ):
            # 从4.7亿元跃升至14亿元: both ends of a change measure the same thing.
            label = metrics[-1].label
        else:
            label = _label(text, cand, segment_start, sentence_start, clause_start, breaks, candidates, i)
            if label is None and metrics and metrics[-1].sentence is not None and candidates[i - 1].end > sentence_start:
                # 涉及居民1286户、约3800人; 突破千亿元大关，达到1020.5亿元: the same thing again.
                if text[candidates[i - 1].end : cand.start].strip() in LIST_JOINTS or (
                    metrics[-1].dimension == q.dimension
                ):
                    label = metrics[-1].label
        if (
            label is not None
            and metrics
            and label == metrics[-1].label
            and text[candidates[i - 1].end : cand.start].strip(" 、，,和及与") == label
        ):
            # 95%出租率、60%首进品牌: the words before are the previous figure's label, read after it.
            limit = candidates[i + 1].start if i + 1 < len(candidates) else None
            label = _after_label(text, cand.end, q.dimension, limit) or label
        if label is None and _stands_alone(text, cand):
            label = _caption(previous_text, next_text)
        year = _as_of_year(text, cand.start, sentence_start, clause_start)
        if year is None and context_year is not None and _stands_alone_line(text):
            year = context_year
        metrics.append(
            Metric(
                paragraph_seq=seq,
                char_start=cand.start,
                char_end=cand.end,
                surface=text[cand.start : cand.end],
                value=q.value,
                unit=q.unit,
                value_normalized=q.value_normalized,
                unit_normalized=q.unit_normalized,
                dimension=q.dimension,
                qualifier=q.qualifier,
                value_min=q.value_min,
                value_max=q.value_max,
                label=label,
                as_of_year=year,
                sentence=text[sentence_start:sentence_end].strip(),
            )
        )
    return metrics


# --- candidates ---


def _may_quote(s: str) -> bool:
    """Whether `s` has a character a QUOTED_RE match starts with (plain look-ups
    are several times faster than a regex search)."""
    return "“" in s or "‘" in s or '"' in s or "《" in s or "「" in s


def _blocked_spans(text: str) -> list[tuple[int, int]]:
    """Quoted names and slogans with a numeral in them, and URLs: no metrics inside."""
    spans = []
    quoted = _may_quote(text)
    if quoted:
        spans += [(m.start(), m.end()) for m in QUOTED_RE.finditer(text) if _has_numeral(m.group(0)) and not _quoted_statement(m.group(0))]
    # URLs are looked for where they always were (a quote, "http", "www" or "." in the
    # paragraph), and only when the hint is there.
    if (quoted or "http" in text or "www" in text or "." in text) and URL_HINT_RE.search(text):
        spans += [(m.start(), m.end()) for m in URL_RE.finditer(text)]
    return spans


def _measured_next(text: str, pos: int) -> bool:
    """Whether a quantity with a unit of measure (not a count) starts at `pos`."""
    m = QUANTITY_RE.match(text, pos)
    return m is not None and m["unit"] in MEASURE_UNITS


MEASURE_UNITS = {u for u, unit in UNITS.items() if unit.dimension in ("area", "money", "length", "mass")}


def _quoted_statement(quote: str) -> bool:
    """A quoted target, not a slogan: a measure bounded by a qualifier (“工业用地比例不低于30%”)."""
    bound = BOUND_IN_QUOTE_RE.search(quote)
    return bound is not None and MEASURE_NOUN_RE.search(quote, 0, bound.start()) is not None


BOUND_IN_QUOTE_RE = re.compile(r"(?:不低于|不少于|不超过|不高于|超过|达到|控制在)(?=[0-9０-９])")
_NUMERAL_CHARS_RE = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")


def _has_numeral(s: str) -> bool:
    return _NUMERAL_CHARS_RE.search(s) is not None


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


class _Covering:
    """Spans asked, many times, whether one of them covers [start, end): sorted once,
    each question a bisection, so a long paragraph costs no more per figure."""

    def __init__(self, spans: list[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(accumulate((b for _, b in ordered), max))  # furthest end so far

    def __bool__(self) -> bool:
        return bool(self.starts)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end


def _blocked_covering(text: str) -> _Covering | tuple:
    """The blocked spans of `text` to ask, or () when there are none (most paragraphs):
    false at once, with no covering built."""
    spans = _blocked_spans(text)
    return _Covering(spans) if spans else ()


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `taken`: disjoint spans in start order, so
    only the last one starting before `end` can (its end is the furthest of those)."""
    k = bisect_left(taken, (end,))
    return k > 0 and taken[k - 1][1] > start


NUMERAL_RUN_RE = re.compile(r"[0-9０-９零〇○一二两三四五六七八九十百千万亿]+")
# The Arabic and the Chinese parts of numeral runs: a number may start at each.
# The lookahead gives the search one character class to skip ahead with (twice as fast).
NUMERAL_PIECE_RE = re.compile(r"(?=[0-9０-９零〇○一二两三四五六七八九十百千万亿])(?:[0-9０-９]+|[零〇○一二两三四五六七八九十百千万亿]+)")
MAX_QUALIFIER_LENGTH = 3  # 不少于
QUALIFIER_LAST_CHARS = frozenset(word[-1] for word in QUALIFIERS_BEFORE)


def _match_at(pattern: re.Pattern, text: str, start: int, floor: int, group: str) -> re.Match | None:
    """`pattern` anchored so that its `group` starts at `start`, with room for a qualifier before.

    Only a qualifier comes before a number in these patterns, so a match from an
    earlier position can put `n1` at `start` only when the gap is a qualifier word:
    the pattern is tried there only then (most numbers have none: one regex call
    instead of four)."""
    if group == "n1" and (start == floor or text[start - 1] not in QUALIFIER_LAST_CHARS):
        # No qualifier can end right before the number: only its own position is left.
        m = pattern.match(text, start)
        return m if m and m.start(group) == start else None
    for pos in range(max(floor, start - MAX_QUALIFIER_LENGTH), start + 1):
        if pos < start and group == "n1" and text[pos:start] not in QUALIFIERS_BEFORE:
            continue
        m = pattern.match(text, pos)
        if m and m.start(group) == start:
            return m
    return None


def _candidates(text: str) -> list[_Candidate]:
    """Candidate quantities, left to right, without overlaps.

    A fast scan finds numeral runs; the full pattern is tried only where a number
    may start in one: at the start of the run and where Arabic and Chinese numerals
    meet (统一5个 -> the 5). This is what keeps extraction faster than word segmentation.
    """
    blocked = None  # found when the first candidate needs them: most paragraphs have none
    found: list[_Candidate] = []
    last_end = 0
    run_start = run_end = -1
    for piece in NUMERAL_PIECE_RE.finditer(text):
        start = piece.start()
        if start != run_end:
            run_start = start  # a new run; otherwise the piece goes on the one before
        run_end = piece.end()
        if start < last_end:
            continue
        cand, last_end = _candidate_at(text, run_start, start, last_end, found[-1] if found else None)
        if cand is not None:
            if blocked is None:
                blocked = _blocked_covering(text)
            if not (blocked and blocked.covers(cand.start, cand.end)):
                found.append(cand)
    extras = _other_forms(text)
    if extras:
        if blocked is None:
            blocked = _blocked_covering(text)
        taken = [(c.start, c.end) for c in found]
        for extra in extras:
            if not _overlaps(taken, extra.start, extra.end) and not (blocked and blocked.covers(extra.start, extra.end)):
                found.append(extra)
                insort(taken, (extra.start, extra.end))
        found.sort(key=lambda c: c.start)
    return found


DIGIT_RE = re.compile(r"[0-9０-９]")
ARABIC_DIGITS = frozenset("0123456789０１２３４５６７８９")
CHINESE_NUMERAL_CHARS = frozenset("零〇○一二两三四五六七八九十百千万亿")


def _candidate_at(
    text: str, run_start: int, start: int, last_end: int, previous: _Candidate | None
) -> tuple[_Candidate | None, int]:
    cand = None
    m = _match_at(QUANTITY_RE, text, start, last_end, "n1")
    if m is not None and m["u1"] and m["u1"] != m["unit"]:  # 5个—10%: not a range
        m = _match_at(SINGLE_QUANTITY_RE, text, start, last_end, "n1")
    if m is not None:
        return _accept(text, m), m.end()
    if _may_be_bare_amount(text, run_start):
        m = _match_at(BARE_AMOUNT_RE, text, start, last_end, "n1" if text[start] not in "百千万亿" else "m")
        if m is not None:
            return _bare_amount(text, m, previous.quantity if previous else None, previous.end if previous else 0), m.end()
    return cand, last_end


MULTIPLIER_CHAR_RE = re.compile("[万亿千百]")


def _may_be_bare_amount(text: str, run_start: int) -> bool:
    """A multiplier in or right after the run: 81.4万, 1500亿, 百亿级, 2000余万."""
    run = NUMERAL_RUN_RE.match(text, run_start)
    if MULTIPLIER_CHAR_RE.search(run.group(0)):
        return True
    nxt = text[run.end() : run.end() + 2]
    return nxt[:1] in ("余", "多", ".", "．", "万", "亿", "千", "百") or nxt == "个亿" or nxt == "个多" and text[run.end() + 2:run.end() + 3] == "亿"


def _accept(text: str, m: re.Match) -> _Candidate | None:
    """The candidate a `QUANTITY_RE` match makes, trimmed, or None when it is not a metric.

    The rules that need only the characters around the match come first: a third
    of the matches are years, ordinals and codes, and reading the value costs more."""
    start, end = m.span()
    num_start = m.start("n1")
    pre, n1, unit, rate, post = m.group("pre", "n1", "unit", "rate", "post")
    n2 = m["n2"] if "n2" in m.re.groupindex else None
    before = text[num_start - 1] if num_start > 0 else ""
    unit_end = m.end("rate") if rate else m.end("unit")
    next_char = text[unit_end : unit_end + 1]
    # Part of a code or name: G6, A1栋, 3个100, 5G (a minus sign may be a temperature's, below);
    # not an amount after the acronym of what it measures (GDP52853亿元).
    if before and before != "-" and before.isascii() and (before.isalnum() or before in "._/") \
            and not MEASURE_ACRONYM_BEFORE_RE.search(text, max(0, num_start - 6), num_start):
        return None
    if next_char and (next_char.isdigit() or next_char in "０１２３４５６７８９") and not _measured_next(text, unit_end):
        return None  # 3个100: a slogan; not 58个5万㎡以上购物中心, a count of things of a size
    # Ordinals and rankings: 第三大, 第一批, 前10名.
    lead = text[max(0, start - 2) : start]
    if lead.endswith("第") or (unit in RANK_UNITS and lead.endswith(RANK_BEFORE)):
        return None
    if before == "第":
        return None
    # Calendar years and dates: 2023年, 2023—2025年, 90年代, 2021年4月.
    if unit in ("年", "周年"):
        if YEAR_NUMERAL_RE.match(to_half_width(n1)) or (n2 and YEAR_NUMERAL_RE.match(to_half_width(n2))):
            return None
        if NOT_DURATION_AFTER_RE.match(text, unit_end) or unit == "周年":
            return None
    if unit == "周" and next_char == "年":
        return None
    # ASCII units stop at a word boundary: 100m, not 20mg.
    if unit.isascii() and unit[-1:].isalpha() and next_char.isascii() and next_char.isalpha():
        return None
    if unit == "大":
        if not next_char or next_char in DA_NOT_COUNT or not DA_NOUN_START_RE.match(next_char):
            return None
        # 十八大以来, 二十大精神: party congresses are names.
        if DA_CONGRESS_RE.match(text, unit_end) or lead == "党的":
            return None
    if not n1[0].isdigit() and _chinese_numeral_in_word(n1, n2, pre, unit, before, next_char):
        return None
    try:
        q = quantity_from_match(m)
    except (NotANumber, NotAQuantity, KeyError):
        return None
    if before == "-":
        two_before = text[num_start - 2 : num_start - 1]
        if not (q.dimension == "temperature" and not (two_before.isascii() and two_before.isalnum())):
            return None
    # Speeds are not lengths (设计时速60公里, 60公里/小时): a dimension the spec leaves out.
    if q.dimension == "length" and ("速" in text[max(0, start - 3) : start] or text.startswith(("/小时", "每小时", "/时"), unit_end)):
        return None
    if q.chinese_numeral and not pre:
        # 三元桥, 二元结构, 多元: small Chinese amounts of 元 are words, amounts take 万/亿 or a qualifier.
        if q.dimension == "money" and q.value_normalized < 100:
            return None
        # A bare multiplier (万家, 百万亩造林, 千年) counts only when qualified or money: 超过百只, 万亿元.
        head = n1.lstrip("百千万亿") if not n2 else n1
        bare = head == "" or all(ch in "百千万亿" for ch in n1)
        if bare and q.dimension != "money":
            return None
    # Qualifiers that only make sense for some units.
    if pre == "上" and not all(ch in "百千万亿" for ch in n1):
        start, q = m.start("n1"), _requalify(q, "exact")
        pre = None
    if pre == "近" and q.dimension == "duration" and q.unit_normalized in LOOKBACK_UNITS and not ELAPSED_BEFORE_RE.search(text, max(0, m.start("pre") - 4), m.start("pre")):
        # 近5年, 近两年: “the last five years”, a plain span.
        start, q = m.start("n1"), _requalify(q, "exact")
        pre = None
    if pre in COMPARISON_WORDS and LEVEL_AFTER_RE.match(text, unit_end):
        # 低于24城水平: a comparison with another quantity, not a qualifier (spec).
        start, q = m.start("n1"), _requalify(q, "exact")
        pre = None
    if post in ("内", "之内") and q.dimension not in INSIDE_DIMENSIONS:
        end = m.start("post")
        if q.qualifier in ("less_than",):
            q = _requalify(q, "exact")
    if q.dimension == "temperature" and start == num_start and start > 0 and text[start - 1] in "-－−" and (
        start < 2 or not (text[start - 2].isascii() and text[start - 2].isalnum())
    ):
        # 最低气温-5℃
        start -= 1
        q.value, q.value_normalized = -q.value, -q.value_normalized
    elif q.dimension == "temperature" and text[max(0, start - 2) : start] == "零下":
        start -= 2
        q.value, q.value_normalized = -q.value, -q.value_normalized
    q.surface = text[start:end]
    return _Candidate(start, end, q)


def _chinese_numeral_in_word(n1: str, n2: str | None, pre: str | None, unit: str, before: str, next_char: str) -> bool:
    """A number in Chinese numerals that is part of a word or a name, not an amount."""
    # 零 opens words (零部件, 零售, 零距离), not counts.
    if n1[0] in "零〇○":
        return True
    # 一 + measure word means “a/one” (一个, 一年, 一成不变, 一米阳光) unless a
    # qualifier makes it an amount (近一个小时, 不到一年).
    if n1 == "一" and not n2 and (not pre or pre == "上"):
        return True  # (上一个: the previous one)
    # Counting uses 两: a lone 二 before a measure word is an ordinal or a word (二次开发, 二层).
    if n1 == "二" and not n2:
        return True
    # Followed by another numeral: a slogan (三位一体, 五位一体).
    if next_char and next_char in CHINESE_NUMERAL_CHARS:
        return True
    if unit in PLACE_MEASURES and next_char in PLACE_SUFFIX:
        return True
    # A numeral inside a word: 统一, 唯一 are not followed by units; 星期三 … are.
    if before and before in "周星期初高第" and len(n1) == 1:
        return True
    # Vague amounts: 数十年, 几十个 are not 十年, 十个.
    return bool(before and before in "数几" and not pre)


def _requalify(q: Quantity, qualifier: str) -> Quantity:
    q.qualifier = qualifier
    q.value_min, q.value_max = qualify(qualifier, q.value_normalized) if qualifier != "range" else (q.value_min, q.value_max)
    return q


MONEY_WORDS_RE = re.compile(
    r"资金|投资|产值|营收|营业收入|收入|税收|销售额|交易额|成交额|GDP|融资|总额|金额|估值|市值|贷款|资产|补贴|奖励|预算|经费|利润|产业|规模|消费"
)
MEASURE_ACRONYM_BEFORE_RE = re.compile(r"(?<![A-Za-z0-9])(?:GDP|GNP|GMV|CPI|PPI|PMI|GFA)$")  # what an amount measures, in Latin letters
COMPARISON_WORDS = {"低于", "高于", "超过", "超出", "不及"}
COMPARED_TO_RE = re.compile(r"(?:最多|最少|达到|达|为|是|约)[，,]?(?:达到|达|为|是|约)?$")  # what stands between a measure and its amount
PEOPLE_WORDS_RE = re.compile(r"人口|居民|游客|客流|就业|用户|员工|职工|市民|群众|人才|学生|观众|访客|旅客|常住|户籍|劳动力|人员|人数")
RATIO_RE = re.compile(
    r"(?P<key>容积率|比值|比率)[^，,。；;0-9０-９]{0,4}?(?P<pre>约|不低于|不超过|不大于|不小于|不高于)?"
    r"(?P<n>[0-9０-９]+(?:[.．][0-9０-９]+)?)(?![0-9０-９.．%％倍])"
)
# 3.5的高容积率: the value before its key.
# 开关店比1.04, 职住比1.2: a ratio named by what it divides, with a decimal value.
NAMED_RATIO_RE = re.compile(r"(?P<key>[\u4e00-\u9fff]{1,4}比)(?:[为是达约]|[（(]|\s)?(?P<n>[0-9]+\.[0-9]+)(?![0-9.%％倍万亿元])")
NOT_RATIO_KEYS = ("同比", "环比", "对比", "相比", "占比", "之比", "较比")
RATIO_KEY_AFTER_RE = re.compile(r"的(?:高|低|超高|较高)?(?P<key>容积率)")
RATIO_BEFORE_KEY_RE = re.compile(r"(?<![0-9０-９.．])(?P<n>[0-9０-９]+(?:[.．][0-9０-９]+)?)(?=" + RATIO_KEY_AFTER_RE.pattern + ")")
RATIO_QUALIFIERS = {"约": "approx", "不低于": "at_least", "不小于": "at_least", "不超过": "less_than", "不大于": "less_than", "不高于": "less_than"}


def _other_forms(text: str) -> list[_Candidate]:
    """Forms the numeral-run scan does not read: 1/3, 三分之一, 百分之三十, 容积率3.5."""
    forms: list[_Candidate] = []
    if "/" in text or "／" in text:
        for m in FRACTION_RE.finditer(text):
            a, b = int(to_half_width(m["a"])), int(to_half_width(m["b"]))
            if 0 < a < b:
                value = normalize(a / b)
                forms.append(_Candidate(m.start(), m.end(), Quantity(m.group(0), value, None, value, "ratio", "ratio")))
    if "分之" in text:
        for m in PERCENT_WORD_RE.finditer(text):
            try:
                value = parse_number(m["a"])
            except NotANumber:
                continue
            qualifier = QUALIFIERS_BEFORE.get(m["pre"] or "", "exact")
            low, high = qualify(qualifier, value)
            forms.append(_Candidate(m.start(), m.end(), Quantity(m.group(0), value, "百分之", value, "%", "percent", qualifier, low, high, True)))
        for m in CHINESE_FRACTION_RE.finditer(text):
            if m.start() > 0 and text[m.start() - 1] == "百" or m["b"] == "百":
                continue
            try:
                value = normalize(parse_number(m["a"]) / parse_number(m["b"]))
            except (NotANumber, ZeroDivisionError):
                continue
            forms.append(_Candidate(m.start(), m.end(), Quantity(m.group(0), value, None, value, "ratio", "ratio", chinese_numeral=True)))
    ratio_keyed = "容积率" in text
    if ratio_keyed or "比" in text:  # each pattern only where the words it needs are
        if ratio_keyed or "比值" in text or "比率" in text:
            for m in RATIO_RE.finditer(text):
                value = float(to_half_width(m["n"]))
                qualifier = RATIO_QUALIFIERS.get(m["pre"] or "", "exact")
                low, high = qualify(qualifier, value)
                start = m.start("pre") if m["pre"] else m.start("n")
                forms.append(_Candidate(start, m.end(), Quantity(text[start : m.end()], value, None, value, "ratio", "ratio", qualifier, low, high)))
        named = (m for m in NAMED_RATIO_RE.finditer(text) if not m["key"].endswith(NOT_RATIO_KEYS))
        for m in (*named, *(RATIO_BEFORE_KEY_RE.finditer(text) if ratio_keyed else ())):  # 开关店比1.04, 3.5的高容积率: the number alone
            value = float(to_half_width(m["n"]))
            forms.append(_Candidate(m.start("n"), m.end("n"), Quantity(m["n"], value, None, value, "ratio", "ratio")))
    return forms


def _bare_amount(text: str, m: re.Match, previous: Quantity | None = None, previous_end: int = 0) -> _Candidate | None:
    """81.4万 (people), 超1500亿资金 (money), 千万级游客 (people), 百亿级 (money)."""
    n1, mult, level, pre = m["n1"], m["m"], m["level"], m["pre"]
    if not n1 and not (level or pre):
        return None
    if n1 is None and m.start("m") > 0 and text[m.start("m") - 1] in "一二两三四五六七八九十零〇":
        return None
    start = m.start() if pre else (m.start("n1") if n1 else m.start("m"))
    if pre and not n1 and pre not in ("上", "超", "超过", "近", "逾", "突破", "过", "将近", "接近"):
        return None
    if start > 0 and (text[start - 1].isascii() and text[start - 1].isalnum()):
        return None
    end = m.end()
    around_before = text[max(0, start - 8) : start]
    around_after = text[end : end + 6]
    if previous is not None and previous.dimension in ("population", "money") and not (
        PEOPLE_WORDS_RE.search(around_after[:4]) or MONEY_WORDS_RE.search(around_after[:4])
    ) and SENTENCE_BREAK_RE.search(text, previous_end, start) is None:
        # 常住人口2189.3万人，比上年增加5万: the same measure as the amount before it.
        dimension, normalized_unit = previous.dimension, previous.unit_normalized
    elif PEOPLE_WORDS_RE.search(around_after[:4]) or (PEOPLE_WORDS_RE.search(around_before[-4:]) and not around_after.startswith("元")) or (
        PEOPLE_WORDS_RE.search(around_before) and COMPARED_TO_RE.search(around_before) and not MONEY_WORDS_RE.search(around_before)
        and not _has_digit(around_before)
    ):  # (人口最多，达到3257.56万: the measure named just before what compares it)
        dimension, normalized_unit = "population", "人"
    elif MONEY_WORDS_RE.search(around_after[:4]) or MONEY_WORDS_RE.search(around_before) or (level and not n1):
        dimension, normalized_unit = "money", "CNY"
    else:
        return None
    value = parse_number(n1) if n1 else 1.0
    normalized = normalize(value * MULTIPLIERS[mult])
    if level:
        qualifier = "at_least"
    elif pre:
        qualifier = "at_least" if pre == "上" else QUALIFIERS_BEFORE[pre]
    elif m["fuzz1"] or m["fuzz2"]:
        qualifier = "more_than"
    else:
        qualifier = "exact"
    if pre == "上" and n1:
        return None
    low, high = qualify(qualifier, normalized)
    surface = text[start:end]
    return _Candidate(start, end, Quantity(surface, value, mult, normalized, normalized_unit, dimension, qualifier, low, high, n1 is None))


# --- sentences, clauses, labels ---


class _Breaks:
    """Where the sentences and clauses of one paragraph break, found in one pass
    so that each candidate looks its bounds up instead of walking back to them."""

    def __init__(self, text: str):
        self.length = len(text)
        self.clause = [m.start() for m in CLAUSE_BREAK_RE.finditer(text)]
        # Every sentence break is also a clause break.
        self.sentence = [i for i in self.clause if text[i] in SENTENCE_BREAK_CHARS]

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """From after the last sentence break before `start` to after the first one from `end`."""
        before = bisect_left(self.sentence, start)
        after = bisect_left(self.sentence, end)
        left = self.sentence[before - 1] + 1 if before else 0
        right = self.sentence[after] + 1 if after < len(self.sentence) else self.length
        return max(left, start - SENTENCE_REACH), min(right, end + SENTENCE_REACH)

    def clauses_back(self, text: str, start: int, floor: int):
        """The non-empty clauses of `text[floor:start]`, the nearest first."""
        end = start
        i = bisect_left(self.clause, start)
        while i > 0 and self.clause[i - 1] >= floor:
            i -= 1
            if self.clause[i] + 1 < end:
                yield text[self.clause[i] + 1 : end]
            end = self.clause[i]
        if floor < end:
            yield text[floor:end]

    def clause_start(self, start: int, floor: int) -> int:
        """After the last clause break before `start`, not before `floor`."""
        if start <= floor:
            return start
        before = bisect_left(self.clause, start)
        return max(floor, self.clause[before - 1] + 1) if before else floor


def _clean_before(segment: str) -> str:
    s = _balance_quotes(segment)
    # Keep what follows the last 的 when something is left: 各类产业用地, not 已具备供地条件的各类产业用地.
    if "的" in s:
        tail = s.rsplit("的", 1)[1]
        if len(tail) >= 2:
            s = tail
    for _ in range(4):
        before = s
        s = _strip_leading(LEADING_TIME_RE, s)
        s = _strip_leading(LEADING_FILLER_RE, s)
        if not _WORD_ENDING_IN_YUE.search(s):  # 签约 is a word, not a label and 约
            s = TRAILING_FILLER_RE.sub("", s, count=1)
        s = s.strip(" 　，,、")
        if s == before:
            break
    if not s:
        return s
    # A leading place or project (昌平区腾退土地 -> 腾退土地) when a label remains.
    name = _leading_name(s, admin_only=True)
    if name and len(s) - len(name) >= 2:
        rest = LEADING_FILLER_RE.sub("", s[len(name) :], count=1)
        if len(rest) >= 2:
            s = rest
    # 并, 共: 提前一年并超额 -> 超额; 三年行动计划共安排教育 -> 安排教育 -> 教育.
    for word in ("并", "共计", "共", "累计"):
        if s.find(word, 1) >= 0:
            s = s.rsplit(word, 1)[1] or s
    # 焕新为年营收 -> 年营收: what follows 为 names the measure.
    if s.find("为", 1) >= 0:
        tail = s.rsplit("为", 1)[1]
        if len(tail) >= 2 and MEASURE_NOUN_RE.search(tail):
            s = tail
    without_verb = _strip_leading(LEADING_VERB_RE, s)
    if len(without_verb) >= 2:
        s = without_verb
    return _balance_quotes(s)[:LABEL_MAX]


def _strip_leading(pattern: re.Pattern, s: str) -> str:
    """`s` without what the anchored `pattern` matches at its start."""
    m = pattern.match(s)
    return s[m.end() :] if m else s


def _balance_quotes(s: str) -> str:
    s = s.strip()
    if s.count("“") != s.count("”"):
        s = s.strip("“”")
        if s.count("“") != s.count("”"):
            s = s.replace("“", "").replace("”", "")
    return s


MILESTONE_WORDS = ("大关", "台阶", "关口")  # 突破千亿元大关: not what is measured
SPAN_DIRECTION_RE = re.compile(r"^(?:以来|来|后|前|里|中|间|内)")
CJK_RE = re.compile(rf"[{CJK}]")


def _after_label(text: str, end: int, dimension: str, limit: int | None = None) -> str:
    rest = text[end : min(end + 40, limit if limit is not None else len(text))]
    if rest[:1] in " \u3000\t" and (end == 0 or text[end - 1] not in " \u3000\t"):
        rest = rest.lstrip(" \u3000\t")  # infobox lines: 17.39平方米 人均公园绿地面积
    if rest.startswith("的"):
        rest = rest[1:]
    if CONJUNCTION_START_RE.match(rest):
        return ""
    if dimension == "duration":
        # 三年来, 两年后: the span looks back or ahead, what follows is not what it measures.
        rest = SPAN_DIRECTION_RE.sub("", rest)
    stop = _after_stop(rest, dimension)
    label = rest[:stop] if stop is not None else rest
    if stop is None and limit is not None and end + len(rest) >= limit:
        # 2个小区和中华街道17个小区: words run into the next figure; the next item starts at the joint
        joint = max(label.rfind(j) for j in LIST_JOINTS)
        label = label[:joint] if joint > 0 else label
    if not CJK_RE.search(label) or label.startswith(MILESTONE_WORDS):
        return ""
    return _balance_quotes(label)[:LABEL_MAX]


def _after_stop(rest: str, dimension: str) -> int | None:
    """Where the words after a number stop being its label, None when they run on."""
    if dimension == "duration":
        stop = DURATION_AFTER_STOP_RE.search(rest)
        return stop.start() if stop else None
    char = AFTER_STOP_CHAR_RE.search(rest)
    word = AFTER_STOP_WORD_RE.search(rest)
    if word is None:
        return char.start() if char else None
    return min(char.start(), word.start()) if char else word.start()


NOUN_UNITS = {"城": "城市"}  # measure words that are the noun counted, written short


def _label(
    text: str, cand: _Candidate, segment_start: int, sentence_start: int, clause_start: int, breaks: _Breaks, candidates, index: int
) -> str | None:
    q = cand.quantity
    if q.dimension == "count" and q.unit in NOUN_UNITS:
        return NOUN_UNITS[q.unit]  # 19城: the unit is what is counted (cities), whatever follows
    if q.dimension == "ratio" and (key := RATIO_KEY_AFTER_RE.match(text, cand.end)):
        return key["key"]  # 3.5的高容积率
    if q.dimension in COUNTED_DIMENSIONS and index + 1 < len(candidates) and candidates[index + 1].start == cand.end:
        # 58个5万㎡以上购物中心: what is counted comes after the size it is of
        limit = candidates[index + 2].start if index + 2 < len(candidates) else None
        counted = _after_label(text, candidates[index + 1].end, q.dimension, limit)
        if counted:
            return counted
    segment = text[segment_start : cand.start]
    if not segment.strip() and segment_start > 0 and text[segment_start - 1] in " \u3000\t":
        # Key and value split by spaces on one line: 规划常住人口 约69万人.
        piece_end = segment_start - 1
        while piece_end > sentence_start and text[piece_end - 1] in " \u3000\t":
            piece_end -= 1
        segment = text[breaks.clause_start(piece_end, sentence_start) : piece_end]
    limit = candidates[index + 1].start if index + 1 < len(candidates) else None
    if text.find("分别", sentence_start, cand.start) < 0:
        return _side_label(text, cand, segment, limit, lambda: _copula_label(text, segment, segment_start, sentence_start, breaks))
    before = _clean_before(segment)
    after = _after_label(text, cand.end, q.dimension, limit)
    if not (before and MEASURE_NOUN_RE.search(before)):
        listed = _respectively_label(text, cand, sentence_start, clause_start, candidates, index)
        if listed:
            return listed
    if not before and not after:
        if index > 0 and text[candidates[index - 1].end : cand.start].strip() in LIST_JOINTS:
            return None  # 分别完成…的112%和120%: the figure before's label, which the caller reuses
        before = _copula_label(text, segment, segment_start, sentence_start, breaks)
    if q.dimension in COUNTED_DIMENSIONS:
        label = after or before
    elif before and (MEASURE_NOUN_RE.search(before) or not after):
        label = before
    else:
        label = after or before
    return label or None


def _side_label(text: str, cand: _Candidate, segment: str, limit: int | None, copula_label) -> str | None:
    """The label from the words before the number or those after it, each read only
    when the choice needs it: a count takes the noun after it (5个地块), a measure
    named before the number (占地面积) beats the words after it."""
    if cand.quantity.dimension in COUNTED_DIMENSIONS:
        after = _after_label(text, cand.end, cand.quantity.dimension, limit)
        if after:
            return after
        return _clean_before(segment) or copula_label() or None
    before = _clean_before(segment)
    if before and MEASURE_NOUN_RE.search(before):
        return before
    return _after_label(text, cand.end, cand.quantity.dimension, limit) or before or copula_label() or None


def _copula_label(text: str, segment: str, segment_start: int, sentence_start: int, breaks: _Breaks) -> str:
    """河北省开发区总面积排名全国第一，达7.67万公顷: a clause that only says “reaches”
    takes its label from the clause before."""
    if COPULA_ONLY_RE.match(segment.strip()):
        return _clean_before(_previous_clause(text, segment_start, sentence_start, breaks))
    return ""


def _previous_clause(text: str, clause_start: int, sentence_start: int, breaks: _Breaks) -> str:
    end = clause_start - 1
    if end <= sentence_start:
        return ""
    return text[breaks.clause_start(end, sentence_start) : end]


def _respectively_label(text: str, cand: _Candidate, sentence_start: int, clause_start: int, candidates, index: int) -> str | None:
    """森林覆盖率以及林木绿化率，已分别由2012年的42.57%和64.07% -> 森林覆盖率, 林木绿化率."""
    head = text[sentence_start : cand.start]
    where = head.find("分别")
    if where < 0:
        return None
    clauses = [c for c in CLAUSE_BREAK_RE.split(head[:where]) if c]
    while clauses and len(LEADING_FILLER_RE.sub("", clauses[-1]).strip("已均都也")) == 0:
        clauses.pop()
    if not clauses or _has_digit(clauses[-1]):
        return None  # (惠及居民56.2万户，分别…: a figure's clause lists no measures)
    items = [i for i in LIST_SPLIT_RE.split(clauses[-1]) if i]
    position = 0  # the figures before this one in its clause (candidates are in start order)
    while position < index and candidates[index - 1 - position].start >= clause_start:
        position += 1
    if len(items) >= 2 and position < len(items):
        return items[position]
    return None


def _stands_alone(text: str, cand: _Candidate) -> bool:
    """Nothing but blanks and colons around the figure (read without copying the paragraph)."""
    return _BLANKS.fullmatch(text, 0, cand.start) is not None and _BLANKS.fullmatch(text, cand.end) is not None


_BLANKS = re.compile(r"[ 　\t:：]*")


def _stands_alone_line(text: str) -> bool:
    return len(text.strip()) <= 30


def _caption(previous_text: str | None, next_text: str | None) -> str | None:
    """The caption of an infobox value: the neighbouring short line without a number,
    preferring a bare caption (就业人口) to a key-value line (地理位置 小汤山镇…)."""
    options = []
    for rank, t in ((0, next_text), (1, previous_text)):
        if not t:
            continue
        s = t.strip()
        if not s or len(s) > 20 or _has_digit(s):
            continue
        options.append(((" " in s or "\u3000" in s), rank, s))
    if not options:
        return None
    options.sort()
    return options[0][2]


def _has_digit(s: str) -> bool:
    return DIGIT_RE.search(s) is not None


NOW_RE = re.compile(r"现在|目前|当前|如今")


def _as_of_year(text: str, start: int, sentence_start: int, clause_start: int) -> int | None:
    """The year the quantity holds for: a year earlier in the same clause
    (由2012年的42.57%), or one in the opening clause of the sentence (2023年，…;
    截至2020年，…). 2023年以来 and 2012年起 start a period, and years in quotes are plans."""
    if text.find("年", sentence_start, start) < 0:
        return None
    window = text[sentence_start:start]
    clause_offset = clause_start - sentence_start
    first_clause_end = len(window)
    m = CLAUSE_BREAK_RE.search(window)
    if m:
        first_clause_end = m.start()
    best = None
    quoted = None  # found for the first year that needs them
    for y in YEAR_RE.finditer(window):
        if y["after"] or window[max(0, y.start() - 1) : y.start()] == "于":
            continue  # 2023年以来 opens a period; 建于1998年 dates an event
        if quoted is None:
            quoted = [(q.start(), q.end()) for q in QUOTED_RE.finditer(window)] if _may_quote(window) else []
        if _inside(quoted, y.start(), y.end()):
            continue
        in_clause = y.start() >= clause_offset
        in_opening = y.start() < first_clause_end
        if not (in_clause or in_opening):
            continue
        between = window[y.end() :]
        if in_clause and NOW_RE.search(between):
            continue
        best = int(y["year"])
    return best


def _leading_name(s: str, admin_only: bool = False) -> str | None:
    """The longest place, project or organization name opening `s` (昌平区腾退土地 -> 昌平区)."""
    # A name has three characters at least, so it ends at index 2 or later.
    if not (ADMIN_SUFFIX_RE if admin_only else NAME_END_RE).search(s, 2, 16):
        return None
    best = None
    for m in SUBJECT_SUFFIX_RE.finditer(s, 1, 16):
        end = m.end()
        name = s[:end]
        if admin_only and not name.endswith(ADMIN_SUFFIXES):
            continue
        if end < len(s) and s[end] in NOT_NAME_END:
            continue
        if len(name) < 3 or name[0] in CHINESE_NUMERAL_CHARS or name[0] in ARABIC_DIGITS or name.endswith("城市"):
            continue
        if NOT_IN_NAME_RE.search(name):
            break  # and so do all the longer names after it
        best = name
    return best
