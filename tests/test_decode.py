"""Bytes to text: encodings, newlines, and the bytes that are not text at all."""
from __future__ import annotations

import codecs

import pytest

from urbandb.loaders.decode import canonical_charset, declared_charset, decode
from urbandb.loaders.errors import UnreadableFile

TEXT = "　　昌平区腾退土地418.7公顷。\n王𫖯说：“好。”\n"  # 𫖯 is outside GBK: only GB18030 has it
GBK_TEXT = TEXT.replace("𫖯", "颖")


@pytest.mark.parametrize(
    "data, text, encoding",
    [
        (TEXT.encode("utf-8"), TEXT, "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8-sig"),
        (TEXT.encode("gb18030"), TEXT, "gb18030"),
        (GBK_TEXT.encode("gbk"), GBK_TEXT, "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_decode_detects_encoding(data, text, encoding):
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)


@pytest.mark.parametrize(
    "data, text",
    [
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        (codecs.BOM_UTF8 + "甲\r\n\r\n乙".encode("utf-8"), "甲\n\n乙"),
        ("甲\r\n乙".encode("utf-16"), "甲\n乙"),
    ],
)
def test_decode_normalizes_newlines_and_drops_bom(data, text):
    assert decode(data).text == text


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        ("\u3000\u3000\n".encode("utf-8"), "empty"),
        ("  \n".encode("utf-16"), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
        (b"\x80\xff\x80\xff" * 4, "cannot decode"),
        (b"\x01\x02\x03\x04\x05\x06text\x07\x08", "control characters"),
    ],
    ids=["empty", "whitespace", "fullwidth-spaces", "utf-16-whitespace", "nul-bytes", "undecodable", "control-chars"],
)
def test_decode_refuses_what_is_not_text(data, message):
    with pytest.raises(UnreadableFile, match=message):
        decode(data)


@pytest.mark.parametrize(
    "head, charset",
    [
        (b'<html><head><meta charset="gbk">', "gb18030"),
        (b"<meta charset=GB2312 />", "gb18030"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
        (b'<meta charset="utf-8">', "utf-8"),
        (b'<meta charset="big5">', "big5"),
        (b'<meta charset="no-such-charset">', None),
        (b"<html><head><title>x</title>", None),
    ],
)
def test_decode_declared_charset(head, charset):
    assert declared_charset(head) == charset


def test_decode_declared_charset_wins_over_guessing():
    data = "<p>昌平区</p>".encode("gbk")
    assert decode(data, declared="gb18030").encoding == "gb18030"
    # UTF-8 bytes under a Latin-1 declaration are read as UTF-8, not as mojibake.
    assert decode("<p>昌平区</p>".encode("utf-8"), declared="latin_1").text == "<p>昌平区</p>"


@pytest.mark.parametrize("name, canonical", [("GBK", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"), ("nope", None)])
def test_decode_canonical_charset(name, canonical):
    assert canonical_charset(name) == canonical
