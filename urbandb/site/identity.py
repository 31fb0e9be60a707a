"""Addresses that last: the URL of an article, a project or a place.

A document's row id changes when its file is edited and reloaded (the file's
rows are replaced), so an article is addressed by a key derived from where it
comes from: its source path and its position in that file. Projects and
places are addressed by their canonical name, which the entity keeps across
reloads; a numeric id is accepted too.
"""
from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import quote, unquote

ARTICLE_KEY = re.compile(r"^[a-z2-7]{10}$")
ROW_ID = re.compile(r"^[0-9]{1,18}$")
"""A row id SQLite can hold (larger numbers are no id: 404, not an overflow)."""
MAX_NAME = 200


def article_key(source_path: str, source_item: int) -> str:
    """Ten characters from the source path and the item's position in the file."""
    digest = hashlib.sha1(f"{source_path}#{int(source_item or 0)}".encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")[:10].lower()


def article_href(document: dict, urls, paragraph_seq: int | None = None) -> str:
    """The article page of a row carrying `source_path` and `source_item`."""
    href = urls.path(f"/-/article/{article_key(document['source_path'], document.get('source_item') or 0)}")
    return href if paragraph_seq is None else f"{href}#p{paragraph_seq}"


def entity_href(entity: dict, urls) -> str:
    """A project or place page by name; other entities open their row."""
    kind = entity.get("type")
    if kind in ("project", "place"):
        return urls.path(f"/-/{kind}/{quote(str(entity['name']), safe='')}")
    return urls.table("urbandb", "entities") + f"/{entity['id']}"


def entity_lookup(key: str) -> tuple[str, object] | None:
    """How to find the entity a URL names: ("id", 12) or ("name", "…"); None
    when the key can name nothing (empty, too long)."""
    key = unquote(key)
    if ROW_ID.match(key):
        return "id", int(key)
    if not key or len(key) > MAX_NAME or key.isdigit():
        return None
    return "name", key
