"""Presentations as `vp+jwt` and `vc+jwt` credentials inside presentations (VC-JOSE-COSE
§3.2; VCDM 2.0 §4.13.1 EnvelopedVerifiableCredential): nonce and aud bind the verifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import KeyPair, issue, present, verify_presentation
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.result import CheckStatus

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
ISSUER = KeyPair.generate("Ed25519")
HOLDER = KeyPair.generate("P-256")
TOKEN = issue(DEMO, key=ISSUER, format="vc+jwt")
AUDIENCE = "https://verifier.example"


def _codes(result: Any) -> set[tuple[str, tuple[Any, ...]]]:
    return {(p.code, p.path) for p in result.problems}


def test_a_vp_jwt_binds_challenge_and_audience_and_carries_a_vc_jwt() -> None:
    vp = present([TOKEN], key=HOLDER, challenge="N-1", domain=AUDIENCE, format="vp+jwt")
    header = json.loads(base64url_decode(vp.split(".")[0]))
    payload = json.loads(base64url_decode(vp.split(".")[1]))
    assert header["typ"] == "vp+jwt" and header["cty"] == "vp" and header["alg"] == "ES256"
    assert payload["nonce"] == "N-1" and payload["aud"] == AUDIENCE
    assert payload["verifiableCredential"][0] == {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": "data:application/vc+jwt," + TOKEN,
        "type": "EnvelopedVerifiableCredential",
    }
    result = verify_presentation(vp, challenge="N-1", domain=AUDIENCE)
    assert result.verified, result.problems
    [credential] = result.credentials
    assert credential.verified and credential.id == DEMO["id"]


@pytest.mark.parametrize(
    ("challenge", "domain", "expected"),
    [
        ("N-2", AUDIENCE, ("INVALID_CHALLENGE_ERROR", ("nonce",))),
        ("N-1", "https://other.example", ("INVALID_DOMAIN_ERROR", ("aud",))),
        ("N-1", None, ("INVALID_DOMAIN_ERROR", ("aud",))),  # RFC 7519: not the audience
    ],
)
def test_another_verifiers_presentation_is_refused(
    challenge: str, domain: str | None, expected: tuple[str, tuple[str, ...]]
) -> None:
    vp = present([TOKEN], key=HOLDER, challenge="N-1", domain=AUDIENCE, format="vp+jwt")
    result = verify_presentation(vp, challenge=challenge, domain=domain)
    assert not result.verified and expected in _codes(result)


def test_a_vp_jwt_without_audience_needs_no_domain_and_a_domain_needs_an_audience() -> None:
    vp = present([TOKEN], key=HOLDER, challenge="N-1", format="vp+jwt")
    assert verify_presentation(vp, challenge="N-1").verified
    assert not verify_presentation(vp, challenge="N-1", domain=AUDIENCE).verified


def test_a_tampered_enveloped_credential_is_named_by_its_path() -> None:
    header, payload, signature = TOKEN.split(".")
    claims = json.loads(base64url_decode(payload))
    claims["credentialSubject"]["fullName"] = {"en": "Mallory"}
    forged = f"{header}.{base64url_encode(json.dumps(claims).encode())}.{signature}"
    for form in ("vp", "vp+jwt"):
        vp = present(
            [TOKEN, forged],
            key=KeyPair.generate("Ed25519") if form == "vp" else HOLDER,
            challenge="N-1",
            format=form,  # type: ignore[call-overload]
        )
        result = verify_presentation(vp, challenge="N-1")
        assert not result.verified
        assert result.checks["proof"].status == CheckStatus.PASSED
        assert ("CREDENTIAL_NOT_VERIFIED", ("verifiableCredential", 1)) in _codes(result)
        assert [c.verified for c in result.credentials] == [True, False]


def test_a_presentation_signed_by_someone_else_is_not_the_holders() -> None:
    vp = present([TOKEN], key=HOLDER, challenge="N-1", format="vp+jwt")
    header, payload, _ = vp.split(".")
    claims = json.loads(base64url_decode(payload))
    claims["holder"] = "did:example:victim"
    mallory = KeyPair.generate("P-256")
    header_claims = json.loads(base64url_decode(header))
    header_claims["kid"] = mallory.verification_method
    encoded = (
        base64url_encode(json.dumps(header_claims).encode())
        + "."
        + base64url_encode(json.dumps(claims).encode())
    )
    forged = encoded + "." + base64url_encode(mallory.sign(encoded.encode()))
    result = verify_presentation(forged, challenge="N-1")
    assert not result.verified and "HOLDER_MISMATCH" in result.codes


@pytest.mark.parametrize("kind", ["vc+jwt", "JWT", None])
def test_a_credential_token_is_not_a_presentation(kind: str | None) -> None:
    header = {"alg": "EdDSA", "kid": ISSUER.verification_method, **({"typ": kind} if kind else {})}
    body = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "nonce": "N-1",
    }
    encoded = (
        base64url_encode(json.dumps(header).encode())
        + "."
        + base64url_encode(json.dumps(body).encode())
    )
    token = encoded + "." + base64url_encode(ISSUER.sign(encoded.encode()))
    result = verify_presentation(token, challenge="N-1")
    assert not result.verified and ("MALFORMED_JWS", ("header", "typ")) in _codes(result)
