"""From a file's bytes to articles: pick the reader by extension, then by what the text looks like.

A `.txt` or `.md` file may hold a Jekyll/Hexo post (front matter, then Markdown
or HTML paragraphs) or a whole HTML page; a `.txt` with `#` headings is Markdown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from urbandb.loaders.article import Article
from urbandb.loaders.decode import decode, declared_charset
from urbandb.loaders.errors import MalformedArticle, UnsupportedFormat
from urbandb.loaders.readers import html, jsonfeed, markdown, text
from urbandb.loaders.structure import Block, Metadata, structure

READER_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

MARKDOWN_SIGNS = re.compile(r"^\s{0,3}#{1,6}\s+\S|^\s*\[[^\]]+\]\([^)]+\)\s*$", re.MULTILINE)


@dataclass
class RejectedRecord:
    """One record of a JSON Lines file (or item of a JSON list) that is not an article."""

    item: int
    problem: MalformedArticle


@dataclass
class Reading:
    """What one file holds: its articles, the records rejected, and the bytes
    decoding replaced with U+FFFD."""

    articles: list[Article]
    rejected: list[RejectedRecord] = field(default_factory=list)
    replaced_bytes: int = 0
    encoding: str | None = None


def read_articles(source_path: str, data: bytes) -> list[Article]:
    """The articles in one file (a JSON Lines file holds several).

    Raises UnsupportedFormat, UnreadableFile or MalformedArticle (all
    LoadFailure); a feed whose records all fail raises the first one's problem.
    """
    reading = read_source(source_path, data)
    if not reading.articles:
        raise reading.rejected[0].problem
    return reading.articles


def read_source(source_path: str, data: bytes) -> Reading:
    """The articles in one file, with the records that are not articles.

    Raises UnsupportedFormat, UnreadableFile or MalformedArticle when the file
    as a whole cannot be read.
    """
    suffix = PurePath(source_path).suffix.lower()
    reader = READER_BY_SUFFIX.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READER_BY_SUFFIX))
        raise UnsupportedFormat(f"unsupported file type {suffix or '(no extension)'!r}; readable: {known}")
    if reader in ("json", "jsonl"):
        return read_json(data, lines=reader == "jsonl" or _looks_like_json_lines(data))
    declared = declared_charset(data) if reader == "html" or data.lstrip()[:1] == b"<" else None
    decoded = decode(data, declared)
    fmt, blocks, metadata = read_document(decoded.text, reader)
    article = article_from(blocks, metadata, fmt, decoded.encoding)
    return Reading([article], replaced_bytes=decoded.replaced_bytes, encoding=decoded.encoding)


def read_document(body: str, reader: str) -> tuple[str, list[Block], Metadata]:
    """(format, blocks, declared metadata) of a text, Markdown or HTML document.

    Front matter is honoured in any of them (Jekyll posts may be `.html` too).
    """
    fields, rest = markdown.split_front_matter(body)
    declared = markdown.front_matter_metadata(fields) if fields is not None else Metadata()
    if reader == "html" or html.is_whole_page(rest):
        blocks, page = html.read_html_page(rest)
        return "html", blocks, merged(declared, page)
    if fields is not None or reader == "markdown" or MARKDOWN_SIGNS.search(rest):
        return "markdown", markdown.markdown_blocks(rest), declared
    return "text", text.text_blocks(rest), declared


def merged(primary: Metadata, fallback: Metadata) -> Metadata:
    """Field by field, what `primary` says, else what `fallback` says."""
    return Metadata(**{name: getattr(primary, name) or getattr(fallback, name) for name in vars(primary)})


def read_json(data: bytes, lines: bool) -> Reading:
    decoded = decode(data)
    reading = Reading([], replaced_bytes=decoded.replaced_bytes, encoding=decoded.encoding)
    for position, where, item in jsonfeed.json_items(decoded.text, lines):
        try:
            if isinstance(item, MalformedArticle):
                raise item
            body = jsonfeed.item_body(item, where)
            article = article_from(jsonfeed.item_blocks(body), jsonfeed.item_metadata(item), "json", decoded.encoding)
        except MalformedArticle as problem:
            reading.rejected.append(RejectedRecord(position, _named(problem, where)))
            continue
        article.source_item = position
        reading.articles.append(article)
    return reading


def _named(problem: MalformedArticle, where: str) -> MalformedArticle:
    """The problem, its message starting with the record it belongs to."""
    return problem if str(problem).startswith(where) or where in str(problem) else MalformedArticle(f"{where}: {problem}")


def article_from(blocks: list[Block], declared: Metadata, fmt: str, encoding: str) -> Article:
    structured = structure(blocks, declared)
    if not structured.paragraphs:
        raise MalformedArticle("no article text: the file holds markup or metadata only")
    found = structured.metadata
    return Article(
        format=fmt,
        encoding=encoding,
        paragraphs=structured.paragraphs,
        title=found.title,
        subtitle=found.subtitle,
        authors=found.authors,
        publication=found.publication,
        published_date=found.published_date,
        url=found.url,
    )


def _looks_like_json_lines(data: bytes) -> bool:
    """A `.json` file with one object per line (crawlers often name JSON Lines so)."""
    lines = [line for line in data.strip().splitlines() if line.strip()]
    return len(lines) > 1 and all(line.strip().startswith(b"{") and line.strip().endswith(b"}") for line in lines)

