"""Status list credentials kept across verifications: a `Verifier` loads each list once per
its time to live (BSL §2.2 `ttl`, 5 minutes when absent) and never past its `validUntil`.

What is kept is the list as loaded, not a verdict: every verification verifies it again
(proof, issuer, validity at that call's `now`), so a cached list can never be trusted more
than a fresh one. Failures are not kept: a passing outage is asked again next time, and a
list that did not verify is forgotten (`forget`), whatever `ttl` it claims.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from microcred.status.lists import StatusListLoader
from microcred.timestamps import parse_timestamp

__all__ = ["DEFAULT_TTL_MS", "StatusListCache"]

DEFAULT_TTL_MS = 300_000
"""BSL §2.2: a list without `ttl` may be kept for 5 minutes (300,000 ms)."""
_MAX_ENTRIES = 256


class StatusListCache:
    """A `StatusListLoader` that remembers what `loader` returned for each URL while it is
    fresh; least recently used lists go first beyond `max_entries`. Thread-safe."""

    def __init__(
        self,
        loader: StatusListLoader,
        *,
        max_entries: int = _MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._loader, self._max_entries = loader, max_entries
        self._clock, self._wall_clock = clock, wall_clock
        self._entries: OrderedDict[str, tuple[Any, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, url: str, /) -> Any:
        now = self._clock()
        with self._lock:
            cached = self._entries.get(url)
            if cached is not None and now < cached[1]:
                self._entries.move_to_end(url)
                return cached[0]
        document = self._loader(url)  # may raise: nothing is kept then
        if isinstance(document, Mapping):
            seconds = self._fresh_for(document)
            if seconds > 0:
                with self._lock:
                    self._entries[url] = (document, now + seconds)
                    self._entries.move_to_end(url)
                    while len(self._entries) > self._max_entries:
                        self._entries.popitem(last=False)
        return document

    def _fresh_for(self, document: Mapping[str, Any]) -> float:
        """Seconds the list may be kept: its ttl, cut at its validUntil."""
        subject = document.get("credentialSubject")
        ttl = subject.get("ttl") if isinstance(subject, Mapping) else None
        milliseconds = ttl if type(ttl) is int and ttl >= 0 else DEFAULT_TTL_MS
        seconds: float = milliseconds / 1000
        until = parse_timestamp(document.get("validUntil"))
        if until is not None:
            seconds = min(seconds, (until - self._wall_clock()).total_seconds())
        return seconds

    def forget(self, url: str, /) -> None:
        """Drop the list kept for `url` (it did not verify): the next call loads it again."""
        with self._lock:
            self._entries.pop(url, None)

    def clear(self) -> None:
        """Forget every kept list."""
        with self._lock:
            self._entries.clear()
