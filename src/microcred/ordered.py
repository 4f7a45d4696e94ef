"""Chunks of work over a `concurrent.futures.Executor`, results in submission order, with
only a bounded window submitted ahead (so a million items never sit in memory at once).
`issue_many` and `verify_many(workers=N)` both run on it."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

__all__ = ["in_order"]

_T = TypeVar("_T")
_R = TypeVar("_R")


def in_order(
    executor: Executor, run: Callable[[_T], _R], tasks: Iterable[_T], in_flight: int
) -> Iterator[tuple[_T, Future[_R]]]:
    """Each task with its future, in submission order, once at most `in_flight` tasks are
    ahead of it; tasks not yet yielded are cancelled when the caller stops early."""
    pending: deque[tuple[_T, Future[_R]]] = deque()
    try:
        for task in tasks:
            pending.append((task, executor.submit(run, task)))
            if len(pending) >= in_flight:
                yield pending.popleft()
        while pending:
            yield pending.popleft()
    finally:
        for _, future in pending:
            future.cancel()
