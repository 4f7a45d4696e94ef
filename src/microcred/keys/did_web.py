"""did:web: DID -> document URL, and a KeyResolver over a fetch function the caller injects.

did:web Method Specification (W3C CCG draft) §3.1 method-specific identifier and §3.2
"Read (Resolve)": `did:web:<host>[%3A<port>][:<segment>]*` is served at
`https://<host>[:<port>]/<segments>/did.json`, or `/.well-known/did.json` without a path.
microcred ships no HTTP client: `DidWebResolver(fetch)` calls your `fetch(url) -> bytes`,
then applies CID 1.0 §3.3 "Retrieve Verification Method" to what comes back. Every failure
is a `ResolutionFailure` (codes in `microcred.keys.did_key`), never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from microcred.errors import InvalidDidError, InvalidKeyError, InvalidOptionError
from microcred.keys.controller_document import (
    RELATIONSHIPS,
    fetch_document,
    find_verification_method,
)
from microcred.keys.did_key import ResolutionFailure, ResolutionFailureCode, VerificationMethod
from microcred.keys.keypair import PublicKey
from microcred.keys.signing import signer_for  # its old home: `from ...did_web import` works

__all__ = [
    "DidWebResolver",
    "did_web_document",
    "did_web_to_url",
    "signer_for",
]

_DID_DOCUMENT_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
_MAX_DID_CHARS = 2048
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# WHATWG URL "ends in a number": a host whose last label is digits or 0x-hex is parsed as IPv4.
_IPV4_NUMBER = re.compile(r"[0-9]+|0[xX][0-9A-Fa-f]*")
_PORT = re.compile(r"[0-9]{1,5}")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")  # DID Core idchar
# Characters a path segment must not percent-encode: they split or end the path (/ \ ? #), or
# a server that decodes twice (%) or strips path parameters (;) would read `..` or `/`.
_UNSAFE_IN_SEGMENT = frozenset("/\\?#%;")


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (did:web §3.2.2 Read, steps 1-5).

    ":" separates path segments, a port's colon is percent-encoded (`%3A`), and a DID without
    a path is served from `/.well-known/did.json`. Raises InvalidDidError for anything else
    (another method, a DID URL, an IP address in any form, a single-label or `.localhost`
    host, a bad port, `.`/`..` or empty segments, segments encoding `/ \\ ? #` or controls).
    """
    if not isinstance(did, str) or len(did) > _MAX_DID_CHARS or not did.startswith("did:web:"):
        raise InvalidDidError(f"{_shown(did)} is not a did:web DID")
    host, *segments = did[len("did:web:") :].split(":")
    authority = _authority(did, host)
    for segment in segments:
        _check_segment(did, segment)
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{authority}/{path}/did.json"


def _authority(did: str, host: str) -> str:
    """`name[%3Aport]` as a URL authority. §3.1 allows a domain name only, never an IP address:
    WHATWG URL parsers read `127.1`, `0x7f000001` or `a.0x7f` as IPv4, so the last label must
    not be a number; a single label or `localhost` (RFC 6761 §6.3) is a local name."""
    name, sep, port = host.replace("%3a", "%3A").partition("%3A")
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidDidError(f"{did!r}: {name!r} is not a domain name (RFC 1035/1123)")
    if _IPV4_NUMBER.fullmatch(labels[-1]):
        raise InvalidDidError(
            f"{did!r}: {name!r} ends in a number, which URL parsers read as an IPv4 address; "
            "a did:web names a domain, never an IP address"
        )
    if len(labels) < 2 or labels[-1].lower() == "localhost":
        raise InvalidDidError(
            f"{did!r}: {name!r} is a local host name; a did:web names a fully qualified domain"
        )
    if sep and (_PORT.fullmatch(port) is None or not 0 < int(port) < 65536):
        raise InvalidDidError(f"{did!r}: the port {port!r} is not a number from 1 to 65535")
    return f"{name}:{port}" if sep else name


