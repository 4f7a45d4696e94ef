"""`Verifier.verify_many(workers=N)`: chunks of documents verified in N worker processes,
results in input order.

Workers are forked from this process, so the Verifier's loader, resolver and callables
never need to pickle: each worker inherits the Verifier as it was when the run started.
Documents are read a window at a time (`WINDOW_CHUNKS` chunks per worker) and a pool is
forked for each window, so workers inherit the documents instead of unpickling them; only
results travel back. Before each fork, this process loads the status lists the window names
through the Verifier's status loader (cached, so once per run) and resolves the keys its
Data Integrity proofs name (the resolver's cache, which workers inherit): the caller's
loader and resolver do not run again in workers. Each worker verifies each list once per
window. A chunk a worker cannot return (a worker died, a result that does not pickle), or
a window whose pool cannot start, is verified in this process instead: the run never
raises and never skips a document.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

from microcred.errors import InvalidOptionError, StatusRetrievalError
from microcred.ordered import in_order
from microcred.result import VerificationResult
from microcred.status.check import status_entries
from microcred.status.lists import ListMemo, StatusListLoader
from microcred.vcdm import as_list

if TYPE_CHECKING:
    from microcred.verification.verifier import Verifier

__all__ = ["CHUNK_SIZE", "WINDOW_CHUNKS", "require_fork", "verify_in_workers"]

CHUNK_SIZE = 32
"""Documents a worker verifies per task."""
WINDOW_CHUNKS = 32
"""Chunks per worker in one window: the documents read ahead and forked with each pool."""


@dataclass(frozen=True, slots=True)
class _LoadFailed:
    """The status loader raised for a URL: the worker reports it as the loader's failure."""

    message: str


_Slice = tuple[str, int, int]
"""(run token, start, stop): documents of the run's current window a worker verifies."""


class _RunLists:
    """A worker's status loader: the lists this process loaded for the run (workers inherit
    them at each fork), each kept as one object while its content stays the same, so a
    worker's run memo verifies it once; other URLs go to the Verifier's own loader."""

    def __init__(self, fallback: StatusListLoader) -> None:
        self.fallback = fallback
        self._lists: dict[str, Any] = {}

    def load_named(self, window: Sequence[Any]) -> None:
        """Every status list the window's credentials name, as the Verifier's loader gives
        it now (a failure is kept as such: the worker reports the loader's message)."""
        for url in _named(window, _status_lists):
            document: Any
            try:
                document = self.fallback(url)
            except Exception as error:  # the caller's loader may raise anything
                document = _LoadFailed(str(error))
            try:
                same = self._lists.get(url) == document
            except Exception:  # a caller's loader may give anything (nested too deep, ...)
                same = False
            if not same:
                self._lists[url] = document

    def __call__(self, url: str, /) -> Any:
        found = self._lists.get(url)
        if isinstance(found, _LoadFailed):
            raise StatusRetrievalError(found.message)
        return found if found is not None else self.fallback(url)


@dataclass(slots=True)
class _Run:
    """What each forked worker verifies with: the Verifier on the run's lists, and the
    window of documents it was forked with."""

    verifier: Verifier
    now: datetime
    purpose: str
    window: Sequence[Any] = ()
    memo: ListMemo = dataclasses.field(default_factory=ListMemo)  # each worker's own copy


_runs: dict[str, _Run] = {}  # set before each window's pool forks: its workers inherit it


