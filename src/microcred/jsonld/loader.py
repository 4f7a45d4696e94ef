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
from typing import Any, Protocol, TypedDict

from microcred.errors import InvalidContextError, UnknownContextError

__all__ = [
    "BundledLoader",
    "ContextCache",
    "DocumentLoader",
    "RemoteDocument",
    "StaticLoader",
    "bundled_context_urls",
    "chain",
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

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(self._documents)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        try:
            document = self._documents[url]
        except KeyError:
            raise UnknownContextError(url) from None
        return _remote(url, copy.deepcopy(document))  # pyld may edit what it is given


class BundledLoader(StaticLoader):
    """The default loader: the bundled contexts (credentials v1/v2, data integrity, multikey,
    DID, status list, microcred) plus any `extra` documents the caller pins; no network."""

    def __init__(self, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__({**_bundled(), **(extra or {})})
        # pyld's processed-context cache for this loader's (immutable) documents: processing
        # each context once per loader, not once per document, is most of JSON-LD's cost.
        self.context_cache = ContextCache()
        # The direct JSON-LD -> RDF path (jsonld.fast) memoises active contexts here.
        self.memo: dict[Any, Any] = {}


class _Chain:
    def __init__(self, loaders: tuple[DocumentLoader, ...]) -> None:
        self.loaders = loaders

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
