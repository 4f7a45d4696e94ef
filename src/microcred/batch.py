"""Batch issuance over a process pool: a whole cohort at semester end, in input order.

A bad item becomes an `IssueFailure` carrying its index and the validation problems; it
never stops the other items. Workers rebuild the key from its secret Multikey once each,
so only `KeyPair` keys can be spread over processes; any other `Signer` (an HSM handle)
signs in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from microcred.api import issue
from microcred.errors import FieldError, InvalidMicroCredential, MicrocredError
from microcred.keys.keypair import KeyPair, Signer

if TYPE_CHECKING:
    from microcred.model import MicroCredential

StatusEntries = Mapping[str, Any] | Sequence[Mapping[str, Any]]

__all__ = ["IssueFailure", "Issued", "issue_many"]


@dataclass(frozen=True, slots=True)
class Issued:
    """Item `index` was issued: the signed credential."""

    index: int
    credential: dict[str, Any]


@dataclass(frozen=True, slots=True)
class IssueFailure:
    """Item `index` could not be issued: why, and every field problem for invalid input."""

    index: int
    code: str
    message: str
    errors: tuple[FieldError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "code": self.code,
            "message": self.message,
            "errors": [
                {"path": list(e.path), "code": e.code, "message": e.message} for e in self.errors
            ],
        }


Outcome = Issued | IssueFailure

_worker_signer: Signer | None = None
_worker_options: dict[str, Any] = {}


_Job = tuple[int, Any, "StatusEntries | None"]
"""(index in the input, the item, its credentialStatus entries)."""


def _issue_one(job: _Job, signer: Signer, options: Mapping[str, Any]) -> Outcome:
    index, item, status = job
    try:
        return Issued(index, issue(item, key=signer, status=status, **options))
    except InvalidMicroCredential as error:
        return IssueFailure(index, error.code, error.message, error.errors)
    except MicrocredError as error:
        return IssueFailure(index, error.code, str(error))


def _start_worker(secret_multikey: str, options: dict[str, Any]) -> None:
    """Process-pool initializer: one key and one warm loader per worker process."""
    global _worker_signer, _worker_options
    _worker_signer = KeyPair.from_multikey(secret_multikey)
    _worker_options = options


def _work(chunk: Sequence[_Job]) -> list[Outcome]:
    assert _worker_signer is not None, "worker not initialised"
    return [_issue_one(job, _worker_signer, _worker_options) for job in chunk]


def _chunks(
    items: Iterable[Any], size: int, status: Callable[[int], StatusEntries | None] | None
) -> Iterator[list[_Job]]:
    chunk: list[_Job] = []
    for index, item in enumerate(items):
        chunk.append((index, item, status(index) if status else None))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def issue_many(
    items: Iterable[MicroCredential | Mapping[str, Any]],
    *,
    key: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    workers: int | None = None,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    status: Callable[[int], StatusEntries | None] | None = None,
) -> list[Outcome]:
    """Issue every item; results in input order, one `Issued` or `IssueFailure` per item.

    `workers`: processes to use (default: one per CPU; 1 = this process). `progress` is
    called with the number of items done so far. `status(index)` gives an item's
    credentialStatus entries (as `issue(status=...)` takes them); it runs in this process,
    in input order, so an `IndexAllocator` behind it needs no locking.
    """
    options = {"cryptosuite": cryptosuite}
    count = (os.cpu_count() or 1) if workers is None else max(1, workers)
    results: list[Outcome] = []
    if count == 1 or not isinstance(key, KeyPair):
        for chunk in _chunks(items, chunk_size, status):
            results.extend(_issue_one(job, key, options) for job in chunk)
            if progress:
                progress(len(results))
        return results
    with ProcessPoolExecutor(
        max_workers=count,
        initializer=_start_worker,
        initargs=(key.export_secret_multikey(), options),
    ) as pool:
        for done in pool.map(_work, _chunks(items, chunk_size, status)):
            results.extend(done)
            if progress:
                progress(len(results))
    return results
