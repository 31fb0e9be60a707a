"""Articles written in traditional characters (香港, 台灣, reposts of mainland
news) read as simplified ones, character for character.

The word lists, the suffixes and the gazetteer are in simplified characters,
so 龍華新區 would be no place and 萬平方米 no unit. Reading a traditional
article through a one-to-one character map keeps every offset: a fact found
in the simplified reading is at the same place in the text as written, and
its surface is taken from there. Names stay simplified, so that 龍華新區 and
龙华新区 are one entity across articles. Phrase conversion (太空梭 -> 航天飞机)
would change lengths and is not done.
"""
from __future__ import annotations

import contextlib
import io
import re
from functools import lru_cache

# An article is read as traditional when this share of its Chinese characters
# has a different simplified form. Traditional articles measure 20-35%;
# simplified ones under 0.5% (著, 覆, 乾: characters the map folds that
# simplified writing keeps).
TRADITIONAL_SHARE = 0.10
# …and it uses this many different ones: a simplified text that quotes 乾隆
# and 著作 again and again does not.
TRADITIONAL_KINDS = 6
DETECTION_SPAN = 1500
DETECTION_PARAGRAPHS = 12
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _character_map() -> dict[int, int]:
    """Traditional -> simplified code points, one character each, from the
    table jionlp ships (tra2sim_char.txt)."""
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        from jionlp.dictionary.dictionary_loader import traditional_simplified_loader
    table = traditional_simplified_loader("tra2sim_char.txt")
    return {ord(old): ord(new) for old, new in table.items() if len(old) == 1 and len(new) == 1 and old != new}


@lru_cache(maxsize=1)
def _traditional_characters() -> re.Pattern:
    return re.compile("[" + "".join(sorted(re.escape(chr(c)) for c in _character_map())) + "]")


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters, judged by its first
    DETECTION_SPAN characters (an article is written in one script)."""
    text = text[:DETECTION_SPAN]
    changed = _traditional_characters().findall(text)
    return (
        len(set(changed)) >= TRADITIONAL_KINDS
        and len(changed) >= TRADITIONAL_SHARE * sum(1 for _ in _CJK.finditer(text))
    )


def to_simplified(text: str) -> str:
    """`text` with each traditional character replaced by its simplified one;
    same length, same offsets."""
    return text.translate(_character_map())


def as_written(written: str, simplified: str, fragment: str, start: int = 0) -> str:
    """`fragment` (found in `simplified`, at or after `start`) as `written`
    has it; the fragment itself when it is not there."""
    at = simplified.find(fragment, start)
    return fragment if at < 0 else written[at:at + len(fragment)]


class InSimplifiedCharacters:
    """A pipeline stage: `stages` run on the simplified reading of an article
    written in traditional characters, then its paragraphs get their written
    text back, and each fact's surface (a metric's unit and sentence too) is
    the text as written at the fact's offsets. Other articles go through
    `stages` untouched."""

    def __init__(self, stages):
        self.stages = list(stages)

    def __call__(self, article):
        opening = "".join(p.text for p in article.paragraphs[:DETECTION_PARAGRAPHS])
        if not is_traditional(opening):
            for stage in self.stages:
                article = stage(article)
            return article
        written = {p.seq: p.text for p in article.paragraphs}
        for paragraph in article.paragraphs:
            paragraph.text = to_simplified(paragraph.text)
        simplified = {p.seq: p.text for p in article.paragraphs}
        for stage in self.stages:
            article = stage(article)
        for paragraph in article.paragraphs:
            paragraph.text = written[paragraph.seq]
        restore_surfaces(article, written, simplified)
        return article


def restore_surfaces(article, written: dict[int, str], simplified: dict[int, str]) -> None:
    """Surfaces of the article's facts as `written` (paragraph texts by seq)
    has them, at the offsets found in the `simplified` reading."""
    for metric in article.metrics:
        text = written[metric.paragraph_seq]
        surface = text[metric.char_start:metric.char_end]
        if metric.unit:
            metric.unit = as_written(surface, metric.surface, metric.unit)
        if metric.sentence:
            metric.sentence = as_written(text, simplified[metric.paragraph_seq], metric.sentence)
        metric.surface = surface
    for entity in article.entities:
        for mention in entity.mentions:
            mention.surface = written[mention.paragraph_seq][mention.char_start:mention.char_end]
