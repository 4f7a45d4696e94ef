"""verify_many(workers=N): the same verdicts as one process, in input order; the caller's
status loader and resolver run once per list and key for the whole run (in this process,
before workers fork); a worker that dies costs time, never a verdict."""

from __future__ import annotations

import copy
import gc
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import microcred.verification.parallel as parallel
from microcred.errors import InvalidOptionError
from microcred.keys.did_key import resolve_did_key
from microcred.result import VerificationResult
from microcred.verification.verifier import Verifier, verify_many
from tests.test_verify_many import PER_ISSUER, REVOKED, Counting, _issuer

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="workers > 1 forks processes; this OS cannot fork"
)
Cohort = tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]


@pytest.fixture
def now() -> datetime:
    """One moment for both runs a test compares (their results say when they ran)."""
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    credentials: list[dict[str, Any]] = []
    lists: dict[str, dict[str, Any]] = {}
    for n in range(3):
        issued, url, signed = _issuer(n)
        credentials += issued
        lists[url] = signed
    return credentials, lists


def _mixed(credentials: list[dict[str, Any]]) -> list[Any]:
    """Good, revoked, tampered, foreign and non-credential documents, interleaved."""
    tampered = copy.deepcopy(credentials[2])
    tampered["credentialSubject"]["fullName"] = {"en": "Someone Else"}
    unknown_list = copy.deepcopy(credentials[3])
    unknown_list["credentialStatus"]["statusListCredential"] = "https://nowhere.example/9"
    odd: list[Any] = [tampered, unknown_list, {"not": "a credential"}, 42, None, "eyJ.x.y", []]
    documents: list[Any] = []
    for i, credential in enumerate(credentials):
        documents.append(credential)
        if i % 5 == 0 and odd:
            documents.append(odd.pop())
    return documents + odd


def _verdicts(results: list[VerificationResult]) -> list[dict[str, Any]]:
    return [r.to_dict() | {"document": r.document} for r in results]


class FailingUnknown(Counting):
    """Counting, and a loader that fails for a URL it does not hold."""

    def load(self, url: str) -> Any:
        if url not in self.lists:
            self.loads[url] += 1
            raise OSError(f"no such list: {url}")
        return super().load(url)


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_verdicts_of_one_process_in_order(
    cohort: Cohort, workers: int, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 4)  # many chunks and several windows
    monkeypatch.setattr(parallel, "WINDOW_CHUNKS", 2)
    credentials, lists = cohort
    documents = _mixed(credentials)
    one = FailingUnknown(lists)
    alone = list(
        Verifier(resolver=one.resolve, status_loader=one.load).verify_many(documents, now=now)
    )
    many = FailingUnknown(lists)
    verifier = Verifier(resolver=many.resolve, status_loader=many.load)
    results = list(verifier.verify_many(iter(documents), now=now, workers=workers))

    assert _verdicts(results) == _verdicts(alone)

    def kept(results: list[VerificationResult]) -> list[bool]:  # the caller's own object
        pairs = zip(results, documents, strict=True)
        return [r.document is not None and r.document is d for r, d in pairs]

    assert kept(results) == kept(alone)
    expected = [i % PER_ISSUER != REVOKED for i in range(len(credentials))]
    assert [r.verified for r, d in zip(results, documents, strict=True) if d in credentials] == (
        expected
    )
    assert gc.get_freeze_count() == 0  # the run froze the heap only while it forked workers

    methods = {c["proof"]["verificationMethod"] for c in credentials}
    assert many.resolved == Counter(dict.fromkeys(methods, 1))  # once for the whole run
    assert many.loads == Counter(dict.fromkeys([*lists, "https://nowhere.example/9"], 1))


_DIE_AT: dict[str, Any] = {}
_verify_slice = parallel._verify_slice


def _dies_at_its_marked_document(where: tuple[str, int, int]) -> Any:
    """A worker's task (module level, so it pickles by name) that kills its worker when its
    chunk starts with the marked document."""
    if parallel._runs[where[0]].window[where[1]] is _DIE_AT.get("document"):
        os._exit(1)
    return _verify_slice(where)


