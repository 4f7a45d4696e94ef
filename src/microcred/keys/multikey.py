"""Multikey and JWK encodings of Ed25519 / P-256 / P-384 key bytes (CID 1.0 §2.2.2, §2.2.3).

Encoding rules only, no cryptography (that is `microcred.keys.keypair`): the header table in
`microcred/data/multikey.json`, Multikey decoding with header and length checks, the JWK
`kty`/`crv`/`alg` rules and exact-length members, and key type names. Messages never quote a
Multikey or a JWK's `x`, `y` or `d`: they may be secret key material.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple, get_args

from microcred.errors import InvalidKeyError, InvalidMultibaseError
from microcred.keys.multibase import (
    base64url_decode,
    decode_base58btc,
    decode_varint,
    encode_varint,
)

__all__ = [
    "KEY_TYPES",
    "DecodedMultikey",
    "KeyEncoding",
    "KeyType",
    "MultikeyCodec",
    "decode_multikey",
    "jwk_encoding",
    "jwk_member",
    "key_encoding",
    "parse_key_type",
]

KeyType = Literal["Ed25519", "P-256", "P-384"]
KEY_TYPES: tuple[KeyType, ...] = get_args(KeyType)
_MAX_MULTIKEY_CHARS = 128  # the longest supported Multikey (P-384 public) has 70 characters


@dataclass(frozen=True, slots=True)
class MultikeyCodec:
    """One Multikey header: multicodec name, varint header bytes, raw key length in bytes."""

    name: str
    header: bytes
    length: int


@dataclass(frozen=True, slots=True)
class KeyEncoding:
    """What CID §2.2.2 and the JWK RFCs fix for one key type. For P-256/P-384 the secret
    length is also the size of a point coordinate and of each half of an r||s signature."""

    key_type: KeyType
    public: MultikeyCodec
    secret: MultikeyCodec
    jwk_kty: str
    jwk_crv: str
    jwk_algs: frozenset[str]


class DecodedMultikey(NamedTuple):
    """A Multikey split into its key encoding, whether it is a secret key, and the raw bytes."""

    encoding: KeyEncoding
    is_secret: bool
    raw: bytes


def parse_key_type(name: str) -> KeyType:
    """The KeyType for a name, ignoring case and hyphens ("ed25519", "p256", "P-384")."""
    wanted = name.replace("-", "").upper() if isinstance(name, str) else None
    for key_type in KEY_TYPES:
        if key_type.replace("-", "").upper() == wanted:
            return key_type
    raise InvalidKeyError(f"unsupported key type {name!r}; supported: {', '.join(KEY_TYPES)}")


def key_encoding(key_type: KeyType) -> KeyEncoding:
    """The encoding rules of a key type; InvalidKeyError for anything but the three we support."""
    encoding = _encodings().get(key_type)
    if encoding is None:
        raise InvalidKeyError(
            f"unsupported key type {key_type!r}; supported: {', '.join(KEY_TYPES)}"
        )
    return encoding


def decode_multikey(value: str) -> DecodedMultikey:
    """Decode a Multikey: `z` base58btc, a known public or secret header, the exact key length."""
    if not isinstance(value, str) or len(value) > _MAX_MULTIKEY_CHARS:
        raise InvalidKeyError(
            "a Multikey is a base58btc multibase string of at most 128 characters"
        )
    try:
        data = decode_base58btc(value)
        _, used = decode_varint(data)
    except InvalidMultibaseError as error:
        raise InvalidKeyError(f"malformed Multikey: {error.message}") from None
    header, raw = data[:used], data[used:]
    for encoding in _encodings().values():
        for codec, is_secret in ((encoding.public, False), (encoding.secret, True)):
            if header == codec.header:
                if len(raw) != codec.length:
                    raise InvalidKeyError(
                        f"a {codec.name} Multikey has {codec.length} key bytes, not {len(raw)}"
                    )
                return DecodedMultikey(encoding, is_secret, raw)
    # Not the header's value: without a known header, those bytes may be part of a secret key.
    raise InvalidKeyError("unsupported Multikey header; use an Ed25519, P-256 or P-384 Multikey")


def jwk_encoding(jwk: Mapping[str, Any]) -> KeyEncoding:
    """The key encoding named by a JWK's `kty`/`crv`, checking `alg` when present."""
    if not isinstance(jwk, Mapping):
        raise InvalidKeyError("a JWK is a JSON object")
    for encoding in _encodings().values():
        if jwk.get("kty") == encoding.jwk_kty and jwk.get("crv") == encoding.jwk_crv:
            alg = jwk.get("alg")
            if "alg" in jwk and (not isinstance(alg, str) or alg not in encoding.jwk_algs):
                raise InvalidKeyError(f"JWK 'alg' {alg!r} does not fit a {encoding.key_type} key")
            return encoding
    raise InvalidKeyError(f"unsupported JWK kty/crv {jwk.get('kty')!r}/{jwk.get('crv')!r}")


def jwk_member(jwk: Mapping[str, Any], member: str, length: int) -> bytes:
    """A base64url JWK member of exactly `length` bytes (RFC 7518 §6.2.1.2, RFC 8037 §2)."""
    try:
        data = base64url_decode(jwk[member])
    except (KeyError, InvalidMultibaseError):
        raise InvalidKeyError(f"JWK member {member!r} is missing or not base64url") from None
    if len(data) != length:
        raise InvalidKeyError(
            f"JWK member {member!r} must decode to {length} bytes, not {len(data)}"
        )
    return data


@cache
def _encodings() -> Mapping[KeyType, KeyEncoding]:
    """The key table from `microcred/data/multikey.json`, read once on first use."""
    from importlib import resources  # deferred: keeps `import microcred.keys.keypair` cheap

    text = (resources.files("microcred") / "data" / "multikey.json").read_text("utf-8")
    table = json.loads(text)["keyTypes"]

    def codec(entry: Mapping[str, Any]) -> MultikeyCodec:
        return MultikeyCodec(entry["codec"], encode_varint(int(entry["code"], 16)), entry["length"])

    return {
        key_type: KeyEncoding(
            key_type,
            codec(table[key_type]["public"]),
            codec(table[key_type]["secret"]),
            table[key_type]["jwk"]["kty"],
            table[key_type]["jwk"]["crv"],
            frozenset(table[key_type]["jwk"]["alg"]),
        )
        for key_type in KEY_TYPES
    }
