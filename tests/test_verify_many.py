"""verify_many: one verdict per document in input order, never raising; each issuer key
and each status list resolved and verified once per run, where a loop of verify() does it
for every credential."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import microcred.verification.embedded as embedded
from microcred import api
from microcred.batch import Issued, issue_many
from microcred.keys.did_key import resolve_did_key
from microcred.keys.keypair import KeyPair
from microcred.status.bitstring import StatusList
from microcred.status.credential import status_entry, status_list_credential
from microcred.verification.verifier import Verifier, verify_many

EXAMPLE = {
    k: v
    for k, v in json.loads(
        (
            Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"
        ).read_text(encoding="utf-8")
    ).items()
    if k != "id"
}
PER_ISSUER = 12
REVOKED = 5  # the sixth credential of each issuer is revoked on its list


def _issuer(n: int, ttl: int | None = None) -> tuple[list[dict[str, Any]], str, dict[str, Any]]:
    """One issuer's credentials (each with an entry on its list), its list URL and list."""
    key = KeyPair.generate("Ed25519")
    url = f"https://issuer{n}.example/status/1"
    status_list = StatusList()
    status_list.set(REVOKED)
    unsigned = status_list_credential(
        status_list,
        id=url,
        issuer=key.did,
        purpose="revocation",
        valid_from=datetime.now(UTC),
        ttl=ttl,
    )
    outcomes = issue_many(
        [
            {**EXAMPLE, "id": f"urn:uuid:00000000-0000-4000-8000-{n:06d}{i:06d}"}
            for i in range(PER_ISSUER)
        ],
        key=key,
        workers=1,
        status=lambda i: status_entry(url, i, purpose="revocation"),
    )
    credentials = [o.credential for o in outcomes if isinstance(o, Issued)]
    assert len(credentials) == PER_ISSUER
    return credentials, url, api.sign(unsigned, key=key)


@pytest.fixture(scope="module")
def cohort() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    credentials, lists = [], {}
    for n in range(3):
        issued, url, signed = _issuer(n)
        credentials += issued
        lists[url] = signed
    return credentials, lists


class Counting:
    """The test's loader and resolver: each answer counted by what was asked for."""

    def __init__(self, lists: dict[str, dict[str, Any]]) -> None:
        self.lists, self.loads, self.resolved = lists, Counter[str](), Counter[str]()

    def load(self, url: str) -> Any:
        self.loads[url] += 1
        return copy.deepcopy(self.lists[url])  # a fresh document, as a fetch would give

    def resolve(self, url: str) -> Any:
        self.resolved[url] += 1
        return resolve_did_key(url)


def test_each_key_and_list_is_resolved_once_and_verdicts_come_in_order(
    cohort: tuple[list[dict[str, Any]], dict[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials, lists = cohort
    tampered = copy.deepcopy(credentials[1])
    tampered["credentialSubject"]["fullName"] = {"en": "Someone Else"}
    documents: list[Any] = [*credentials, tampered, {"not": "a credential"}, 42, None]
    verified_lists = Counter[str]()
    real = embedded.verify_status_list

    def counted(document: Any, call: Any) -> Any:
        verified_lists[document["id"]] += 1
        return real(document, call)

    monkeypatch.setattr(embedded, "verify_status_list", counted)
    counting = Counting(lists)
    verifier = Verifier(resolver=counting.resolve, status_loader=counting.load)
    results = list(verify_many(iter(documents), verifier=verifier))

    assert len(results) == len(documents)
    expected = [i % PER_ISSUER != REVOKED for i in range(len(credentials))]
    assert [r.verified for r in results[: len(credentials)]] == expected
    for i, result in enumerate(results[: len(credentials)]):
        revoked = [p.code for p in result.problems if p.code == "CREDENTIAL_REVOKED"]
        assert revoked == (["CREDENTIAL_REVOKED"] if i % PER_ISSUER == REVOKED else [])
    assert not any(r.verified for r in results[len(credentials) :])
    assert "PROOF_VERIFICATION_ERROR" in {p.code for p in results[len(credentials)].problems}

    methods = {c["proof"]["verificationMethod"] for c in credentials}
    assert counting.resolved == Counter(dict.fromkeys(methods, 1))  # lists share the keys
    assert counting.loads == Counter(dict.fromkeys(lists, 1))
    assert verified_lists == Counter(dict.fromkeys(lists, 1))


def test_a_loop_of_verify_resolves_for_every_credential(
    cohort: tuple[list[dict[str, Any]], dict[str, dict[str, Any]]],
) -> None:
    """The baseline the benchmark compares with: same verdicts, a load per credential."""
    credentials, lists = cohort
    counting = Counting(lists)
    looped = [
        api.verify(c, resolver=counting.resolve, status_loader=counting.load).verified
        for c in credentials
    ]
    batch = [
        r.verified for r in verify_many(credentials, verifier=Verifier(status_loader=counting.load))
    ]
    assert looped == batch
    assert sum(counting.loads.values()) == len(credentials) + len(lists)


def test_a_reloaded_list_is_verified_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run keeps a verdict only for the very document the loader gave: a list with a
    time to live of 0 is loaded for every credential, and verified again each time."""
    credentials, url, signed = _issuer(9, ttl=0)
    lists = {url: signed}
    verified = Counter[str]()
    real = embedded.verify_status_list

    def counted(document: Any, call: Any) -> Any:
        verified[document["id"]] += 1
        return real(document, call)

    monkeypatch.setattr(embedded, "verify_status_list", counted)
    counting = Counting(lists)
    verifier = Verifier(status_loader=counting.load)
    assert all(
        r.verified != (i % PER_ISSUER == REVOKED)
        for i, r in enumerate(verifier.verify_many(credentials))
    )
    assert verified == counting.loads == Counter({url: len(credentials)})


def test_options_are_checked_when_called() -> None:
    with pytest.raises(Exception, match="aware datetime"):
        verify_many([], now=datetime(2030, 1, 1))