def test_a_worker_that_dies_costs_time_not_verdicts(
    cohort: Cohort, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-run (os._exit, as the OOM killer would) breaks its pool: every
    chunk it left is verified in this process, with the same verdicts."""
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 4)
    monkeypatch.setattr(parallel, "WINDOW_CHUNKS", 3)
    credentials, lists = cohort
    monkeypatch.setattr(parallel, "_verify_slice", _dies_at_its_marked_document)
    monkeypatch.setitem(_DIE_AT, "document", credentials[8])
    here = Counter[int]()
    real_run = Verifier._verify_run

    def counted(self: Verifier, documents: Any, *args: Any) -> Any:
        here[os.getpid()] += len(documents)
        return real_run(self, documents, *args)

    monkeypatch.setattr(Verifier, "_verify_run", counted)
    counting = Counting(lists)
    verifier = Verifier(status_loader=counting.load)
    results = list(verify_many(credentials, verifier=verifier, now=now, workers=2))
    assert 4 <= here[os.getpid()] < len(credentials)  # the broken pool's chunks, here
    alone = list(verify_many(credentials, verifier=verifier, now=now))
    assert _verdicts(results) == _verdicts(alone)
    assert all(r.document is c for r, c in zip(results, credentials, strict=True) if r.verified)


class RefusedFork(ProcessPoolExecutor):
    """A pool whose third task of the run cannot start a worker (fork refused, or this
    process is a daemonic worker of another pool, where multiprocessing refuses children)."""

    submitted = 0

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        RefusedFork.submitted += 1
        if RefusedFork.submitted == 3:
            raise OSError("[Errno 11] Resource temporarily unavailable: fork")
        return super().submit(*args, **kwargs)


def test_a_pool_that_cannot_start_costs_time_not_verdicts(
    cohort: Cohort, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 4)
    monkeypatch.setattr(parallel, "WINDOW_CHUNKS", 2)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", RefusedFork)
    monkeypatch.setattr(RefusedFork, "submitted", 0)
    credentials, lists = cohort
    verifier = Verifier(status_loader=Counting(lists).load)
    results = list(verify_many(credentials, verifier=verifier, now=now, workers=2))
    assert RefusedFork.submitted == 3 + 4  # the first window fell back, the second forked
    assert _verdicts(results) == _verdicts(list(verifier.verify_many(credentials, now=now)))
    assert gc.get_freeze_count() == 0 and not parallel._runs


def test_stopping_early_ends_the_run(cohort: Cohort, now: datetime) -> None:
    credentials, lists = cohort
    verifier = Verifier(status_loader=Counting(lists).load)
    results = verifier.verify_many(credentials, now=now, workers=2)
    assert isinstance(results, Iterator)
    first = next(results)
    assert first.verified
    results.close()  # type: ignore[attr-defined]
    assert gc.get_freeze_count() == 0 and not parallel._runs


def test_nothing_to_verify_starts_no_worker() -> None:
    assert list(verify_many(iter([]), workers=2)) == []


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_workers_is_a_positive_integer(workers: Any) -> None:
    with pytest.raises(InvalidOptionError, match="workers"):
        verify_many([], workers=workers)


def test_an_os_that_cannot_fork_refuses_workers_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused at the call, as every bad option is, not at the first result."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with pytest.raises(InvalidOptionError, match="fork"):
        verify_many(iter([{}]), workers=2)
    assert len(list(verify_many(iter([{}]), workers=1))) == 1


def test_results_pickle_as_they_are(cohort: Cohort, now: datetime) -> None:
    """What workers send back: a result (its mapping proxies too) survives pickling."""
    import pickle

    credentials, lists = cohort
    result = Verifier(resolver=resolve_did_key, status_loader=Counting(lists).load).verify(
        credentials[REVOKED], now=now
    )
    copied = pickle.loads(pickle.dumps(result))
    assert copied == result and copied.to_dict() == result.to_dict()
    assert not copied.verified and "CREDENTIAL_REVOKED" in copied.codes


class Exploding(dict[str, Any]):
    """A mapping whose reads raise: the peek before forking must not stop the run."""

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError("boom")


def test_hostile_documents_and_lists_never_stop_the_run(cohort: Cohort, now: datetime) -> None:
    credentials, lists = cohort
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    bad_list = copy.deepcopy(credentials[0])
    bad_list["credentialStatus"]["statusListCredential"] = "https://deep.example/1"

    def load(url: str) -> Any:
        return {"nested": deep} if url == "https://deep.example/1" else lists[url]

    documents: list[Any] = [Exploding(credentials[1]), bad_list, credentials[2], {"proof": deep}]
    verifier = Verifier(status_loader=load)
    alone = list(verifier.verify_many(documents, now=now))
    results = list(verifier.verify_many(documents, now=now, workers=2))
    assert (
        [r.verified for r in results]
        == [r.verified for r in alone]
        == [
            False,
            False,
            True,
            False,
        ]
    )
    assert [r.codes for r in results] == [r.codes for r in alone]


def test_ten_thousand_documents_of_three_issuers_load_each_list_and_key_once(
    cohort: Cohort, now: datetime
) -> None:
    """The issue's run: 10,000 credentials of 3 issuers (each issuer's 12 repeated), with
    two workers over five windows: every list loaded once and every key resolved once, by
    the test's loader and resolver, and every verdict the one its credential gets alone."""
    credentials, lists = cohort
    documents = [credentials[i % len(credentials)] for i in range(10_000)]
    counting = Counting(lists)
    verifier = Verifier(resolver=counting.resolve, status_loader=counting.load)
    verdicts = [r.verified for r in verifier.verify_many(iter(documents), now=now, workers=2)]
    assert verdicts == [(i % len(credentials)) % PER_ISSUER != REVOKED for i in range(10_000)]
    methods = {c["proof"]["verificationMethod"] for c in credentials}
    assert counting.resolved == Counter(dict.fromkeys(methods, 1))
    assert counting.loads == Counter(dict.fromkeys(lists, 1))


