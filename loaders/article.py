"""What a reader produces: an article with its metadata and its paragraphs.

Plain records with no database in sight; `loaders.writer` turns them into rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A block of the article body.

    `char_start`/`char_end` are offsets into `Article.text`; every fact found
    in the paragraph keeps offsets into `Paragraph.text`.
    """

    seq: int
    kind: str  # title, subtitle, heading, byline, body, caption, infobox, boilerplate
    text: str
    section: str | None = None
    char_start: int = 0
    char_end: int = 0


@dataclass
class Article:
    """One article read from a file (a JSON Lines file yields several)."""

    format: str  # text, markdown, html, json
    encoding: str
    paragraphs: list[Paragraph]
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    publication: str | None = None
    published_date: str | None = None  # ISO date
    url: str | None = None
    source_item: int = 0  # position inside its file
    # Facts added by the extraction stages (lists of records from `extract.records`).
    metrics: list = field(default_factory=list)
    entities: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    enclosing_places: list = field(default_factory=list)  # places with no mention: the named ones' parents

    @property
    def text(self) -> str:
        """The normalized body: paragraphs joined by a blank line."""
        return PARAGRAPH_SEPARATOR.join(p.text for p in self.paragraphs)


PARAGRAPH_SEPARATOR = "\n\n"


def number_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Set `seq` and the offsets of each paragraph into the joined text."""
    position = 0
    for seq, paragraph in enumerate(paragraphs):
        paragraph.seq = seq
        paragraph.char_start = position
        paragraph.char_end = position + len(paragraph.text)
        position = paragraph.char_end + len(PARAGRAPH_SEPARATOR)
    return paragraphs
