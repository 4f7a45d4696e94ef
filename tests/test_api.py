"""sign() and verify(): every negative case gives its own code, and verify() never raises."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred import api
from microcred.errors import (
    KeyTypeMismatchError,
    MalformedDocumentError,
    UnsupportedCryptosuiteError,
)
from microcred.integrity.cryptosuites import CRYPTOSUITES
from microcred.keys.did_key import ResolutionFailure, VerificationMethod, resolve_did_key
from microcred.keys.keypair import KeyPair

V2 = "https://www.w3.org/ns/credentials/v2"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at


def credential(issuer: str, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "id": "urn:uuid:0b5f2a8e-4a0c-4ab8-9a36-7c1c1a6f8d21",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ana Andromeda"},
    }
    doc.update(changes)
    return doc


@pytest.fixture(scope="module")
def ed25519() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def signed(ed25519: KeyPair) -> dict[str, Any]:
    return api.sign(credential(ed25519.did), key=ed25519, created=CREATED)


def test_sign_then_verify(signed: dict[str, Any]) -> None:
    result = api.verify(signed, now=NOW)
    assert result.verified, result.to_dict()
    assert bool(result)
    assert [c.name for c in result] == [
        "structure",
        "contexts",
        "proof",
        "issuer",
        "validity",
        "status",
        "eu_standard",
    ]
    assert result.checks["status"].status == "skipped"


@pytest.mark.parametrize("suite", sorted(CRYPTOSUITES))
@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_every_suite_and_key_type(suite: str, key_type: str) -> None:
    key = KeyPair.generate(key_type)
    if key_type not in CRYPTOSUITES[suite].key_types:
        with pytest.raises(KeyTypeMismatchError):
            api.sign(credential(key.did), key=key, cryptosuite=suite, created=CREATED)
        return
    result = api.verify(
        api.sign(credential(key.did), key=key, cryptosuite=suite, created=CREATED), now=NOW
    )
    assert result.verified, result.to_dict()


def test_sign_does_not_mutate_and_verify_does_not_mutate(ed25519: KeyPair) -> None:
    document = credential(ed25519.did)
    before = copy.deepcopy(document)
    signed = api.sign(document, key=ed25519, created=CREATED)
    assert document == before
    frozen = copy.deepcopy(signed)
    api.verify(signed, now=NOW)
    assert signed == frozen


def _codes(document: Any, **options: Any) -> frozenset[str]:
    result = api.verify(document, now=options.pop("now", NOW), **options)
    assert not result.verified
    return result.codes


def test_wrong_proof_purpose(ed25519: KeyPair) -> None:
    signed = api.sign(
        credential(ed25519.did), key=ed25519, proof_purpose="authentication", created=CREATED
    )
    assert "MISMATCHED_PROOF_PURPOSE_ERROR" in _codes(signed)


def test_domain_and_challenge(ed25519: KeyPair) -> None:
    signed = api.sign(
        credential(ed25519.did),
        key=ed25519,
        domain="wallet.example",
        challenge="c-123",
        created=CREATED,
    )
    assert api.verify(signed, now=NOW, domain="wallet.example", challenge="c-123").verified
    assert "INVALID_DOMAIN_ERROR" in _codes(signed, domain="evil.example", challenge="c-123")
    assert "INVALID_CHALLENGE_ERROR" in _codes(signed, domain="wallet.example", challenge="c-999")


def test_issuer_not_the_key_controller(ed25519: KeyPair) -> None:
    signed = api.sign(
        credential("https://university.example/issuers/1"), key=ed25519, created=CREATED
    )
    result = api.verify(signed, now=NOW)
    assert result.checks["proof"].status == "passed"
    assert result.codes == {"ISSUER_MISMATCH"}


def test_expired_and_not_yet_valid(ed25519: KeyPair) -> None:
    signed = api.sign(
        credential(
            ed25519.did, validFrom="2026-01-01T00:00:00Z", validUntil="2026-03-01T00:00:00Z"
        ),
        key=ed25519,
        created=datetime(2025, 11, 1, tzinfo=UTC),
    )
    assert _codes(signed, now=datetime(2026, 4, 1, tzinfo=UTC)) == {"CREDENTIAL_EXPIRED"}
    assert _codes(signed, now=datetime(2025, 12, 1, tzinfo=UTC)) == {"CREDENTIAL_NOT_YET_VALID"}
    assert api.verify(signed, now=datetime(2026, 2, 1, tzinfo=UTC)).verified


def test_expired_proof(ed25519: KeyPair) -> None:
    signed = api.sign(
        credential(ed25519.did), key=ed25519, expires=NOW - timedelta(days=1), created=CREATED
    )
    assert "PROOF_EXPIRED" in _codes(signed)


def test_unknown_cryptosuite(signed: dict[str, Any]) -> None:
    tampered = {**signed, "proof": {**signed["proof"], "cryptosuite": "eddsa-2099"}}
    assert "UNSUPPORTED_CRYPTOSUITE" in _codes(tampered)
    only_ecdsa = {"ecdsa-rdfc-2019": CRYPTOSUITES["ecdsa-rdfc-2019"]}
    assert "UNSUPPORTED_CRYPTOSUITE" in _codes(signed, cryptosuites=only_ecdsa)
    with pytest.raises(UnsupportedCryptosuiteError):
        api.sign(
            credential("did:example:x"),
            key=KeyPair.generate("Ed25519"),
            cryptosuite="rsa-2017",
            created=CREATED,
        )


def test_p256_key_under_an_eddsa_suite() -> None:
    p256 = KeyPair.generate("P-256")
    with pytest.raises(KeyTypeMismatchError):
        api.sign(credential(p256.did), key=p256, cryptosuite="eddsa-rdfc-2022", created=CREATED)
    signed = api.sign(
        credential(p256.did), key=p256, cryptosuite="ecdsa-rdfc-2019", created=CREATED
    )
    relabelled = {**signed, "proof": {**signed["proof"], "cryptosuite": "eddsa-rdfc-2022"}}
    assert "KEY_TYPE_MISMATCH" in _codes(relabelled)


@pytest.mark.parametrize("value", ["not-multibase", "zzzz0OIl", "u" + "A" * 86, "", 42, None])
def test_malformed_proof_value(signed: dict[str, Any], value: Any) -> None:
    tampered = {**signed, "proof": {**signed["proof"], "proofValue": value}}
    assert "MALFORMED_PROOF_ERROR" in _codes(tampered)


def test_unknown_context(ed25519: KeyPair, signed: dict[str, Any]) -> None:
    tampered = {**signed, "@context": [V2, "https://example.com/unknown/v1"]}
    assert "UNKNOWN_CONTEXT" in _codes(tampered)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("nickname", "A"),
        ("_:b0", "A"),
        ("@none", "A"),
        ("@json", "A"),
        ("@index", "A"),
    ],
)
def test_a_key_rdf_would_not_sign_fails(signed: dict[str, Any], key: str, value: Any) -> None:
    """An undefined term, a blank-node property or a stray keyword stays in the JSON a wallet
    shows but never reaches the signed RDF: verification must fail and name it (DI §2.4.3)."""
    tampered = {**signed, "credentialSubject": {**signed["credentialSubject"], key: value}}
    result = api.verify(tampered, now=NOW)
    assert not result.verified
    problem = next(p for p in result.problems if p.code == "DATA_LOSS_DETECTION_ERROR")
    assert problem.path == ("credentialSubject", key)


@pytest.mark.parametrize(
    "value", [None, 1, 1.5, "text", [], [{}], True, {}, {"proof": 1}, {"@context": 5, "proof": []}]
)
def test_verify_never_raises_on_any_json_value(value: Any) -> None:
    result = api.verify(value, now=NOW)
    assert not result.verified
    assert result.problems


def test_input_that_is_not_an_object() -> None:
    result = api.verify(["not", "an", "object"], now=NOW)
    assert result.codes == {"MALFORMED_VALUE_ERROR"}
    assert result.checks["structure"].status == "failed"


def test_missing_proof(ed25519: KeyPair) -> None:
    """The same code as an unsigned presentation gets (verify_presentation)."""
    assert _codes(credential(ed25519.did)) == {"PROOF_MISSING"}


def test_unresolvable_key_is_reported_not_raised(signed: dict[str, Any]) -> None:
    tampered = {
        **signed,
        "proof": {**signed["proof"], "verificationMethod": "did:web:example.com#key-1"},
    }
    assert "METHOD_NOT_SUPPORTED" in _codes(tampered)


def test_a_key_not_listed_for_the_purpose(signed: dict[str, Any], ed25519: KeyPair) -> None:
    def only_authentication(url: str) -> VerificationMethod | ResolutionFailure:
        method = resolve_did_key(url)
        assert isinstance(method, VerificationMethod)
        return VerificationMethod(
            method.id,
            method.type,
            method.controller,
            method.public_key,
            frozenset({"authentication"}),
        )

    assert "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD" in _codes(
        signed, resolver=only_authentication
    )


def test_sign_refuses_what_is_not_plain_json(ed25519: KeyPair) -> None:
    with pytest.raises(MalformedDocumentError):
        api.sign(credential(ed25519.did, validFrom=datetime.now(UTC)), key=ed25519, created=CREATED)  # type: ignore[arg-type]
    with pytest.raises(MalformedDocumentError):
        api.sign([credential(ed25519.did)], key=ed25519, created=CREATED)  # type: ignore[arg-type]


def test_result_serialises_to_json(signed: dict[str, Any]) -> None:
    data = api.verify(signed, now=NOW).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["checks"]["proof"]["details"]["proofs"][0]["controller"] == signed["issuer"]


def test_the_draft_suite_name_eddsa_2022_is_never_used_to_sign() -> None:
    """eddsa-2022 (VC-DI-EdDSA drafts) is verified as a legacy name (the 1EdTech sample in
    tests/ob3/test_1edtech_validator.py), but nothing is signed with it."""
    from microcred import sign
    from microcred.errors import UnsupportedCryptosuiteError

    with pytest.raises(UnsupportedCryptosuiteError):
        sign(
            {"@context": ["https://www.w3.org/ns/credentials/v2"]},
            key=KeyPair.generate("Ed25519"),
            cryptosuite="eddsa-2022",
        )
