"""Offline JSON-LD document loading: bundled, hash-pinned contexts and nothing else by default.

A `DocumentLoader` has pyld's shape (`(url, options) -> RemoteDocument`) so it passes straight
through to pyld. `BundledLoader` never touches the network; a caller who wants more hands in
its own loader, chained after the bundled one.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Protocol, TypedDict

from microcred.errors import InvalidContextError, InvalidOptionError, UnknownContextError

__all__ = [
    "BundledLoader",
    "ContextCache",
    "DocumentLoader",
    "RemoteDocument",
    "StaticLoader",
    "bundled_context_urls",
    "chain",
    "default_loader",
    "pinned_contexts",
    "pinned_first",
]


class RemoteDocument(TypedDict):
    """pyld's RemoteDocument: what a loader returns for a URL."""

    contentType: str
    contextUrl: str | None
    documentUrl: str
    document: Any


class DocumentLoader(Protocol):
    """Anything that maps a URL to a `RemoteDocument` or raises `UnknownContextError`."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument: ...


def _remote(url: str, document: Any) -> RemoteDocument:
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


@cache
def _bundled() -> Mapping[str, Any]:
    """URL -> parsed context, read once per process; each file is checked against its SHA-256."""
    folder = resources.files("microcred.contexts")
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    documents: dict[str, Any] = {}
    for url, entry in index.items():
        raw = (folder / entry["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise InvalidContextError(
                f"bundled context {entry['file']} does not match its pinned SHA-256", context=url
            )
        documents[url] = json.loads(raw)
    return documents


def bundled_context_urls() -> frozenset[str]:
    """The context URLs microcred ships and serves without any network access."""
    return frozenset(_bundled())


class ContextCache(OrderedDict[str, Any]):
    """A bounded least-recently-used map for pyld's resolved contexts (its `shared_cache`)."""

    def __init__(self, maxsize: int = 256) -> None:
        super().__init__()
        self.maxsize = maxsize

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            self.move_to_end(key)
        return super().get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


class StaticLoader:
    """Serves a fixed URL -> document mapping and refuses every other URL."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = dict(documents)
        # pyld's processed contexts and the direct path's active contexts (jsonld.compacted)
        # for these fixed documents: processing each context once per loader, not once per
        # document, is most of JSON-LD's cost.
        self.context_cache = ContextCache()
        self.memo: dict[Any, Any] = {}

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    @property
    def documents(self) -> Mapping[str, Any]:
        """The pinned URL -> document mapping (read-only view)."""
        return MappingProxyType(self._documents)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        try:
            document = self._documents[url]
        except KeyError:
            raise UnknownContextError(url) from None
        return _remote(url, copy.deepcopy(document))  # pyld may edit what it is given


class BundledLoader(StaticLoader):
    """The default loader: the bundled contexts (credentials v1/v2, data integrity, multikey,
    DID, status list, microcred) plus any `extra` documents the caller pins; no network.

    A bundled URL keeps its pinned document: an `extra` document for it must be the same,
    unless the caller opts out with `replace_pinned=True` (e.g. to test a context draft).
    """

    def __init__(
        self, extra: Mapping[str, Any] | None = None, *, replace_pinned: bool = False
    ) -> None:
        bundled = _bundled()
        for url, document in (extra or {}).items():
            if url in bundled and document != bundled[url] and not replace_pinned:
                raise InvalidOptionError(
                    f"{url} is a pinned context: a loader cannot replace it "
                    "(BundledLoader(..., replace_pinned=True) opts out)",
                    path=(url,),
                )
        super().__init__({**bundled, **(extra or {})})


class _Chain:
    def __init__(self, loaders: tuple[DocumentLoader, ...]) -> None:
        self.loaders = loaders
        self.context_cache = ContextCache()
        self.memo: dict[Any, Any] = {}

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        for loader in self.loaders:
            try:
                return loader(url, options)
            except UnknownContextError:
                continue
        raise UnknownContextError(url)


def chain(*loaders: DocumentLoader) -> DocumentLoader:
    """A loader that asks each loader in turn; the first one that knows the URL answers.

    Put `BundledLoader()` first so a caller's loader can add URLs but never replace a pinned one.
    """
    return _Chain(loaders)


def pinned_contexts(loader: DocumentLoader) -> Mapping[str, Any]:
    """URL -> document of every context pinned in `loader` (its fixed mappings, through
    chains) and the bundled ones: what an inline copy of a context may be read as."""
    found: dict[str, Any] = {}
    for part in reversed(getattr(loader, "loaders", (loader,))):
        if isinstance(part, StaticLoader):
            found.update(part.documents)
    return {**found, **_bundled()}


@cache
def default_loader() -> BundledLoader:
    """The shared bundled loader; it caches processed contexts, so reuse makes JSON-LD fast."""
    return BundledLoader()


def pinned_first(loader: DocumentLoader | None) -> DocumentLoader:
    """The loader verification uses: the bundled contexts first, so a caller's loader can add
    contexts but never replace a pinned one (a BundledLoader, or a chain that starts with
    one, is used as it is: its pins are the caller's explicit choice)."""
    if loader is None:
        return default_loader()
    first = getattr(loader, "loaders", (loader,))[0]
    return loader if isinstance(first, BundledLoader) else chain(default_loader(), loader)
