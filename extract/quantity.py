"""Numbers and units, as `spec/metrics.md` defines them: pure parsing, no context.

`parse_number` reads one number in any of the forms Chinese news uses
(58.9, ５８．９, 1,875, 146，759.30, 两, 十四, 一百二十, 三千五百, 2.4亿,
3千万); `parse_quantity` reads one whole quantity surface (约24.57万平方米,
5—10万平方米, 2000亩以上) into a `Quantity`. `QUANTITY_RE` is the compiled
pattern that finds candidate quantities in running text; deciding whether a
candidate is a metric (dates, names, ordinals, slogans) is the job of
`extract.metrics`, which has the context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from urbandb.extract.wordlists import alternation

# --- characters ---

FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９．，％～－／：",
    "0123456789.,%~-/:",
)

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_DIGIT_CHARS = "".join(CN_DIGITS)
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10**4, "亿": 10**8}

# Multipliers written after a numeral (2.4亿, 3千万, 1.5万), longest first.
MULTIPLIERS = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "十亿": 10**9,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "十万": 10**5,
    "万": 10**4,
    "千": 10**3,
    "百": 10**2,
}

MU_TO_M2 = 10000 / 15


class NotANumber(ValueError):
    """The text is not a number urbandb can read."""


class NotAQuantity(ValueError):
    """The text is not a quantity with a unit urbandb knows."""


def to_half_width(text: str) -> str:
    """Full-width digits and signs as ASCII (５８．９ -> 58.9); other characters unchanged."""
    return text.translate(FULL_WIDTH)


# --- numbers ---

_ARABIC_RE = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")


def parse_chinese_numeral(text: str) -> float:
    """Read a Chinese numeral: 两 -> 2, 十四 -> 14, 一百二十 -> 120, 三千五百 -> 3500,
    三万五千 -> 35000, 二〇二三 -> 2023, 万亿 -> 1e12 (no leading numeral means one)."""
    if not text:
        raise NotANumber(text)
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:
        # Digit by digit, as in years written 二〇二三.
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return float(value)
    total = 0  # completed 亿 and 万 sections
    section = 0  # the part below the current big unit
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch in CN_BIG_UNITS:
            unit = CN_BIG_UNITS[ch]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                section = 1
            if unit > total and total:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
        else:
            raise NotANumber(text)
    return float(total + section + (digit or 0))


def parse_number(text: str) -> float:
    """Read one number: Arabic (full-width, thousands separators, decimals),
    Chinese numerals, or an Arabic number with a multiplier (2.4亿, 3千万)."""
    s = to_half_width(text.strip()).replace("，", ",")
    if not s:
        raise NotANumber(text)
    if _ARABIC_RE.match(s):  # the common case, and one that ends in no multiplier
        return float(s.replace(",", ""))
    multiplier = 1
    for word, factor in MULTIPLIERS.items():
        if s.endswith(word) and len(s) > len(word) and s[-len(word) - 1].isdigit():
            s, multiplier = s[: -len(word)], factor
            break
    if _ARABIC_RE.match(s):
        return float(s.replace(",", "")) * multiplier
    if multiplier != 1:
        raise NotANumber(text)
    return parse_chinese_numeral(s)


def split_chinese_multiplier(numeral: str) -> tuple[str, str]:
    """Split a one-digit Chinese numeral from its trailing multiplier, as the spec
    writes 两百名 (value 2, unit 百名): ("两百", "") -> ("两", "百"). Numerals with
    more than one digit (三千五百, 一百二十) are kept whole."""
    digits = [ch for ch in numeral if ch in CN_DIGITS]
    tail = numeral.lstrip(CN_DIGIT_CHARS)
    if len(digits) == 1 and numeral[0] in CN_DIGITS and tail and all(ch in "百千万亿" for ch in tail):
        return numeral[0], tail
    return numeral, ""


# --- units ---


@dataclass(frozen=True)
class Unit:
    dimension: str
    unit_normalized: str
    factor: float  # value in the unit times factor = value in unit_normalized


UNITS: dict[str, Unit] = {}


def _add(dimension: str, normalized: str, factor: float, *surfaces: str) -> None:
    for surface in surfaces:
        UNITS[surface] = Unit(dimension, normalized, factor)


_add("area", "m2", 1, "平方米", "平米", "㎡", "m²", "m2", "平方")
_add("area", "m2", 10_000, "公顷")
_add("area", "m2", MU_TO_M2, "亩")
_add("area", "m2", 1_000_000, "平方公里", "平方千米", "km²", "km2")
_add("money", "CNY", 1, "元", "元人民币", "人民币", "块钱")
_add("money", "USD", 1, "美元", "美金")
_add("money", "EUR", 1, "欧元")
_add("money", "HKD", 1, "港元", "港币")
_add("money", "JPY", 1, "日元")
_add("money", "GBP", 1, "英镑")
_add("length", "m", 1, "米", "m")
_add("length", "m", 1000, "公里", "千米", "km")
_add("length", "m", 0.01, "厘米")
_add("percent", "%", 1, "%", "％", "个百分点", "百分点")
_add("percent", "%", 10, "成")
_add("ratio", "ratio", 1, "倍")
_add("duration", "year", 1, "年", "周年", "岁")
_add("duration", "month", 1, "个月", "个多月")
_add("duration", "day", 1, "天", "个工作日", "工作日")
_add("duration", "day", 7, "周", "个星期")
_add("duration", "hour", 1, "小时", "个小时", "个多小时", "个钟头")
_add("duration", "minute", 1, "分钟")
_add("temperature", "degC", 1, "摄氏度", "℃", "°C")
_add("mass", "t", 1, "吨", "吨标准煤")
_add("mass", "t", 0.001, "千克", "公斤")
_add("population", "人", 1, "人", "名")
# Measure words: the count is in the measure word as written.
COUNT_WORDS = (
    "个", "家", "项", "套", "所", "处", "栋", "幢", "张", "条", "座", "只", "台", "辆", "架",
    "片", "块", "间", "户", "宗", "幅", "轮", "场", "次", "人次", "件", "种", "类", "支",
    "棵", "株", "盏", "部", "艘", "列", "层", "位", "批", "份", "本", "篇", "大", "方面", "城",
)
for _word in COUNT_WORDS:
    _add("count", _word, 1, _word)

# Bare forms that take no numeral-free multiplier reading.
UNIT_WORDS = sorted(UNITS, key=len, reverse=True)


@lru_cache(maxsize=None)  # a few hundred unit surfaces at most: the unit words times the multipliers
def unit_of(unit_text: str) -> Unit:
    """The unit of a unit as written, multiplier included (万平方米 -> area, m2, 10000)."""
    multiplier = 1
    rest = unit_text
    for word, factor in MULTIPLIERS.items():
        if rest.startswith(word) and rest[len(word):] in UNITS:
            rest, multiplier = rest[len(word):], factor
            break
    if rest not in UNITS:
        raise NotAQuantity(unit_text)
    base = UNITS[rest]
    return Unit(base.dimension, base.unit_normalized, base.factor * multiplier)


# --- quantities ---

QUALIFIERS_BEFORE = {
    "大约": "approx",
    "约": "approx",
    "超过": "more_than",
    "超出": "more_than",
    "超": "more_than",
    "逾": "more_than",
    "突破": "more_than",
    "超过了": "more_than",
    "突破了": "more_than",
    "过": "more_than",
    "不少于": "at_least",
    "至少": "at_least",
    "不低于": "at_least",
    "上": "at_least",  # 上万人, 迈上万亿元台阶
    "不足": "less_than",
    "不到": "less_than",
    "不超过": "less_than",
    "低于": "less_than",
    "不过": "less_than",
    "将近": "nearly",
    "接近": "nearly",
    "近": "nearly",
    "快": "nearly",
}
QUALIFIERS_AFTER = {
    "左右": "approx",
    "上下": "approx",
    "以上": "more_than",
    "以下": "less_than",
    "以内": "less_than",
    "之内": "less_than",
    "内": "less_than",
}

_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇○一二两三四五六七八九十百千万亿]+"
_NUMBER = rf"(?:{_ARABIC}|{_CHINESE})"
_MULT = alternation(MULTIPLIERS)
_UNIT = alternation(UNIT_WORDS)
# Rates: 万元/亩, 元/平方米.
_RATE = r"(?:/|每)(?:平方米|平米|㎡|亩|人|年|月|吨|公顷|平方公里)"
_SEP = r"[—–\-~～至到]"
# Lookbehinds keep qualifier characters that end another word out (节约, 经过, 附近, 加快).
# Each comes after its character, so that other characters fail before the look back.
_BEFORE = (
    r"大约|约(?<![节制签预公契条邀合]约)|超过了|超过|超出|超|逾|突破了|突破|不少于|至少|不低于|不足|不到|不超过|低于|不过"
    r"|过(?<![经通超越度跨路错]过)|将近|接近|近(?<![附靠最亲贴邻]近)|快(?<![加很尽赶]快)|上(?<![以之]上)"
)
_AFTER = "左右|上下|以上|以下|以内|之内|内"

# 个 before 亿 counts nothing: 7个亿, 3个多亿 say 7亿, 3亿多 (a bare amount, BARE_AMOUNT_RE);
# before 亿元 or 亿级 it counts what has that size (3个亿元以上项目, 5个亿级产业集群).
_COLLOQUIAL_YI = r"多?亿(?![元级])"
_TAIL = (
    rf"(?P<fuzz1>余|多)?(?P<m2>{_MULT})?(?P<fuzz2>余|多)?"
    rf"(?P<unit>{_UNIT})(?!(?<=个){_COLLOQUIAL_YI})(?P<rate>{_RATE})?"
    rf"(?P<post>{_AFTER})?"
)
# A range may repeat the unit on its first bound (5%—10%, 20层至30层): `u1` must equal `unit`.
# Its separator comes within a unit's length: looked for first, most numbers skip the range.
_UNIT_REACH = max(map(len, UNIT_WORDS))
QUANTITY_PATTERN = (
    rf"(?P<pre>{_BEFORE})?"
    rf"(?P<n1>{_NUMBER})(?P<m1>{_MULT})?"
    rf"(?:(?=.{{0,{_UNIT_REACH}}}{_SEP})(?P<u1>{_UNIT})?(?P<sep>{_SEP})(?P<n2>{_NUMBER}))?" + _TAIL
)
QUANTITY_RE = re.compile(QUANTITY_PATTERN)
# The same without a range, for when a range reading fails (5个—10%).
SINGLE_QUANTITY_RE = re.compile(rf"(?P<pre>{_BEFORE})?(?P<n1>{_NUMBER})(?P<m1>{_MULT})?" + _TAIL)
# Fractions (1/3) and Chinese fractions (三分之一), percentages written 百分之三十.
FRACTION_RE = re.compile(r"(?<![0-9０-９/.])(?P<a>[0-9０-９]{1,3})[/／](?P<b>[0-9０-９]{1,3})(?![0-9０-９/.])")
CHINESE_FRACTION_RE = re.compile(rf"(?P<b>{_CHINESE})分之(?P<a>{_CHINESE}|{_ARABIC})")
PERCENT_WORD_RE = re.compile(rf"(?P<pre>{_BEFORE})?百分之(?P<a>{_CHINESE}|{_ARABIC})")
# An amount with a multiplier but no unit word (常住人口81.4万, 超1500亿资金, 千万级游客, 投资7个亿).
BARE_AMOUNT_RE = re.compile(
    rf"(?P<pre>{_BEFORE})?(?P<n1>{_ARABIC})?(?:个(?={_COLLOQUIAL_YI}))?(?P<fuzz1>余|多)?(?P<m>{_MULT})(?P<fuzz2>余|多)?(?P<level>级别|级)?"
)


@dataclass
class Quantity:
    """One quantity read from its surface, normalized as the spec says."""

    surface: str
    value: float  # as written, before the multiplier; lower bound of a range
    unit: str | None  # as written, multiplier included
    value_normalized: float
    unit_normalized: str
    dimension: str
    qualifier: str = "exact"
    value_min: float | None = None
    value_max: float | None = None
    chinese_numeral: bool = False  # written without Arabic digits (optional in the gold)


def normalize(value: float) -> float:
    """Round away float noise (2000亩 -> 1333333.3333) without losing precision that matters."""
    if type(value) is float and value.is_integer():
        return value  # nothing to round, and round() is slow
    return round(value, 4)


def _numeral_value(numeral: str) -> tuple[float, str, bool]:
    """(value as written, multiplier moved to the unit, written in Chinese numerals)."""
    if numeral.isascii() and numeral.isdigit():  # the common case: 2000
        return float(numeral), "", False
    if numeral[0].isdigit():  # Arabic digits, half- or full-width
        return parse_number(numeral), "", False
    head, moved = split_chinese_multiplier(numeral)
    if all(ch in "百千万亿" for ch in head):  # 万亿元, 千座: no numeral means one
        return 1.0, head, True
    return parse_chinese_numeral(head), moved, True


def qualify(qualifier: str, normalized: float) -> tuple[float | None, float | None]:
    """The bounds a qualifier implies, in the base unit."""
    if qualifier in ("more_than", "at_least"):
        return normalized, None
    if qualifier in ("less_than", "nearly"):
        return None, normalized
    return None, None


def quantity_from_match(m: re.Match) -> Quantity:
    """Build a `Quantity` from a `QUANTITY_RE` match (no context checks)."""
    groups = m.re.groupindex
    n1, m1, m2, unit, rate, pre, post = m.group("n1", "m1", "m2", "unit", "rate", "pre", "post")
    n2 = m["n2"] if "n2" in groups else None
    if "u1" in groups and m["u1"] and m["u1"] != unit:
        raise NotAQuantity(m.group(0))
    value1, moved1, chinese1 = _numeral_value(n1)
    qualifier = "exact"
    value_min = value_max = None
    if n2:
        # 5—10万平方米 shares the multiplier; 5万—10万平方米 gives each bound its own.
        value2, moved2, _ = _numeral_value(n2)
        unit_text = moved2 + (m2 or "") + unit
        base = unit_of(unit_text)
        first = unit_of(moved1 + (m1 or "") + unit) if (moved1 or m1) else base
        value_min = normalize(value1 * first.factor)
        value_max = normalize(value2 * base.factor)
        normalized = value_min
        qualifier = "range"
    else:
        unit_text = moved1 + (m1 or "") + (m2 or "") + unit  # 1.2万千米: both multipliers apply
        base = unit_of(unit_text)
        normalized = normalize(value1 * base.factor)
        if pre:
            qualifier = QUALIFIERS_BEFORE[pre]
        elif m["fuzz1"] or m["fuzz2"] or "多" in unit:  # 30多年, 3个多月
            qualifier = "more_than"
        elif post:
            qualifier = QUALIFIERS_AFTER[post]
        value_min, value_max = qualify(qualifier, normalized)
    return Quantity(
        m.group(0),
        value1,
        unit_text + (rate or ""),
        normalized,
        base.unit_normalized,
        base.dimension,
        qualifier,
        value_min,
        value_max,
        chinese1,
    )


def parse_quantity(surface: str) -> Quantity:
    """Read one whole quantity: 约24.57万平方米, 5—10万平方米, 2000亩以上, 1/3, 百分之三十."""
    text = surface.strip()
    m = QUANTITY_RE.fullmatch(text)
    if m and not (m["u1"] and m["u1"] != m["unit"]):
        return quantity_from_match(m)
    m = FRACTION_RE.fullmatch(to_half_width(text))
    if m:
        value = normalize(int(m["a"]) / int(m["b"]))
        return Quantity(text, value, None, value, "ratio", "ratio")
    m = PERCENT_WORD_RE.fullmatch(text)
    if m:
        value = parse_number(m["a"])
        qualifier = QUALIFIERS_BEFORE[m["pre"]] if m["pre"] else "exact"
        low, high = qualify(qualifier, value)
        return Quantity(text, value, "百分之", value, "%", "percent", qualifier, low, high, chinese_numeral=True)
    m = CHINESE_FRACTION_RE.fullmatch(text)
    if m:
        value = normalize(parse_number(m["a"]) / parse_number(m["b"]))
        return Quantity(text, value, None, value, "ratio", "ratio", chinese_numeral=True)
    raise NotAQuantity(surface)


def format_quantity(value: float, unit: str) -> str:
    """Write a value with a unit the way articles do (used by the round-trip test)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"
