"""load_signing_key: PEM (any block order, optionally encrypted) and PKCS#12 (RFC 7292)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from jades_pki import CREDENTIAL, LATER, T0, certificate

from microcred.errors import InvalidKeyError
from microcred.jades import load_signing_key, seal, verify_seal


def _pem_key(key: Any, password: bytes | None = None) -> bytes:
    encryption = BestAvailableEncryption(password) if password else NoEncryption()
    pem: bytes = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
    return pem


def test_pem_bundle_in_any_order_gives_the_leaf_first(
    p256_key: Any, issue_leaf: Any, root: Any
) -> None:
    leaf = issue_leaf(p256_key)
    bundle = (
        root[1].public_bytes(Encoding.PEM) + _pem_key(p256_key) + leaf.public_bytes(Encoding.PEM)
    )
    key, chain = load_signing_key(bundle)
    assert chain == (leaf, root[1])
    sealed = seal(CREDENTIAL, key=key, certificate_chain=chain, signing_time=T0)
    assert verify_seal(sealed, trust_anchors=[root[1]], now=LATER).verified


def test_encrypted_pem_needs_its_password(rsa_key: Any, issue_leaf: Any) -> None:
    data = _pem_key(rsa_key, b"s3cret") + issue_leaf(rsa_key).public_bytes(Encoding.PEM)
    key, _ = load_signing_key(data, b"s3cret")
    assert key.private_numbers() == rsa_key.private_numbers()
    for wrong in (None, b"wrong"):
        with pytest.raises(InvalidKeyError):
            load_signing_key(data, wrong)


def test_pkcs12_with_chain(rsa_key: Any, issue_leaf: Any, root: Any) -> None:
    leaf = issue_leaf(rsa_key)
    data = pkcs12.serialize_key_and_certificates(
        b"seal", rsa_key, leaf, [root[1]], BestAvailableEncryption(b"pw")
    )
    key, chain = load_signing_key(data, b"pw")
    assert chain == (leaf, root[1])
    assert key.private_numbers() == rsa_key.private_numbers()
    with pytest.raises(InvalidKeyError):
        load_signing_key(data, b"nope")


def test_a_key_without_its_certificate_is_refused(p256_key: Any, p384_key: Any) -> None:
    other = certificate("Someone else", p384_key)
    with pytest.raises(InvalidKeyError, match="no certificate"):
        load_signing_key(_pem_key(p256_key) + other.public_bytes(Encoding.PEM))


def test_garbage_is_refused() -> None:
    with pytest.raises(InvalidKeyError):
        load_signing_key(b"\x30\x03\x02\x01\x00")
    with pytest.raises(InvalidKeyError):
        load_signing_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
