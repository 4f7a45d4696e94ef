"""Hostile documents are refused by a limit of the one verify() call, each with its own code,
and never reach pyld's general JSON-LD path (quadratic in the values of one property).

Reproductions of the review's high and medium findings. No test here measures time: each
asserts the code that stops the work, that the general path never ran, or what stayed in
memory afterwards.
"""

from __future__ import annotations

import copy
import gc
import json
import threading
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from microcred import BundledLoader, KeyPair, issue, sign, verify, verify_presentation
from microcred.errors import InvalidOptionError, MicrocredError
from microcred.jsonld import compacted, expand
from microcred.jsonld.loader import StaticLoader, chain
from tests.test_poison import clique_credential

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
V2 = "https://www.w3.org/ns/credentials/v2"
MC = "https://w3id.org/microcred/v1"
SIGNED_AT = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def vc(key: KeyPair) -> dict[str, Any]:
    return issue(json.loads(EXAMPLE.read_text("utf-8")), key=key, created=SIGNED_AT)


@pytest.fixture
def no_general_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """verify() must decide without pyld's general JSON-LD path."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pyld's general JSON-LD path ran inside verify()")

    monkeypatch.setattr(expand, "_run", refuse)
    yield


def _many_values(vc: dict[str, Any], push_off: str) -> dict[str, Any]:
    """5,000 values on one property, in a form that left the direct path before."""
    document = copy.deepcopy(vc)
    values = [f"outcome {i}" for i in range(5000)]
    if push_off == "inline context":
        document["@context"] = [V2, MC, {"extra": "https://example.org/extra"}]
        document["credentialSubject"]["extra"] = values
    elif push_off == "@nest":
        document["credentialSubject"]["@nest"] = {"name": values}
    else:
        document["credentialSubject"]["hasClaim"]["title"] = {f"x-{i}!": "t" for i in range(5000)}
    return document


@pytest.mark.parametrize("push_off", ["inline context", "@nest", "bad language tags"])
def test_many_values_off_the_direct_path_never_reach_the_general_path(
    vc: dict[str, Any], push_off: str, no_general_path: None
) -> None:
    result = verify(_many_values(vc, push_off), now=NOW)
    assert not result.verified
    assert result.codes & {"PROOF_VERIFICATION_ERROR", "NON_CANONICAL_FORM"}


def test_a_type_repeated_100000_times_is_refused_and_nothing_stays_in_memory(
    vc: dict[str, Any],
) -> None:
    document = {**vc, "type": ["VerifiableCredential"] * 100_000}
    verify(vc, now=NOW)  # warm the shared loader's memos with the honest shape
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = verify(document, now=NOW)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert not result.verified
    assert "NON_CANONICAL_FORM" in result.codes  # "a type is listed twice"
    assert kept < 1_000_000, f"{kept} bytes stayed in memos after the call"


def test_an_inline_type_scoped_context_of_500_terms_is_refused(vc: dict[str, Any]) -> None:
    scoped = {f"term{i}": f"https://example.org/t{i}" for i in range(500)}
    document = copy.deepcopy(vc)
    document["@context"] = [V2, MC, {"Big": {"@id": "https://example.org/Big", "@context": scoped}}]
    document["credentialSubject"]["hasClaim"]["type"] = ["LearningAchievement", "Big"]
    result = verify(document, now=NOW)
    assert not result.verified
    assert "NON_CANONICAL_FORM" in result.codes
    assert "may only add terms" in str(result.problems)


def test_a_bundled_context_repeated_20000_times_is_refused(vc: dict[str, Any]) -> None:
    result = verify({**vc, "@context": [V2, *[MC] * 20_000]}, now=NOW)
    assert not result.verified
    assert "CONTEXT_LIMIT_EXCEEDED" in result.codes


def test_a_context_listed_twice_is_refused(vc: dict[str, Any]) -> None:
    result = verify({**vc, "@context": [V2, MC, MC]}, now=NOW)
    assert "NON_CANONICAL_FORM" in result.codes


def test_more_than_32_proofs_are_refused_before_any_is_verified(vc: dict[str, Any]) -> None:
    proofs = [{**vc["proof"], "id": f"urn:proof:{i}"} for i in range(200)]
    result = verify({**vc, "proof": proofs}, now=NOW)
    assert result.codes == {"PROOF_LIMIT_EXCEEDED"}


def test_proofs_that_all_name_each_other_as_previous_are_bounded(vc: dict[str, Any]) -> None:
    ids = [f"urn:proof:{i}" for i in range(400)]
    proofs = [{**vc["proof"], "id": i, "previousProof": ids} for i in ids]
    assert "PROOF_LIMIT_EXCEEDED" in verify({**vc, "proof": proofs}, now=NOW).codes
    few = [{**vc["proof"], "id": i, "previousProof": ids[:8]} for i in ids[:8]]
    result = verify({**vc, "proof": few}, now=NOW)
    assert not result.verified  # each signs other content: here, all fail, none raises


def test_one_rdfc_budget_for_every_proof_of_the_call(key: KeyPair) -> None:
    """A 6-node clique costs about 300,000 of the 500,000 units one call may spend: one proof
    verifies, two proofs over it exhaust the budget (each had its own before)."""
    honest = sign(clique_credential(key.did, 6), key=key, created=SIGNED_AT, proof_id="urn:p:1")
    assert verify(honest, now=NOW).verified
    twice = sign(honest, key=key, created=SIGNED_AT, proof_id="urn:p:2")
    result = verify(twice, now=NOW)
    assert not result.verified
    assert "CANONICALIZATION_LIMIT_EXCEEDED" in result.codes


def test_a_duplicated_proof_id_in_a_chain_is_refused(key: KeyPair, vc: dict[str, Any]) -> None:
    chained = sign(vc, key=key, created=SIGNED_AT, proof_id="urn:p:2")
    first = {**chained["proof"][0], "id": "urn:p:1"}
    second = chained["proof"][1]
    decoy = {**first, "proofValue": "z" + "1" * 86}
    result = verify({**vc, "proof": [first, decoy, {**second, "previousProof": "urn:p:1"}]})
    assert not result.verified
    assert "MALFORMED_PROOF_ERROR" in result.codes


def test_a_proof_created_in_2099_is_refused(key: KeyPair, vc: dict[str, Any]) -> None:
    document = {k: v for k, v in vc.items() if k != "proof"}
    future = sign(document, key=key, created=datetime(2099, 1, 1, tzinfo=UTC))
    result = verify(future)
    assert result.codes == {"PROOF_CREATED_IN_FUTURE"}
    assert verify(future, now=datetime(2099, 1, 2, tzinfo=UTC)).verified


@pytest.mark.parametrize("number", [10**21 + 12345, 2**53 + 1, -(2**60)])
def test_rdfc_refuses_integers_readers_would_round(key: KeyPair, number: int) -> None:
    document = {"@context": V2, "type": "VerifiableCredential", "issuer": key.did}
    document["credentialSubject"] = {"id": "did:example:x", "name": number}
    with pytest.raises(MicrocredError, match="2\\*\\*53"):
        sign(document, key=key)


def test_jcs_refuses_integers_readers_would_round(key: KeyPair) -> None:
    document = {"@context": V2, "type": "VerifiableCredential", "issuer": key.did}
    document["credentialSubject"] = {"id": "did:example:x", "name": 9007199254740993}
    with pytest.raises(MicrocredError, match="IEEE 754"):
        sign(document, key=key, cryptosuite="eddsa-jcs-2022")
    signed = sign({**document, "credentialSubject": {"id": "did:example:x", "name": 9}}, key=key)
    signed["credentialSubject"]["name"] = 9007199254740993
    assert not verify(signed).verified


def test_status_entries_of_a_document_that_does_not_verify_are_never_loaded(
    key: KeyPair, vc: dict[str, Any]
) -> None:
    calls: list[str] = []

    def loader(url: str) -> Any:
        calls.append(url)
        raise OSError("offline")

    entries = [
        {"type": "BitstringStatusListEntry", "statusListCredential": f"http://10.0.0.{i % 250}/"}
        for i in range(5000)
    ]
    unsigned = {k: v for k, v in vc.items() if k != "proof"} | {"credentialStatus": entries}
    assert not verify(unsigned, status_loader=loader, now=NOW).verified
    signed = sign(
        {k: v for k, v in vc.items() if k != "proof"} | {"credentialStatus": entries[:17]},
        key=key,
        created=SIGNED_AT,
    )
    result = verify(signed, status_loader=loader, now=NOW)
    assert "STATUS_LIMIT_EXCEEDED" in result.codes
    assert calls == []


def test_a_pinned_context_cannot_be_replaced_through_a_loader(vc: dict[str, Any]) -> None:
    other = {"@context": {"@protected": True, "title": "https://example.org/title"}}
    with pytest.raises(InvalidOptionError, match="pinned"):
        BundledLoader({MC: other})
    assert BundledLoader({MC: other}, replace_pinned=True)  # the explicit, documented opt-out


def test_cli_context_cannot_replace_a_pinned_context(
    vc: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from microcred.cli import main

    (tmp_path / "ctx.json").write_text(json.dumps({"@context": {"title": "urn:t"}}), "utf-8")
    (tmp_path / "vc.json").write_text(json.dumps(vc), "utf-8")
    code = main(["verify", str(tmp_path / "vc.json"), "--context", f"{MC}={tmp_path}/ctx.json"])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_deep_python_nesting_is_a_result_not_an_exception(vc: dict[str, Any]) -> None:
    inner: dict[str, Any] = {}
    deep = {**vc, "credentialSubject": inner}
    for _ in range(100_000):
        inner["hasClaim"] = {}
        inner = inner["hasClaim"]
    result = verify(deep, now=NOW)
    assert not result.verified


def test_a_presentation_of_many_credentials_is_bounded(vc: dict[str, Any]) -> None:
    holder = KeyPair.generate("Ed25519")
    from microcred import present

    vp = present([vc] * 65, key=holder, challenge="c", created=SIGNED_AT)
    result = verify_presentation(vp, challenge="c", now=NOW + timedelta(days=1))
    assert not result.verified
    assert "CREDENTIAL_LIMIT_EXCEEDED" in result.codes


def test_the_general_path_is_linear_in_the_values_of_one_property(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyld's toRdf compared each new value with every value of its property (26 s for
    10,000): the general path now walks the expanded form, so no such comparison runs."""
    from pyld import jsonld as pyld

    from microcred.jsonld.expand import to_rdf

    comparisons = 0
    original = pyld.JsonLdProcessor.compare_values

    def counted(v1: Any, v2: Any) -> Any:
        nonlocal comparisons
        comparisons += 1
        return original(v1, v2)

    monkeypatch.setattr(pyld.JsonLdProcessor, "compare_values", staticmethod(counted))
    document = {
        "@context": [V2, {"extra": "https://example.org/extra"}],
        "id": "urn:x",
        "type": "VerifiableCredential",
        "@nest": {"extra": [f"value {i}" for i in range(10_000)]},  # off the direct path
    }
    dataset = to_rdf(document, direct=False)
    assert len(dataset) == 10_001
    assert comparisons < 100


