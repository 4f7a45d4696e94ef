"""Poison datasets (RDF Dataset Canonicalization §4.4 "dataset poisoning"): a credential whose
subject embeds a blank-node clique must be refused quickly, never hang a wallet."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from microcred import api
from microcred.keys.keypair import KeyPair

V2 = "https://www.w3.org/ns/credentials/v2"
MICROCRED = "https://w3id.org/microcred/v1"


def clique_credential(issuer: str, size: int) -> dict[str, Any]:
    """A credential whose learner claims `size` achievements, each part of every other one."""
    labels = [f"_:n{i}" for i in range(size)]
    claims = [
        {"id": label, "type": "LearningAchievement", "isPartOf": [o for o in labels if o != label]}
        for label in labels
    ]
    return {
        "@context": [V2, MICROCRED],
        "id": "urn:uuid:2f0b6e1c-9d1a-4c4b-8e51-7a3f2b8c9d00",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": "Person", "hasClaim": claims},
    }


def test_a_signed_credential_with_an_8_node_clique_is_refused_within_2_seconds() -> None:
    key = KeyPair.generate("Ed25519")
    honest = api.sign(  # a 2-node "clique" is harmless
        clique_credential(key.did, 2), key=key, created=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert api.verify(honest, now=datetime(2026, 6, 1, tzinfo=UTC)).verified
    # An attacker hands the wallet the 8-node version with a well-formed proof. Nobody can
    # tell whether its signature is valid without canonicalising first, so the verifier
    # must give up at its work limit instead of hanging.
    poisoned = {**clique_credential(key.did, 8), "proof": honest["proof"]}
    started = time.perf_counter()
    result = api.verify(poisoned, now=datetime(2026, 6, 1, tzinfo=UTC))
    elapsed = time.perf_counter() - started
    assert not result.verified
    assert "CANONICALIZATION_LIMIT_EXCEEDED" in result.codes
    assert result.checks["proof"].status == "failed"
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
