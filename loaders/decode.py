"""From a file's bytes to text: find the encoding, refuse binary, normalize newlines.

Chinese news files come as UTF-8 (with or without BOM), GB18030/GBK, or
UTF-16 with a BOM; HTML pages may declare their charset in a `<meta>` tag.
A few bytes that fit no encoding (a bad byte, a character cut in half at the
end) become U+FFFD and are counted, so one bad byte does not lose an article;
more than a few mean the file is not text in that encoding.
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass

from urbandb.loaders.errors import UnreadableFile

# Order matters: the UTF-32 BOMs start with the UTF-16 ones, but nobody
# sends UTF-32 news, so only UTF-8 and UTF-16 are recognized.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# GBK and GB2312 are subsets of GB18030; decoding with the superset never loses text
# that a page mislabeled as GB2312 actually contains.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "utf8": "utf-8",
    "utf-8": "utf-8",
}

SINGLE_BYTE_CODECS = {"latin_1", "iso8859-1", "cp1252", "ascii"}

META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""",
    re.IGNORECASE,
)

# Control characters other than tab, newline, form feed and carriage return.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# Bad bytes tolerated: a few, or one per thousand in a long file.
MIN_TOLERATED_BAD_BYTES = 4
TOLERATED_BAD_BYTES_PER_BYTE = 1 / 1000
# Multi-byte characters per run of bad bytes that make a damaged text UTF-8.
UTF8_CHARACTERS_PER_DAMAGE = 3
REPLACEMENT_RUNS = re.compile("\ufffd+")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, gb18030, utf-16, or a charset an HTML page declared
    replaced_bytes: int = 0  # bytes no character of `encoding` fits, each run shown as U+FFFD


_tally = threading.local()


def _replace_and_count(error: UnicodeDecodeError) -> tuple[str, int]:
    _tally.bad_bytes += error.end - error.start
    return "\ufffd", error.end


codecs.register_error("urbandb-replace-counting", _replace_and_count)


def decode_tolerant(data: bytes, encoding: str) -> tuple[str, int]:
    """The text and how many bytes were replaced by U+FFFD."""
    _tally.bad_bytes = 0
    text = data.decode(encoding, "urbandb-replace-counting")
    return text, _tally.bad_bytes


def tolerated_bad_bytes(size: int) -> int:
    return max(MIN_TOLERATED_BAD_BYTES, int(size * TOLERATED_BAD_BYTES_PER_BYTE))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in `<meta charset>` or `http-equiv`, if any."""
    match = META_CHARSET.search(data[:4096])
    if not match:
        return None
    return canonical_charset(match.group(1).decode("ascii", "ignore"))


def canonical_charset(name: str) -> str | None:
    """A codec name Python knows, GBK family folded into gb18030; None if unknown."""
    name = name.strip().lower()
    if name in CHARSET_ALIASES:
        return CHARSET_ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a file's bytes; `declared` is a charset the file itself names (HTML meta).

    Raises UnreadableFile for empty, whitespace-only, binary or undecodable bytes.
    """
    if not data.strip():
        raise UnreadableFile("empty file: no text to read")
    bom_encoding = _bom_encoding(data)
    if bom_encoding is None and b"\x00" in data:
        raise UnreadableFile("binary file: contains NUL bytes and no UTF-16 byte order mark")
    candidates = [bom_encoding] if bom_encoding else _candidate_encodings(declared)
    encoding, text, replaced = _best_decoding(data, candidates)
    if replaced > tolerated_bad_bytes(len(data)):
        tried = " or ".join(dict.fromkeys(candidates))
        raise UnreadableFile(f"cannot decode: {replaced} bytes are not {tried} text (a few are tolerated)")
    text = normalize_newlines(text.lstrip("\ufeff"))
    if _looks_binary(text):
        raise UnreadableFile(f"binary file: control characters in text decoded as {encoding}")
    if not text.strip(" \t\n\u3000\xa0\ufeff"):
        raise UnreadableFile("empty file: only whitespace")
    return Decoded(text=text, encoding=encoding, replaced_bytes=replaced)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _best_decoding(data: bytes, candidates: list[str]) -> tuple[str, str, int]:
    """(encoding, text, bytes replaced): the first candidate that decodes cleanly
    (or UTF-8 that is plainly UTF-8 with a few bad bytes), else the one that
    replaces the fewest bytes."""
    decodings = []
    for encoding in candidates:
        text, replaced = decode_tolerant(data, encoding)
        if replaced == 0 or (encoding == "utf-8" and _mostly_utf8(data, text, replaced)):
            return encoding, text, replaced
        decodings.append((encoding, text, replaced))
    return min(decodings, key=lambda decoding: decoding[2])


def _mostly_utf8(data: bytes, text: str, replaced: int) -> bool:
    # UTF-8 with damage: a few runs of U+FFFD among many characters decoded
    # from multi-byte sequences. GBK read as UTF-8 fails at nearly every Chinese
    # character: at most 2.5 well-formed characters per run even in a 10-character
    # brief, while a stray byte in one costs a single run.
    if replaced > tolerated_bad_bytes(len(data)):
        return False
    runs = len(REPLACEMENT_RUNS.findall(text))
    multi_byte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return multi_byte >= UTF8_CHARACTERS_PER_DAMAGE * runs


def _candidate_encodings(declared: str | None) -> list[str]:
    candidates = ["utf-8", "gb18030"]
    if declared:
        # A page declaring a Latin charset but holding UTF-8 is common and harmless
        # to correct; otherwise the declaration wins, as browsers do.
        if declared in SINGLE_BYTE_CODECS:
            candidates = ["utf-8", declared]
        else:
            candidates = [declared] + [c for c in candidates if c != declared]
    return candidates


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    return len(CONTROL_CHARS.findall(sample)) > max(2, len(sample) // 200)
