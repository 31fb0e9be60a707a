"""The facts extraction produces, as plain records.

Offsets are into the text of the paragraph numbered `paragraph_seq` of the
article the fact was found in.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Metric:
    """A quantity stated in the text, normalized as `spec/metrics.md` defines."""

    paragraph_seq: int
    char_start: int
    char_end: int
    surface: str  # exact text, qualifier words included
    value: float  # as written, before the multiplier; lower bound of a range
    unit: str | None  # as written, multiplier included (万平方米)
    value_normalized: float  # in the base unit
    unit_normalized: str  # m2, CNY, USD, m, %, ratio, year, 个 ...
    dimension: str  # area, money, length, count, population, percent, ratio, duration, temperature, mass
    qualifier: str = "exact"  # exact, approx, more_than, at_least, less_than, nearly, range
    value_min: float | None = None
    value_max: float | None = None
    label: str | None = None
    as_of_year: int | None = None
    subject: str | None = None  # canonical name of the entity it is about (set by extract.subjects)
    subject_type: str | None = None  # that entity's type
    sentence: str | None = None
