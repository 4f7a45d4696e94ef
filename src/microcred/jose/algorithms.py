"""The JWS algorithms microcred accepts (RFC 7518 §3, RFC 8037 §3.1, RFC 9864) and the key
type each one needs; everything else, `none` and the HMACs first, is refused.

An HMAC "verifies" with any bytes as its secret, including a public key a verifier holds:
accepting HS256 would let anyone forge (the classic JWT algorithm confusion), so the
allowlist holds only signature algorithms, and the key's type must be the algorithm's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from microcred.errors import KeyTypeMismatchError, UnsupportedJwsAlgorithmError
from microcred.keys.keypair import KeyType, PublicKey
from microcred.keys.rsa import AnyPublicKey, RsaPublicKey

__all__ = ["ALGORITHMS", "JwsAlgorithm", "jws_algorithm", "signing_algorithm", "verify_jws"]


@dataclass(frozen=True, slots=True)
class JwsAlgorithm:
    """One allowed `alg`: its name and the key type that verifies it."""

    name: str
    key_type: str
    rsa_padding: Literal["PKCS1v15", "PSS"] | None = None


ALGORITHMS: dict[str, JwsAlgorithm] = {
    alg.name: alg
    for alg in (
        JwsAlgorithm("EdDSA", "Ed25519"),  # RFC 8037 §3.1 (with an OKP Ed25519 key)
        JwsAlgorithm("Ed25519", "Ed25519"),  # RFC 9864 fully specified
        JwsAlgorithm("ES256", "P-256"),
        JwsAlgorithm("ES384", "P-384"),
        JwsAlgorithm("RS256", "RSA", "PKCS1v15"),  # verify only: Open Badges issuers use it
        JwsAlgorithm("PS256", "RSA", "PSS"),
    )
}
_SIGNING: dict[KeyType, str] = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}


def jws_algorithm(name: object) -> JwsAlgorithm:
    """The allowed algorithm named `name`, else UnsupportedJwsAlgorithmError saying why."""
    algorithm = ALGORITHMS.get(name) if isinstance(name, str) else None
    if algorithm is not None:
        return algorithm
    text = str(name)
    why = (
        "an unsigned JWS proves nothing"
        if text.lower() == "none"
        else "an HMAC is keyed with a shared secret, not an issuer's public key"
        if text.upper().startswith("HS")
        else f"allowed: {', '.join(ALGORITHMS)}"
    )
    raise UnsupportedJwsAlgorithmError(f"alg {name!r} is refused: {why}", path=("header", "alg"))


def signing_algorithm(key_type: KeyType) -> str:
    """The `alg` our keys sign with: EdDSA (Ed25519), ES256 (P-256), ES384 (P-384)."""
    return _SIGNING[key_type]


def verify_jws(
    algorithm: JwsAlgorithm, key: AnyPublicKey, signing_input: bytes, signature: bytes
) -> bool:
    """True iff `signature` signs `signing_input` with `key` under `algorithm`; a key of
    another type raises KeyTypeMismatchError (never a silent false)."""
    if key.key_type != algorithm.key_type:
        raise KeyTypeMismatchError(
            f"alg {algorithm.name} needs a {algorithm.key_type} key, not {key.key_type}",
            path=("header", "alg"),
        )
    if isinstance(key, RsaPublicKey):
        return key.verify(signature, signing_input, scheme=algorithm.rsa_padding or "PKCS1v15")
    if isinstance(key, PublicKey):
        return key.verify(signature, signing_input)
    return False
