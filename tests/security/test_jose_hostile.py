"""Hostile compact JWS input: every token a forger or a broken issuer could hand a wallet
gives a result with a clear code, never an exception and never `verified` (issue 14)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import KeyPair, sign_jwt, verify
from microcred.keys.multibase import base64url_encode

NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEY = KeyPair.generate("Ed25519")
P256 = KeyPair.generate("P-256")
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": KEY.did,
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:learner"},
}
GOOD = sign_jwt(CREDENTIAL, key=KEY)


def _b64(value: Any) -> str:
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64url_encode(data)


def _signed(header: dict[str, Any], payload: Any = CREDENTIAL, key: KeyPair = KEY) -> str:
    encoded = _b64(header) + "." + _b64(payload)
    return encoded + "." + base64url_encode(key.sign(encoded.encode()))


def _hs256_with_public_key() -> str:
    """The algorithm-confusion forgery: an HMAC keyed with the issuer's public key bytes."""
    header = {"alg": "HS256", "kid": KEY.verification_method, "typ": "vc+jwt"}
    encoded = _b64(header) + "." + _b64(CREDENTIAL)
    for secret in (KEY.public_key.raw, json.dumps(KEY.public_key.to_jwk()).encode()):
        tag = hmac.new(secret, encoded.encode(), hashlib.sha256).digest()
    return encoded + "." + base64url_encode(tag)


HOSTILE = {
    "alg none": _b64({"alg": "none", "kid": KEY.verification_method})
    + "."
    + _b64(CREDENTIAL)
    + ".",
    "HS256 keyed with the public key": _hs256_with_public_key(),
    "ES256 header, Ed25519 key": _signed({"alg": "ES256", "kid": KEY.verification_method}),
    "EdDSA header, P-256 key": _signed(
        {"alg": "EdDSA", "kid": P256.verification_method}, {**CREDENTIAL, "issuer": P256.did}, P256
    ),
    "unknown crit": _signed(
        {"alg": "EdDSA", "kid": KEY.verification_method, "crit": ["x"], "x": 1}
    ),
    "b64 false": _signed({"alg": "EdDSA", "kid": KEY.verification_method, "b64": False}),
    "payload not JSON": _signed({"alg": "EdDSA", "kid": KEY.verification_method}, b"not json"),
    "payload a JSON array": _signed({"alg": "EdDSA", "kid": KEY.verification_method}, [1, 2]),
    "duplicate header member": base64url_encode(b'{"alg":"EdDSA","alg":"none"}')
    + "."
    + GOOD.split(".", 1)[1],
    "10 MB token": GOOD + "A" * (10 * 1024 * 1024),
    "5 segments (a JWE)": "a.b.c.d.e",
    "bad base64url": GOOD.replace(".", ".=", 1),
    "padding": GOOD.split(".")[0] + "==." + GOOD.split(".", 1)[1],
    "empty": "",
    "non-ASCII": GOOD + "é",
    "kid not a string": _signed({"alg": "EdDSA", "kid": 7}),
    "jwk not an object": _signed({"alg": "EdDSA", "jwk": "key"}),
    "kid and jwk disagree": _signed(
        {"alg": "EdDSA", "kid": KEY.verification_method, "jwk": P256.public_key.to_jwk()}
    ),
}
CODES = {
    "alg none": "UNSUPPORTED_JWS_ALGORITHM",
    "HS256 keyed with the public key": "UNSUPPORTED_JWS_ALGORITHM",
    "ES256 header, Ed25519 key": "KEY_TYPE_MISMATCH",
    "EdDSA header, P-256 key": "KEY_TYPE_MISMATCH",
    "unknown crit": "UNSUPPORTED_JWS_HEADER",
    "b64 false": "UNSUPPORTED_JWS_HEADER",
    "payload not JSON": "MALFORMED_JWS",
    "payload a JSON array": "MALFORMED_JWS",
    "duplicate header member": "MALFORMED_JWS",
    "10 MB token": "MALFORMED_JWS",
    "5 segments (a JWE)": "MALFORMED_JWS",
    "bad base64url": "MALFORMED_JWS",
    "padding": "MALFORMED_JWS",
    "empty": "MALFORMED_JWS",
    "non-ASCII": "MALFORMED_JWS",
    "kid not a string": "MALFORMED_JWS",
    "jwk not an object": "MALFORMED_JWS",
    "kid and jwk disagree": "JWS_KEY_MISMATCH",
}


def test_the_genuine_token_verifies() -> None:
    assert verify(GOOD, now=NOW).verified


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_token_is_not_verified_and_says_why(name: str) -> None:
    for token in (HOSTILE[name], HOSTILE[name].encode("utf-8")):
        result = verify(token, now=NOW)
        assert not result.verified
        assert CODES[name] in result.codes, (name, result.codes)
        assert "VERIFICATION_ERROR" not in result.codes


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(GOOD) - 1),
    replacement=st.text(min_size=0, max_size=3),
)
def test_any_mutated_token_fails_cleanly(position: int, replacement: str) -> None:
    token = GOOD[:position] + replacement + GOOD[position + 1 :]
    result = verify(token, now=NOW)
    assert "VERIFICATION_ERROR" not in result.codes
    if token.strip() != GOOD:  # base64url is canonical: any other text is other bytes
        assert not result.verified
