"""present() and verify_presentation(): challenge, domain, holder binding, nested credentials."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import api, present, verify_presentation
from microcred.errors import (
    InvalidOptionError,
    MalformedDocumentError,
    MicrocredError,
    ProofGenerationError,
)
from microcred.keys.did_key import resolve_did_key
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url, signer_for
from microcred.keys.keypair import KeyPair
from microcred.keys.resolvers import chain_resolvers
from microcred.verification.presentation_result import PresentationResult

V2 = "https://www.w3.org/ns/credentials/v2"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at
CHALLENGE = "u1rBYi3zjZ6QAWXvBM9ZzSw"
DOMAIN = "verifier.example"


def credential(issuer: str, number: int, **changes: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": f"urn:uuid:00000000-0000-4000-8000-00000000000{number}",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": f"Course {number}"},
        **changes,
    }


@pytest.fixture(scope="module")
def issuer() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def holder() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def credentials(issuer: KeyPair) -> list[dict[str, Any]]:
    return [api.sign(credential(issuer.did, n), key=issuer, created=CREATED) for n in (1, 2)]


@pytest.fixture(scope="module")
def vp(credentials: list[dict[str, Any]], holder: KeyPair) -> dict[str, Any]:
    return present(credentials, key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)


def check(vp: Any, **options: Any) -> PresentationResult:
    options = {"challenge": CHALLENGE, "domain": DOMAIN, "now": NOW, **options}
    return verify_presentation(vp, **options)


def test_present_then_verify(vp: dict[str, Any], holder: KeyPair) -> None:
    assert vp["@context"] == [V2]
    assert vp["type"] == ["VerifiablePresentation"]
    assert vp["holder"] == holder.did
    assert len(vp["verifiableCredential"]) == 2
    assert vp["proof"]["proofPurpose"] == "authentication"
    assert (vp["proof"]["challenge"], vp["proof"]["domain"]) == (CHALLENGE, DOMAIN)
    result = check(vp)
    assert result.verified, result.to_dict()
    assert bool(result) and not result.unsigned
    assert [c.name for c in result] == ["structure", "contexts", "proof", "holder", "credentials"]
    assert [c.name for c in result.credentials] == [
        "verifiableCredential[0] (urn:uuid:00000000-0000-4000-8000-000000000001)",
        "verifiableCredential[1] (urn:uuid:00000000-0000-4000-8000-000000000002)",
    ]
    assert all(c.verified for c in result.credentials)
    assert result.document == vp
    json.dumps(result.to_dict())


def test_present_does_not_mutate(credentials: list[dict[str, Any]], holder: KeyPair) -> None:
    before = copy.deepcopy(credentials)
    vp = present(credentials, key=holder, challenge=CHALLENGE, id="urn:uuid:vp-1", created=CREATED)
    assert credentials == before
    assert vp["id"] == "urn:uuid:vp-1"
    assert vp["verifiableCredential"] is not credentials


def test_wrong_challenge(vp: dict[str, Any]) -> None:
    result = check(vp, challenge="another one")
    assert not result.verified
    assert result.codes == {"INVALID_CHALLENGE_ERROR"}
    assert result.problems[0].path == ("proof", "challenge")


def test_wrong_domain(vp: dict[str, Any]) -> None:
    result = check(vp, domain="evil.example")
    assert not result.verified
    assert result.codes == {"INVALID_DOMAIN_ERROR"}


def test_domain_expected_but_absent(credentials: list[dict[str, Any]], holder: KeyPair) -> None:
    vp = present(credentials, key=holder, challenge=CHALLENGE, created=CREATED)
    assert check(vp, domain=None).verified
    assert check(vp).codes == {"INVALID_DOMAIN_ERROR"}


def test_missing_challenge_in_the_proof(credentials: list[dict[str, Any]], holder: KeyPair) -> None:
    unbound = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": credentials,
    }
    signed = api.sign(
        unbound, key=holder, proof_purpose="authentication", domain=DOMAIN, created=CREATED
    )
    result = check(signed)
    assert not result.verified
    assert result.codes == {"INVALID_CHALLENGE_ERROR"}


def test_assertion_purpose_is_not_authentication(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    vp = present(credentials, key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
    unsigned = {k: v for k, v in vp.items() if k != "proof"}
    signed = api.sign(unsigned, key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
    assert check(signed).codes == {"MISMATCHED_PROOF_PURPOSE_ERROR"}


def test_unsigned_presentation_is_reported_unsigned(vp: dict[str, Any]) -> None:
    unsigned = {k: v for k, v in vp.items() if k != "proof"}
    result = check(unsigned)
    assert not result.verified
    assert result.unsigned
    assert result.codes == {"PROOF_MISSING"}
    assert result.checks["proof"].status == "failed"
    assert "unsigned" in result.problems[0].message
    assert result.problems[0].path == ("proof",)
    assert result.to_dict()["unsigned"] is True
    assert result.checks["holder"].status == "skipped"


def test_one_tampered_credential_is_named(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    tampered = copy.deepcopy(credentials)
    tampered[1]["credentialSubject"]["name"] = "Course 9"
    vp = present(
        tampered, key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED
    )  # holder signs it
    result = check(vp)
    assert not result.verified
    assert result.checks["proof"].status == "passed"
    assert result.checks["credentials"].status == "failed"
    assert [c.verified for c in result.credentials] == [True, False]
    assert result.credentials[1].result.codes == {"PROOF_VERIFICATION_ERROR"}
    [problem] = result.problems
    assert problem.code == "CREDENTIAL_NOT_VERIFIED"
    assert problem.path == ("verifiableCredential", 1)
    assert "urn:uuid:00000000-0000-4000-8000-000000000002" in problem.message
    assert "PROOF_VERIFICATION_ERROR" in problem.message
    nested = result.to_dict()["credentials"][1]
    assert nested["verified"] is False and nested["index"] == 1


def test_holder_is_not_the_key_controller(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    with pytest.raises(ProofGenerationError) as raised:
        present(
            credentials,
            key=holder,
            challenge=CHALLENGE,
            holder="did:example:mallory",
            created=CREATED,
        )
    assert raised.value.path == ("holder",)
    impostor = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": {"id": "did:example:mallory"},
        "verifiableCredential": credentials,
    }
    signed = api.sign(
        impostor,
        key=holder,
        proof_purpose="authentication",
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=CREATED,
    )
    result = check(signed)
    assert not result.verified
    assert result.codes == {"HOLDER_MISMATCH"}
    assert result.checks["holder"].details["controllers"] == [holder.did]


def test_presentation_without_holder_warns(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    anonymous = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": credentials,
    }
    signed = api.sign(
        anonymous, key=holder, proof_purpose="authentication", challenge=CHALLENGE, created=CREATED
    )
    result = check(signed, domain=None)
    assert result.verified
    assert result.checks["holder"].status == "warning"
    assert {w.code for w in result.warnings} == {"HOLDER_MISSING"}


def test_self_asserted_credential(holder: KeyPair, issuer: KeyPair) -> None:
    """VCDM 2.0 §4.13: a credential secured only by the presentation's proof needs issuer ==
    holder."""
    own = credential(holder.did, 3)
    result = check(present([own], key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED))
    assert result.verified, result.to_dict()
    assert result.credentials[0].result.checks["proof"].details["securedBy"] == "presentation"
    foreign = credential(issuer.did, 4)
    result = check(
        present([foreign], key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
    )
    assert not result.verified
    assert result.credentials[0].result.codes == {"PROOF_MISSING"}


def test_verifiable_credential_1_1_is_embedded_as_is(issuer: KeyPair, holder: KeyPair) -> None:
    v11 = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = api.sign(v11, key=issuer, created=CREATED)
    vp = present([signed], key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
    assert vp["verifiableCredential"] == [signed]
    result = check(vp)
    assert result.verified, result.to_dict()


@pytest.mark.parametrize(
    ("key_type", "suite"),
    [("Ed25519", "eddsa-jcs-2022"), ("P-256", "ecdsa-rdfc-2019"), ("P-384", "ecdsa-jcs-2019")],
)
def test_other_cryptosuites(credentials: list[dict[str, Any]], key_type: str, suite: str) -> None:
    key = KeyPair.generate(key_type)
    vp = present(
        credentials, key=key, challenge=CHALLENGE, domain=DOMAIN, cryptosuite=suite, created=CREATED
    )
    assert check(vp).verified


def test_enveloped_credentials_other_than_vc_jwt_are_unsupported(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    """A vc+jwt data: URL is verified (tests/jose/test_vp_jwt.py); other media types are not."""
    enveloped = {
        "@context": V2,
        "id": "data:application/vc+sd-jwt,eyJ...",
        "type": "EnvelopedVerifiableCredential",
    }
    broken = {**enveloped, "id": "data:application/vc+jwt,eyJ..."}
    vp = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [credentials[0], enveloped, broken],
    }
    signed = api.sign(
        vp, key=holder, proof_purpose="authentication", challenge=CHALLENGE, created=CREATED
    )
    result = check(signed, domain=None)
    assert not result.verified
    assert result.credentials[1].result.codes == {"UNSUPPORTED_ENVELOPED_CREDENTIAL"}
    assert result.credentials[1].name == "verifiableCredential[1]"
    assert result.credentials[2].result.codes == {"MALFORMED_JWS"}
    with pytest.raises(MalformedDocumentError):
        present([enveloped], key=holder, challenge=CHALLENGE, created=CREATED)


def test_options_reach_every_credential(issuer: KeyPair, holder: KeyPair) -> None:
    status = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": "https://issuer.example/status/1",
    }
    with_status = api.sign(
        credential(issuer.did, 5, credentialStatus=status), key=issuer, created=CREATED
    )
    vp = present([with_status], key=holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED)
    strict = check(vp)
    assert not strict.verified
    assert strict.checks["credentials"].status == "indeterminate"
    assert strict.credentials[0].result.checks["status"].status == "indeterminate"
    assert check(vp, status_policy="allow-indeterminate").verified
    assert not check(vp, profile="eu-microcredential").verified  # not an ELM credential


def test_misuse_raises(
    vp: dict[str, Any], credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    with pytest.raises(InvalidOptionError):
        check(vp, no_such_option=True)
    with pytest.raises(InvalidOptionError):
        check(vp, challenge="")
    with pytest.raises(InvalidOptionError):
        check(vp, now=datetime(2026, 6, 1))
    with pytest.raises(InvalidOptionError):
        present(credentials, key=holder, challenge=None, created=CREATED)  # type: ignore[arg-type]
    with pytest.raises(MalformedDocumentError):
        present(credentials[0], key=holder, challenge=CHALLENGE, created=CREATED)  # type: ignore[arg-type]
    with pytest.raises(MalformedDocumentError) as raised:
        present(
            [credentials[0], {"type": "Thing"}], key=holder, challenge=CHALLENGE, created=CREATED
        )
    assert raised.value.path == ("verifiableCredential", 1)


def test_did_web_holder_needs_authentication(
    credentials: list[dict[str, Any]], holder: KeyPair
) -> None:
    did = "did:web:wallet.example:users:ana"

    def web(relationships: list[str]) -> DidWebResolver:
        document = did_web_document(did, holder.public_key, relationships=relationships)
        return DidWebResolver({did_web_to_url(did): json.dumps(document).encode()}.__getitem__)

    vp = present(
        credentials,
        key=signer_for(holder, f"{did}#key-1"),
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=CREATED,
    )
    assert vp["holder"] == did
    listed = check(vp, resolver=chain_resolvers(resolve_did_key, web(["authentication"])))
    assert listed.verified, listed.to_dict()
    unlisted = check(vp, resolver=chain_resolvers(resolve_did_key, web(["assertionMethod"])))
    assert not unlisted.verified
    assert unlisted.codes == {"INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"}


# --- properties -----------------------------------------------------------------------------


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return str(value) + "x"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_change_to_a_signed_value_is_caught(vp: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(leaves(vp), key=repr)))
    tampered = copy.deepcopy(vp)
    parent = tampered
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = changed(parent[path[-1]])
    assert not check(tampered).verified, path


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_ENVELOPE = st.fixed_dictionaries(
    {},
    optional={
        "@context": st.just([V2]) | _JSON,
        "type": st.just("VerifiablePresentation") | _JSON,
        "holder": _JSON,
        "verifiableCredential": _JSON,
        "proof": _JSON,
    },
)


@settings(max_examples=150, deadline=None)
@given(_JSON | _ENVELOPE)
def test_never_raises_on_any_json(value: Any) -> None:
    before = copy.deepcopy(value)
    result = verify_presentation(value, challenge=CHALLENGE, now=NOW)
    assert not result.verified
    assert value == before


# --- the VC Data Model 2.0 test suite's presentation inputs ----------------------------------

SUITE_KEY_DID = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"
# fixture -> the first check that must fail (None: verified). Most of the suite's "-ok"
# presentations embed unsigned third-party credentials: their envelope passes, "credentials" not.
SUITE_EXPECTATIONS = {
    "presentation-ok": None,
    "presentation-id-ok": None,
    "presentation-holder-ok": "credentials",
    "presentation-holder-object-ok": "credentials",
    "presentation-context-combo1-ok": "credentials",
    "presentation-context-combo2-ok": "credentials",
    "presentation-vc-ok": "credentials",
    "presentation-multiple-vc-ok": "credentials",
    "presentation-optional-type-ok": None,
    "presentation-self-asserted-vc-ok": None,
    "presentation-enveloped-vc-ok": "credentials",  # enveloped credentials are out of scope
    "presentation-context-order-fail": "structure",
    "presentation-missing-base-context-fail": "structure",
    "presentation-no-context-fail-or-inject": "structure",
    "presentation-no-type-fail": "structure",
    "presentation-missing-required-type-fail": "structure",
    "presentation-holder-fail": "structure",
    "presentation-holder-name-fail": "structure",
    "presentation-holder-object-fail": "structure",
    "presentation-vc-as-string-fail": "credentials",
    "presentation-vc-missing-required-type-fail": "credentials",
    "presentation-enveloped-vc-missing-type-fail": "credentials",
    "presentation-self-asserted-vc-holder-mismatch": "holder",
    "presentation-self-asserted-vc-issuer-mismatch": "credentials",
    "presentation-self-asserted-vc-no-holder": "credentials",
}


@pytest.mark.parametrize("name", sorted(SUITE_EXPECTATIONS))
def test_vcdm2_test_suite_presentations(reference_dir: Path, holder: KeyPair, name: str) -> None:
    """VCDM 2.0 test suite (tests/input/presentation-*.json), signed by our holder key in place
    of the suite's did:key, verified with a challenge."""
    path = reference_dir / "vectors" / "vcdm2-test-suite-inputs" / "input" / f"{name}.json"
    fixture = json.loads(path.read_text("utf-8").replace(SUITE_KEY_DID, holder.did))
    try:
        signed = api.sign(
            fixture,
            key=holder,
            proof_purpose="authentication",
            challenge=CHALLENGE,
            created=CREATED,
        )
    except MicrocredError:  # no usable @context: nothing a holder could sign
        signed = fixture
    result = check(signed, domain=None)
    failing = SUITE_EXPECTATIONS[name]
    assert result.verified is (failing is None), result.to_dict()
    if failing is not None:
        assert not result.checks[failing].ok, result.to_dict()
    for before in ("structure", "contexts", "proof", "holder", "credentials"):
        if before == failing:
            break
        assert signed is fixture or result.checks[before].ok, (before, result.to_dict())