def _notes(vc: dict[str, Any], count: int, tag: str) -> dict[str, Any]:
    """`count` notes, each with its own additive inline context: one active context each."""
    document = copy.deepcopy(vc)
    document["@context"] = [*document["@context"], {"notes": "https://example.org/notes"}]
    document["credentialSubject"]["notes"] = [
        {"@context": {f"{tag}{i}": f"https://example.org/{tag}{i}"}, f"{tag}{i}": "x"}
        for i in range(count)
    ]
    return document


def test_a_document_needing_more_than_256_active_contexts_is_refused(vc: dict[str, Any]) -> None:
    result = verify(_notes(vc, 300, "many"), now=NOW)
    assert not result.verified
    assert "CONTEXT_LIMIT_EXCEEDED" in result.codes
    assert "256 distinct active contexts" in str(result.problems)
    assert "CONTEXT_LIMIT_EXCEEDED" not in verify(_notes(vc, 200, "fewer"), now=NOW).codes


class _Interleaving(StaticLoader):
    """Serves one context; the first time a walk asks for it, another thread walks `other`
    with this same loader (so the same active contexts) before that walk goes on."""

    URL = "https://example.org/hook/v1"

    def __init__(self) -> None:
        super().__init__({self.URL: {"@context": {"hooked": "https://example.org/hooked"}}})
        self.other: dict[str, Any] | None = None  # armed after a warm-up walk has read the
        self.loader: Any = chain(BundledLoader(), self)  # pinned contexts (this one too)

    def __call__(self, url: str, options: Any = None) -> Any:
        other, self.other = self.other, None
        if other is not None:
            walk = threading.Thread(target=lambda: _walk(other, self.loader))
            walk.start()
            walk.join()
        return super().__call__(url, options)


