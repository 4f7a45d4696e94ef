"""Credentials baked into badge images (Open Badges 3.0 §5.3 "Baking"): the credential a
PNG or SVG badge carries, as the JSON object or the compact JWS it holds.

PNG (§5.3.1): one `iTXt` chunk with the keyword `openbadgecredential`. SVG (§5.3.2): one
`openbadges:credential` element (namespace `https://purl.imsglobal.org/ob/v3p0`) whose
`verify` attribute holds a JWS or whose text holds the JSON. Nothing is verified here: pass
what comes out to `verify()`. A hostile image gets a typed error, never a crash: images are
at most 16 MiB, SVGs declaring entities (an internal DTD subset) are refused, no external
DTD is ever fetched, chunks are length-checked.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

from microcred.errors import MalformedDocumentError
from microcred.strict_json import parse_json

__all__ = ["MAX_IMAGE_BYTES", "is_baked", "unbake"]

MAX_IMAGE_BYTES = 16 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEYWORD = b"openbadgecredential"
_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_MAX_TEXT = 4 * 1024 * 1024  # what an iTXt credential may inflate to


def is_baked(data: bytes) -> bool:
    """Whether `data` looks like a PNG or SVG image (by its first bytes)."""
    head = bytes(data[:256]).lstrip()
    return head.startswith(_PNG_SIGNATURE) or head.startswith((b"<?xml", b"<svg"))


def unbake(data: bytes) -> dict[str, Any] | str:
    """The credential baked into a PNG or SVG badge: a JSON object, or a compact JWS
    string; MalformedDocumentError when the image holds none, or more than one."""
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_IMAGE_BYTES:
        raise MalformedDocumentError(f"a badge image is bytes, at most {MAX_IMAGE_BYTES}")
    data = bytes(data)
    text = _from_png(data) if data.startswith(_PNG_SIGNATURE) else _from_svg(data)
    return _credential(text)


def _from_png(data: bytes) -> str:
    """The text of the one `iTXt` chunk keyed `openbadgecredential` (PNG §11.3.4.5)."""
    found: list[str] = []
    at = len(_PNG_SIGNATURE)
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if len(body) != length:
            raise MalformedDocumentError("the PNG is truncated inside a chunk")
        if kind == b"iTXt" and body.startswith(_KEYWORD + b"\0"):
            found.append(_itxt_text(body[len(_KEYWORD) + 1 :]))
        if kind == b"IEND":
            break
        at += 12 + length
    return _one(found, "PNG iTXt chunk 'openbadgecredential'")


def _itxt_text(rest: bytes) -> str:
    """compression flag, method, language tag \\0, translated keyword \\0, text."""
    if len(rest) < 2:
        raise MalformedDocumentError("a truncated iTXt chunk")
    compressed, method = rest[0], rest[1]
    _, _, tail = rest[2:].partition(b"\0")
    _, _, text = tail.partition(b"\0")
    if compressed:
        if method != 0:
            raise MalformedDocumentError("iTXt compression method must be 0 (zlib)")
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, _MAX_TEXT + 1)
        except zlib.error as error:
            raise MalformedDocumentError(f"the iTXt text is not zlib data: {error}") from None
        if len(text) > _MAX_TEXT or inflater.unconsumed_tail:
            raise MalformedDocumentError(f"the baked credential inflates beyond {_MAX_TEXT} bytes")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedDocumentError("the iTXt text is not UTF-8") from None


def _from_svg(data: bytes) -> str:
    """The `verify` attribute or the text of the one `openbadges:credential` element."""
    doctype = data.find(b"<!DOCTYPE")
    internal_subset = doctype >= 0 and b"[" in data[doctype : data.find(b">", doctype)]
    if b"<!ENTITY" in data or internal_subset:  # entity expansion: never parsed
        raise MalformedDocumentError("an SVG badge declaring entities is refused")
    from xml.etree import ElementTree  # SVG badges only

    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise MalformedDocumentError(f"the SVG is not XML: {error}") from None
    elements = root.findall(f".//{{{_NAMESPACE}}}credential")
    found = [element.get("verify") or (element.text or "") for element in elements]
    return _one(found, "SVG element openbadges:credential")


def _one(found: list[str], where: str) -> str:
    if len(found) != 1:
        raise MalformedDocumentError(f"the badge holds {len(found)} {where}, not one")
    return found[0].strip()


def _credential(text: str) -> dict[str, Any] | str:
    if text[:1] in ("{", "[", '"'):  # JSON; anything else is read as a token
        value = parse_json(text)
        if not isinstance(value, dict):
            raise MalformedDocumentError("the baked credential is not a JSON object")
        return value
    if not text:
        raise MalformedDocumentError("the baked credential is empty")
    return text
