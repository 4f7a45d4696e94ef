"""RSA public keys, for verification only (JOSE RS256/PS256 tokens of Open Badges issuers).

microcred never signs with RSA: Data Integrity has no RSA suite we accept and our own JWTs
use Ed25519 or ECDSA. Keys under 2048 bits or with an exponent that is even or below 3
are refused (NIST SP 800-131A, RFC 7518 §3.3 "a key of size 2048 bits or larger MUST be
used"). `public_key_from_jwk` reads any public JWK we verify with: OKP, EC or RSA.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from microcred.errors import InvalidKeyError, InvalidMultibaseError
from microcred.keys.keypair import PublicKey
from microcred.keys.multibase import base64url_decode, base64url_encode

__all__ = [
    "MIN_RSA_BITS",
    "THUMBPRINT_URN",
    "AnyPublicKey",
    "RsaPublicKey",
    "jwk_thumbprint",
    "public_key_from_cryptography",
    "public_key_from_jwk",
]

MIN_RSA_BITS = 2048
_MAX_RSA_BITS = 16384  # verification cost grows with the modulus: a hostile key stays bounded
_RSA_MEMBERS = frozenset({"n", "e"})
_PRIVATE_RSA_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth"})
RsaPadding = Literal["PKCS1v15", "PSS"]


class RsaPublicKey:
    """An immutable RSA public key (modulus ≥ 2048 bits); equal when n and e are equal."""

    __slots__ = ("_e", "_key", "_n")
    _key: rsa.RSAPublicKey
    _n: int
    _e: int

    def __init__(self, n: int, e: int) -> None:
        if not isinstance(n, int) or not isinstance(e, int):
            _fail("an RSA key is two integers, n and e")
        if not MIN_RSA_BITS <= n.bit_length() <= _MAX_RSA_BITS:
            _fail(f"an RSA modulus must have {MIN_RSA_BITS} to {_MAX_RSA_BITS} bits")
        if e < 3 or e % 2 == 0 or e >= n:
            _fail("an RSA public exponent must be odd, at least 3 and below the modulus")
        try:
            key = rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError:
            _fail("n and e are not an RSA public key")
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_e", e)
        object.__setattr__(self, "_key", key)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> RsaPublicKey:
        """Read a public RSA JWK (RFC 7518 §6.3.1); private members are refused."""
        if not isinstance(jwk, Mapping) or jwk.get("kty") != "RSA":
            _fail("an RSA JWK has kty 'RSA'")
        if _PRIVATE_RSA_MEMBERS & jwk.keys():
            _fail("this JWK holds private RSA members; a public key is expected")
        if not jwk.keys() >= _RSA_MEMBERS:
            _fail("an RSA JWK needs the members 'n' and 'e'")
        n, e = (_unsigned(jwk, member) for member in ("n", "e"))
        return cls(n, e)

    @property
    def key_type(self) -> str:
        """Always "RSA"."""
        return "RSA"

    @property
    def key_size(self) -> int:
        """The modulus length in bits."""
        return self._n.bit_length()

    def to_jwk(self) -> dict[str, str]:
        """The public JWK {kty, n, e} (RFC 7518 §6.3.1)."""
        return {"kty": "RSA", "n": _encode(self._n), "e": _encode(self._e)}

    def verify(self, signature: bytes, data: bytes, *, scheme: RsaPadding = "PKCS1v15") -> bool:
        """True iff `signature` is an RSASSA-PKCS1-v1_5 (RS256) or RSASSA-PSS (PS256, salt
        length 32, RFC 7518 §3.5) SHA-256 signature of `data`; never raises."""
        if not isinstance(signature, bytes | bytearray) or not isinstance(data, bytes | bytearray):
            return False
        if len(signature) != (self.key_size + 7) // 8:
            return False
        pad: padding.AsymmetricPadding = (
            padding.PKCS1v15()
            if scheme == "PKCS1v15"
            else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        )
        try:
            self._key.verify(bytes(signature), bytes(data), pad, hashes.SHA256())
        except (InvalidSignature, ValueError):
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RsaPublicKey):
            return NotImplemented
        return (self._n, self._e) == (other._n, other._e)

    def __hash__(self) -> int:
        return hash((self._n, self._e))

    def __repr__(self) -> str:
        return f"RsaPublicKey({self.key_size} bits)"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")


AnyPublicKey = PublicKey | RsaPublicKey
"""A key we verify with: Ed25519 / P-256 / P-384 (`PublicKey`) or RSA (`RsaPublicKey`)."""


def public_key_from_jwk(jwk: Mapping[str, Any]) -> AnyPublicKey:
    """The public key of a JWK: RSA keys as `RsaPublicKey`, OKP and EC keys as `PublicKey`."""
    if isinstance(jwk, Mapping) and jwk.get("kty") == "RSA":
        return RsaPublicKey.from_jwk(jwk)
    return PublicKey.from_jwk(jwk)


def _unsigned(jwk: Mapping[str, Any], member: str) -> int:
    """A Base64urlUInt member (RFC 7518 §2): big-endian, no leading zero octet."""
    try:
        data = base64url_decode(jwk[member])
    except (InvalidMultibaseError, TypeError):
        _fail(f"RSA JWK member {member!r} is not base64url")
    if not data or (len(data) > 1 and data[0] == 0):
        _fail(f"RSA JWK member {member!r} must be a minimal big-endian integer")
    return int.from_bytes(data, "big")


def _encode(value: int) -> str:
    return base64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _fail(message: str) -> NoReturn:
    raise InvalidKeyError(message)


def public_key_from_cryptography(key: object) -> AnyPublicKey:
    """Our key for a `cryptography` public key (an X.509 certificate's): Ed25519, P-256,
    P-384 or RSA; InvalidKeyError for any other kind."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("Ed25519", key.public_bytes(Encoding.Raw, PublicFormat.Raw))
    if isinstance(key, ec.EllipticCurvePublicKey):
        kinds = {"secp256r1": "P-256", "secp384r1": "P-384"}
        kind = kinds.get(key.curve.name)
        if kind is None:
            _fail(f"the curve {key.curve.name} is not supported (P-256, P-384)")
        point = key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        return PublicKey(kind, point)  # type: ignore[arg-type]
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return RsaPublicKey(numbers.n, numbers.e)
    _fail(f"a {type(key).__name__} is not a key we verify with")


_THUMBPRINT_MEMBERS = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}
THUMBPRINT_URN = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"
"""The JWK Thumbprint URI prefix (RFC 9278) for SHA-256 thumbprints."""


def jwk_thumbprint(key: AnyPublicKey) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public key: base64url of the hash of its JWK's
    required members (OKP: crv kty x; EC: crv kty x y; RSA: e kty n) in lexical order."""

    jwk = key.to_jwk()
    required = {
        "OKP": ("crv", "kty", "x"),
        "EC": ("crv", "kty", "x", "y"),
        "RSA": ("e", "kty", "n"),
    }
    members = {name: jwk[name] for name in required[jwk["kty"]]}
    text = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return base64url_encode(hashlib.sha256(text.encode()).digest())
