"""Hostile SD-JWTs: whatever a holder or a forger hands a verifier gives a result with a
clear code, never an exception, and never `verified` (issue 18)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import KeyPair, present_sd_jwt, verify
from microcred.jose.sd_jwt import MAX_DISCLOSURES, issue_sd_jwt
from microcred.keys.multibase import base64url_encode

ISSUER = KeyPair.generate("Ed25519")
HOLDER = KeyPair.generate("P-256")
CLAIMS = {
    "iss": ISSUER.did,
    "iat": 1_767_225_600,
    "vct": "https://credentials.example/degree",
    "given_name": "Ana",
    "grade": "Pass",
    "cnf": {"jwk": HOLDER.public_key.to_jwk()},
}
TOKEN = issue_sd_jwt(CLAIMS, key=ISSUER, disclosable=[("given_name",), ("grade",)])
GOOD = present_sd_jwt(TOKEN, disclose=["grade"], holder_key=HOLDER, nonce="n", audience="a")


def _b64(value: Any) -> str:
    return base64url_encode(json.dumps(value).encode())


def _unsigned_issuer_jwt(alg: str) -> str:
    header = {"alg": alg, "typ": "dc+sd-jwt", "kid": ISSUER.verification_method}
    return _b64(header) + "." + _b64({**CLAIMS, "_sd_alg": "sha-256"}) + "."


def _kb(header: dict[str, Any], payload: dict[str, Any], key: KeyPair) -> str:
    encoded = _b64(header) + "." + _b64(payload)
    return encoded + "." + base64url_encode(key.sign(encoded.encode()))


HEAD, *DISCLOSED, KB = GOOD.split("~")
HOSTILE = {
    "alg none issuer JWT": (_unsigned_issuer_jwt("none") + "~", "UNSUPPORTED_JWS_ALGORITHM"),
    "HS256 issuer JWT": (_unsigned_issuer_jwt("HS256") + "~", "UNSUPPORTED_JWS_ALGORITHM"),
    "KB-JWT with alg none": (
        "~".join([HEAD, *DISCLOSED, _b64({"alg": "none", "typ": "kb+jwt"}) + "." + _b64({}) + "."]),
        "UNSUPPORTED_JWS_ALGORITHM",
    ),
    "KB-JWT of another type": (
        "~".join([HEAD, *DISCLOSED, _kb({"alg": "ES256", "typ": "JWT"}, {}, HOLDER)]),
        "KEY_BINDING_ERROR",
    ),
    "KB-JWT signed by the issuer": (
        "~".join([HEAD, *DISCLOSED, _kb({"alg": "EdDSA", "typ": "kb+jwt"}, {}, ISSUER)]),
        "KEY_TYPE_MISMATCH",
    ),
    "empty disclosure": (HEAD + "~~" + KB, "MALFORMED_JWS"),
    "too many disclosures": (HEAD + "~" + "WyJhIiwxXQ~" * (MAX_DISCLOSURES + 1), "MALFORMED_JWS"),
    "10 MB": (GOOD + "A" * (10 * 1024 * 1024), "MALFORMED_JWS"),
    "non-ASCII": (GOOD + "é", "MALFORMED_JWS"),
    "a disclosure that is no JSON": ("~".join([HEAD, "bm90IGpzb24", KB]), "MALFORMED_JWS"),
    "only tildes": ("~~~", "MALFORMED_JWS"),
}


def test_the_genuine_presentation_verifies() -> None:
    assert verify(GOOD, challenge="n", domain="a").verified


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_sd_jwt_is_not_verified_and_says_why(name: str) -> None:
    token, code = HOSTILE[name]
    for form in (token, token.encode("utf-8")):
        result = verify(form, challenge="n", domain="a")
        assert not result.verified
        assert code in result.codes, (name, result.codes)
        assert "VERIFICATION_ERROR" not in result.codes


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(GOOD) - 1),
    replacement=st.text(alphabet="~.-_aA0={}", min_size=0, max_size=3),
)
def test_any_mutated_presentation_fails_cleanly(position: int, replacement: str) -> None:
    token = GOOD[:position] + replacement + GOOD[position + 1 :]
    result = verify(token, challenge="n", domain="a")
    assert "VERIFICATION_ERROR" not in result.codes
    if token != GOOD:
        assert not result.verified


def test_disclosures_nested_without_end_are_refused_not_a_crash() -> None:
    """A hostile issuer chains 300 disclosures, each hiding the next: the walk stops at
    MAX_DEPTH with a clear code instead of exhausting the stack."""
    from microcred.jose.disclosures import MAX_DEPTH, digest, reveal

    inner: Any = "bottom"
    encoded: list[str] = []
    for i in range(300):
        disclosure = _b64([f"salt{i}", "next", inner])
        encoded.append(disclosure)
        inner = {"_sd": [digest(disclosure)]}
    with pytest.raises(Exception, match=f"deeper than {MAX_DEPTH}"):
        reveal({**inner, "_sd_alg": "sha-256"}, encoded)