def _walk(document: dict[str, Any], loader: Any) -> str:
    """What the direct path says of `document`: "ok" or the error code."""
    try:
        compacted.to_rdf(document, loader)
    except MicrocredError as error:
        return error.code
    return "ok"


def _hooked(vc: dict[str, Any], count: int, tag: str) -> dict[str, Any]:
    """`_notes` with the interleaving context half way, so frames are made before and after."""
    document = _notes(vc, count, tag)
    notes = document["credentialSubject"]["notes"]
    notes.insert(count // 2, {"@context": _Interleaving.URL, "hooked": "x"})
    return document


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [(20, 250, "ok"), (300, 20, "CONTEXT_LIMIT_EXCEEDED")],
    ids=["a hostile walk elsewhere", "a benign walk elsewhere"],
)
def test_the_context_limit_is_the_document_s_whatever_other_threads_walk(
    vc: dict[str, Any], mine: int, theirs: int, expected: str
) -> None:
    """One Verifier serves many threads: what a document walked in another thread makes
    neither uses up nor lifts the limit of the document walked in this one."""
    tag = f"t{mine}x{theirs}n"
    hook = _Interleaving()
    assert _walk(_notes(vc, 1, tag + "warm"), hook.loader) == "ok"
    hook.other = _notes(vc, theirs, tag + "other")
    assert _walk(_hooked(vc, mine, tag + "mine"), hook.loader) == expected
    assert hook.other is None  # the other walk did run in the middle of this one