def verify_in_workers(
    verifier: Verifier,
    documents: Iterable[Any],
    now: datetime,
    purpose: str,
    workers: int,
) -> Iterator[VerificationResult]:
    """One result per document, in input order, verified by `workers` forked processes
    (this OS must fork: `require_fork()` says so when the run is asked for)."""
    loader = verifier.settings.status_loader
    lists = _RunLists(loader) if loader is not None else None
    token = uuid.uuid4().hex
    in_worker = verifier if lists is None else verifier._with_status_loader(lists)
    run = _runs[token] = _Run(in_worker, now, purpose)
    here = ListMemo()  # for slices this process verifies itself
    iterator, chunk_size = iter(documents), CHUNK_SIZE
    try:
        while window := list(islice(iterator, chunk_size * workers * WINDOW_CHUNKS)):
            if len(window) <= chunk_size:  # one chunk: verified here sooner than forked
                yield from verifier._verify_run(window, now, purpose, here)
                continue
            run.window, run.memo = window, ListMemo()
            if lists is not None:
                lists.load_named(window)
            _resolve_keys(window, verifier.settings.resolver)
            gc.freeze()  # forked workers then never walk (and copy) what they inherit
            slices = [
                (token, start, min(start + chunk_size, len(window)))
                for start in range(0, len(window), chunk_size)
            ]
            done = 0
            try:
                for result in _forked(verifier, run, slices, workers, here):
                    done += 1  # counted before it is handed over: never verified twice
                    yield result
            except Exception:  # no pool here (fork refused, a daemonic process, ...)
                yield from verifier._verify_run(window[done:], now, purpose, here)
    finally:
        gc.unfreeze()
        del _runs[token]


def require_fork() -> None:
    """Workers are forked: where processes cannot fork (Windows), `workers` > 1 is refused."""
    if "fork" not in multiprocessing.get_all_start_methods():
        raise InvalidOptionError("workers > 1 needs processes started by fork (Linux, macOS)")


def _forked(
    verifier: Verifier, run: _Run, slices: list[_Slice], workers: int, here: ListMemo
) -> Iterator[VerificationResult]:
    """The run's window verified by a pool forked for it, results in order; a slice a
    worker could not return is verified in this process (by `verifier`, with `here`)."""
    window = run.window
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for (_, start, stop), future in in_order(pool, _verify_slice, slices, len(slices)):
            try:
                returned = future.result()
            except Exception:  # a worker died, or a result did not pickle
                yield from verifier._verify_run(window[start:stop], run.now, run.purpose, here)
                continue
            for document, (result, same) in zip(window[start:stop], returned, strict=True):
                yield dataclasses.replace(result, document=document) if same else result


def _verify_slice(where: _Slice) -> list[tuple[VerificationResult, bool]]:
    """What a worker runs: each result, with `document` left out (and True) when it is the
    document of the window, which the parent holds too."""
    token, start, stop = where
    run = _runs[token]
    documents = run.window[start:stop]
    results = run.verifier._verify_run(documents, run.now, run.purpose, run.memo)
    return [
        (dataclasses.replace(result, document=None), True)
        if result.document is not None and result.document is document
        else (result, False)
        for document, result in zip(documents, results, strict=True)
    ]


def _resolve_keys(window: Sequence[Any], resolver: Any) -> None:
    """Each key the window's Data Integrity proofs name, resolved here before the workers
    fork: they inherit the resolver's cache, so a caller's resolver runs once per key."""
    for method in _named(window, _proof_methods):
        try:
            resolver(method)
        except Exception:  # the worker meets the same failure and reports it
            continue


def _named(window: Sequence[Any], names: Callable[[Mapping[str, Any]], Iterator[Any]]) -> list[str]:
    """The URLs `names` finds in the window's JSON objects, once each, sorted; a document
    it cannot read is left to its worker, which reports what is wrong with it."""
    found: set[str] = set()
    for document in window:
        if isinstance(document, Mapping):
            try:
                found.update(url for url in names(document) if isinstance(url, str))
            except Exception:
                continue
    return sorted(found)


def _proof_methods(document: Mapping[str, Any]) -> Iterator[Any]:
    for proof in as_list(document.get("proof")):
        if isinstance(proof, Mapping):
            yield proof.get("verificationMethod")


def _status_lists(document: Mapping[str, Any]) -> Iterator[Any]:
    for entry, _ in status_entries(document):
        if isinstance(entry, Mapping):
            yield entry.get("statusListCredential")
