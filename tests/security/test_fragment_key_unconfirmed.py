"""A key read from an https `#z6Mk…` fragment is never trusted as the issuer's: without a
controller document that lists it, `verified` is false under the default policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from microcred import (
    HttpsControllerResolver,
    KeyPair,
    PublicKey,
    Verifier,
    present,
    sign,
    verify,
    verify_presentation,
)
from microcred.result import Check, CheckStatus, VerificationResult

ISSUER = "https://issuer.example/profiles/1"


@dataclass(frozen=True)
class _FragmentSigner:
    """A KeyPair signing under the `https://issuer#<multikey>` name OB3 issuers use."""

    key: KeyPair
    controller: str = ISSUER

    @property
    def key_type(self) -> str:
        return self.key.key_type

    @property
    def verification_method(self) -> str:
        return f"{self.controller}#{self.key.public_key.multikey}"

    @property
    def public_key(self) -> PublicKey:  # signatures are checked before anything is written
        return self.key.public_key

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


def _credential(issuer: str = ISSUER) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner"},
    }


def _check(result: VerificationResult, name: str) -> Check:
    return next(c for c in result if c.name == name)


def _profile(signer: _FragmentSigner) -> bytes:
    method = {
        "id": signer.verification_method,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": signer.key.public_key.multikey,
    }
    document = {"id": ISSUER, "verificationMethod": [method], "assertionMethod": [method["id"]]}
    return json.dumps(document).encode()


def test_an_unfetched_fragment_key_verifies_the_proof_but_never_the_issuer() -> None:
    signer = _FragmentSigner(KeyPair.generate("Ed25519"))
    result = verify(sign(_credential(), key=signer))
    proof, issuer = _check(result, "proof"), _check(result, "issuer")
    assert proof.status is CheckStatus.PASSED
    assert issuer.status is CheckStatus.INDETERMINATE
    assert [p.code for p in issuer.problems] == ["ISSUER_UNCONFIRMED"]
    assert result.verified is False


def test_a_failing_fetch_leaves_the_issuer_unconfirmed() -> None:
    signer = _FragmentSigner(KeyPair.generate("Ed25519"))

    def fetch(url: str) -> bytes:
        raise OSError("offline")

    result = Verifier(resolver=HttpsControllerResolver(fetch)).verify(
        sign(_credential(), key=signer)
    )
    assert "ISSUER_UNCONFIRMED" in result.codes
    assert result.verified is False


def test_the_issuers_profile_listing_the_key_confirms_it() -> None:
    signer = _FragmentSigner(KeyPair.generate("Ed25519"))
    verifier = Verifier(resolver=HttpsControllerResolver(lambda url: _profile(signer)))
    assert verifier.verify(sign(_credential(), key=signer)).verified is True


def test_a_profile_without_the_key_is_the_answer_not_the_fragment() -> None:
    signer = _FragmentSigner(KeyPair.generate("Ed25519"))
    other = _FragmentSigner(KeyPair.generate("Ed25519"))
    verifier = Verifier(resolver=HttpsControllerResolver(lambda url: _profile(other)))
    result = verifier.verify(sign(_credential(), key=signer))
    assert _check(result, "proof").status is CheckStatus.FAILED
    assert result.verified is False


def test_a_fragment_key_of_another_host_is_an_issuer_mismatch() -> None:
    signer = _FragmentSigner(KeyPair.generate("Ed25519"), "https://attacker.example/p")
    result = verify(sign(_credential(), key=signer))
    assert "ISSUER_MISMATCH" in result.codes
    assert result.verified is False


def test_a_holder_named_by_a_fragment_key_is_not_bound() -> None:
    learner = _FragmentSigner(KeyPair.generate("Ed25519"), "https://learner.example/me")
    issuer = KeyPair.generate("Ed25519")
    credential = sign(_credential(issuer.public_key.did), key=issuer)
    presentation = present(
        [credential], key=learner, holder="https://learner.example/me", challenge="c-1"
    )
    result = verify_presentation(presentation, challenge="c-1")
    assert result.verified is False


def test_an_unconfirmed_key_is_never_cached() -> None:
    """A Verifier that could not fetch the profile once asks again next time."""
    signer = _FragmentSigner(KeyPair.generate("Ed25519"))
    online = {"up": False}

    def fetch(url: str) -> bytes:
        if not online["up"]:
            raise OSError("offline")
        return _profile(signer)

    verifier = Verifier(resolver=HttpsControllerResolver(fetch))
    credential = sign(_credential(), key=signer)
    assert "ISSUER_UNCONFIRMED" in verifier.verify(credential).codes
    online["up"] = True
    assert verifier.verify(credential).verified
