"""Hostile badge images: unbake() gives a typed error naming the problem, never a crash, a
parsed entity or a zlib bomb (Open Badges 3.0 §5.3)."""

from __future__ import annotations

import struct
import zlib

import pytest

from microcred.bindings.baked import is_baked, unbake
from microcred.errors import MalformedDocumentError

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(*chunks: bytes) -> bytes:
    return SIGNATURE + b"".join(chunks) + _chunk(b"IEND", b"")


def _itxt(text: bytes, *, compressed: bool = False) -> bytes:
    body = zlib.compress(text) if compressed else text
    return _chunk(b"iTXt", b"openbadgecredential\0" + bytes([int(compressed), 0]) + b"\0\0" + body)


def _svg(inner: str, prolog: str = "") -> bytes:
    return (
        f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">{inner}</svg>'
    ).encode()


def test_the_forms_the_spec_allows_are_read() -> None:
    assert unbake(_png(_itxt(b'{"a": 1}'))) == {"a": 1}
    assert unbake(_png(_itxt(b"a.b.c", compressed=True))) == "a.b.c"
    assert unbake(_svg('<openbadges:credential verify="a.b.c"/>')) == "a.b.c"
    assert unbake(_svg('<openbadges:credential><![CDATA[{"a": 1}]]></openbadges:credential>')) == {
        "a": 1
    }
    assert is_baked(_png()) and is_baked(_svg("")) and not is_baked(b'{"a": 1}')


BOMB = _png(_itxt(b"{" + b" " * (8 * 1024 * 1024) + b"}", compressed=True))
ENTITIES = _svg(
    "<openbadges:credential>&lol9;</openbadges:credential>",
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]>',
)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (_png(), "0 PNG iTXt"),
        (_png(_itxt(b"a.b.c"), _itxt(b"d.e.f")), "2 PNG iTXt"),
        (SIGNATURE + struct.pack(">I", 999) + b"iTXt" + b"short", "truncated"),
        (BOMB, "inflates beyond"),
        (_png(_itxt(b"\xff\xfe")), "not UTF-8"),
        (_png(_itxt(b"[1, 2]")), "not a JSON object"),
        (_png(_itxt(b"")), "empty"),
        (ENTITIES, "declaring entities"),
        (_svg("<openbadges:credential/><openbadges:credential/>"), "2 SVG element"),
        (b"<svg", "not XML"),
        (b"\0" * (16 * 1024 * 1024 + 1), "at most"),
    ],
    ids=[
        "no-chunk",
        "two-chunks",
        "truncated",
        "zlib-bomb",
        "not-utf8",
        "json-array",
        "empty",
        "entities",
        "two-elements",
        "broken-xml",
        "too-large",
    ],
)
def test_a_hostile_image_is_refused_with_a_reason(image: bytes, message: str) -> None:
    with pytest.raises(MalformedDocumentError, match=message):
        unbake(image)