def _check_segment(did: str, segment: str) -> None:
    """A path segment is DID Core idchar or %XX, and decodes (UTF-8, so no overlong `.` or `/`)
    to text that is neither `.`/`..` nor holds a control or another unsafe character."""
    if _SEGMENT.fullmatch(segment) is None:
        raise InvalidDidError(f"{did!r}: {segment!r} is not a path segment (idchar or %XX)")
    try:
        decoded = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        raise InvalidDidError(
            f"{did!r}: the path segment {segment!r} does not percent-decode to UTF-8"
        ) from None
    if decoded in (".", ".."):
        raise InvalidDidError(f"{did!r}: the path segment {segment!r} is a dot segment")
    for char in decoded:
        if char in _UNSAFE_IN_SEGMENT or unicodedata.category(char) == "Cc":
            raise InvalidDidError(
                f"{did!r}: the path segment {segment!r} encodes {char!r}, which a path segment "
                "must not hold"
            )


@dataclass(frozen=True, slots=True)
class DidWebResolver:
    """A KeyResolver for did:web verification methods (`did:web:…#key-1`) over your `fetch`.

    `fetch(url) -> bytes` does the HTTPS GET (with your timeouts, TLS and proxy policy); any
    exception it raises becomes a NOT_FOUND failure. Documents above `max_document_bytes` are
    refused. The verification method's relationships are read from the document, so proof
    checking can demand assertionMethod (credentials) or authentication (presentations).
    """

    fetch: Callable[[str], bytes]
    max_document_bytes: int = field(default=256 * 1024, kw_only=True)

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        """Resolve a did:web verification method URL (CID 1.0 §3.3); never raises."""
        if not isinstance(url, str) or len(url) > _MAX_DID_CHARS:
            return _failure(_shown(url), "INVALID_VERIFICATION_METHOD_URL", "not a URL")
        if not url.startswith("did:web:"):
            return _failure(url, "METHOD_NOT_SUPPORTED", "this resolver handles did:web only")
        did, _, fragment = url.partition("#")
        if not fragment or any(char in did for char in "/?"):
            return _failure(
                url,
                "INVALID_VERIFICATION_METHOD_URL",
                "a did:web verification method is the DID and a #fragment, without path or query",
            )
        try:
            document_url = did_web_to_url(did)
        except InvalidDidError as error:
            return _failure(url, "INVALID_DID", error.message)
        document = fetch_document(
            self.fetch, url, document_url, expected_id=did, max_bytes=self.max_document_bytes
        )
        if isinstance(document, ResolutionFailure):
            return document
        return find_verification_method(url, did, document)


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)[:80]


def _failure(url: str, code: str, message: str) -> ResolutionFailure:
    return ResolutionFailure(url, ResolutionFailureCode(code), message)


def did_web_document(
    did: str,
    public_key: PublicKey,
    *,
    fragment: str = "key-1",
    relationships: Sequence[str] = ("assertionMethod", "authentication"),
) -> dict[str, Any]:
    """A did:web DID document with one Multikey verification method `<did>#<fragment>`,
    listed under `relationships`: publish it at `did_web_to_url(did)`."""
    did_web_to_url(did)
    if not isinstance(public_key, PublicKey):
        raise InvalidKeyError("did_web_document takes a PublicKey (KeyPair.public_key)")
    unknown = set(relationships) - set(RELATIONSHIPS)
    if unknown:
        raise InvalidOptionError(f"unknown verification relationship {sorted(unknown)[0]!r}")
    method_id = f"{did}#{fragment}"
    method = VerificationMethod(method_id, "Multikey", did, public_key, frozenset())
    return {
        "@context": list(_DID_DOCUMENT_CONTEXT),
        "id": did,
        "verificationMethod": [method.to_dict()],
        **{name: [method_id] for name in relationships},
    }
