"""A Verifier keeps status lists across calls: only lists that verified, so one forged or
broken answer (a captive portal, a spoofed response) claiming a long `ttl` cannot stand
in for the issuer's list at later calls."""

from __future__ import annotations

from typing import Any

import pytest

from microcred import KeyPair, Verifier, issue, status_entry
from tests.test_verifier import DEMO, KEY, NOW, SIGNED_AT, URL, revocations

MALLORY = KeyPair.generate("Ed25519")
FOREVER = 10**15  # ms: about 31,700 years


def forgeries() -> dict[str, dict[str, Any]]:
    honest = revocations(7, ttl=FOREVER)
    return {
        "signed by someone else": revocations(7, key=MALLORY, ttl=FOREVER),
        "signature broken": {**honest, "id": URL, "validFrom": "2026-01-02T00:00:00Z"},
        "unsigned": {k: v for k, v in honest.items() if k != "proof"},
        "another list's id": {**honest, "id": URL + "0"},
        "no list at all": {"type": ["VerifiableCredential"], "ttl": FOREVER},
    }


@pytest.mark.parametrize("forged", list(forgeries()), ids=str)
@pytest.mark.parametrize("policy", ["strict", "allow-indeterminate"])
def test_a_list_that_did_not_verify_is_not_kept(forged: str, policy: Any) -> None:
    answers = [forgeries()[forged], revocations(7)]
    vc = issue(DEMO, key=KEY, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT)
    verifier = Verifier(status_loader=lambda url: answers.pop(0), status_policy=policy)

    first = verifier.verify(vc, now=NOW)
    assert first.checks["status"].status in ("indeterminate", "warning")
    later = verifier.verify(vc, now=NOW)  # the network answers honestly again
    assert not later.verified
    assert "CREDENTIAL_REVOKED" in later.codes


def test_a_verified_list_is_still_kept() -> None:
    answers = [revocations(7)]
    vc = issue(DEMO, key=KEY, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT)
    verifier = Verifier(status_loader=lambda url: answers.pop(0))
    for _ in range(3):  # a second load would pop an empty list and be indeterminate
        assert "CREDENTIAL_REVOKED" in verifier.verify(vc, now=NOW).codes
