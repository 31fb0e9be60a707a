"""Markdown and Jekyll/Hexo posts: front matter, ATX headings, links, inline HTML.

`#` is a title, `##` and deeper are headings (`structure` makes the one right
after the title a subtitle); a line made only of links is chrome; HTML block
tags start an HTML block that runs to the next blank line (CommonMark).
"""
from __future__ import annotations

import html
import re

import yaml

from urbandb.loaders.errors import MalformedArticle
from urbandb.loaders.readers.html import html_fragment_blocks, looks_like_html
from urbandb.loaders.structure import Block, Metadata, author_names, iso_date

# Crawlers' exports may put blank lines before the opening ---.
FRONT_MATTER_OPEN = re.compile(r"(?:[ \t]*\n)*---[ \t]*\n")
FRONT_MATTER = re.compile(r"\A(?:[ \t]*\n)*---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
ATX_HEADING = re.compile(r"^\s{0,3}(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
AUTOLINK = re.compile(r"<((?:https?:)?//[^>\s]+)>")
EMPHASIS = re.compile(r"(\*\*|__|\*|~~|`)(?=\S)(.+?)(?<=\S)\1")
LIST_MARK = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
QUOTE_MARK = re.compile(r"^\s{0,3}(?:>\s?)+")
INLINE_TAG = re.compile(r"</?(?:span|strong|b|em|i|u|font|a|sup|sub)\b[^>]*>", re.IGNORECASE)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
HTML_BLOCK_START = re.compile(r"^\s{0,3}</?(?:p|div|h[1-6]|section|article|figure|figcaption|table|ul|ol|li|blockquote|br|img|center)\b", re.IGNORECASE)
LINK_SEPARATORS = " \t|｜·•/／>»-–—,，、"

TITLE_KEYS = ("title", "headline")
SUBTITLE_KEYS = ("subtitle", "sub_title")
DATE_KEYS = ("date", "published", "publish_date", "pubdate", "publish_time", "created")
URL_KEYS = ("url", "source_url", "link", "canonical_url", "original_url")
AUTHOR_KEYS = ("author", "authors")
PUBLICATION_KEYS = ("source", "publication", "site_name", "publisher")


class FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML without aliases: a few hundred bytes of nested `*refs` expand
    to gigabytes once printed, and no post's title or date needs one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """(front matter mapping or None, the rest). Raises MalformedArticle for bad YAML."""
    if not FRONT_MATTER_OPEN.match(text):
        return None, text
    match = FRONT_MATTER.match(text)
    if not match:
        raise MalformedArticle("front matter opened with --- is never closed")
    try:
        data = yaml.load(match.group("yaml"), Loader=FrontMatterLoader)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise MalformedArticle(f"invalid front matter YAML{where}: {problem}") from error
    except RecursionError:
        raise MalformedArticle("invalid front matter YAML: nested too deeply") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MalformedArticle(f"front matter is not a mapping of fields but a {type(data).__name__}")
    return data, text[match.end():]


def front_matter_metadata(fields: dict) -> Metadata:
    """Title, date, author, source and URL a post's front matter declares."""
    return Metadata(
        title=_string(fields, TITLE_KEYS),
        subtitle=_string(fields, SUBTITLE_KEYS),
        authors=names_of(next((fields[k] for k in AUTHOR_KEYS if fields.get(k)), None)),
        publication=_string(fields, PUBLICATION_KEYS),
        published_date=next((iso_date(fields[k]) for k in DATE_KEYS if iso_date(fields.get(k))), None),
        url=next((str(fields[k]) for k in URL_KEYS if str(fields.get(k) or "").startswith("http")), None),
    )


def names_of(value) -> list[str]:
    """Authors from a string (张三、李四 / 张三 李四 / John Smith), a list of
    names, or `{"name": …}` objects; numbers, booleans and nulls name nobody."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        return author_names(value)
    if not isinstance(value, list):
        return []
    names = (item.get("name") if isinstance(item, dict) else item for item in value)
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of a Markdown body; HTML blocks inside it are read as HTML."""
    lines = HTML_COMMENT.sub("", text).split("\n")  # <!-- more --> is Hexo's excerpt mark
    blocks: list[Block] = []
    blanks = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip(" \t\u3000\xa0"):
            blanks += 1
            i += 1
            continue
        if HTML_BLOCK_START.match(line) and looks_like_html(line):
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            chunk = AUTOLINK.sub(r"\1", "\n".join(lines[i:end]))
            for n, block in enumerate(html_fragment_blocks(chunk)):
                blocks.append(Block(text=block.text, hint=block.hint, blank_before=blanks if n == 0 else 1))
            blanks, i = 0, end
            continue
        underline = SETEXT_UNDERLINE.match(lines[i + 1]) if i + 1 < len(lines) else None
        if underline and not ATX_HEADING.match(line):
            hint = "title" if underline.group(1).startswith("=") else "heading"
            blocks.append(Block(text=inline_text(line), hint=hint, blank_before=blanks))
            blanks, i = 0, i + 2
            continue
        block = markdown_line(line, blanks)
        if block is not None:
            blocks.append(block)
        blanks, i = 0, i + 1
    return blocks


def markdown_line(line: str, blank_before: int) -> Block | None:
    """One Markdown line as a block; None for rules and image-only lines."""
    if RULE.match(line):
        return None
    heading = ATX_HEADING.match(line)
    if heading:
        hint = "title" if len(heading.group("marks")) == 1 else "heading"
        return Block(text=inline_text(heading.group("text")), hint=hint, blank_before=blank_before)
    body = QUOTE_MARK.sub("", LIST_MARK.sub("", line))
    without_images = IMAGE.sub("", body)
    if not without_images.strip():
        return None
    links = LINK.findall(without_images) + AUTOLINK.findall(without_images)
    rest = AUTOLINK.sub("", LINK.sub("", without_images))
    text = inline_text(without_images)
    if links and not rest.strip(LINK_SEPARATORS) and not _is_url(text):
        return Block(text=text, hint="links", blank_before=blank_before)
    return Block(text=text, blank_before=blank_before)


def inline_text(text: str) -> str:
    """Markdown inline markup removed: links keep their text, autolinks their URL."""
    text = IMAGE.sub(lambda m: m.group(1), text)
    text = LINK.sub(lambda m: m.group(1), text)
    text = AUTOLINK.sub(lambda m: m.group(1), text)
    text = EMPHASIS.sub(lambda m: m.group(2), text)
    return html.unescape(INLINE_TAG.sub("", text)).strip()


def _is_url(text: str) -> bool:
    return bool(re.fullmatch(r"(?:https?:)?//\S+", text))


def _string(fields: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = fields.get(key)
        if value not in (None, "") and not isinstance(value, (list, dict)):
            return str(value).strip()
    return None
