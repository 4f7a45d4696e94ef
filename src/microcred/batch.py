"""Batch issuance over any `concurrent.futures.Executor`: a whole cohort, in input order.

The default executor is a process pool on this machine; a Dask `client.get_executor()` (or
any other Executor) spreads the same work over a cluster. Each task carries its key as a
secret Multikey (`KeyPair`) or as a picklable `key_factory`, and workers rebuild the signer
once each; any other `Signer` (an HSM handle) signs in this process. A bad item becomes an
`IssueFailure` carrying its index and the validation problems; it never stops the others.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from microcred.api import issue
from microcred.errors import FieldError, InvalidMicroCredential, InvalidOptionError, MicrocredError
from microcred.keys.keypair import KeyPair, Signer
from microcred.ordered import in_order

if TYPE_CHECKING:
    from microcred.model import MicroCredential

StatusEntries = Mapping[str, Any] | Sequence[Mapping[str, Any]]
KeyFactory = Callable[[], Signer]
"""A picklable callable that builds the signer inside a worker (e.g. a KMS client for one
key id): called once per worker process and run."""

__all__ = ["IssueFailure", "Issued", "KeyFactory", "issue_many", "iter_issued"]

_FOREIGN_IN_FLIGHT = 64  # chunks submitted ahead to an executor whose size we do not know


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

_Job = tuple[int, Any, "StatusEntries | None"]
"""(index in the input, the item, its credentialStatus entries)."""


@dataclass(frozen=True, slots=True)
class _KeySpec:
    """How a worker gets the signer: from a secret Multikey, or from a factory; `token`
    names it in the worker's memo, `method` is the verification method it must have."""

    token: str
    method: str
    secret: str | None = None
    factory: KeyFactory | None = None


@dataclass(frozen=True, slots=True)
class _Task:
    """One chunk of jobs for a worker: everything it needs, picklable."""

    key: _KeySpec
    options: Mapping[str, Any]
    jobs: Sequence[_Job]


_signers: dict[str, Signer] = {}  # per worker process: signers built so far, by token
_signers_lock = threading.Lock()
_MAX_SIGNERS = 8


def _signer(spec: _KeySpec) -> Signer:
    """The worker's signer for `spec`, built once per process (threads share it)."""
    with _signers_lock:
        found = _signers.get(spec.token)
        if found is None:
            if spec.secret is not None:
                found = KeyPair.from_multikey(spec.secret)
            else:
                assert spec.factory is not None
                found = spec.factory()
            if found.verification_method != spec.method:
                raise InvalidOptionError(
                    f"key_factory built a signer for {found.verification_method!r}, "
                    f"not for the key {spec.method!r}"
                )
            if len(_signers) >= _MAX_SIGNERS:
                _signers.clear()
            _signers[spec.token] = found
        return found


def _issue_one(job: _Job, signer: Signer, options: Mapping[str, Any]) -> Outcome:
    index, item, status = job
    try:
        return Issued(index, issue(item, key=signer, status=status, **options))
    except InvalidMicroCredential as error:
        return IssueFailure(index, error.code, error.message, error.errors)
    except MicrocredError as error:
        return IssueFailure(index, error.code, str(error))


def _run_task(task: _Task) -> list[Outcome]:
    """What a worker runs: one chunk, in order (a module-level function, so it pickles)."""
    signer = _signer(task.key)
    return [_issue_one(job, signer, task.options) for job in task.jobs]


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


def _key_spec(key: Signer, key_factory: KeyFactory | None) -> _KeySpec | None:
    """What workers need to sign as `key`, or None when only this process can."""
    if key_factory is not None:
        if not callable(key_factory):
            raise InvalidOptionError("key_factory must be a callable that returns a Signer")
        return _KeySpec(uuid.uuid4().hex, key.verification_method, factory=key_factory)
    if isinstance(key, KeyPair):
        secret = key.export_secret_multikey()
        return _KeySpec("multikey:" + secret, key.verification_method, secret=secret)
    return None


def iter_issued(
    items: Iterable[MicroCredential | Mapping[str, Any]],
    *,
    key: Signer,
    cryptosuite: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    key_factory: KeyFactory | None = None,
    chunk_size: int = 64,
    in_flight: int | None = None,
    status: Callable[[int], StatusEntries | None] | None = None,
) -> Iterator[Outcome]:
    """`issue_many` as a stream: outcomes in input order as soon as each chunk is done;
    items are read, and `status(index)` called, only a bounded window ahead."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidOptionError("chunk_size must be a positive integer")
    options = {"cryptosuite": cryptosuite}
    spec = _key_spec(key, key_factory)
    chunks = _chunks(items, chunk_size, status)
    if executor is None:
        count = (os.cpu_count() or 1) if workers is None else max(1, workers)
        if count == 1 or spec is None:
            for chunk in chunks:
                yield from (_issue_one(job, key, options) for job in chunk)
            return
        with ProcessPoolExecutor(max_workers=count) as pool:
            tasks = (_Task(spec, options, chunk) for chunk in chunks)
            for _, done in in_order(pool, _run_task, tasks, in_flight or 2 * count):
                yield from done.result()
        return
    if spec is None:
        raise InvalidOptionError(
            "this Signer cannot be sent to another process: pass a KeyPair, or a picklable "
            "key_factory that builds the signer in each worker (docs/scale.md)"
        )
    tasks = (_Task(spec, options, chunk) for chunk in chunks)
    for _, done in in_order(executor, _run_task, tasks, in_flight or _FOREIGN_IN_FLIGHT):
        yield from done.result()


def issue_many(
    items: Iterable[MicroCredential | Mapping[str, Any]],
    *,
    key: Signer,
    cryptosuite: str | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    key_factory: KeyFactory | None = None,
    chunk_size: int = 64,
    progress: Callable[[int], None] | None = None,
    status: Callable[[int], StatusEntries | None] | None = None,
) -> list[Outcome]:
    """Issue every item; results in input order, one `Issued` or `IssueFailure` per item.

    `executor`: any `concurrent.futures.Executor` (e.g. Dask's `client.get_executor()`);
    default a process pool of `workers` processes (default one per CPU; 1 = this process).
    Workers get `key` as its secret Multikey, or build the signer with `key_factory`
    (docs/scale.md). `progress` is called with the number of items done so far.
    `status(index)` gives an item's credentialStatus entries (as `issue(status=...)` takes
    them); it runs in this process, in input order, so an `IndexAllocator` behind it needs
    no locking.
    """
    results: list[Outcome] = []
    for outcome in iter_issued(
        items,
        key=key,
        cryptosuite=cryptosuite,
        workers=workers,
        executor=executor,
        key_factory=key_factory,
        chunk_size=chunk_size,
        status=status,
    ):
        results.append(outcome)
        if progress and (len(results) % chunk_size == 0):
            progress(len(results))
    if progress and (not results or len(results) % chunk_size):
        progress(len(results))
    return results
