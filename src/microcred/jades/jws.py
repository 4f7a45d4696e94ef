"""JWS JSON Serialization plumbing (RFC 7515 §7.2, RFC 7797): encodings, signing input, envelope.

Reads the General (`signatures` array) and Flattened forms into one shape so every later check
sees a list of signature entries, each with the JSON path of where it sits in the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred import strict_json
from microcred.errors import InvalidMultibaseError, MalformedDocumentError, Path
from microcred.keys.multibase import base64url_decode
from microcred.result import Problem

__all__ = [
    "FORMAT_ERROR",
    "SignatureEntry",
    "b64url_decode",
    "is_jades",
    "parse_json",
    "read_envelope",
    "read_payload",
    "signing_input",
]

FORMAT_ERROR = "JADES_FORMAT_ERROR"


def b64url_decode(text: str) -> bytes:
    """Strict BASE64URL decoding (RFC 7515 §2); raises ValueError like the JSON parsing it feeds."""
    try:
        return base64url_decode(text)
    except InvalidMultibaseError as exc:
        raise ValueError(exc.message) from None


def parse_json(text: str | bytes) -> Any:
    """`strict_json.parse_json`: no duplicate member names (RFC 7515 §4), no NaN/Infinity,
    bounded nesting. Raises ValueError like the other decoding steps of this module."""
    try:
        return strict_json.parse_json(text)
    except MalformedDocumentError as error:
        raise ValueError(str(error)) from None


def signing_input(protected: str, payload: str) -> bytes:
    """ASCII(BASE64URL(protected header)) || '.' || payload as it stands (RFC 7797 §3).

    With `b64: false` the payload string is signed as its UTF-8 bytes; with `b64: true` it is
    already the BASE64URL text, so one formula serves both.
    """
    return protected.encode("ascii") + b"." + payload.encode("utf-8")


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    """One signature of the envelope as it arrived: raw members and their JSON path."""

    path: Path
    protected: str
    header: Mapping[str, Any]
    signature: str


def read_envelope(document: object) -> tuple[str, tuple[SignatureEntry, ...]] | Problem:
    """(payload, signature entries) of a General or Flattened JWS JSON Serialization.

    Returns a Problem instead when the envelope itself is malformed (RFC 7515 §7.2.1–7.2.2).
    """
    if not isinstance(document, Mapping):
        return Problem(FORMAT_ERROR, "a sealed credential is a JSON object (JWS JSON)")
    payload = document.get("payload")
    if not isinstance(payload, str):
        return Problem(
            FORMAT_ERROR,
            "payload must be a string (detached payloads are not supported)",
            ("payload",),
        )
    if "signatures" in document:
        if "signature" in document or "protected" in document:
            return Problem(FORMAT_ERROR, "mixes General and Flattened serialization members")
        items = document["signatures"]
        if not isinstance(items, list) or not items:
            return Problem(FORMAT_ERROR, "signatures must be a non-empty array", ("signatures",))
        raw: list[tuple[Path, object]] = [(("signatures", i), s) for i, s in enumerate(items)]
    else:
        raw = [((), document)]
    entries = []
    for path, item in raw:
        entry = _entry(path, item)
        if isinstance(entry, Problem):
            return entry
        entries.append(entry)
    return payload, tuple(entries)


def is_jades(document: object) -> bool:
    """True if `document` looks like a JWS JSON serialization whose header names an `alg`."""
    envelope = read_envelope(document)
    if isinstance(envelope, Problem):
        return False
    try:
        header = parse_json(b64url_decode(envelope[1][0].protected))
    except ValueError:
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


def read_payload(document: object) -> dict[str, Any] | Problem:
    """The credential a JWS JSON serialization carries, read without checking the seal
    (`verify_seal` does that), or the format problem that prevents reading it."""
    envelope = read_envelope(document)
    if isinstance(envelope, Problem):
        return envelope
    payload, entries = envelope
    try:
        header = parse_json(b64url_decode(entries[0].protected))
        encoded = not (isinstance(header, dict) and header.get("b64") is False)
        credential = parse_json(b64url_decode(payload).decode("utf-8") if encoded else payload)
    except ValueError as error:  # UnicodeDecodeError is a ValueError
        return Problem(FORMAT_ERROR, f"the sealed payload is not JSON: {error}", ("payload",))
    if not isinstance(credential, dict):
        return Problem(FORMAT_ERROR, "the sealed payload is not a JSON object", ("payload",))
    return credential


def _entry(path: Path, item: object) -> SignatureEntry | Problem:
    if not isinstance(item, Mapping):
        return Problem(FORMAT_ERROR, "a signature entry is a JSON object", path)
    protected, signature = item.get("protected"), item.get("signature")
    header = item.get("header", {})
    if not isinstance(protected, str) or not protected:
        return Problem(
            FORMAT_ERROR, "protected header missing (JAdES needs one)", (*path, "protected")
        )
    if not isinstance(signature, str):
        return Problem(FORMAT_ERROR, "signature must be a string", (*path, "signature"))
    if not isinstance(header, Mapping):
        return Problem(FORMAT_ERROR, "header must be a JSON object", (*path, "header"))
    return SignatureEntry(path, protected, header, signature)
