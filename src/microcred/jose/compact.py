"""Compact JWS Serialization (RFC 7515 §7.1): parse strictly, serialise, nothing detached.

A token is exactly three base64url segments (no padding, no stray bits), at most
`MAX_TOKEN_CHARS`; the protected header is one JSON object with no duplicate member;
`crit` and the unencoded-payload option `b64` (RFC 7797) are refused, as we implement no
extension a signer could make critical. Errors name the part: ("header", "alg") etc.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from microcred.errors import (
    InvalidJwsError,
    InvalidMultibaseError,
    MalformedDocumentError,
    UnsupportedJwsHeaderError,
)
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.strict_json import parse_json

__all__ = ["MAX_TOKEN_CHARS", "CompactJws", "parse_compact", "payload_json", "serialize_compact"]

MAX_TOKEN_CHARS = 2 * 1024 * 1024
"""The longest token read: a credential with embedded images fits, a hostile 10 MB does not."""

_SEGMENTS = ("header", "payload", "signature")


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A parsed compact JWS: its protected header, payload bytes, signature and the signing
    input `BASE64URL(header) '.' BASE64URL(payload)` the signature covers."""

    header: Mapping[str, Any]
    payload: bytes
    signature: bytes
    signing_input: bytes


def parse_compact(token: str | bytes) -> CompactJws:
    """Split and decode a compact JWS (RFC 7515 §5.2 steps 1-7), checking the header's
    `alg` is a string and refusing `crit` and `b64`; InvalidJwsError otherwise."""
    text = _text(token)
    parts = text.split(".")
    if len(parts) != 3:
        raise InvalidJwsError(
            f"a compact JWS has 3 base64url segments separated by '.', not {len(parts)}"
        )
    decoded = []
    for name, part in zip(_SEGMENTS, parts, strict=True):
        try:
            decoded.append(base64url_decode(part))
        except InvalidMultibaseError as error:
            raise InvalidJwsError(f"the {name} segment: {error.message}", path=(name,)) from None
    header = _header(decoded[0])
    return CompactJws(header, decoded[1], decoded[2], f"{parts[0]}.{parts[1]}".encode("ascii"))


def serialize_compact(
    header: Mapping[str, Any], payload: bytes, sign: Callable[[bytes], bytes]
) -> str:
    """`header.payload.signature` with `sign(signing_input)` as the signature (§7.1)."""
    encoded = _encode_json(header) + "." + base64url_encode(payload)
    return encoded + "." + base64url_encode(sign(encoded.encode("ascii")))


def payload_json(payload: Any) -> bytes:
    """The UTF-8 JSON bytes of a payload: compact, members in the caller's order."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _encode_json(value: Mapping[str, Any]) -> str:
    return base64url_encode(payload_json(value))


def _text(token: str | bytes) -> str:
    if isinstance(token, bytes | bytearray | memoryview):
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise InvalidJwsError("a compact JWS is ASCII text") from None
    if not isinstance(token, str):
        raise InvalidJwsError("a compact JWS is a string")
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidJwsError(
            f"the token has {len(token)} characters, more than the {MAX_TOKEN_CHARS} read"
        )
    return token.strip()


def _header(data: bytes) -> Mapping[str, Any]:
    """The JOSE header (§4): a JSON object whose `alg` is a string, no `crit`, no `b64`."""
    try:
        header = parse_json(data, max_depth=16)
    except MalformedDocumentError as error:
        raise InvalidJwsError(
            f"the header is not JSON: {error.message}", path=("header",)
        ) from None
    if not isinstance(header, dict):
        raise InvalidJwsError("the header is a JSON object", path=("header",))
    if not isinstance(header.get("alg"), str):
        raise InvalidJwsError("the header needs an 'alg' string", path=("header", "alg"))
    if "crit" in header:  # §4.1.11: understood and processed, or the JWS is invalid
        raise UnsupportedJwsHeaderError(
            f"critical header parameters {header['crit']!r} are not implemented",
            path=("header", "crit"),
        )
    if "b64" in header:  # RFC 7797: an unencoded payload changes what is signed
        raise UnsupportedJwsHeaderError(
            "the unencoded payload option (b64) is not supported", path=("header", "b64")
        )
    return header
