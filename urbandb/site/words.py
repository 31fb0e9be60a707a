"""Codes as words: what the site shows for the codes the database stores
(research_base → 研发基地, more_than → 超过, 589000 m2 → 58.9公顷).

The vocabularies live in `data/words.yml`. Quantities are shown in the unit a
reader would use (公顷 for land, 万平方米 for floor space, 亿元 for large
sums), the normalized value going into the tooltip.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

WORDS_FILE = Path(__file__).resolve().parent / "data" / "words.yml"


@lru_cache(maxsize=1)
def vocabularies() -> dict:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def word(vocabulary: str, code, unknown: str = "未知") -> str:
    """The word for a code; `unknown` for none, the code itself when the
    vocabulary lacks it (a new code shows up rather than vanishing)."""
    if code is None or code == "":
        return unknown
    return vocabularies()[vocabulary].get(code, str(code))


def column_heading(column: str) -> str:
    """A report's column as its page heads it (项目, 面积（公顷）); a column
    the vocabulary lacks keeps its name."""
    return vocabularies()["report_column"].get(column, column)


def error_heading(status) -> str:
    """An error page's heading: 找不到 for a 404, 请求有误 for a 400 …"""
    return vocabularies()["error_status"].get(status, "出错了")


def error_words(message) -> str:
    """One of Datasette's own error messages in words; others as they are
    (urbandb's own are already in Chinese)."""
    message = str(message)
    if message in vocabularies()["error_message"]:
        return vocabularies()["error_message"][message]
    for start, words_ in vocabularies()["error_message_start"].items():
        if message.startswith(start):
            return words_ + message[len(start):]
    return message


def number(value: float, digits: int = 2) -> str:
    """58.9, 1,234, 0.35: at most `digits` decimals, no trailing zeros."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _is_floor_space(label: str | None, written_unit: str | None) -> bool:
    """Floor space (万平方米) rather than land (公顷): as the article wrote it
    when it used square metres, else by what the label measures."""
    written = written_unit or ""
    if any(w in written for w in vocabularies()["land_units"]):
        return False
    if any(w in written for w in vocabularies()["floor_space_units"]):
        return True
    return any(w in (label or "") for w in vocabularies()["floor_space_words"])


def scaled(value: float, unit: str, dimension: str | None, label: str | None = None, written_unit: str | None = None) -> str:
    """A normalized value in the unit a reader would use: 58.9公顷, 47.3万平方米, 45亿元."""
    magnitude = abs(value)
    if unit == "m2":
        if _is_floor_space(label, written_unit):
            return f"{number(value / 1e4)}万平方米" if magnitude >= 1e4 else f"{number(value)}平方米"
        if magnitude >= 1e7:
            return f"{number(value / 1e6)}平方公里"
        return f"{number(value / 1e4)}公顷" if magnitude >= 1e4 else f"{number(value)}平方米"
    if unit in ("CNY", "USD"):
        currency = word("unit", unit)
        if magnitude >= 1e8:
            return f"{number(value / 1e8)}亿{currency}"
        if magnitude >= 1e4:
            return f"{number(value / 1e4)}万{currency}"
        return f"{number(value)}{currency}"
    if unit == "ratio":
        return number(value, 3)
    if dimension == "population" and magnitude >= 1e4:
        return f"{number(value / 1e4)}万{unit}"
    return f"{number(value)}{word('unit', unit, '') if unit in vocabularies()['unit'] else unit}"


def plain(value: float, unit: str) -> str:
    """The normalized value as stored, in words: 589,000平方米."""
    return f"{number(value, 4)}{word('unit', unit, '') if unit in vocabularies()['unit'] else unit}"


def figure_value(metric: dict) -> str:
    """What a figure says, in words: 约58.9公顷, 超过2,300套, 3亿至5亿元."""
    value = metric.get("value_normalized")
    if value is None:
        return metric.get("surface") or "?"
    unit, dimension = metric.get("unit_normalized") or "", metric.get("dimension")
    hints = (metric.get("label"), metric.get("unit"))
    if metric.get("qualifier") == "range" and metric.get("value_max") is not None:
        low = metric.get("value_min") if metric.get("value_min") is not None else value
        return f"{scaled(low, unit, dimension, *hints)}至{scaled(metric['value_max'], unit, dimension, *hints)}"
    return word("qualifier", metric.get("qualifier"), "") + scaled(value, unit, dimension, *hints)


def figure_details(metric: dict) -> str:
    """A figure's tooltip: the readable value, the normalized value, what it
    measures, of what, for which year."""
    parts = [figure_value(metric)]
    value = metric.get("value_normalized")
    if value is not None:
        parts[0] += f"（{plain(value, metric.get('unit_normalized') or '')}）"
    if metric.get("dimension"):
        parts.append(word("dimension", metric["dimension"]))
    if metric.get("label"):
        parts.append(f"指标：{metric['label']}")
    if metric.get("subject"):
        parts.append(f"对象：{metric['subject']}")
    if metric.get("as_of_year"):
        parts.append(f"年份：{metric['as_of_year']}")
    return " · ".join(parts)
