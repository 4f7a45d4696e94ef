"""PEM and DER key files in and out: SubjectPublicKeyInfo public keys, PKCS#8 private keys.

Only Ed25519, P-256 and P-384 keys are read; anything else (RSA, another curve, a certificate)
is an `InvalidKeyError` that names what was found. Private keys may be encrypted with a
password (PKCS#8 `ENCRYPTED PRIVATE KEY`, or the legacy `Proc-Type: 4,ENCRYPTED` form).
pyca's serialization module is imported here only, so loading keys by Multikey stays lean.
"""

from __future__ import annotations

from typing import NoReturn

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from microcred.errors import InvalidKeyError

__all__ = [
    "PrivateKey",
    "PublicKeyObject",
    "load_private_key",
    "load_public_key",
    "private_key_pem",
    "public_key_pem",
]

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKeyObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
_CURVES = ("secp256r1", "secp384r1")


def load_public_key(data: bytes | str, *, der: bool = False) -> PublicKeyObject:
    """The Ed25519/P-256/P-384 public key of a PEM `PUBLIC KEY` (or DER SubjectPublicKeyInfo)."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    try:
        if der:
            key = serialization.load_der_public_key(raw)
        else:
            key = serialization.load_pem_public_key(raw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        if not der and b"PRIVATE KEY" in raw:
            _fail("this PEM holds a private key where a public key is expected")
        form = "DER SubjectPublicKeyInfo" if der else "PEM 'PUBLIC KEY'"
        _fail(f"not a {form} public key ({type(error).__name__})")
    return _public(key)


def load_private_key(data: bytes | str, password: bytes | str | None = None) -> PrivateKey:
    """The Ed25519/P-256/P-384 key of a PEM private key (PKCS#8 or SEC1), encrypted or not."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
    secret = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key = serialization.load_pem_private_key(raw, password=secret)
    except TypeError:  # pyca: a password for a plain key, or none for an encrypted one
        if secret is None:
            _fail("this PEM private key is encrypted: give its password")
        _fail("this PEM private key is not encrypted: give no password")
    except (ValueError, UnsupportedAlgorithm):
        if secret is not None and b"ENCRYPTED" in raw:
            _fail("cannot decrypt this PEM private key: wrong password, or not a key")
        _fail("not a PEM private key (PKCS#8 'PRIVATE KEY' or SEC1 'EC PRIVATE KEY')")
    return _private(key)


def private_key_pem(key: PrivateKey, password: bytes | str | None = None) -> bytes:
    """PKCS#8 PEM of `key`, encrypted with the best algorithm pyca offers when `password`."""
    secret = password.encode("utf-8") if isinstance(password, str) else password
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def public_key_pem(key: PublicKeyObject) -> bytes:
    """SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`) of `key`."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _public(key: object) -> PublicKeyObject:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and _curve_ok(key.curve):
        return key
    _unsupported(key)


def _private(key: object) -> PrivateKey:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey) and _curve_ok(key.curve):
        return key
    _unsupported(key)


def _curve_ok(curve: ec.EllipticCurve) -> bool:
    if curve.name not in _CURVES:
        _fail(f"an EC key on {curve.name}; microcred signs with P-256, P-384 or Ed25519")
    return True


def _unsupported(key: object) -> NoReturn:
    _fail(f"a {type(key).__name__.lstrip('_')}; microcred signs with Ed25519, P-256 or P-384")


def _fail(message: str) -> NoReturn:
    raise InvalidKeyError(message)
