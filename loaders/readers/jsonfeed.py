"""JSON and JSON Lines: one article object per file, a list of them, or one per line.

Crawlers name fields differently; the first field present wins (see the *_FIELDS
tables). A body written as HTML is read as an HTML fragment.
"""
from __future__ import annotations

import html
import json
import re

from urbandb.loaders.errors import MalformedArticle
from urbandb.loaders.readers.html import html_fragment_blocks, looks_like_html
from urbandb.loaders.readers.markdown import names_of
from urbandb.loaders.readers.text import text_blocks
from urbandb.loaders.structure import Block, Metadata, iso_date

INLINE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
INLINE_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+);")

BODY_FIELDS = ("content", "text", "body", "article", "content_html", "html")
TITLE_FIELDS = ("title", "headline")
SUBTITLE_FIELDS = ("subtitle", "sub_title")
DATE_FIELDS = ("date", "published", "publish_time", "pubDate", "published_at", "publish_date", "pub_date", "time")
URL_FIELDS = ("url", "source_url", "link", "canonical_url")
AUTHOR_FIELDS = ("author", "authors", "byline")
PUBLICATION_FIELDS = ("source", "publication", "site_name", "site", "publisher", "media")


def json_items(text: str, lines: bool) -> list[tuple[int, str, dict | MalformedArticle]]:
    """(position, where, object or what is wrong with it) of each article in a
    `.json` file (an object or a list) or a JSON Lines file; position is the
    0-based line (JSON Lines) or list index, `where` names it for messages.

    Each line or list item is a record of its own: a broken one is returned as
    its MalformedArticle and the others are kept. A file with no records, or a
    `.json` file that is not JSON at all, raises MalformedArticle.
    """
    if lines:
        items = [
            (number - 1, f"line {number}", _line_object(line, number))
            for number, line in enumerate(text.split("\n"), 1)
            if line.strip()
        ]
        if not items:
            raise MalformedArticle("no JSON objects in the JSON Lines file")
        return items
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MalformedArticle(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from error
    except RecursionError:
        raise MalformedArticle("invalid JSON: nested too deeply") from None
    except ValueError as error:  # a number of thousands of digits
        raise MalformedArticle(f"invalid JSON: {error}") from None
    if isinstance(data, list):
        if not data:
            raise MalformedArticle("empty JSON list: no articles")
        return [(n, f"item {n}", _object_or_problem(item, f"item {n}")) for n, item in enumerate(data)]
    return [(0, "the JSON document", _object(data, "the JSON document"))]


def _line_object(line: str, number: int) -> dict | MalformedArticle:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return MalformedArticle(f"invalid JSON on line {number}: {error.msg} (column {error.colno})")
    except RecursionError:
        return MalformedArticle(f"invalid JSON on line {number}: nested too deeply")
    except ValueError as error:  # a number of thousands of digits
        return MalformedArticle(f"invalid JSON on line {number}: {error}")
    return _object_or_problem(value, f"line {number}")


def _object_or_problem(value, where: str) -> dict | MalformedArticle:
    try:
        return _object(value, where)
    except MalformedArticle as problem:
        return problem


def item_body(item: dict, where: str) -> str:
    """The article text of one object; MalformedArticle if no body field holds text."""
    for name in BODY_FIELDS:
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            return value
    raise MalformedArticle(f"{where}: no article body (expected one of the fields {', '.join(BODY_FIELDS)})")


def item_blocks(body: str) -> list[Block]:
    """A body with block tags is HTML; otherwise lines of text, inline tags and entities removed."""
    if looks_like_html(body):
        return html_fragment_blocks(body)
    if INLINE_MARKUP.search(body):
        body = html.unescape(INLINE_TAG.sub("", body))
    return text_blocks(body)


def item_metadata(item: dict) -> Metadata:
    return Metadata(
        title=_string(item, TITLE_FIELDS),
        subtitle=_string(item, SUBTITLE_FIELDS),
        authors=names_of(next((item[f] for f in AUTHOR_FIELDS if item.get(f)), None)),
        publication=_string(item, PUBLICATION_FIELDS),
        published_date=next((iso_date(item[f]) for f in DATE_FIELDS if iso_date(item.get(f))), None),
        url=next((item[f] for f in URL_FIELDS if isinstance(item.get(f), str) and item[f].startswith("http")), None),
    )


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedArticle(f"{where}: expected a JSON object, found {type(value).__name__}")
    return value


def _string(item: dict, fields: tuple[str, ...]) -> str | None:
    for name in fields:
        value = item.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
