"""Numbers and units: every row of `spec/metrics.md` and every edge the metrics issue names."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbandb.extract.quantity import (
    QUALIFIERS_BEFORE,
    QUANTITY_PATTERN,
    UNITS,
    NotANumber,
    NotAQuantity,
    format_quantity,
    normalize,
    parse_chinese_numeral,
    parse_number,
    parse_quantity,
    to_half_width,
    unit_of,
)
from urbandb.extract.wordlists import alternation


@pytest.mark.parametrize(
    "text, expected",
    [
        ("58.9", 58.9),
        ("５８．９", 58.9),  # full-width digits and point
        ("1,875", 1875),  # thousands separator
        ("146，759.30", 146759.30),  # full-width comma as separator
        ("0.3333", 0.3333),
        ("两", 2),
        ("十", 10),
        ("十四", 14),
        ("二十", 20),
        ("一百二十", 120),
        ("一百零五", 105),
        ("三千五百", 3500),
        ("两千零二十", 2020),
        ("三万五千", 35000),
        ("一亿两千万", 120_000_000),
        ("两百万", 2_000_000),
        ("二〇二三", 2023),  # year digit by digit
        ("万亿", 10**12),  # no numeral before the multiplier means one
        ("2.4亿", 240_000_000),  # mixed forms: multiplier applied
        ("1.5万", 15_000),
        ("3千万", 30_000_000),
        ("5百", 500),
    ],
)
def test_quantity_parse_number_reads_every_form(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "5号", "１２a", "亿5"])
def test_quantity_parse_number_rejects_what_is_not_a_number(text):
    with pytest.raises(NotANumber):
        parse_number(text)


def test_quantity_to_half_width_keeps_other_characters():
    assert to_half_width("５８．９公顷，１２％") == "58.9公顷,12%"


# surface -> value, unit, value_normalized, unit_normalized, dimension
SPEC_ROWS = [
    # area
    ("58.9公顷", 58.9, "公顷", 589_000, "m2", "area"),
    ("47.3万平方米", 47.3, "万平方米", 473_000, "m2", "area"),
    ("2000亩", 2000, "亩", 1_333_333.33, "m2", "area"),
    ("1.5万亩", 1.5, "万亩", 10_000_000, "m2", "area"),
    ("63平方公里", 63, "平方公里", 63_000_000, "m2", "area"),
    ("12.2万平米", 12.2, "万平米", 122_000, "m2", "area"),
    ("17.39平方米", 17.39, "平方米", 17.39, "m2", "area"),
    ("120㎡", 120, "㎡", 120, "m2", "area"),
    ("85m²", 85, "m²", 85, "m2", "area"),
    # money
    ("420亿元", 420, "亿元", 42_000_000_000, "CNY", "money"),
    ("6.57亿元", 6.57, "亿元", 657_000_000, "CNY", "money"),
    ("2.4亿美元", 2.4, "亿美元", 240_000_000, "USD", "money"),
    ("2万元", 2, "万元", 20_000, "CNY", "money"),
    ("3千万元", 3, "千万元", 30_000_000, "CNY", "money"),
    ("5万元/亩", 5, "万元/亩", 50_000, "CNY", "money"),  # a rate keeps its unit
    ("万亿元", 1, "万亿元", 10**12, "CNY", "money"),  # no numeral: value 1, unit holds the multiplier
    # length
    ("1875米", 1875, "米", 1875, "m", "length"),
    ("160公里", 160, "公里", 160_000, "m", "length"),
    ("3千米", 3, "千米", 3000, "m", "length"),
    # count: the measure word as written
    ("450个", 450, "个", 450, "个", "count"),
    ("13家", 13, "家", 13, "家", "count"),
    ("200张", 200, "张", 200, "张", "count"),
    ("32项", 32, "项", 32, "项", "count"),
    ("6所", 6, "所", 6, "所", "count"),
    ("22处", 22, "处", 22, "处", "count"),
    ("3栋", 3, "栋", 3, "栋", "count"),
    ("9条", 9, "条", 9, "条", "count"),
    ("2306套", 2306, "套", 2306, "套", "count"),
    ("10万人次", 10, "万人次", 100_000, "人次", "count"),
    ("5大", 5, "大", 5, "大", "count"),
    ("两个", 2, "个", 2, "个", "count"),
    ("一百二十个", 120, "个", 120, "个", "count"),
    # population
    ("81.4万人", 81.4, "万人", 814_000, "人", "population"),
    ("40万人", 40, "万人", 400_000, "人", "population"),
    ("9000名", 9000, "名", 9000, "人", "population"),
    ("两百名", 2, "百名", 200, "人", "population"),  # the spec's own example
    ("三千五百人", 3500, "人", 3500, "人", "population"),
    # percent
    ("48.25%", 48.25, "%", 48.25, "%", "percent"),
    ("12％", 12, "％", 12, "%", "percent"),
    ("2个百分点", 2, "个百分点", 2, "%", "percent"),
    ("四成", 4, "成", 40, "%", "percent"),
    ("百分之三十", 30, "百分之", 30, "%", "percent"),
    # ratio
    ("1/3", 0.3333, None, 0.3333, "ratio", "ratio"),
    ("11倍", 11, "倍", 11, "ratio", "ratio"),
    ("三分之一", 0.3333, None, 0.3333, "ratio", "ratio"),
    # duration
    ("30年", 30, "年", 30, "year", "duration"),
    ("14年", 14, "年", 14, "year", "duration"),
    ("4小时", 4, "小时", 4, "hour", "duration"),
    ("5天", 5, "天", 5, "day", "duration"),
    ("4个月", 4, "个月", 4, "month", "duration"),
    ("40分钟", 40, "分钟", 40, "minute", "duration"),
    ("58岁", 58, "岁", 58, "year", "duration"),
    # temperature, mass
    ("22摄氏度", 22, "摄氏度", 22, "degC", "temperature"),
    ("22℃", 22, "℃", 22, "degC", "temperature"),
    ("40吨", 40, "吨", 40, "t", "mass"),
    ("3万吨标准煤", 3, "万吨标准煤", 30_000, "t", "mass"),
    # full width
    ("５８．９公顷", 58.9, "公顷", 589_000, "m2", "area"),
    ("146，759.30万元", 146759.30, "万元", 1_467_593_000, "CNY", "money"),
]


@pytest.mark.parametrize("surface, value, unit, normalized, unit_normalized, dimension", SPEC_ROWS)
def test_quantity_parse_quantity_normalizes_every_spec_unit(surface, value, unit, normalized, unit_normalized, dimension):
    q = parse_quantity(surface)
    assert q.surface == surface
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.value_normalized == pytest.approx(normalized, rel=1e-6)
    assert q.unit_normalized == unit_normalized
    assert q.dimension == dimension
    assert q.qualifier == "exact"
    assert q.value_min is None and q.value_max is None


# surface -> qualifier, value_normalized, value_min, value_max
QUALIFIER_ROWS = [
    ("约24.57万平方米", "approx", 245_700, None, None),
    ("大约30家", "approx", 30, None, None),
    ("5000元左右", "approx", 5000, None, None),
    ("5家上下", "approx", 5, None, None),
    ("超20%", "more_than", 20, 20, None),
    ("超过40万人", "more_than", 400_000, 400_000, None),
    ("超过了40万人", "more_than", 400_000, 400_000, None),  # 了 between
    ("逾100家", "more_than", 100, 100, None),
    ("2300余套", "more_than", 2300, 2300, None),
    ("30多年", "more_than", 30, 30, None),
    ("10多个", "more_than", 10, 10, None),
    ("2000余万平方米", "more_than", 20_000_000, 20_000_000, None),
    ("2000亩以上", "more_than", 1_333_333.33, 1_333_333.33, None),
    ("突破420亿元", "more_than", 42_000_000_000, 42_000_000_000, None),
    ("超过百只", "more_than", 100, 100, None),
    ("过亿元", "more_than", 100_000_000, 100_000_000, None),
    ("3个多月", "more_than", 3, 3, None),
    ("不少于100家", "at_least", 100, 100, None),
    ("至少3个", "at_least", 3, 3, None),
    ("不低于20%", "at_least", 20, 20, None),
    ("不足5%", "less_than", 5, None, 5),
    ("不到1年", "less_than", 1, None, 1),
    ("不超过100亩", "less_than", 66_666.67, None, 66_666.67),
    ("3公里以内", "less_than", 3000, None, 3000),
    ("5天内", "less_than", 5, None, 5),
    ("4小时内", "less_than", 4, None, 4),
    ("100人以下", "less_than", 100, None, 100),
    ("近100万平方米", "nearly", 1_000_000, None, 1_000_000),
    ("将近20年", "nearly", 20, None, 20),
    ("接近50%", "nearly", 50, None, 50),
    ("快30年", "nearly", 30, None, 30),
    ("5—10万平方米", "range", 50_000, 50_000, 100_000),
    ("5万—10万平方米", "range", 50_000, 50_000, 100_000),
    ("5至10公顷", "range", 50_000, 50_000, 100_000),
    ("5~10个", "range", 5, 5, 10),
    ("5～10个", "range", 5, 5, 10),
    ("5到10天", "range", 5, 5, 10),
    ("3—5年", "range", 3, 3, 5),
]


@pytest.mark.parametrize("surface, qualifier, normalized, low, high", QUALIFIER_ROWS)
def test_quantity_parse_quantity_sets_qualifier_and_bounds(surface, qualifier, normalized, low, high):
    q = parse_quantity(surface)
    assert q.qualifier == qualifier
    assert q.value_normalized == pytest.approx(normalized, rel=1e-6)
    assert (q.value_min is None) == (low is None) and (q.value_max is None) == (high is None)
    if low is not None:
        assert q.value_min == pytest.approx(low, rel=1e-6)
    if high is not None:
        assert q.value_max == pytest.approx(high, rel=1e-6)


def test_quantity_range_value_is_the_lower_bound_as_written():
    q = parse_quantity("5—10万平方米")
    assert (q.value, q.unit) == (5, "万平方米")


def test_quantity_chinese_numerals_are_flagged():
    assert parse_quantity("两个").chinese_numeral
    assert not parse_quantity("2个").chinese_numeral


@pytest.mark.parametrize("surface", ["5号", "一期", "abc", "3月", "40度", "100"])
def test_quantity_parse_quantity_rejects_surfaces_without_a_known_unit(surface):
    with pytest.raises(NotAQuantity):
        parse_quantity(surface)


def test_quantity_unit_of_applies_the_multiplier():
    assert unit_of("万平方米").factor == 10_000
    assert unit_of("亿美元").unit_normalized == "USD"
    with pytest.raises(NotAQuantity):
        unit_of("万号")


# --- property tests ---

ROUND_TRIP_UNITS = sorted(u for u in UNITS if u not in ("m", "m2", "km", "km2"))


@settings(max_examples=300, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=10**9),
    unit=st.sampled_from(ROUND_TRIP_UNITS),
    multiplier=st.sampled_from(["", "万", "亿"]),
)
def test_quantity_format_then_parse_gives_the_number_back(cents, unit, multiplier):
    value = cents / 100
    surface = format_quantity(value, multiplier + unit)
    q = parse_quantity(surface)
    assert q.value == pytest.approx(value)
    factor = {"": 1, "万": 10**4, "亿": 10**8}[multiplier] * UNITS[unit].factor
    assert q.value_normalized == pytest.approx(value * factor, rel=1e-6, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(value=st.integers(min_value=1000, max_value=10**9))
def test_quantity_thousands_separators_are_read_through(value):
    assert parse_number(f"{value:,}") == value
    assert parse_number(f"{value:,}".replace(",", "，")) == value


DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Write 1 <= n < 10**12 in Chinese numerals (the test's own, independent writer)."""

    def below_10000(x: int) -> str:
        out, zero = "", False
        for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = x // value % 10
            if digit:
                if zero and out:
                    out += "零"
                out += DIGITS[digit] + name
                zero = False
            else:
                zero = True
        return out

    parts = []
    for value, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        section = n // value % 10**4 if value < 10**8 else n // value
        if section:
            text = below_10000(section) + name
            if parts and section < 1000:
                text = "零" + text
            parts.append(text)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(value=st.integers(min_value=1, max_value=10**11))
