"""Securing a credential or presentation as a compact JWS (VC-JOSE-COSE §3.1.1, §3.2.1):
the payload is the document itself, the protected header names `alg`, `kid`, `typ`, `cty`.

Any `Signer` works unchanged (KeyPair, HSM, KMS): Ed25519 signs EdDSA, P-256 ES256, P-384
ES384, each producing the raw signature JWS expects (RFC 7518 §3.4: r || s, not DER); a
signature that is DER, of the wrong length or does not verify with the signer's public key
is refused before a token is written (`microcred.keys.signing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from microcred.errors import MalformedDocumentError
from microcred.jose.algorithms import signing_algorithm
from microcred.jose.compact import payload_json, serialize_compact
from microcred.jose.vc_jwt import CLAIM_NAMES
from microcred.keys.keypair import Signer
from microcred.keys.signing import checked_signer

__all__ = ["MediaType", "sign_compact", "sign_jws"]

MediaType = Literal["vc+jwt", "vp+jwt"]
_CONTENT = {"vc+jwt": "vc", "vp+jwt": "vp"}


def sign_compact(
    document: Mapping[str, Any],
    *,
    key: Signer,
    typ: MediaType = "vc+jwt",
    claims: Mapping[str, Any] | None = None,
) -> str:
    """The compact JWS of `document` (an unsecured credential or presentation) signed by
    `key` for its verification method; `claims` adds JWT claims such as `nonce`/`aud`."""
    if not isinstance(document, Mapping) or "@context" not in document:
        raise MalformedDocumentError("a JWT secures a JSON-LD document with an @context")
    if "proof" in document:
        raise MalformedDocumentError(
            "the document already carries a Data Integrity proof; sign the unsecured one",
            path=("proof",),
        )
    extra = dict(claims or {})
    unknown = sorted(set(extra) - CLAIM_NAMES)
    if unknown or CLAIM_NAMES & document.keys():
        clash = unknown[0] if unknown else sorted(CLAIM_NAMES & document.keys())[0]
        raise MalformedDocumentError(f"{clash!r} is not a claim this JWT may carry", path=(clash,))
    return sign_jws({**document, **extra}, key=key, typ=typ, cty=_CONTENT[typ])


def sign_jws(payload: Mapping[str, Any], *, key: Signer, typ: str, cty: str | None = None) -> str:
    """A compact JWS of any JSON object `payload`, with `alg` from the key type, `kid` the
    key's verification method, `typ` (and `cty`); the signer's output is checked first."""
    try:
        encoded = payload_json(payload)
    except (TypeError, ValueError) as error:
        raise MalformedDocumentError(f"the payload is not JSON: {error}") from None
    header = {"alg": signing_algorithm(key.key_type), "kid": key.verification_method, "typ": typ}
    if cty is not None:
        header["cty"] = cty
    checked = checked_signer(key)  # wrong length, DER, or not verifying: refused
    return serialize_compact(header, encoded, checked.sign)
