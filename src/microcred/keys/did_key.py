"""did:key to DID document and verification method, and the KeyResolver seam.

The default resolver is offline and handles did:key only (did:key Method v0.7, CCG draft);
every other URL comes back as a `ResolutionFailure`, never an exception, so `verify()` can turn
it into a result. It applies the checks of CID 1.0 §3.3 "Retrieve Verification Method" that
make sense for a DID computed from its own key. Failure codes (stable, UPPER_SNAKE):

- INVALID_VERIFICATION_METHOD_URL: not a URL (CID §3.5), or a did:key URL with path or query.
- METHOD_NOT_SUPPORTED: a URL this resolver does not handle (did:web, https:, ...);
  DID Resolution's `methodNotSupported`.
- INVALID_DID: a did:key whose method-specific id is not `z` + base58btc (did:key `invalidDid`;
  the optional version segment `did:key:1:…` is not supported).
- INVALID_PUBLIC_KEY: the multibase value is not a supported public Multikey (did:key
  `invalidPublicKey`, `invalidPublicKeyLength`, `unsupportedPublicKeyType`).
- INVALID_VERIFICATION_METHOD: the fragment does not name the key's verification method
  (CID §3.3 steps 7-9: `did:key:<mb>#<other>` has no such verification method).

Codes of resolvers that fetch a controller document (`microcred.keys.did_web`):

- NOT_FOUND: the document could not be retrieved (DID Resolution `notFound`).
- INVALID_DID_DOCUMENT: the retrieved document is not a usable DID document: not JSON, too
  large, its `id` is not the DID, or it publishes secret key material.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from microcred.errors import InvalidDidError, InvalidKeyError
from microcred.keys.keypair import PublicKey
from microcred.keys.rsa import AnyPublicKey

__all__ = [
    "DID_KEY_RELATIONSHIPS",
    "KeyResolver",
    "ResolutionFailure",
    "ResolutionFailureCode",
    "VerificationMethod",
    "did_key_document",
    "resolve_did_key",
]

_RELATIONSHIP_ORDER = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)
DID_KEY_RELATIONSHIPS = frozenset(_RELATIONSHIP_ORDER)
_DID_DOCUMENT_CONTEXT = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
_MAX_URL_CHARS = 2048
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[!-~]*")  # a scheme, then printable ASCII only
_DID = re.compile(r"did:([a-z0-9]+):(.*)", re.DOTALL)
_DID_KEY_ID = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")


class ResolutionFailureCode(StrEnum):
    """Why a verification method URL did not resolve (see the module docstring)."""

    INVALID_VERIFICATION_METHOD_URL = "INVALID_VERIFICATION_METHOD_URL"
    METHOD_NOT_SUPPORTED = "METHOD_NOT_SUPPORTED"
    INVALID_DID = "INVALID_DID"
    INVALID_PUBLIC_KEY = "INVALID_PUBLIC_KEY"
    INVALID_VERIFICATION_METHOD = "INVALID_VERIFICATION_METHOD"
    NOT_FOUND = "NOT_FOUND"
    INVALID_DID_DOCUMENT = "INVALID_DID_DOCUMENT"


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A resolved verification method (CID §2.2): its key, controller and the verification
    relationships of the controller document that list it (e.g. "assertionMethod")."""

    id: str
    type: str
    controller: str
    public_key: AnyPublicKey
    relationships: frozenset[str]
    confirmed: bool = True
    """False for a key read from its own URL (an https `#z6Mk…` fragment) that no
    controller document confirmed: it may check a signature, never bind an issuer."""

    def to_dict(self) -> dict[str, Any]:
        """The verification method as JSON: Multikey with `publicKeyMultibase` (CID §2.2.2),
        any other type with `publicKeyJwk` (CID §2.2.3)."""
        material: dict[str, Any] = (
            {"publicKeyMultibase": self.public_key.multikey}
            if self.type == "Multikey" and isinstance(self.public_key, PublicKey)
            else {"publicKeyJwk": self.public_key.to_jwk()}
        )
        return {"id": self.id, "type": self.type, "controller": self.controller, **material}


@dataclass(frozen=True, slots=True)
class ResolutionFailure:
    """A verification method URL that could not be resolved: a result, not an exception."""

    url: str
    code: str
    message: str