def test_quantity_chinese_numerals_round_trip(value):
    assert parse_chinese_numeral(to_chinese(value)) == value


def test_quantity_the_pattern_reads_exactly_the_qualifiers_of_the_table():
    # extract.metrics tries a match before a number only where the gap is a word of the table.
    pre = re.search(r"\(\?P<pre>(.*?)\)\?\(\?P<n1>", QUANTITY_PATTERN)[1]
    words = {re.sub(r"\(\?<!\[[^\]]*\][^)]*\)", "", alternative) for alternative in pre.split("|")}
    assert words == set(QUALIFIERS_BEFORE)


@pytest.mark.parametrize("surface, qualifier", [("约5个", "approx"), ("近5年", "nearly"), ("快3个月", "nearly"), ("上万人", "at_least")])
def test_quantity_qualifiers_with_a_look_behind_still_read_at_the_start(surface, qualifier):
    assert parse_quantity(surface).qualifier == qualifier


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_quantity_normalize_rounds_to_four_places(value):
    assert normalize(value) == round(value, 4)
    assert isinstance(normalize(value), float)


def test_quantity_unit_of_raises_for_an_unknown_unit_every_time():
    for _ in range(2):  # look-ups are cached; failures are not
        with pytest.raises(NotAQuantity):
            unit_of("万斤")
    assert unit_of("万平方米") is unit_of("万平方米")


@pytest.mark.parametrize(
    "surface, low, high",
    [("两百至三百个", 200.0, 300.0), ("两百—三百人", 200.0, 300.0), ("三至五万平方米", 30000.0, 50000.0)],
)
def test_quantity_range_of_chinese_numerals_with_a_multiplier(surface, low, high):
    quantity = parse_quantity(surface)
    assert (quantity.qualifier, quantity.value_min, quantity.value_max) == ("range", low, high)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="平方米公里.", min_size=1, max_size=3), min_size=1, max_size=8, unique=True),
    text=st.text(alphabet="平方米公里.", max_size=12),
)
def test_alternation_grouped_by_first_character_matches_as_the_plain_one(words, text):
    plain, grouped = "|".join(map(re.escape, words)), alternation(words)
    for template in ("(?:{})", "(?:{})里", "(?:{})$"):  # alone, with what must follow, anchored
        a, b = re.compile(template.format(plain)), re.compile(template.format(grouped))
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
