"""JSON and JSON Lines: one article object per file, a list of them, or one per line.

Crawlers name fields differently; the first field present wins (see the *_FIELDS
tables), whatever its case or `_`; records inside an envelope ({"data": {"list": […]}})
are read as the records. A body written as HTML is read as an HTML fragment.
"""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone

from urbandb.loaders.errors import MalformedArticle
from urbandb.loaders.readers.html import html_fragment_blocks, looks_like_html
from urbandb.loaders.readers.markdown import names_of
from urbandb.loaders.readers.text import text_blocks
from urbandb.loaders.structure import Block, Metadata, iso_date

INLINE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
INLINE_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+);")

# Field names are compared without case, `_` or `-` (publish_time = publishTime = PublishTime).
BODY_FIELDS = ("content", "text", "body", "article", "content_html", "html", "news_content", "article_content",
               "content_text", "main_text", "full_text", "detail")
TITLE_FIELDS = ("title", "headline", "news_title", "article_title")
SUBTITLE_FIELDS = ("subtitle", "sub_title")
DATE_FIELDS = ("date", "published", "publish_time", "pubDate", "published_at", "publish_date", "pub_date", "pub_time",
               "time", "release_time", "release_date", "datetime", "create_time", "created_at", "ctime")
URL_FIELDS = ("url", "source_url", "link", "canonical_url", "article_url", "href")
AUTHOR_FIELDS = ("author", "authors", "byline", "reporter", "editor", "writer")
PUBLICATION_FIELDS = ("source", "publication", "site_name", "site", "publisher", "media", "source_name", "origin")
# A crawler's envelope around its records: {"data": {...}}, {"code": 0, "data": {"list": [...]}}.
ENVELOPE_FIELDS = ("data", "result", "results", "items", "articles", "list", "records", "docs", "news", "rows")


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
    data = unwrapped(data)
    if isinstance(data, list):
        if not data:
            raise MalformedArticle("empty JSON list: no articles")
        return [(n, f"item {n}", _object_or_problem(item, f"item {n}")) for n, item in enumerate(data)]
    return [(0, "the JSON document", _object(data, "the JSON document"))]


def unwrapped(data, depth: int = 3):
    """The records inside a crawler's envelope ({"code": 0, "data": {"list": [...]}}): while an
    object has no body field but one envelope field holding an object or a list, go inside."""
    while depth and isinstance(data, dict) and _field(data, BODY_FIELDS) is None:
        inner = _field(data, ENVELOPE_FIELDS, lambda value: isinstance(value, (dict, list)) and bool(value))
        if inner is None:
            break
        data, depth = inner, depth - 1
    return data


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _field(item: dict, names: tuple[str, ...], accept=None):
    """The value of the first of `names` the object has (compared without case, _ or -) that
    `accept` takes (by default: text that is not blank); None if none."""
    accept = accept or (lambda value: isinstance(value, str) and bool(value.strip()))
    keys = {_key(key): value for key, value in item.items() if isinstance(key, str)}
    for name in names:
        value = keys.get(_key(name))
        if value is not None and accept(value):
            return value
    return None


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
    body = _field(item, BODY_FIELDS)
    if body is not None:
        return body
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
        authors=names_of(_field(item, AUTHOR_FIELDS, bool)),
        publication=_string(item, PUBLICATION_FIELDS),
        published_date=feed_date(_field(item, DATE_FIELDS, feed_date)),
        url=_field(item, URL_FIELDS, lambda value: isinstance(value, str) and value.startswith("http")),
    )


BEIJING = timezone(timedelta(hours=8))
EPOCH_RANGE = (946684800, 4102444800)  # 2000-01-01 to 2100-01-01, in seconds


def feed_date(value) -> str | None:
    """YYYY-MM-DD from a date string, or from a Unix time in seconds or milliseconds
    (1701590400, "1701590400000"), read on Beijing time; None if neither."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) in (10, 13):
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > EPOCH_RANGE[1] else value
        if not EPOCH_RANGE[0] <= seconds <= EPOCH_RANGE[1]:
            return None
        return datetime.fromtimestamp(seconds, BEIJING).date().isoformat()
    return iso_date(value)


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedArticle(f"{where}: expected a JSON object, found {type(value).__name__}")
    return value


def _string(item: dict, fields: tuple[str, ...]) -> str | None:
    value = _field(item, fields)
    return value.strip() if value is not None else None
