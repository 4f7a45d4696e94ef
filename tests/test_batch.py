"""issue_many: input order, one outcome per item, a bad item does not stop the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.batch import Issued, IssueFailure, issue_many
from microcred.keys.keypair import KeyPair
from microcred.status.bitstring import IndexAllocator, StatusList
from microcred.status.credential import status_entry, status_list_credential

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text()
)


def _cohort(size: int, bad: int) -> list[dict[str, Any]]:
    items = []
    for i in range(size):
        learner = {**EXAMPLE["learner"], "fullName": {"en": f"Learner {i}"}}
        items.append(
            {**EXAMPLE, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}", "learner": learner}
        )
    items[bad] = {**items[bad], "workload": {**items[bad]["workload"], "ects": -1}}
    return items


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_in_input_order_and_the_bad_item_is_named(workers: int) -> None:
    key = KeyPair.generate("Ed25519")
    progress: list[int] = []
    outcomes = issue_many(
        _cohort(12, bad=7), key=key, workers=workers, chunk_size=5, progress=progress.append
    )
    assert [o.index for o in outcomes] == list(range(12))
    assert progress[-1] == 12
    failure = outcomes[7]
    assert isinstance(failure, IssueFailure)
    assert failure.code == "INVALID_MICROCREDENTIAL"
    assert [e.path for e in failure.errors] == [("workload", "ects")]
    assert failure.to_dict()["errors"][0]["path"] == ["workload", "ects"]
    for outcome in outcomes:
        if isinstance(outcome, Issued):
            assert outcome.credential["credentialSubject"]["fullName"] == {
                "en": f"Learner {outcome.index}"
            }
            assert api.verify(outcome.credential).verified


def test_a_signer_that_is_not_a_key_pair_signs_in_process() -> None:
    class Hsm:
        def __init__(self) -> None:
            self._key = KeyPair.generate("P-256")
            self.key_type = self._key.key_type
            self.verification_method = self._key.verification_method

        def sign(self, data: bytes) -> bytes:
            return self._key.sign(data)

    outcomes = issue_many(_cohort(3, bad=0), key=Hsm(), cryptosuite="ecdsa-rdfc-2019", workers=2)
    assert isinstance(outcomes[0], IssueFailure)
    assert all(isinstance(o, Issued) for o in outcomes[1:])


@pytest.mark.parametrize("workers", [1, 2])
def test_status_entries_come_from_this_process_in_input_order(workers: int) -> None:
    """One allocator in the caller's process: every credential gets its own index, and a
    revoked index revokes exactly that credential."""
    key = KeyPair.generate("Ed25519")
    url = "https://issuer.example/status/7"
    allocator = IndexAllocator()
    given: dict[int, int] = {}

    def status(index: int) -> dict[str, Any]:
        given[index] = allocator.allocate()
        return status_entry(url, given[index], purpose="revocation")

    outcomes = issue_many(_cohort(9, bad=4), key=key, workers=workers, chunk_size=2, status=status)
    assert sorted(given) == list(range(9)) and len(set(given.values())) == 9
    revoked = StatusList()
    revoked.set(given[2])
    status_list = api.sign(
        status_list_credential(revoked, id=url, issuer=key.did, purpose="revocation"), key=key
    )
    for outcome in outcomes:
        if isinstance(outcome, Issued):
            entry = outcome.credential["credentialStatus"]
            assert entry["statusListIndex"] == str(given[outcome.index])
            result = api.verify(outcome.credential, status_loader={url: status_list}.__getitem__)
            assert result.verified is (outcome.index != 2), outcome.index
