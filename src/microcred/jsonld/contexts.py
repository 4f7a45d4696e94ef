"""Active contexts for the compacted-form reader: each context is processed once per
loader, and an `@context` value is checked before it is processed (JSON-LD 1.1 API §4.1).

`jsonld.processing` processes the contexts credentials use; pyld (imported only then)
processes the rest and decides every error, so refusals keep pyld's codes. Setting
`MICROCRED_PYLD_CONTEXTS=1` makes pyld process every context (the old path: a benchmark
baseline and a test oracle).

Read are: URLs the loader serves, inline copies of a pinned context (read as its URL), and
inline contexts that only add terms whose names and IRIs no pinned context has; at most
`MAX_CONTEXTS` per value, none twice. Anything else would let a document redefine what a
reader takes a key to mean.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Mapping
from typing import Any

from microcred.errors import (
    ContextLimitError,
    InvalidContextError,
    MicrocredError,
    Path,
    ProtectedTermRedefinitionError,
)
from microcred.jsonld.loader import ContextCache, DocumentLoader, pinned_contexts
from microcred.jsonld.processing import expand_iri, initial_context, process_context
from microcred.jsonld.refusal import DATA_LOSS, NON_CANONICAL, Refused
from microcred.jsonld.terms import Frame, canonical_json, context_key, memo

__all__ = [
    "MAX_CONTEXTS",
    "MAX_FRAMES",
    "MAX_INLINE_TERMS",
    "ActiveContexts",
    "active_contexts",
    "pyld_options",
]

MAX_FRAMES = 256
"""Most distinct active contexts (type-scoped combinations) one document may need."""
MAX_CONTEXTS = 16
"""Most context entries one `@context` may list (credentials use two to four)."""
MAX_INLINE_TERMS = 64
"""Most terms an inline (unpinned) context may add."""
_FRAME_CACHE = 512  # active contexts kept per loader


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options for our loader: null base IRI (DI §2.4.3), JSON-LD 1.1, and the
    processed-context cache shared per loader when it keeps one."""
    from pyld.context_resolver import ContextResolver  # the general path only

    cache = getattr(loader, "context_cache", None)
    return {
        "base": None,  # pyld resolves "" against example.org
        "documentLoader": loader,
        "contextResolver": ContextResolver(
            cache if isinstance(cache, ContextCache) else ContextCache(64), loader
        ),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


class ActiveContexts:
    """Context processing and IRI expansion for one loader's immutable contexts."""

    def __init__(self, loader: DocumentLoader, *, pyld_only: bool | None = None) -> None:
        self._loader = loader
        if pyld_only is None:
            pyld_only = os.environ.get("MICROCRED_PYLD_CONTEXTS", "") not in ("", "0")
        self.pyld_only = pyld_only
        self._pyld: tuple[Any, dict[str, Any]] | None = None  # (processor, options)
        self._frames: dict[int, tuple[Any, Frame]] = {}
        self._tops: dict[tuple[str, ...], Frame] = {}
        self._initial = (
            self._processor()[0]._get_initial_context(self._processor()[1])
            if pyld_only
            else initial_context()
        )
        self._pinned: dict[str, str] | None = None
        self._reserved: tuple[frozenset[str], frozenset[str]] | None = None
        self._budget = threading.local()  # .left: frames this thread's document may still make

    def walking(self, frames: int | None) -> None:
        """The document this thread walks next may make at most `frames` new frames (None:
        no limit). Per thread, so threads sharing a Verifier never spend each other's."""
        self._budget.left = frames

    def frame(self, ctx: Any) -> Frame:
        hit = self._frames.get(id(ctx))
        if hit is None:
            left = getattr(self._budget, "left", None)
            if left is not None:
                if left <= 0:
                    message = f"the document needs more than {MAX_FRAMES} distinct active contexts"
                    raise Refused(ContextLimitError, message)
                self._budget.left = left - 1
            if len(self._frames) >= _FRAME_CACHE:
                self._frames.clear()
                self._tops.clear()
            hit = self._frames[id(ctx)] = (ctx, Frame(self, ctx))  # keeps `ctx` alive
        return hit[1]

    def top(self, entries: Any) -> Frame:
        """The frame of a document whose @context is `entries`."""
        key = context_key(entries)
        found = self._tops.get(key) if key is not None else None
        if found is None:
            found = self.apply(self._initial, entries, ())
            if key is not None:
                memo(self._tops)[key] = found
        return found

    def apply(self, active: Any, entries: Any, at: Path) -> Frame:
        """The frame after processing the (checked) contexts of an @context value."""
        checked = self.entries(entries, at)
        ctx = self.process(active, checked, propagate=True, override=False)
        self._check_added(ctx, checked, at)
        return self.frame(ctx)

    def entries(self, entries: Any, at: Path) -> list[Any]:
        """The contexts of an @context value, to process: URLs the loader serves, inline
        copies of a pinned context (read as its URL) and additive inline contexts; anything
        else is refused with its path."""
        listed = entries if type(entries) is list else [entries]
        if not listed or len(listed) > MAX_CONTEXTS:
            raise Refused(
                ContextLimitError,
                f"@context lists {len(listed)} contexts (1 to {MAX_CONTEXTS} are read)",
                (*at, "@context"),
            )
        found: list[Any] = []
        for index, entry in enumerate(listed):
            where = (*at, "@context", index) if type(entries) is list else (*at, "@context")
            if type(entry) is dict:
                entry = self._inline(entry, where)
            elif type(entry) is str:
                try:
                    self._loader(entry)
                except MicrocredError as error:
                    raise Refused(type(error), error.message, where, original=error) from None
            else:
                raise Refused(NON_CANONICAL, "a context is a URL or an object", where)
            if entry in found:
                raise Refused(NON_CANONICAL, "a context is listed twice", where)
            found.append(entry)
        return found

    def _inline(self, body: dict[str, Any], at: Path) -> Any:
        """An inline context: a pinned context's URL when it is a copy of one, else the body
        when it only adds terms (see `additive_problem`)."""
        pinned = self.pinned_url(body, at)
        if pinned is not None:
            return pinned
        problem = self._additive_problem(body)
        if problem is not None:
            raise Refused(NON_CANONICAL, f"an inline context may only add terms: {problem}", at)
        return body

    def pinned_url(self, body: Any, at: Path = ()) -> str | None:
        """The URL of the pinned context `body` is a copy of (same JSON), if any."""
        if self._pinned is None:
            self._pinned = {
                canonical_json(document.get("@context")): url
                for url, document in pinned_contexts(self._loader).items()
                if isinstance(document, Mapping)
            }
        try:
            return self._pinned.get(canonical_json(body))
        except (TypeError, ValueError):
            raise Refused(NON_CANONICAL, "an inline context is plain JSON", at) from None

    def _additive_problem(self, body: Mapping[str, Any]) -> str | None:
        """Why an inline context does more than add new terms, or None. New terms may not
        reuse a name or an IRI of any pinned context (else a reader's `validUntil` could be
        spelled another way) nor change how other terms read (`@vocab`, scoped contexts...)."""
        if len(body) > MAX_INLINE_TERMS:
            return f"it has more than {MAX_INLINE_TERMS} entries"
        names = self.reserved()[0]
        for name, definition in body.items():
            if (name, definition) in (("@protected", True), ("@version", 1.1)):
                continue
            if name.startswith("@") or ":" in name:
                return f"{name!r} is not a plain term name"
            if name in names:
                return f"{name!r} is a term of a pinned context"
            shape = definition if type(definition) is dict else {"@id": definition}
            if not set(shape) <= {"@id", "@type", "@container", "@protected"}:
                return f"{name!r} uses more than an IRI, a type and a set container"
            if shape.get("@container", "@set") != "@set" or type(shape.get("@id")) is not str:
                return f"{name!r} uses more than an IRI, a type and a set container"
        return None

    def reserved(self) -> tuple[frozenset[str], frozenset[str]]:
        """Term names and IRIs of every pinned context, with their scoped contexts."""
        if self._reserved is None:
            left = getattr(self._budget, "left", None)
            self.walking(None)  # frames of the pinned contexts are not the document's
            names: set[str] = set()
            iris: set[str] = set()
            for url in pinned_contexts(self._loader):
                try:
                    frame = self.top(url)
                    scoped = [
                        frame.derive(m["@context"], propagate=True, override=True)
                        for m in frame.mappings.values()
                        if m and m.get("@context")
                    ]
                except Refused:
                    continue
                for each in (frame, *scoped):
                    names.update(each.mappings)
                    iris.update(m["@id"] for m in each.mappings.values() if m and "@id" in m)
            self._reserved = (frozenset(names), frozenset(iris))
            self.walking(left)
        return self._reserved

    def _check_added(self, ctx: Any, entries: list[Any], at: Path) -> None:
        """After processing: no term an inline context adds maps to a pinned term's IRI."""
        iris = None
        for index, entry in enumerate(entries):
            if type(entry) is not dict:
                continue
            iris = iris if iris is not None else self.reserved()[1]
            for name in entry:
                target = (ctx["mappings"].get(name) or {}).get("@id")
                if not name.startswith("@") and (
                    not isinstance(target, str) or target in iris or target.startswith("@")
                ):
                    raise Refused(
                        NON_CANONICAL,
                        f"an inline context may only add terms: "
                        f"{name!r} maps to {target!r}, a pinned term's IRI",
                        (*at, "@context", index),
                    )

    def _processor(self) -> tuple[Any, dict[str, Any]]:
        """pyld's processor and options, imported and made on first use."""
        if self._pyld is None:
            from pyld import jsonld  # only when ours declines

            self._pyld = (jsonld.JsonLdProcessor(), pyld_options(self._loader))
        return self._pyld

    def _document(self, url: str) -> Any:
        return self._loader(url)["document"]

    def process(self, active: Any, local: Any, *, propagate: bool, override: bool) -> Any:
        if not self.pyld_only:
            # outside our subset, or an error: pyld decides (and names the error)
            with contextlib.suppress(Exception):
                return process_context(
                    active, local, self._document, propagate=propagate, override=override
                )
        processor, options = self._processor()
        try:
            return processor._process_context(
                active, local, options, override_protected=override, propagate=propagate
            )
        except Exception as error:  # pyld's own errors and its crashes
            raise _context_error(error) from error

    def expand_iri(self, active: Any, value: str, *, vocab: bool) -> Any:
        """IRI Expansion with a null base IRI (pyld's, for the pyld-only path)."""
        try:
            if self.pyld_only or not vocab:
                return self._processor()[0]._expand_iri(active, value, vocab=vocab, base=None)
            return expand_iri(active, value)
        except Exception as error:
            raise Refused(DATA_LOSS, f"{value!r} cannot be expanded: {error}") from error


def _context_error(error: BaseException) -> Refused:
    """A pyld context-processing failure as a refusal with the spec's error code."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, MicrocredError):
            return Refused(type(cause), cause.message, ("@context",), original=cause)
        code = getattr(cause, "code", None)
        if code == "protected term redefinition":
            return Refused(
                ProtectedTermRedefinitionError,
                f"a context redefines a protected term: {cause}",
                ("@context",),
            )
        if code is not None:
            return Refused(InvalidContextError, f"invalid JSON-LD context ({code})", ("@context",))
        cause = cause.__cause__
    return Refused(InvalidContextError, f"invalid JSON-LD context: {error!r}", ("@context",))


def active_contexts(loader: DocumentLoader) -> ActiveContexts:
    """The loader's context memo if it keeps one (a memo dict), else one for this call."""
    memo = getattr(loader, "memo", None)
    if not isinstance(memo, dict):
        return ActiveContexts(loader)
    contexts = memo.get(ActiveContexts)
    if contexts is None:
        contexts = memo[ActiveContexts] = ActiveContexts(loader)
    return contexts
