"""Ed25519, P-256 and P-384 keys over pyca `cryptography`: Multikey, JWK and PEM in and out.

Multikey = multibase base58btc of a multicodec varint header and the raw key (CID 1.0 §2.2.2;
encoding rules in `microcred.keys.multikey`). Public EC keys are compressed SEC1 points; the
uncompressed form is refused because CID says "any other encodings MUST NOT be allowed";
Ed25519 keys of small order are refused because forged signatures verify under them.
A secret key offered where a public key is expected is an error, and secret material leaves
a `KeyPair` only through `export_secret_multikey()` or `to_jwk(include_secret=True)`: no
message, repr or str shows any of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from microcred.errors import InvalidKeyError
from microcred.keys.multibase import base64url_encode, encode_base58btc
from microcred.keys.multikey import (
    KEY_TYPES,
    KeyEncoding,
    KeyType,
    decode_multikey,
    jwk_encoding,
    jwk_member,
    key_encoding,
    parse_key_type,
)

__all__ = ["KEY_TYPES", "KeyPair", "KeyType", "PublicKey", "Signer", "parse_key_type"]

_BYTES = (bytes, bytearray, memoryview)
_EC_CURVES: Mapping[str, tuple[type[ec.EllipticCurve], type[hashes.HashAlgorithm]]] = {
    "P-256": (ec.SECP256R1, hashes.SHA256),
    "P-384": (ec.SECP384R1, hashes.SHA384),
}
_CURVE_NAMES: Mapping[str, KeyType] = {"secp256r1": "P-256", "secp384r1": "P-384"}
# edwards25519 (RFC 8032 §5.1): the field prime p and the y-coordinates of the 8 points of
# small order (the torsion subgroup, cofactor 8): 1 (identity), p - 1 (order 2), 0 (the two
# points of order 4) and the two y values of the four points of order 8 (they sum to p). The
# same list as libsodium's ge25519_has_small_order(); tests/security recomputes it.
_ED25519_P = 2**255 - 19
_ED25519_ORDER_8_Y = 0x7A03AC9277FDC74EC6CC392CFA53202A0F67100D760B3CBA4FD84D3D706A17C7
_ED25519_SMALL_ORDER_Y = frozenset(
    {0, 1, _ED25519_P - 1, _ED25519_ORDER_8_Y, _ED25519_P - _ED25519_ORDER_8_Y}
)
_PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


@runtime_checkable
class Signer(Protocol):
    """Anything that signs for a verification method without exposing its secret key (HSM, KMS).

    Ed25519: pure EdDSA (RFC 8032), 64 bytes. P-256/P-384: ECDSA with SHA-256/SHA-384 over
    `data`, IEEE P1363 `r || s` (64/96 bytes), not DER (`ecdsa_der_to_raw` converts). Every
    signature is checked against the signer's public key before anything is written: its
    `public_key` attribute when it has one, else the key its did:key/did:jwk names
    (`microcred.keys.signing`, docs/keys.md).
    """

    @property
    def key_type(self) -> KeyType: ...

    @property
    def verification_method(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class PublicKey:
    """An immutable Ed25519 / P-256 / P-384 public key; equal when type and key bytes are equal."""

    __slots__ = ("_key", "_raw", "_type")
    _key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
    _raw: bytes
    _type: KeyType

    def __init__(self, key_type: KeyType, raw: bytes) -> None:
        """From the raw Multikey payload: 32 key bytes (Ed25519) or a compressed point (EC)."""
        encoding = key_encoding(key_type)
        raw = bytes(raw) if isinstance(raw, _BYTES) else b""
        if len(raw) != encoding.public.length:
            _fail(f"a {key_type} public key has {encoding.public.length} bytes, got {len(raw)}")
        key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
        if key_type == "Ed25519":
            _check_ed25519_point(raw)
        elif raw[0] not in (2, 3):
            _fail(f"a {key_type} public key must be a compressed point (0x02/0x03 first byte)")
        try:
            if key_type == "Ed25519":
                key = ed25519.Ed25519PublicKey.from_public_bytes(raw)
            else:
                key = ec.EllipticCurvePublicKey.from_encoded_point(_EC_CURVES[key_type][0](), raw)
        except ValueError:
            _fail(f"the bytes are not a {key_type} public key")
        object.__setattr__(self, "_type", key_type)
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_key", key)

    @classmethod
    def from_multikey(cls, multibase: str) -> PublicKey:
        """Decode a `publicKeyMultibase` value; a secret-key header raises InvalidKeyError."""
        decoded = decode_multikey(multibase)
        if decoded.is_secret:
            _fail(
                f"this Multikey is a secret key ({decoded.encoding.secret.name}) where a public "
                "key is expected; never publish secret keys"
            )
        return cls(decoded.encoding.key_type, decoded.raw)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Read a public JWK (OKP/Ed25519, EC/P-256, EC/P-384); one holding `d` is refused.

        CID 1.0 §2.2.3: a `publicKeyJwk` MUST NOT hold private members such as `d`; use
        `KeyPair.from_jwk` for a private JWK.
        """
        encoding = jwk_encoding(jwk)
        if "d" in jwk:
            _fail("this JWK holds the private member 'd'; use KeyPair.from_jwk for private keys")
        return _public_from_jwk(encoding, jwk)

    @classmethod
    def from_pem(cls, pem: bytes | str) -> PublicKey:
        """Read a PEM `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo), e.g. from a KMS."""
        from microcred.keys.pem import load_public_key

        return _public_from_pyca(load_public_key(pem))

    @classmethod
    def from_der(cls, der: bytes) -> PublicKey:
        """Read a DER SubjectPublicKeyInfo (what AWS KMS GetPublicKey returns)."""
        from microcred.keys.pem import load_public_key

        return _public_from_pyca(load_public_key(der, der=True))

    def to_pem(self) -> bytes:
        """The SubjectPublicKeyInfo PEM of this key."""
        from microcred.keys.pem import public_key_pem

        return public_key_pem(self._key)

    @property
    def key_type(self) -> KeyType:
        """The key type: "Ed25519", "P-256" or "P-384"."""
        return self._type

    @property
    def raw(self) -> bytes:
        """The key bytes without header: 32 bytes (Ed25519) or a compressed point (33/49)."""
        return self._raw

    @property
    def multikey(self) -> str:
        """The `publicKeyMultibase` form: "z6Mk…" (Ed25519), "zDna…" (P-256), "z82L…" (P-384)."""
        return encode_base58btc(key_encoding(self._type).public.header + self._raw)

    @property
    def did(self) -> str:
        """The did:key DID of this key: "did:key:<multikey>"."""
        return "did:key:" + self.multikey

    @property
    def verification_method(self) -> str:
        """The did:key verification method id: "did:key:<multikey>#<multikey>"."""
        multikey = self.multikey
        return f"did:key:{multikey}#{multikey}"

    def to_jwk(self) -> dict[str, str]:
        """The public JWK: {kty, crv, x} for Ed25519 (RFC 8037), {kty, crv, x, y} for EC."""
        encoding = key_encoding(self._type)
        jwk = {"kty": encoding.jwk_kty, "crv": encoding.jwk_crv}
        if isinstance(self._key, ed25519.Ed25519PublicKey):
            jwk["x"] = base64url_encode(self._raw)
            return jwk
        numbers = self._key.public_numbers()
        size = encoding.secret.length
        jwk["x"] = base64url_encode(numbers.x.to_bytes(size, "big"))
        jwk["y"] = base64url_encode(numbers.y.to_bytes(size, "big"))
        return jwk

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True iff `signature` signs `data` (formats as in `Signer`); never raises.

        ECDSA signatures with a high S are accepted, so (r, n - s) is a second valid signature:
        WebCrypto, many JavaScript issuers and the W3C vectors' RFC 6979 signatures do not
        normalise S, so refusing them would break interop (a proofValue is never an id).
        """
        if not isinstance(signature, _BYTES) or not isinstance(data, _BYTES):
            return False
        signature, data = bytes(signature), bytes(data)
        try:
            if isinstance(self._key, ed25519.Ed25519PublicKey):
                if len(signature) != 64:
                    return False
                self._key.verify(signature, data)
                return True
            size = key_encoding(self._type).secret.length
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            algorithm = ec.ECDSA(_EC_CURVES[self._type][1]())
            self._key.verify(encode_dss_signature(r, s), data, algorithm)
            return True
        except (InvalidSignature, ValueError):
            return False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._type == other._type and self._raw == other._raw

    def __hash__(self) -> int:
        return hash((self._type, self._raw))

    def __repr__(self) -> str:
        return f"PublicKey({self.multikey!r})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")


class KeyPair:
    """A secret key with its public key; implements `Signer` for its did:key verification method.

    `repr()` never shows secret material; export it only with `export_secret_multikey()` or
    `to_jwk(include_secret=True)`.
    """

    __slots__ = ("_private", "_public")
    _private: _PrivateKey
    _public: PublicKey

    def __init__(self, private_key: _PrivateKey) -> None:
        """Wrap a pyca Ed25519, P-256 or P-384 private key."""
        if isinstance(private_key, ed25519.Ed25519PrivateKey):
            public = PublicKey("Ed25519", private_key.public_key().public_bytes_raw())
        elif isinstance(private_key, ec.EllipticCurvePrivateKey) and (
            private_key.curve.name in _CURVE_NAMES
        ):
            key_type = _CURVE_NAMES[private_key.curve.name]
            public = PublicKey(key_type, _compressed_point(private_key.public_key(), key_type))
        else:
            _fail(
                f"unsupported private key {type(private_key).__name__}; use {', '.join(KEY_TYPES)}"
            )
        object.__setattr__(self, "_private", private_key)
        object.__setattr__(self, "_public", public)

    @classmethod
    def generate(cls, key_type: KeyType | str) -> KeyPair:
        """A fresh random key pair; `key_type` as in `parse_key_type` ("Ed25519", "p256", ...)."""
        key_type = parse_key_type(key_type)
        if key_type == "Ed25519":
            return cls(ed25519.Ed25519PrivateKey.generate())
        return cls(ec.generate_private_key(_EC_CURVES[key_type][0]()))

    @classmethod
    def from_multikey(cls, secret_multibase: str, public_multibase: str | None = None) -> KeyPair:
        """Decode a `secretKeyMultibase`; a given `public_multibase` must be its public key."""
        decoded = decode_multikey(secret_multibase)
        if not decoded.is_secret:
            _fail(f"this Multikey is a public key ({decoded.encoding.public.name}); need a secret")
        pair = cls(_private_from_bytes(decoded.encoding.key_type, decoded.raw))
        if (
            public_multibase is not None
            and PublicKey.from_multikey(public_multibase) != pair._public
        ):
            _fail("the public Multikey does not belong to the secret Multikey")
        return pair

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> KeyPair:
        """Read a private JWK (with `d`); its public members must match the derived public key."""
        encoding = jwk_encoding(jwk)
        if "d" not in jwk:
            _fail("this JWK has no private member 'd'; use PublicKey.from_jwk for public keys")
        pair = cls(
            _private_from_bytes(encoding.key_type, jwk_member(jwk, "d", encoding.secret.length))
        )
        if _public_from_jwk(encoding, jwk) != pair._public:
            _fail("the JWK's public members do not match its private member 'd'")
        return pair

    @classmethod
    def from_pem(cls, pem: bytes | str, password: bytes | str | None = None) -> KeyPair:
        """Read a PEM private key (PKCS#8 or SEC1; encrypted ones with `password`)."""
        from microcred.keys.pem import load_private_key

        return cls(load_private_key(pem, password))

    def to_pem(self, password: bytes | str | None = None) -> bytes:
        """The secret key as PKCS#8 PEM, encrypted when `password` is given. Keep it secret."""
        from microcred.keys.pem import private_key_pem

        return private_key_pem(self._private, password)

    @property
    def public_key(self) -> PublicKey:
        """The public half."""
        return self._public

    @property
    def key_type(self) -> KeyType:
        """The key type: "Ed25519", "P-256" or "P-384"."""
        return self._public.key_type

    @property
    def public_multikey(self) -> str:
        """The public key as `publicKeyMultibase`."""
        return self._public.multikey

    @property
    def did(self) -> str:
        """The did:key DID of the public key."""
        return self._public.did

    @property
    def verification_method(self) -> str:
        """The did:key verification method id "did:key:<mb>#<mb>" that this pair signs for."""
        return self._public.verification_method

    def sign(self, data: bytes) -> bytes:
        """Sign `data`: Ed25519 (RFC 8032) or deterministic ECDSA (RFC 6979) as P1363 r||s."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.sign(data)
        key_type = self._public.key_type
        algorithm = ec.ECDSA(_EC_CURVES[key_type][1](), deterministic_signing=True)
        r, s = decode_dss_signature(self._private.sign(data, algorithm))
        size = key_encoding(key_type).secret.length
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def export_secret_multikey(self) -> str:
        """The secret key as `secretKeyMultibase` (CID §2.2.2). Keep it secret."""
        encoding = key_encoding(self._public.key_type)
        return encode_base58btc(encoding.secret.header + self._secret_bytes())

    def to_jwk(self, *, include_secret: bool = False) -> dict[str, str]:
        """The public JWK, plus the private member `d` only when `include_secret` is true."""
        jwk = self._public.to_jwk()
        if include_secret:
            jwk["d"] = base64url_encode(self._secret_bytes())
        return jwk

    def _secret_bytes(self) -> bytes:
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.private_bytes_raw()
        size = key_encoding(self._public.key_type).secret.length
        return self._private.private_numbers().private_value.to_bytes(size, "big")

    def __repr__(self) -> str:
        return f"KeyPair(key_type={self.key_type!r}, public_multikey={self.public_multikey!r})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")


def _private_from_bytes(key_type: KeyType, secret: bytes) -> _PrivateKey:
    """The pyca private key for a 32-byte Ed25519 seed or a big-endian EC scalar."""
    if key_type == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(secret)
    try:
        return ec.derive_private_key(int.from_bytes(secret, "big"), _EC_CURVES[key_type][0]())
    except ValueError:
        _fail(f"the secret scalar is out of range for {key_type}")


def _check_ed25519_point(raw: bytes) -> None:
    """Refuse a non-canonical y (RFC 8032 §5.1.3 step 1) and the points of small order, under
    which R = identity, S = 0 verifies for any message."""
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    if y >= _ED25519_P:
        _fail("an Ed25519 public key must encode y below 2^255 - 19 (RFC 8032 §5.1.3)")
    if y in _ED25519_SMALL_ORDER_Y:
        _fail("this Ed25519 public key is a point of small order: forged signatures verify")


def _compressed_point(key: ec.EllipticCurvePublicKey, key_type: KeyType) -> bytes:
    """SEC1 compressed point (0x02/0x03 || x), without pulling in pyca's serialization module."""
    numbers = key.public_numbers()
    return bytes([2 | (numbers.y & 1)]) + numbers.x.to_bytes(
        key_encoding(key_type).secret.length, "big"
    )


def _public_from_pyca(key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey) -> PublicKey:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("Ed25519", key.public_bytes_raw())
    key_type = _CURVE_NAMES[key.curve.name]
    return PublicKey(key_type, _compressed_point(key, key_type))


def _public_from_jwk(encoding: KeyEncoding, jwk: Mapping[str, Any]) -> PublicKey:
    """The public key of a JWK's `x` (OKP) or `x`/`y` (EC) members, checked to be on the curve."""
    if encoding.key_type == "Ed25519":
        return PublicKey("Ed25519", jwk_member(jwk, "x", encoding.public.length))
    size = encoding.secret.length
    x = int.from_bytes(jwk_member(jwk, "x", size), "big")
    y = int.from_bytes(jwk_member(jwk, "y", size), "big")
    try:
        key = ec.EllipticCurvePublicNumbers(x, y, _EC_CURVES[encoding.key_type][0]()).public_key()
    except ValueError:
        _fail(f"JWK x/y is not a point on {encoding.key_type}")
    return PublicKey(encoding.key_type, _compressed_point(key, encoding.key_type))


def _fail(message: str) -> NoReturn:
    raise InvalidKeyError(message)
