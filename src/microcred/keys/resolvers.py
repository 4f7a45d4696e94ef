"""KeyResolver combinators: an in-memory cache, and a chain that tries one method after another.

`chain_resolvers(resolve_did_key, CachingResolver(DidWebResolver(fetch)))` verifies
credentials signed with did:key and did:web keys alike, fetching each did:web key once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from microcred.errors import InvalidOptionError
from microcred.keys.did_jwk import resolve_did_jwk
from microcred.keys.did_key import (
    KeyResolver,
    ResolutionFailure,
    ResolutionFailureCode,
    VerificationMethod,
    resolve_did_key,
)

__all__ = ["CachingResolver", "chain_resolvers", "resolve_offline"]


class CachingResolver:
    """Remembers resolved verification methods, so a DID document is fetched once per key.

    Only successes are cached: a failure (often a passing network outage) is asked again next
    time rather than kept as a lasting verdict. At most `max_entries` methods are kept (least
    recently used go first), each for `ttl` seconds when given, so a rotated key is re-read.
    Thread-safe; `clear()` forgets everything.
    """

    __slots__ = ("_clock", "_entries", "_lock", "_max_entries", "_resolver", "_ttl")

    def __init__(
        self,
        resolver: KeyResolver,
        *,
        max_entries: int = 256,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(max_entries, int) or max_entries < 1:
            raise InvalidOptionError("max_entries must be a positive integer")
        if ttl is not None and not ttl > 0:
            raise InvalidOptionError("ttl must be a positive number of seconds (or None)")
        self._resolver = resolver
        self._max_entries = max_entries
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, tuple[VerificationMethod, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        """The cached method for `url` if fresh, else the wrapped resolver's answer."""
        if not isinstance(url, str):
            return self._resolver(url)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(url)
            if cached is not None and (self._ttl is None or now < cached[1]):
                self._entries.move_to_end(url)
                return cached[0]
        resolved = self._resolver(url)
        if isinstance(resolved, VerificationMethod):
            expires = now + self._ttl if self._ttl is not None else 0.0
            with self._lock:
                self._entries[url] = (resolved, expires)
                self._entries.move_to_end(url)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return resolved

    def clear(self) -> None:
        """Forget every cached verification method."""
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True, slots=True)
class _ResolverChain:
    resolvers: tuple[KeyResolver, ...]

    def __call__(self, url: str) -> VerificationMethod | ResolutionFailure:
        first, *others = self.resolvers
        result = unsupported = first(url)
        for resolver in others:
            if not _not_supported(result):
                return result
            result = resolver(url)
        # no resolver handles the method: the first one's words, which name it
        return unsupported if _not_supported(result) else result


def _not_supported(result: VerificationMethod | ResolutionFailure) -> bool:
    return (
        isinstance(result, ResolutionFailure)
        and result.code == ResolutionFailureCode.METHOD_NOT_SUPPORTED
    )


def chain_resolvers(*resolvers: KeyResolver) -> KeyResolver:
    """A KeyResolver asking each resolver in turn, passing over METHOD_NOT_SUPPORTED only:
    any other failure (a did:web key that is not in its document) is the answer."""
    if not resolvers:
        raise InvalidOptionError("chain_resolvers needs at least one resolver")
    if not all(callable(resolver) for resolver in resolvers):
        raise InvalidOptionError("every resolver must be callable: url -> VerificationMethod")
    return _ResolverChain(resolvers)


resolve_offline: KeyResolver = chain_resolvers(resolve_did_key, resolve_did_jwk)
"""The default KeyResolver: the DID methods that need no network, did:key and did:jwk."""
