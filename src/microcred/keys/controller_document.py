"""Controller documents fetched through the caller's `fetch`: reading one, and finding a
verification method in it (CID 1.0 §3.3 "Retrieve Verification Method").

Shared by the did:web resolver and the https controller-document resolver (Open Badges
issuer profiles). Every failure is a `ResolutionFailure` (codes in `microcred.keys.did_key`),
never an exception. Keys are Multikey or JsonWebKey (Ed25519, P-256, P-384, RSA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from microcred.errors import InvalidKeyError, MicrocredError
from microcred.keys.did_key import ResolutionFailure, ResolutionFailureCode, VerificationMethod
from microcred.keys.keypair import PublicKey
from microcred.keys.rsa import AnyPublicKey, public_key_from_jwk
from microcred.strict_json import parse_json

__all__ = [
    "RELATIONSHIPS",
    "failure",
    "fetch_document",
    "fetch_json",
    "find_verification_method",
    "https_location",
    "shown",
    "sole_assertion_method",
]

RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
MAX_URL_CHARS = 2048
"""Longest verification method URL a resolver reads."""
_JWK_TYPES = frozenset({"JsonWebKey", "JsonWebKey2020"})
_SECRET_MEMBERS = frozenset(
    {"secretKeyMultibase", "privateKeyMultibase", "privateKeyJwk", "privateKeyBase58"}
)


def https_location(url: Any) -> tuple[str, str] | ResolutionFailure:
    """`url` as (the https URL to fetch, its fragment) when it names one with a host and no
    userinfo, query or port 0 (what a caller's fetch may be handed); else why not."""
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        named = url if isinstance(url, str) else repr(url)[:80]
        return failure(named, "INVALID_VERIFICATION_METHOD_URL", "not a URL")
    if not url.startswith("https://"):
        return failure(url, "METHOD_NOT_SUPPORTED", "this resolver handles https URLs only")
    location, _, fragment = url.partition("#")
    try:
        parts = urlsplit(location)
        port = parts.port
    except ValueError:
        return failure(url, "INVALID_VERIFICATION_METHOD_URL", "not a valid https URL")
    if not parts.hostname or "@" in parts.netloc or parts.query or port == 0:
        message = "an https key URL has a host, and no userinfo or query"
        return failure(url, "INVALID_VERIFICATION_METHOD_URL", message)
    return location, fragment


def fetch_json(
    fetch: Callable[[str], bytes], url: str, location: str, *, max_bytes: int
) -> Mapping[str, Any] | ResolutionFailure:
    """The JSON object at `location`, through the caller's `fetch`, read strictly (one
    meaning per document: no duplicate members, NaN or unbounded nesting) and bounded in
    size; any failure is a ResolutionFailure for `url`, never an exception."""
    try:
        data = fetch(location)
    except Exception as error:  # the caller's HTTP stack: any failure is "not found"
        return failure(url, "NOT_FOUND", f"fetching {location} failed: {error!r}")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return failure(url, "INVALID_DID_DOCUMENT", "fetch must return the document bytes")
    if len(data) > max_bytes:
        return failure(url, "INVALID_DID_DOCUMENT", f"{location} is larger than {max_bytes} bytes")
    try:
        document = parse_json(bytes(data))
    except MicrocredError as error:
        return failure(url, "INVALID_DID_DOCUMENT", f"{location} is not JSON: {error.message}")
    if not isinstance(document, dict):
        return failure(url, "INVALID_DID_DOCUMENT", f"{location} is not a JSON object")
    return document


def fetch_document(
    fetch: Callable[[str], bytes],
    url: str,
    document_url: str,
    *,
    expected_id: str,
    max_bytes: int,
) -> Mapping[str, Any] | ResolutionFailure:
    """Fetch and parse the controller document at `document_url`; its `id` must be
    `expected_id` (CID §3.3 step 6) and it must not publish secret key material."""
    document = fetch_json(fetch, url, document_url, max_bytes=max_bytes)
    if isinstance(document, ResolutionFailure):
        return document
    if document.get("id") != expected_id:
        return failure(
            url,
            "INVALID_DID_DOCUMENT",
            f"the document at {document_url} has id {shown(document.get('id'))}, "
            f"not {expected_id!r}",
        )
    if _publishes_secret(document):
        return failure(
            url, "INVALID_DID_DOCUMENT", "the controller document publishes a secret key"
        )
    return document


def find_verification_method(
    url: str, controller: str, document: Mapping[str, Any]
) -> VerificationMethod | ResolutionFailure:
    """CID §3.3 steps 7-12: find the method by id, check its controller, read its key and
    the verification relationships that list it (by reference or embedded)."""
    found = [m for m in _embedded_methods(document) if _absolute(m.get("id"), controller) == url]
    if not found:
        return failure(url, "INVALID_VERIFICATION_METHOD", f"the controller document has no {url}")
    if any(m != found[0] for m in found):
        return failure(url, "INVALID_DID_DOCUMENT", f"{url} is defined twice, differently")
    method = found[0]
    if method.get("controller") != controller:
        return failure(
            url,
            "INVALID_VERIFICATION_METHOD",
            f"the controller of {url} is {shown(method.get('controller'))}, not {controller!r}",
        )
    try:
        public_key = _public_key(method)
    except MicrocredError as error:
        return failure(url, "INVALID_PUBLIC_KEY", error.message)
    relationships = frozenset(
        name
        for name in RELATIONSHIPS
        for entry in _as_list(document.get(name))
        if _absolute(entry.get("id") if isinstance(entry, Mapping) else entry, controller) == url
    )
    return VerificationMethod(url, method["type"], controller, public_key, relationships)


def sole_assertion_method(
    url: str, controller: str, document: Mapping[str, Any]
) -> VerificationMethod | ResolutionFailure:
    """The one method the controller lists under assertionMethod, for a URL naming the
    controller itself (a JWT without `kid`); none or several is a failure, never a guess."""
    listed = {
        reference
        for entry in _as_list(document.get("assertionMethod"))
        if (
            reference := _absolute(
                entry.get("id") if isinstance(entry, Mapping) else entry, controller
            )
        )
    }
    if len(listed) != 1:
        return failure(
            url,
            "INVALID_VERIFICATION_METHOD",
            f"{url} lists {len(listed)} assertionMethod keys; name the key (a JWT kid)",
        )
    return find_verification_method(listed.pop(), controller, document)


def _public_key(method: Mapping[str, Any]) -> AnyPublicKey:
    """Multikey (CID §2.2.2) from publicKeyMultibase, JsonWebKey (§2.2.3) from publicKeyJwk."""
    kind = method.get("type")
    if kind == "Multikey":
        return PublicKey.from_multikey(method.get("publicKeyMultibase"))  # type: ignore[arg-type]
    if kind in _JWK_TYPES:
        return public_key_from_jwk(method.get("publicKeyJwk"))  # type: ignore[arg-type]
    raise InvalidKeyError(
        f"unsupported verification method type {shown(kind)}; use Multikey or JsonWebKey"
    )


def _embedded_methods(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Verification methods defined in `verificationMethod` or embedded in a relationship."""
    for name in ("verificationMethod", *RELATIONSHIPS):
        for entry in _as_list(document.get(name)):
            if isinstance(entry, Mapping):
                yield entry


def _publishes_secret(document: Any) -> bool:
    """True if any object holds secret key material (a `*KeyMultibase` secret or a JWK `d`)."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, Mapping):
            if _SECRET_MEMBERS & value.keys():
                return True
            jwk = value.get("publicKeyJwk")
            if isinstance(jwk, Mapping) and "d" in jwk:
                return True
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _absolute(reference: Any, controller: str) -> str | None:
    """A method reference as absolute: `#key-1` is relative to the document (CID §3.4)."""
    if not isinstance(reference, str):
        return None
    return controller + reference if reference.startswith("#") else reference


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def shown(value: Any) -> str:
    """A value for a message: strings quoted, anything else as a short repr."""
    return repr(value) if isinstance(value, str) else repr(value)[:80]


def failure(url: str, code: str, message: str) -> ResolutionFailure:
    """A ResolutionFailure with a code of `ResolutionFailureCode`."""
    return ResolutionFailure(url, ResolutionFailureCode(code), message)
