"""SD-JWT (RFC 9901) and SD-JWT VC: the RFC's own example, the reference implementation
(`sd-jwt`, test dependency) both ways, and the rules that stop a holder from changing
what is disclosed (properties over random subsets and tampering)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from microcred import KeyPair, Verifier, did_jwk, issue, present_sd_jwt, verify
from microcred.bindings.eudi import MICROCRED_VCT, from_sd_jwt_vc, to_sd_jwt_vc
from microcred.errors import InvalidJwsError
from microcred.jose.algorithms import jws_algorithm, verify_jws
from microcred.jose.compact import parse_compact
from microcred.jose.disclosures import digest, reveal
from microcred.jose.sd_jwt import issue_sd_jwt, parse_sd_jwt
from microcred.keys.keypair import PublicKey
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.model import MicroCredential
from microcred.result import CheckStatus

ROOT = Path(__file__).resolve().parents[2]
RFC = json.loads((ROOT / "tests" / "data" / "sd_jwt" / "rfc9901-example.json").read_text("utf-8"))
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
ISSUER = KeyPair.generate("P-256")
HOLDER = KeyPair.generate("P-256")
AUDIENCE = "https://verifier.example"


def test_the_rfc_example_verifies_with_the_rfc_keys() -> None:
    """RFC 9901 §5: issuer signature, disclosures, and the Key Binding JWT of the example."""
    sd_jwt = parse_sd_jwt(RFC["presentationWithKeyBinding"])
    issuer_jwt = parse_compact(sd_jwt.issuer_jwt)
    issuer_key = PublicKey.from_jwk(RFC["issuerKey"])
    assert issuer_jwt.header["typ"] == "example+sd-jwt"
    assert verify_jws(
        jws_algorithm("ES256"), issuer_key, issuer_jwt.signing_input, issuer_jwt.signature
    )
    payload = json.loads(issuer_jwt.payload)
    assert digest(RFC["familyNameDisclosure"]) == RFC["familyNameDigest"] in payload["_sd"]
    claims, placed = reveal(payload, sd_jwt.disclosures)
    assert {k: claims[k] for k in RFC["disclosedClaims"]} == RFC["disclosedClaims"]
    assert "_sd" not in claims and "_sd_alg" not in claims and len(placed) == 4
    kb = parse_compact(sd_jwt.key_binding or "")
    holder_key = PublicKey.from_jwk(payload["cnf"]["jwk"])
    assert kb.header["typ"] == "kb+jwt"
    assert verify_jws(jws_algorithm("ES256"), holder_key, kb.signing_input, kb.signature)
    kb_claims = json.loads(kb.payload)
    assert kb_claims["sd_hash"] == digest(sd_jwt.presentation_input)
    assert (kb_claims["nonce"], kb_claims["aud"]) == (RFC["nonce"], RFC["audience"])


def _jwk(key: KeyPair, *, private: bool) -> JWK:
    return JWK(**key.to_jwk(include_secret=private))


def _vc_claims(issuer: str) -> dict[str, Any]:
    return {
        "iss": issuer,
        "iat": 1_767_225_600,
        "vct": "https://credentials.example/degree",
        "given_name": "Ana",
        "family_name": "Andromeda",
        "grade": "Pass",
        "outcomes": ["describe", "issue", "verify"],
    }


def test_the_reference_implementation_verifies_our_sd_jwt_vc_and_key_binding() -> None:
    claims = _vc_claims(ISSUER.did)
    token = issue_sd_jwt(
        {**claims, "cnf": {"jwk": HOLDER.public_key.to_jwk()}},
        key=ISSUER,
        disclosable=[("given_name",), ("family_name",), ("grade",), ("outcomes", 1)],
        decoys=2,
    )
    presented = present_sd_jwt(
        token,
        disclose=["family_name", "outcomes.1"],
        holder_key=HOLDER,
        nonce="n-1",
        audience=AUDIENCE,
    )
    checked = SDJWTVerifier(
        presented,
        lambda iss, header: _jwk(ISSUER, private=False),
        expected_aud=AUDIENCE,
        expected_nonce="n-1",
    ).get_verified_payload()
    assert checked["family_name"] == "Andromeda" and checked["outcomes"] == [
        "describe",
        "issue",
        "verify",
    ]
    assert "given_name" not in checked and "grade" not in checked


def test_we_verify_the_reference_implementations_sd_jwt_vc_and_key_binding() -> None:
    issuer = KeyPair.generate("P-256")
    claims = _vc_claims(did_jwk(issuer.public_key))
    user_claims = {
        **{k: v for k, v in claims.items() if k not in ("given_name", "grade")},
        SDObj("given_name"): claims["given_name"],
        SDObj("grade"): claims["grade"],
    }
    issued = SDJWTIssuer(
        user_claims,
        _jwk(issuer, private=True),
        holder_key=_jwk(HOLDER, private=False),
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": did_jwk(issuer.public_key) + "#0"},
    ).sd_jwt_issuance
    holder = SDJWTHolder(issued)
    holder.create_presentation(
        {"given_name": True}, "n-2", AUDIENCE, _jwk(HOLDER, private=True), "ES256"
    )
    result = verify(holder.sd_jwt_presentation, challenge="n-2", domain=AUDIENCE)
    assert result.verified, result.problems
    assert result.document is not None and result.document["given_name"] == "Ana"
    assert "grade" not in result.document
    assert not verify(holder.sd_jwt_presentation, challenge="other", domain=AUDIENCE).verified


BOUND = to_sd_jwt_vc(DEMO, key=ISSUER, holder_key=HOLDER.public_key)
NOW = datetime.now(UTC)


def _present(disclose: list[str], **options: Any) -> str:
    return present_sd_jwt(
        BOUND, disclose=disclose, holder_key=HOLDER, nonce="n", audience=AUDIENCE, **options
    )


def test_a_verifier_sees_exactly_what_the_holder_disclosed() -> None:
    result = verify(_present(["learningOutcomes"]), challenge="n", domain=AUDIENCE)
    assert result.verified, result.problems
    seen, model = result.document or {}, MicroCredential.parse(DEMO).dump()
    assert seen["title"] == model["title"] and seen["level"] == model["level"]
    assert seen["learningOutcomes"] == model["learningOutcomes"]
    for hidden in ("learner", "grade", "assessment", "supervision", "dateOfIssuing"):
        assert hidden not in seen
    disclosed = result.checks["disclosure"].details["disclosed"]
    assert disclosed == [["learningOutcomes"]]


def test_a_claim_inside_a_hidden_object_brings_its_parent() -> None:
    result = verify(_present(["learner.fullName"]), challenge="n", domain=AUDIENCE)
    assert result.verified
    assert (result.document or {})["learner"] == {"fullName": DEMO["learner"]["fullName"]}
    assert sorted(result.checks["disclosure"].details["disclosed"]) == [
        ["learner"],
        ["learner", "fullName"],
    ]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_tampered_presentations_are_not_verified(data: st.DataObject) -> None:
    presented = _present(["learningOutcomes", "grade", "learner.familyName"])
    head, *disclosures, kb = presented.split("~")
    others = BOUND.split("~")[1:-1]
    extra = data.draw(st.sampled_from([d for d in others if d not in disclosures]))
    salt, name, _ = json.loads(base64url_decode(disclosures[0]))
    altered = base64url_encode(json.dumps([salt, name, "Mallory"]).encode())
    forged = data.draw(
        st.sampled_from(
            [
                "~".join([head, *disclosures[1:], kb]),  # removed: sd_hash no longer matches
                "~".join([head, *disclosures, extra, kb]),  # added after the holder signed
                "~".join([head, *disclosures, disclosures[0], kb]),  # duplicated
                "~".join([head, altered, *disclosures[1:], kb]),  # altered
                "~".join([head, *disclosures, ""]),  # the KB-JWT dropped
            ]
        )
    )
    assert not verify(forged, challenge="n", domain=AUDIENCE).verified


@pytest.mark.parametrize(
    ("challenge", "domain", "code"),
    [
        ("other", AUDIENCE, "INVALID_CHALLENGE_ERROR"),
        ("n", "https://elsewhere.example", "INVALID_DOMAIN_ERROR"),
        (None, None, "INVALID_CHALLENGE_ERROR"),
    ],
)
def test_a_key_binding_for_another_verifier_fails(
    challenge: str | None, domain: str | None, code: str
) -> None:
    result = verify(_present(["grade"]), challenge=challenge, domain=domain)
    assert not result.verified and code in result.codes
    assert result.checks["key_binding"].status == CheckStatus.FAILED


def test_a_stale_or_foreign_key_binding_fails() -> None:
    stale = _present(["grade"], issued_at=NOW - timedelta(hours=1))
    assert "KEY_BINDING_ERROR" in verify(stale, challenge="n", domain=AUDIENCE).codes
    thief = present_sd_jwt(
        BOUND,
        disclose=["grade"],
        holder_key=KeyPair.generate("P-256"),
        nonce="n",
        audience=AUDIENCE,
    )
    assert not verify(thief, challenge="n", domain=AUDIENCE).verified


def test_a_holder_bound_credential_needs_a_key_binding_jwt() -> None:
    result = verify(BOUND, challenge="n", domain=AUDIENCE)
    assert not result.verified and "KEY_BINDING_MISSING" in result.codes
    with pytest.raises(Exception, match="holder_key"):
        present_sd_jwt(BOUND, disclose=["grade"])


def test_a_fully_disclosed_credential_gives_the_model_back() -> None:
    token = issue(DEMO, key=ISSUER, format="dc+sd-jwt")
    result = verify(token)
    assert result.verified and result.document is not None
    assert result.document["vct"] == MICROCRED_VCT
    assert from_sd_jwt_vc(result.document) == MicroCredential.parse(DEMO).with_issuer_id(ISSUER.did)


def test_never_disclosable_claims_in_a_disclosure_fail() -> None:
    token = issue_sd_jwt({**_vc_claims(ISSUER.did)}, key=ISSUER, disclosable=[("vct",)])
    result = verify(token)
    assert not result.verified and ("MALFORMED_VALUE_ERROR", ("vct",)) in {
        (p.code, p.path) for p in result.problems
    }


@pytest.mark.parametrize(
    "disclosure",
    [
        ["salt", "_sd", 1],
        ["salt", "...", 1],
        ["salt"],
        [1, "name", 1],
        ["salt", 7, 1],
    ],
)
def test_malformed_disclosures_are_refused(disclosure: list[Any]) -> None:
    encoded = base64url_encode(json.dumps(disclosure).encode())
    with pytest.raises(InvalidJwsError):
        reveal({"_sd": [digest(encoded)], "_sd_alg": "sha-256"}, [encoded])


def test_a_digest_listed_twice_is_refused() -> None:
    encoded = base64url_encode(json.dumps(["salt", "a", 1]).encode())
    with pytest.raises(InvalidJwsError, match="twice"):
        reveal({"_sd": [digest(encoded)], "b": {"_sd": [digest(encoded)]}}, [encoded])
    with pytest.raises(InvalidJwsError, match="sha-256"):
        reveal({"_sd_alg": "md5"}, [])


def test_one_verifier_with_the_offline_resolver_reads_every_key_type() -> None:
    for kind in ("Ed25519", "P-256", "P-384"):
        key = KeyPair.generate(kind)  # type: ignore[arg-type]
        assert Verifier().verify(issue(DEMO, key=key, format="dc+sd-jwt")).verified