def test_the_conformance_corpus_gets_its_verdicts_from_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every case of the bundled corpus (vc+jwt, SD-JWT, tampered, expired, ...) through
    two workers: the manifest's verdict and codes, and the whole result of one process."""
    from microcred.strict_json import parse_json
    from microcred.testing.corpus import bundled_corpus, load_cases

    monkeypatch.setattr(parallel, "CHUNK_SIZE", 2)
    root = bundled_corpus()
    moment, cases = load_cases(root)
    documents = [
        (root / case.file).read_text(encoding="utf-8").strip()
        if case.file.endswith(".jwt")
        else parse_json((root / case.file).read_bytes())
        for case in cases
    ]
    results = list(verify_many(documents, now=moment, workers=2))
    assert [
        (r.verified, case.codes <= r.codes) for r, case in zip(results, cases, strict=True)
    ] == [(case.verified, True) for case in cases]
    assert _verdicts(results) == _verdicts(list(verify_many(documents, now=moment)))


def test_every_reference_document_gets_the_result_of_one_process(
    reference_dir: Path, reference_loader: Any, now: datetime
) -> None:
    """All JSON and JWT files of ../shared/reference (spec examples, EDCs, Open Badges,
    status lists, ...) through two workers with the reference contexts: each result, whole,
    as one process gives it; their results pickle."""
    from microcred.errors import MicrocredError
    from microcred.strict_json import parse_json

    documents: list[Any] = []
    for path in sorted(reference_dir.rglob("*")):
        if path.suffix == ".jwt":
            documents.append(path.read_text(encoding="utf-8").strip())
        elif path.suffix == ".json":
            try:
                documents.append(parse_json(path.read_bytes()))
            except MicrocredError:
                continue
    assert len(documents) > 300
    verifier = Verifier(loader=reference_loader)
    results = list(verifier.verify_many(documents, now=now, workers=2))
    assert _verdicts(results) == _verdicts(list(verifier.verify_many(documents, now=now)))
    proofs = Counter(r.checks["proof"].status.value for r in results if "proof" in r.checks)
    assert proofs["passed"] >= 10 and proofs["failed"] >= 10, proofs  # the vectors' signatures
