"""A proof of an unknown type is passed over only when another proof verified: alone, or
beside a failing proof, it never lets a credential verify."""

from __future__ import annotations

from typing import Any

from microcred import KeyPair, sign, verify

KEY = KeyPair.generate("Ed25519")
UNKNOWN = {"type": "SomeProofType", "proofPurpose": "assertionMethod"}


def _credential() -> dict[str, Any]:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": KEY.public_key.did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    return sign(unsigned, key=KEY)


def test_beside_a_verified_proof_it_is_a_warning() -> None:
    signed = _credential()
    result = verify({**signed, "proof": [UNKNOWN, signed["proof"]]})
    assert result.verified
    assert [w.code for w in result.checks["proof"].warnings] == ["UNKNOWN_PROOF_TYPE"]


def test_alone_it_fails() -> None:
    signed = _credential()
    result = verify({**signed, "proof": [UNKNOWN]})
    assert not result.verified


def test_beside_a_broken_proof_it_fails() -> None:
    signed = _credential()
    broken = {**signed["proof"], "proofValue": signed["proof"]["proofValue"][:-2] + "11"}
    result = verify({**signed, "proof": [UNKNOWN, broken]})
    assert not result.verified


def test_a_data_integrity_proof_with_an_unknown_suite_is_not_passed_over() -> None:
    signed = _credential()
    other = {**signed["proof"], "cryptosuite": "made-up-2099"}
    result = verify({**signed, "proof": [other, signed["proof"]]})
    assert not result.verified
    assert "UNSUPPORTED_CRYPTOSUITE" in result.codes
