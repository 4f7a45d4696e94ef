"""keys.pem: existing PEM/DER keys into KeyPair and PublicKey, encrypted PEM round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from microcred import api
from microcred.errors import InvalidKeyError
from microcred.keys.keypair import KeyPair, KeyType, PublicKey

TYPES: list[KeyType] = ["Ed25519", "P-256", "P-384"]
SAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "docs/examples/microcredential.json").read_text("utf-8")
)


@pytest.mark.parametrize("key_type", TYPES)
def test_an_encrypted_pem_round_trips(key_type: KeyType) -> None:
    key = KeyPair.generate(key_type)
    pem = key.to_pem(password="correct horse")
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.export_secret_multikey().encode() not in pem
    again = KeyPair.from_pem(pem, password=b"correct horse")
    assert again.export_secret_multikey() == key.export_secret_multikey()
    assert again.sign(b"m") == key.sign(b"m")  # Ed25519 and RFC 6979 ECDSA: deterministic
    credential = api.issue(SAMPLE, key=again)
    assert api.verify(credential).verified
    with pytest.raises(InvalidKeyError, match="wrong password"):
        KeyPair.from_pem(pem, password="wrong")
    with pytest.raises(InvalidKeyError, match="encrypted: give its password"):
        KeyPair.from_pem(pem)


@pytest.mark.parametrize("key_type", TYPES)
def test_plain_pem_and_public_pem_and_der(key_type: KeyType) -> None:
    key = KeyPair.generate(key_type)
    plain = key.to_pem()
    assert plain.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert KeyPair.from_pem(plain.decode()).public_key == key.public_key
    with pytest.raises(InvalidKeyError, match="not encrypted"):
        KeyPair.from_pem(plain, password="x")
    public_pem = key.public_key.to_pem()
    assert PublicKey.from_pem(public_pem) == key.public_key
    der = serialization.load_pem_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert PublicKey.from_der(der) == key.public_key
    with pytest.raises(InvalidKeyError, match="private key where a public key"):
        PublicKey.from_pem(plain)


def test_a_sec1_ec_private_key_is_read() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    sec1 = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert sec1.startswith(b"-----BEGIN EC PRIVATE KEY-----")
    assert KeyPair.from_pem(sec1).public_key == KeyPair(private).public_key


def test_keys_microcred_cannot_sign_with_are_named() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    k1 = ec.generate_private_key(ec.SECP256K1())
    for private, found in ((rsa_key, "RSAPrivateKey"), (k1, "secp256k1")):
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with pytest.raises(InvalidKeyError, match=found):
            KeyPair.from_pem(pem)
    with pytest.raises(InvalidKeyError, match="not a PEM private key"):
        KeyPair.from_pem(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(InvalidKeyError, match="not a DER SubjectPublicKeyInfo"):
        PublicKey.from_der(b"\x30\x03\x02\x01\x01")
