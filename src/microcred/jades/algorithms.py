"""JWA digital-signature algorithms for seals (RFC 7518 §3.3 RS*, §3.4 ES*, §3.5 PS*).

Only asymmetric algorithms an e-seal certificate can carry: `none` and the HMAC family are
absent by construction. ECDSA signatures travel as raw `r || s` (RFC 7518 §3.4), which this
module converts to and from the DER form `cryptography` uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from microcred.errors import KeyTypeMismatchError, SealError

__all__ = [
    "ALGORITHMS",
    "SigningKey",
    "default_algorithm",
    "key_mismatch",
    "sign",
    "verify_signature",
]

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_MIN_RSA_BITS = 2048  # RFC 7518 §3.3 / §3.5: "a key of size 2048 bits or larger MUST be used"


@dataclass(frozen=True, slots=True)
class _Algorithm:
    scheme: Literal["RSA", "PSS", "EC"]
    hash: type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]
    curve: type[ec.EllipticCurve] | None = None
    size: int = 0  # bytes per ECDSA coordinate


ALGORITHMS: Mapping[str, _Algorithm] = MappingProxyType(
    {
        "RS256": _Algorithm("RSA", hashes.SHA256),
        "RS384": _Algorithm("RSA", hashes.SHA384),
        "RS512": _Algorithm("RSA", hashes.SHA512),
        "PS256": _Algorithm("PSS", hashes.SHA256),
        "PS384": _Algorithm("PSS", hashes.SHA384),
        "PS512": _Algorithm("PSS", hashes.SHA512),
        "ES256": _Algorithm("EC", hashes.SHA256, ec.SECP256R1, 32),
        "ES384": _Algorithm("EC", hashes.SHA384, ec.SECP384R1, 48),
        "ES512": _Algorithm("EC", hashes.SHA512, ec.SECP521R1, 66),
    }
)


def default_algorithm(key: object) -> str:
    """RS256 for RSA keys, ES256/ES384/ES512 for P-256/P-384/P-521 keys."""
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        for name, algorithm in ALGORITHMS.items():
            if algorithm.curve is not None and isinstance(key.curve, algorithm.curve):
                return name
        raise KeyTypeMismatchError(f"EC curve {key.curve.name} has no JWS algorithm")
    raise SealError(f"{type(key).__name__} cannot seal: use an RSA or EC (P-256/P-384) key")


def key_mismatch(name: str, key: object) -> str | None:
    """Why public `key` cannot be used with algorithm `name`, or None if it fits."""
    algorithm = ALGORITHMS.get(name)
    if algorithm is None:
        return f"algorithm {name!r} is not an allowed seal algorithm ({', '.join(ALGORITHMS)})"
    if algorithm.scheme in ("RSA", "PSS"):
        if not isinstance(key, rsa.RSAPublicKey):
            return f"{name} needs an RSA key, the certificate holds {_describe(key)}"
        if key.key_size < _MIN_RSA_BITS:
            return f"{name} needs an RSA key of at least {_MIN_RSA_BITS} bits, not {key.key_size}"
        return None
    curve = algorithm.curve
    if curve and isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, curve):
        return None
    return f"{name} needs a {curve and curve.name} key, the certificate holds {_describe(key)}"


def sign(name: str, key: SigningKey, data: bytes) -> bytes:
    """The JWS Signature of `data` (RFC 7518 §3): PKCS#1 v1.5, PSS or raw `r || s`, verified
    with the key's public key before it is returned (a faulty key or HSM writes no seal)."""
    if name not in ALGORITHMS:
        raise SealError(f"algorithm {name!r} is not one of {', '.join(ALGORITHMS)}")
    problem = key_mismatch(name, key.public_key())
    if problem is not None:
        raise KeyTypeMismatchError(problem)
    algorithm = ALGORITHMS[name]
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, _rsa_padding(algorithm), algorithm.hash())
    else:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(algorithm.hash())))
        signature = r.to_bytes(algorithm.size, "big") + s.to_bytes(algorithm.size, "big")
    if not verify_signature(name, key.public_key(), signature, data):  # verify before writing
        raise SealError(f"the {name} seal signature does not verify with the key's public key")
    return signature


def verify_signature(
    name: str, key: CertificatePublicKeyTypes, signature: bytes, data: bytes
) -> bool:
    """True iff `signature` is a valid JWS Signature of `data` under `key` with `name`."""
    algorithm = ALGORITHMS.get(name)
    if algorithm is None or key_mismatch(name, key) is not None:
        return False
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, _rsa_padding(algorithm), algorithm.hash())
            return True
        if isinstance(key, ec.EllipticCurvePublicKey) and len(signature) == 2 * algorithm.size:
            r = int.from_bytes(signature[: algorithm.size], "big")
            s = int.from_bytes(signature[algorithm.size :], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm.hash()))
            return True
    except InvalidSignature:
        return False
    return False


def _rsa_padding(algorithm: _Algorithm) -> padding.AsymmetricPadding:
    if algorithm.scheme == "PSS":  # RFC 7518 §3.5: MGF1 with the same hash, salt = hash length
        digest = algorithm.hash()
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def _describe(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"an RSA-{key.key_size} key"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"a {key.curve.name} key"
    return f"a {type(key).__name__.lstrip('_')}"
