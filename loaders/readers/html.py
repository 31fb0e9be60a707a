"""HTML: whole news pages (find the article among the chrome) and body fragments.

The article body is the element holding the most paragraph text outside links
(the densest block of `<p>`); headings, captions and link-only lines keep
their markup as `Block.hint`s for `structure`.

trafilatura (pinned) finds the same body on our Chinese test pages, but hands
back plain text: `<h2>` and `<figcaption>` lose their meaning and captions are
dropped. The heuristic below keeps them and is a page of code we can test.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from urbandb.loaders.errors import MalformedArticle
from urbandb.loaders.structure import PAGE_META, Block, Metadata, author_names, iso_date

DROP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
    "svg", "button", "select", "template", "object", "embed", "canvas", "input", "textarea",
    "video", "audio", "head", "title", "meta", "link",
}  # fmt: skip
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "figure",
    "figcaption", "table", "tr", "td", "th", "dl", "dt", "dd", "pre", "center", "hr", "body",
    "h1", "h2", "h3", "h4", "h5", "h6", "caption", "address",
}  # fmt: skip
PARAGRAPH_TAGS = {"p", "div", "section", "td", "li", "blockquote", "font", "span", "center"}
HINT_BY_TAG = {
    "h1": "title", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "figcaption": "caption",
}  # fmt: skip
LINK_SEPARATORS = " \t\n|｜·•/／>»-–—,，、"
# Whitespace with a line break between two CJK characters is source formatting, not a space.
CJK_WRAP = re.compile(r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])\s*\n\s*(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])")
WHITESPACE = re.compile(r"\s+")
CJK = re.compile(r"[\u3400-\u9fff]")
TITLE_SUFFIX = re.compile(r"\s*(?:[_｜|]|\s[-–—]\s|--|——)\s*")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
HAS_BODY_TAGS = re.compile(r"<(?:p|br|div|h[1-6]|section|article|li|table)\b", re.IGNORECASE)

DATE_META = (
    "article:published_time", "og:article:published_time", "og:release_date", "pubdate", "publishdate",
    "publish_date", "publish-date", "publishtime", "dc.date", "dc.date.issued", "date", "datepublished",
    "weibo:article:create_at",
)  # fmt: skip
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator")
PUBLICATION_META = ("og:site_name", "source", "sitename", "application-name")


def looks_like_html(text: str) -> bool:
    """Block-level HTML tags in the text (a body written as HTML, not Markdown)."""
    return bool(HAS_BODY_TAGS.search(text))


def is_whole_page(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in text[:20000].lower()


def html_fragment_blocks(html: str) -> list[Block]:
    """Blocks of an HTML fragment (a JSON body, a Jekyll post's paragraphs)."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError) as error:
        raise MalformedArticle(f"unparsable HTML body: {error}") from error
    return flatten(root)


def read_html_page(html: str) -> tuple[list[Block], Metadata]:
    """The article blocks and the metadata of a whole HTML page.

    Raises MalformedArticle for a page cut off mid-tag or holding no article text.
    """
    if is_truncated(html):
        raise MalformedArticle("truncated HTML: no closing </html>, and the file ends inside a tag or before </body>")
    try:
        document = lxml.html.document_fromstring(XML_DECLARATION.sub("", html))
    except (etree.ParserError, ValueError) as error:
        raise MalformedArticle(f"unparsable HTML: {error}") from error
    metadata = page_metadata(document)
    headlines = [_text(h1) for h1 in document.iter("h1") if _text(h1)]
    for element in list(document.iter(*DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    container = densest_container(document)
    if container is None:
        raise MalformedArticle("no article text found in the HTML page")
    blocks = flatten(container)
    if not any(CJK.search(b.text) or len(b.text) > 40 for b in blocks if b.hint is None):
        raise MalformedArticle("no article text found in the HTML page")
    # The headline often sits in a <header> above the body: it is text on the page,
    # so it becomes the title paragraph (a site logo in an <h1> does not match the title).
    headline = next((h for h in headlines if metadata.title and _same_title(h, metadata.title)), None)
    if headline and not any(b.hint == "title" for b in blocks):
        blocks.insert(0, Block(text=headline, hint="title"))
    above = lines_above(container)
    if not metadata.title and not any(b.hint == "title" for b in blocks):
        # CMS pages with an empty <title> put the headline and the date line in
        # <div>s just above the body: read them as the title and a chrome line.
        at = next((i for i, b in enumerate(above) if _may_be_headline(b)), None)
        if at is not None:
            metadata.title = above[at].text
            blocks = [Block(text=above[at].text, hint="title"), *above[at + 1:], *blocks]
            return blocks, metadata
    # The info line above the body (发布时间：… 来源：… 浏览次数：…) dates and sources the
    # article where the page's metadata does not: it is kept, as a boilerplate paragraph.
    info = [b for b in above if PAGE_META.search(b.text) and len(b.text) <= INFO_LINE_MAX]
    if info and not (metadata.published_date and metadata.publication):
        at = next((i for i, b in enumerate(blocks) if b.hint != "title"), len(blocks))
        blocks = [*blocks[:at], *info, *blocks[at:]]
    return blocks, metadata


INFO_LINE_MAX = 120  # an info line under a headline, not a paragraph that mentions a source


LINES_ABOVE = 4


def lines_above(container) -> list[Block]:
    """The last few text blocks on the page before `container`, in page order."""
    found: list[Block] = []
    element = container
    while element is not None and element.tag not in ("body", "html") and len(found) < LINES_ABOVE:
        for sibling in element.itersiblings(preceding=True):
            if isinstance(sibling.tag, str) and sibling.tag not in DROP_TAGS:
                found[:0] = flatten(sibling)
            if len(found) >= LINES_ABOVE:
                break
        element = element.getparent()
    return found[-LINES_ABOVE:]


def _may_be_headline(block: Block) -> bool:
    """A line that reads as a headline: some Chinese, not a list of links, not a date or meta line."""
    text = block.text
    return block.hint != "links" and 6 <= len(text) <= 80 and len(CJK.findall(text)) >= 4 and not iso_date(text) \
        and not PAGE_META.search(text)


def is_truncated(html: str) -> bool:
    """Cut off: ends inside a tag, or opens a page and closes neither its body nor itself."""
    lower = html.lower()
    tail = html.rstrip()
    if "</html>" in lower[-2000:]:
        return False
    ends_in_tag = tail.rfind("<") > tail.rfind(">")
    unclosed_page = ("<html" in lower or "<body" in lower) and "</body>" not in lower
    return ends_in_tag or unclosed_page


def page_metadata(document) -> Metadata:
    metas: dict[str, str] = {}
    for meta in document.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    h1 = next((_text(h) for h in document.iter("h1") if _text(h)), None)
    title_tag = next((_text(t) for t in document.iter("title") if _text(t)), None)
    if metas.get("og:title"):
        title = metas["og:title"]
    elif h1 and (not title_tag or h1 in title_tag):
        title = h1
    else:
        title = title_without_site(title_tag) if title_tag else h1
    published = next((iso_date(metas[k]) for k in DATE_META if k in metas and iso_date(metas[k])), None)
    if published is None:
        published = next(
            (iso_date(t.get("datetime") or _text(t)) for t in document.iter("time") if iso_date(t.get("datetime") or _text(t))),
            None,
        )
    author = next((metas[k] for k in AUTHOR_META if k in metas), None)
    authors = author_names(author) if author else []
    return Metadata(
        title=title,
        authors=authors,
        publication=next((metas[k] for k in PUBLICATION_META if k in metas), None),
        published_date=published,
        url=_page_url(document, metas),
    )


def title_without_site(title: str) -> str:
    """`<title>` minus the site name: 标题_新浪新闻, 标题 - 中国城市报 -> 标题."""
    parts = [p for p in TITLE_SUFFIX.split(title) if p.strip()]
    return parts[0].strip() if parts else title.strip()


def densest_container(document):
    """The element holding the most paragraph text outside links.

    Each paragraph (a `<p>`, or a `<div>` with no blocks inside) counts for its
    parent, and half for its grandparent, so that wrappers around single
    paragraphs still lead to the common container; text split by `<br>` counts
    for the element holding it.
    """
    scores: dict = {}
    for element in document.iter():
        if not isinstance(element.tag, str) or element.tag in DROP_TAGS:
            continue
        if element.tag in PARAGRAPH_TAGS and not _has_block_inside(element):
            score = _text_score(element)
            holder = element if any(child.tag == "br" for child in element) else element.getparent()
            if holder is None or score <= 0:
                continue
            scores[holder] = scores.get(holder, 0) + score
            grandparent = holder.getparent()
            if grandparent is not None and holder is not element:
                scores[grandparent] = scores.get(grandparent, 0) + score / 2
        else:
            loose = len(CJK.findall(element.text or "")) + sum(
                len(CJK.findall(child.tail or "")) for child in element if isinstance(child.tag, str)
            )
            if loose:
                scores[element] = scores.get(element, 0) + loose
    if not scores:
        return None
    best = max(scores, key=lambda element: scores[element])
    return best if scores[best] > 0 else None


def _has_block_inside(element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in BLOCK_TAGS for d in element.iterdescendants())


def _text_score(element) -> int:
    """CJK characters outside links, links counted against (navigation is all links)."""
    links = sum(len(CJK.findall(_text(a))) for a in element.iter("a"))
    return len(CJK.findall(_text(element))) - 2 * links


def _same_title(headline: str, title: str) -> bool:
    return headline == title or (len(headline) >= 4 and headline in title)


def _page_url(document, metas: dict[str, str]) -> str | None:
    for link in document.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").startswith("http"):
            return link.get("href")
    url = metas.get("og:url")
    return url if url and url.startswith("http") else None


def flatten(root) -> list[Block]:
    """Block-level elements and `<br>` end a block; text runs inside them are joined.

    A block whose text comes only from links (and separators) is hinted "links".
    """
    blocks: list[Block] = []
    run: list[tuple[str, bool]] = []  # (text, inside a link)

    def flush() -> None:
        text = _clean("".join(t for t, _ in run))
        if text:
            only_links = any(linked and t.strip() for t, linked in run) and all(
                linked or not t.strip(LINK_SEPARATORS) for t, linked in run
            )
            blocks.append(Block(text=text, hint="links" if only_links else None))
        run.clear()

    def walk(element, linked: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is None or tag in DROP_TAGS:
            return
        if tag == "br":
            flush()
            return
        if tag in HINT_BY_TAG:
            flush()
            text = _clean(element.text_content())
            if text:
                blocks.append(Block(text=text, hint=HINT_BY_TAG[tag]))
            return
        linked = linked or tag == "a"
        block = tag in BLOCK_TAGS
        if block:
            flush()
        run.append((element.text or "", linked))
        for child in element:
            walk(child, linked)
            run.append((child.tail or "", linked))
        if block:
            flush()

    walk(root, False)
    flush()
    return blocks


def _clean(text: str) -> str:
    return WHITESPACE.sub(" ", CJK_WRAP.sub("", text)).strip()


def _text(element) -> str:
    return _clean(element.text_content())
