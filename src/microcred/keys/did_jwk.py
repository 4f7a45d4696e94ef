"""did:jwk: a DID that is its own public JWK, resolved offline (did:jwk Method Specification).

`did:jwk:<base64url of the JWK's UTF-8 JSON>` has one verification method, `<did>#0`, of
type JsonWebKey2020. A key with `"use": "enc"` only agrees keys; any other key signs for
every signing relationship. Private members, padding, duplicate JSON members and keys we
cannot verify with (X25519, secp256k1, short RSA) are failures, never exceptions.
"""

from __future__ import annotations

import json
from typing import Any

from microcred.errors import MicrocredError
from microcred.keys.did_key import ResolutionFailure, ResolutionFailureCode, VerificationMethod
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.keys.rsa import AnyPublicKey, public_key_from_jwk
from microcred.strict_json import parse_json

__all__ = ["did_jwk", "resolve_did_jwk"]

_PREFIX = "did:jwk:"
_MAX_DID_CHARS = 4096  # a 4096-bit RSA JWK is about 940 characters of base64url
_SIGNING = frozenset(
    {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"}
)
_PRIVATE = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def resolve_did_jwk(url: str) -> VerificationMethod | ResolutionFailure:
    """A KeyResolver for `did:jwk:…` and `did:jwk:…#0`; METHOD_NOT_SUPPORTED for other URLs."""
    if not isinstance(url, str) or len(url) > _MAX_DID_CHARS:
        shown = url if isinstance(url, str) else repr(url)[:80]
        return _failure(shown, "INVALID_VERIFICATION_METHOD_URL", "not a did:jwk URL")
    if not url.startswith(_PREFIX):
        return _failure(url, "METHOD_NOT_SUPPORTED", "this resolver handles did:jwk only")
    did, hash_sign, fragment = url.partition("#")
    if hash_sign and fragment != "0":
        return _failure(url, "INVALID_VERIFICATION_METHOD", "a did:jwk has one method, #0")
    try:
        jwk = parse_json(base64url_decode(did[len(_PREFIX) :]), max_depth=4)
    except MicrocredError as error:
        return _failure(url, "INVALID_DID", f"not base64url JSON: {error.message}")
    if not isinstance(jwk, dict):
        return _failure(url, "INVALID_DID", "a did:jwk encodes a JWK, a JSON object")
    if _PRIVATE & jwk.keys():
        return _failure(url, "INVALID_PUBLIC_KEY", "the JWK holds private key members")
    try:
        key = public_key_from_jwk(jwk)
    except MicrocredError as error:
        return _failure(url, "INVALID_PUBLIC_KEY", error.message)
    relationships = frozenset({"keyAgreement"}) if jwk.get("use") == "enc" else _SIGNING
    return VerificationMethod(f"{did}#0", "JsonWebKey2020", did, key, relationships)


def did_jwk(key: AnyPublicKey) -> str:
    """The did:jwk DID of a public key: its JWK as compact JSON, base64url-encoded."""
    jwk: dict[str, Any] = key.to_jwk()
    return _PREFIX + base64url_encode(json.dumps(jwk, separators=(",", ":")).encode())


def _failure(url: str, code: str, message: str) -> ResolutionFailure:
    return ResolutionFailure(url, ResolutionFailureCode(code), message)
