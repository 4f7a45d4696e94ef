"""Multibase values (`z` base58btc, `u` base64url without padding) and multicodec varints.

CID 1.0 §2.4 (Multibase) and the multiformats unsigned-varint rules used by Multikey headers
(CID §2.2.2). Decoding is strict: one header, only alphabet characters, canonical form, so a
value has exactly one spelling. Errors never quote the rejected value, which may be a secret
key: they give its length, header character and the position of a bad character at most.
The `multiformats` package is not used: it loads large codec tables at import (about 75 ms);
these few lines over `base58` cost well under 1 ms.
"""

from __future__ import annotations

import base64
import re

import base58

from microcred.errors import InvalidMultibaseError

__all__ = [
    "base64url_decode",
    "base64url_encode",
    "decode_base58btc",
    "decode_base64url",
    "decode_multibase",
    "decode_varint",
    "encode_base58btc",
    "encode_base64url",
    "encode_varint",
]

# base58 decoding is quadratic in the input length; keys and signatures need < 200 characters.
_MAX_BASE58_CHARS = 1024
_BASE58_BODY = re.compile(r"[1-9A-HJ-NP-Za-km-z]*")
_BASE64URL_BODY = re.compile(r"[A-Za-z0-9_-]*")
_MAX_VARINT_BYTES = 9  # unsigned-varint spec: at most 63 bits, 9 bytes


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: `z` followed by the Bitcoin-alphabet encoding of `data`."""
    return "z" + base58.b58encode(bytes(data)).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a `z` multibase value; raise InvalidMultibaseError for anything else."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise InvalidMultibaseError(f"not a base58btc multibase value ('z…'): {_describe(value)}")
    body = value[1:]
    if len(body) > _MAX_BASE58_CHARS:
        raise InvalidMultibaseError(
            f"base58btc value is {len(body)} characters long; the limit is {_MAX_BASE58_CHARS}"
        )
    if _BASE58_BODY.fullmatch(body) is None:
        raise InvalidMultibaseError(
            f"base58btc value: {_bad_character(value, 1, _BASE58_BODY)} is outside its alphabet"
        )
    return base58.b58decode(body)


def encode_base64url(data: bytes) -> str:
    """Multibase base64url: `u` followed by the RFC 4648 §5 encoding of `data`, no padding."""
    return "u" + base64url_encode(data)


def decode_base64url(value: str) -> bytes:
    """Decode a `u` multibase value (no padding, canonical trailing bits) or raise."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise InvalidMultibaseError(f"not a base64url multibase value ('u…'): {_describe(value)}")
    return base64url_decode(value[1:])


def base64url_encode(data: bytes) -> str:
    """BASE64URL(data) of RFC 7515 §2 (no padding, no multibase header), e.g. JWK members."""
    return base64.urlsafe_b64encode(bytes(data)).decode("ascii").rstrip("=")


def base64url_decode(text: str) -> bytes:
    """Inverse of base64url_encode, strict: alphabet only, no padding, zero trailing bits."""
    if not isinstance(text, str):
        raise InvalidMultibaseError(f"base64url text is a string, not {_describe(text)}")
    if _BASE64URL_BODY.fullmatch(text) is None:
        raise InvalidMultibaseError(
            f"base64url text: {_bad_character(text, 0, _BASE64URL_BODY)} is outside its "
            "alphabet (no padding)"
        )
    if len(text) % 4 == 1:
        raise InvalidMultibaseError(f"base64url text of {len(text)} characters is truncated")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64url_encode(data) != text:
        raise InvalidMultibaseError("base64url text is not canonical (trailing bits set)")
    return data


def decode_multibase(value: str) -> bytes:
    """Decode a multibase value with header `z` (base58btc) or `u` (base64url, no padding)."""
    if isinstance(value, str) and value.startswith("u"):
        return decode_base64url(value)
    if isinstance(value, str) and value.startswith("z"):
        return decode_base58btc(value)
    raise InvalidMultibaseError(
        f"unsupported multibase header in {_describe(value)}: only 'z' (base58btc) and 'u' "
        "(base64url)"
    )


def encode_varint(number: int) -> bytes:
    """Unsigned LEB128 varint as multicodec headers use it (0xed -> ed 01, 0x1200 -> 80 24)."""
    if number < 0 or number >= 1 << 63:
        raise ValueError(f"varint out of range: {number}")
    out = bytearray()
    while True:
        byte = number & 0x7F
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """Read one minimal unsigned varint from the start of `data`: (value, bytes used)."""
    value = 0
    for index, byte in enumerate(data[:_MAX_VARINT_BYTES]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise InvalidMultibaseError("varint is not minimally encoded")
            return value, index + 1
    raise InvalidMultibaseError("truncated or over-long varint")


def _describe(value: object) -> str:
    """A rejected value for a message without its content (it may be a secret key)."""
    if not isinstance(value, str):
        return f"a {type(value).__name__}"
    if not value:
        return "an empty string"
    return f"a string of {len(value)} characters starting with {value[0]!r}"


def _bad_character(text: str, start: int, body: re.Pattern[str]) -> str:
    """Where the first character outside `body`'s alphabet is, e.g. "character 50 of 50"."""
    position = next(i for i in range(start, len(text)) if body.fullmatch(text[i]) is None)
    return f"character {position + 1} of {len(text)}"
