"""Keys for JOSE: RSA public keys (verify only), did:jwk, and https controller documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from microcred.errors import InvalidKeyError
from microcred.keys.did_jwk import did_jwk, resolve_did_jwk
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.https_controller import HttpsControllerResolver
from microcred.keys.keypair import KeyPair, PublicKey
from microcred.keys.multibase import base64url_encode
from microcred.keys.rsa import RsaPublicKey, public_key_from_jwk

# VC-JOSE-COSE (W3C REC 2025-05-15) §A "Examples", "A verifiable credential controlled
# identifier document": a did:jwk whose Ed25519 JWK carries its RFC 7638 thumbprint as kid.
SPEC_DID_JWK = (
    "did:jwk:eyJraWQiOiJ1cm46aWV0ZjpwYXJhbXM6b2F1dGg6andrLXRodW1icHJpbnQ6c2hhLTI1NjpGZk1iek9qTW1R"
    "NGVmVDZrdndUSUpqZWxUcWpsMHhqRUlXUTJxb2JzUk1NIiwia3R5IjoiT0tQIiwiY3J2IjoiRWQyNTUxOSIsImFsZyI6"
    "IkVkRFNBIiwieCI6IkFOUmpIX3p4Y0tCeHNqUlBVdHpSYnA3RlNWTEtKWFE5QVBYOU1QMWo3azQifQ"
)
SPEC_DID_JWK_X = "ANRjH_zxcKBxsjRPUtzRbp7FSVLKJXQ9APX9MP1j7k4"


def _rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _rsa_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    size = (numbers.n.bit_length() + 7) // 8
    return {
        "kty": "RSA",
        "n": base64url_encode(numbers.n.to_bytes(size, "big")),
        "e": base64url_encode(numbers.e.to_bytes(3, "big")),
    }


RSA_KEY = _rsa()


def test_an_rsa_key_verifies_rs256_and_ps256_and_nothing_else() -> None:
    key = RsaPublicKey.from_jwk(_rsa_jwk(RSA_KEY))
    data = b"signed bytes"
    pkcs = RSA_KEY.sign(data, padding.PKCS1v15(), hashes.SHA256())
    pss = RSA_KEY.sign(
        data, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
    )
    assert key.verify(pkcs, data) and key.verify(pss, data, scheme="PSS")
    assert not key.verify(pkcs, data, scheme="PSS") and not key.verify(pss, data)
    assert not key.verify(pkcs, data + b"!") and not key.verify(pkcs[:-1], data)
    assert RsaPublicKey.from_jwk(key.to_jwk()) == key and key.key_type == "RSA"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n": base64url_encode((2**1023 + 1).to_bytes(128, "big"))}, "2048"),
        ({"e": base64url_encode(b"\x02")}, "odd"),
        ({"e": base64url_encode(b"\x00\x01\x00\x01")}, "minimal"),
        ({"d": "AQAB"}, "private"),
        ({"n": "not base64!"}, "base64url"),
        ({"kty": "EC"}, "kty"),
    ],
)
def test_weak_or_malformed_rsa_keys_are_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        RsaPublicKey.from_jwk({**_rsa_jwk(RSA_KEY), **change})


def test_public_key_from_jwk_reads_every_kind_we_verify_with() -> None:
    ed = KeyPair.generate("Ed25519").public_key
    assert public_key_from_jwk(ed.to_jwk()) == ed
    assert isinstance(public_key_from_jwk(_rsa_jwk(RSA_KEY)), RsaPublicKey)


def test_the_spec_did_jwk_resolves_to_its_key() -> None:
    method = resolve_did_jwk(SPEC_DID_JWK + "#0")
    assert isinstance(method, VerificationMethod)
    assert method.controller == SPEC_DID_JWK and method.id == SPEC_DID_JWK + "#0"
    assert isinstance(method.public_key, PublicKey)
    assert method.public_key.to_jwk()["x"] == SPEC_DID_JWK_X
    assert "assertionMethod" in method.relationships
    assert resolve_did_jwk(SPEC_DID_JWK) == method


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "P-384"])
def test_did_jwk_round_trips_our_keys(kind: str) -> None:
    key = KeyPair.generate(kind).public_key  # type: ignore[arg-type]
    method = resolve_did_jwk(did_jwk(key) + "#0")
    assert isinstance(method, VerificationMethod) and method.public_key == key


def _did(jwk: Any) -> str:
    return "did:jwk:" + base64url_encode(json.dumps(jwk).encode())


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (SPEC_DID_JWK + "#1", "INVALID_VERIFICATION_METHOD"),
        ("did:jwk:!!", "INVALID_DID"),
        (_did([1]), "INVALID_DID"),
        ("did:jwk:" + base64url_encode(b'{"kty":"OKP","kty":"EC"}'), "INVALID_DID"),
        (_did({**KeyPair.generate("Ed25519").to_jwk(include_secret=True)}), "INVALID_PUBLIC_KEY"),
        (_did({"kty": "OKP", "crv": "X25519", "x": SPEC_DID_JWK_X}), "INVALID_PUBLIC_KEY"),
        ("did:key:z6Mk", "METHOD_NOT_SUPPORTED"),
        ("did:jwk:" + "A" * 5000, "INVALID_VERIFICATION_METHOD_URL"),
    ],
)
def test_bad_did_jwks_are_failures_not_exceptions(url: str, code: str) -> None:
    failure = resolve_did_jwk(url)
    assert isinstance(failure, ResolutionFailure) and failure.code == code


def test_an_encryption_key_is_not_a_signing_key() -> None:
    jwk = {**KeyPair.generate("P-256").public_key.to_jwk(), "use": "enc"}
    method = resolve_did_jwk(_did(jwk))
    assert isinstance(method, VerificationMethod)
    assert method.relationships == {"keyAgreement"}


PROFILE = "https://issuer.example/profile"


def _profile(*methods: dict[str, Any], listed: list[str] | None = None) -> bytes:
    document = {
        "id": PROFILE,
        "type": "Profile",
        "verificationMethod": list(methods),
        "assertionMethod": listed if listed is not None else [m["id"] for m in methods],
    }
    return json.dumps(document).encode()


def _method(fragment: str, jwk: dict[str, str]) -> dict[str, Any]:
    return {
        "id": f"{PROFILE}#{fragment}",
        "type": "JsonWebKey",
        "controller": PROFILE,
        "publicKeyJwk": jwk,
    }


def test_an_https_profile_serves_named_keys_and_its_sole_assertion_key() -> None:
    ed = KeyPair.generate("Ed25519").public_key
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return _profile(
            _method("key-1", ed.to_jwk()), _method("rsa", _rsa_jwk(RSA_KEY)), listed=["#key-1"]
        )

    resolver = HttpsControllerResolver(fetch)
    named = resolver(PROFILE + "#rsa")
    assert isinstance(named, VerificationMethod) and isinstance(named.public_key, RsaPublicKey)
    assert named.relationships == frozenset()  # not listed under assertionMethod
    sole = resolver(PROFILE)
    assert isinstance(sole, VerificationMethod) and sole.public_key == ed
    assert sole.controller == PROFILE and "assertionMethod" in sole.relationships
    assert fetched == [PROFILE, PROFILE]


@pytest.mark.parametrize(
    ("url", "document", "code"),
    [
        (PROFILE + "#k", b"{}", "INVALID_DID_DOCUMENT"),
        (
            PROFILE + "#k",
            json.dumps({"id": "https://other.example/"}).encode(),
            "INVALID_DID_DOCUMENT",
        ),
        (PROFILE + "#missing", None, "INVALID_VERIFICATION_METHOD"),
        (PROFILE, b"", "INVALID_DID_DOCUMENT"),
        ("https://user:pw@issuer.example/profile#k", None, "INVALID_VERIFICATION_METHOD_URL"),
        ("https://issuer.example/profile?x=1#k", None, "INVALID_VERIFICATION_METHOD_URL"),
        ("http://issuer.example/profile#k", None, "METHOD_NOT_SUPPORTED"),
    ],
)
def test_https_resolution_failures(url: str, document: bytes | None, code: str) -> None:
    ed = KeyPair.generate("Ed25519").public_key
    body = document if document is not None else _profile(_method("k", ed.to_jwk()))
    failure = HttpsControllerResolver(lambda _: body)(url)
    assert isinstance(failure, ResolutionFailure) and failure.code == code


def test_two_assertion_keys_make_the_bare_url_ambiguous() -> None:
    a, b = (KeyPair.generate("Ed25519").public_key for _ in range(2))
    body = _profile(_method("a", a.to_jwk()), _method("b", b.to_jwk()))
    failure = HttpsControllerResolver(lambda _: body)(PROFILE)
    assert isinstance(failure, ResolutionFailure) and "2 assertionMethod" in failure.message


def test_a_fetch_that_raises_is_not_found() -> None:
    def fetch(url: str) -> bytes:
        raise OSError("offline")

    failure = HttpsControllerResolver(fetch)(PROFILE + "#k")
    assert isinstance(failure, ResolutionFailure) and failure.code == "NOT_FOUND"


def test_jwk_thumbprints_match_rfc_7638_and_the_vc_jose_cose_example() -> None:
    """RFC 7638 §3.1's RSA key gives its published thumbprint; the VC-JOSE-COSE did:jwk
    Ed25519 key gives the thumbprint its JWK carries as kid."""
    from microcred.keys.rsa import jwk_thumbprint

    rfc_key = RsaPublicKey.from_jwk(
        {
            "kty": "RSA",
            "e": "AQAB",
            "n": (
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1"
                "L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4"
                "QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbO"
                "pbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csF"
                "Cur-kEgU8awapJzKnqDKgw"
            ),
        }
    )
    assert jwk_thumbprint(rfc_key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    method = resolve_did_jwk(SPEC_DID_JWK)
    assert isinstance(method, VerificationMethod)
    assert jwk_thumbprint(method.public_key) == "FfMbzOjMmQ4efT6kvwTIJjelTqjl0xjEIWQ2qobsRMM"