class KeyResolver(Protocol):
    """Verification method URL -> VerificationMethod, or ResolutionFailure; never raises."""

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure: ...


def resolve_did_key(url: str) -> VerificationMethod | ResolutionFailure:
    """The default KeyResolver: `did:key:<mb>#<mb>` or bare `did:key:<mb>` -> its Multikey VM.

    A bare DID resolves to its one verification method (id `did:key:<mb>#<mb>`), as VC and
    Bitstring Status List examples reference it that way. Offline, pure, never raises.
    """
    if not isinstance(url, str) or len(url) > _MAX_URL_CHARS:
        shown = url if isinstance(url, str) else repr(url)
        return _failure(shown, "INVALID_VERIFICATION_METHOD_URL", "not a URL")
    if type(url) is not str:  # a str subclass could define its own equality: no caching
        return _resolve_did_key.__wrapped__(url)
    return _resolve_did_key(url)


@lru_cache(maxsize=1024)
def _resolve_did_key(url: str) -> VerificationMethod | ResolutionFailure:
    """resolve_did_key for a string of bounded length: pure, so a wallet checking many
    credentials of one issuer decodes the issuer's key once. Both results are immutable."""
    if _URL.fullmatch(url) is None:
        return _failure(url, "INVALID_VERIFICATION_METHOD_URL", "not a URL")
    did, _, fragment = url.partition("#")
    parsed = _parse_did_key(did, url)
    if isinstance(parsed, ResolutionFailure):
        return parsed
    multikey, public_key = parsed
    if "#" in url and fragment != multikey:
        return _failure(
            url,
            "INVALID_VERIFICATION_METHOD",
            "a did:key document has one verification method, whose fragment is the key itself",
        )
    return VerificationMethod(
        id=f"{did}#{multikey}",
        type="Multikey",
        controller=did,
        public_key=public_key,
        relationships=DID_KEY_RELATIONSHIPS,
    )


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a did:key DID (did:key v0.7 "Document Creation", Multikey form).

    One Multikey verification method `did:key:<mb>#<mb>`, listed in authentication,
    assertionMethod, capabilityInvocation and capabilityDelegation. Raises InvalidDidError.
    """
    if isinstance(did, str) and "#" in did:
        raise InvalidDidError(f"{did!r} is a DID URL; a DID document belongs to a DID")
    method = resolve_did_key(did)
    if isinstance(method, ResolutionFailure):
        raise InvalidDidError(f"cannot build a did:key document: {method.code}: {method.message}")
    return {
        "@context": list(_DID_DOCUMENT_CONTEXT),
        "id": method.controller,
        "verificationMethod": [method.to_dict()],
        **{relationship: [method.id] for relationship in _RELATIONSHIP_ORDER},
    }


def _parse_did_key(did: str, url: str) -> tuple[str, PublicKey] | ResolutionFailure:
    """(multibase value, public key) of the DID part of `url`, or why it does not resolve."""
    if not did.startswith("did:"):
        return _failure(url, "METHOD_NOT_SUPPORTED", "only did:key resolves offline")
    match = _DID.fullmatch(did)
    if match is None:
        return _failure(url, "INVALID_DID", "a DID is did:<lowercase method>:<method-specific id>")
    method, method_specific_id = match.groups()
    if method != "key":
        message = (
            f"did:{method} does not resolve offline: its key needs a resolver for did:{method}"
            " (a did:web DID document, docs/presentations.md)"
        )
        return _failure(url, "METHOD_NOT_SUPPORTED", message)
    if any(char in method_specific_id for char in "/?"):
        return _failure(
            url, "INVALID_VERIFICATION_METHOD_URL", "a did:key URL has no path or query"
        )
    if _DID_KEY_ID.fullmatch(method_specific_id) is None:
        return _failure(url, "INVALID_DID", "a did:key id is 'z' followed by base58btc")
    try:
        return method_specific_id, PublicKey.from_multikey(method_specific_id)
    except InvalidKeyError as error:
        return _failure(url, "INVALID_PUBLIC_KEY", error.message)


def _failure(url: str, code: str, message: str) -> ResolutionFailure:
    return ResolutionFailure(url, ResolutionFailureCode(code), message)
