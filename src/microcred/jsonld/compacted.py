"""Canonical compacted JSON-LD -> RDF: the one JSON form microcred signs and verifies.

RDFC signs a graph, and many JSON texts give the same graph (`@nest`, IRIs as keys, value
objects, inline contexts, ...). A reader of the JSON sees what is signed only when each value
sits where the reader looks, so `to_rdf` accepts only the canonical compacted form:
- contexts are URLs the loader serves, or inline copies of a pinned context; no repeats;
- every key is a term of the active context (or a plain name under `@vocab`), and the one
  preferred term for its IRI; `id`/`type` aliases, never `@nest`, `@included`, `@graph`, ...;
- value objects only where compaction keeps them; natives only where no type is coerced;
- IRIs are written in full (no compact IRIs), numbers are exact, arrays are not nested;
- a node with an `id` is described in one place (or in identical copies).
Everything else raises a typed error with the JSON path (NON_CANONICAL_FORM, or the
DATA_LOSS / context error the spec names). It follows JSON-LD 1.1 API Expansion (§5.1.2)
and Deserialize JSON-LD to RDF (§8.1.2) for that form, writing quads as it walks; pyld only
processes contexts, once per loader (see docs/security.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, NoReturn

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

from microcred.errors import (
    ContextLimitError,
    DataLossError,
    InvalidContextError,
    MalformedDocumentError,
    MicrocredError,
    NonCanonicalFormError,
    Path,
    ProtectedTermRedefinitionError,
)
from microcred.jsonld.loader import ContextCache, DocumentLoader, pinned_contexts
from microcred.jsonld.nquads import XSD_STRING, Dataset, Quad, iri, language_tag, literal, quote

__all__ = ["MAX_CONTEXTS", "MAX_DEPTH", "MAX_FRAMES", "pyld_options", "to_rdf"]

MAX_DEPTH = 64
"""Deepest JSON nesting accepted; real credentials stay far below, hostile ones are refused."""
MAX_CONTEXTS = 16
"""Most context entries one `@context` may list (credentials use two to four)."""
MAX_FRAMES = 256
"""Most distinct active contexts (type-scoped combinations) one document may need."""
MAX_INLINE_TERMS = 64
"""Most terms an inline (unpinned) context may add."""

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = f"<{_RDF}type>"
_RDF_FIRST, _RDF_REST, _RDF_NIL = f"<{_RDF}first>", f"<{_RDF}rest>", f"<{_RDF}nil>"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_XSD_NAMESPACES = ("http://www.w3.org/2001/XMLSchema#", "https://www.w3.org/2001/XMLSchema#")
_INTEGER_TYPES = ("integer", "int", "long", "short", "byte", "positiveInteger",
                  "nonNegativeInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt",
                  "unsignedLong", "unsignedShort", "unsignedByte")  # fmt: skip
_NATIVE_TYPES = {
    **{ns + name: "int" for ns in _XSD_NAMESPACES for name in _INTEGER_TYPES},
    **{ns + "boolean": "bool" for ns in _XSD_NAMESPACES},
    **{ns + "double": "float" for ns in _XSD_NAMESPACES},
}
"""Datatypes whose values JSON writes natively (the credentials v2 context types some with
an https XML Schema IRI): a coercion to one of them takes a JSON value of that kind."""
_I18N = "https://www.w3.org/ns/i18n#"
_SAFE_INTEGER = 2**53 - 1  # beyond it JSON readers (IEEE doubles) no longer agree on the value
_FRAME_CACHE = 512  # active contexts kept per loader
_MEMO_ENTRIES = 1024  # entries per memo of a frame
_MEMO_KEY_CHARS = 256  # longer strings are never memo keys, so memos stay small in bytes
_MEMO_SHAPE_KEYS = 64  # objects with more keys or types are planned without the memo
# pyld's absolute-IRI test (scheme or "_", a colon, no whitespace): both paths refuse alike.
_ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_DATA_LOSS, _NON_CANONICAL = DataLossError, NonCanonicalFormError
_VALUE_KEYS = frozenset({"@value", "@language", "@direction", "@type"})
_SIGNED_KEYWORDS = frozenset({"@graph", "@included", "@reverse", "@nest", "@set", "@list"})
"""Keywords whose values other forms would sign; the rest of them never reach RDF."""


class _Refused(Exception):
    """A refusal on the way out of the walk; each level adds its key or index to the path."""

    def __init__(self, error: type[MicrocredError], message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.error, self.message, self.path = error, message, list(path)

    def raise_typed(self) -> NoReturn:
        raise self.error(self.message, path=tuple(self.path))


def _refuse(error: type[MicrocredError], message: str, *path: str | int) -> NoReturn:
    raise _Refused(error, message, path)


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options for our loader: null base IRI (DI §2.4.3), JSON-LD 1.1, and the
    processed-context cache shared per loader when it keeps one."""
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


class _Kind(Enum):
    ID = "@id"
    TYPE = "@type"
    VALUE = "@value"
    LANGUAGE = "@language"
    DIRECTION = "@direction"
    PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class _Term:
    """What a key means in one active context, worked out once."""

    kind: _Kind
    predicate: str = ""  # the canonical N-Quads term of the property IRI
    scoped: Any = None  # a property-scoped context, if the term has one
    container: str = ""  # "", "@language", "@graph" or "@list"
    coercion: str | None = None  # "@id", "@vocab" or a datatype IRI
    language: bool = False  # the term or context sets a default language or direction
    datatype: str = ""  # "^^<datatype>" for a coercion to a datatype IRI


_TEXT = _Term(_Kind.PROPERTY)  # how a value reads where no term gives it a type (the top)
_Properties = tuple[tuple[str, _Term], ...]
_Plan = tuple["_Frame", tuple[str, ...], "_Frame", bool, str | None, _Properties]
"""(final frame, type IRI terms, frame of the types, is a value object, @id key, properties)."""


def _memo(memo: dict[Any, Any]) -> dict[Any, Any]:
    """A memo that is emptied when full, so hostile inputs cannot grow it."""
    if len(memo) >= _MEMO_ENTRIES:
        memo.clear()
    return memo


def _preference(term: str) -> tuple[bool, int, str]:
    """Which of several terms for one IRI is its spelling: lower-case first (properties),
    then the shortest, then the first in code point order."""
    return (not term[:1].islower(), len(term), term)


class _Frame:
    """An active context (pyld's) with its term table and the contexts derived from it."""

    def __init__(self, contexts: _Contexts, ctx: Any) -> None:
        self.contexts = contexts
        self.ctx = ctx
        self.mappings: Mapping[str, Any] = ctx["mappings"]
        self.previous: _Frame | None = (
            contexts.frame(ctx["previousContext"]) if ctx.get("previousContext") else None
        )
        self.language = any(k in ctx for k in ("@language", "@direction"))
        self._terms: dict[str, _Term | _Refused] = {}
        self._derived: dict[tuple[int, bool, bool], tuple[Any, _Frame]] = {}
        self._types: dict[str, tuple[str, Any] | _Refused] = {}
        self._shapes: dict[Any, _Plan] = {}
        self._embedded: dict[tuple[str, ...], _Frame] = {}
        self._spellings: dict[str, str] | None = None
        self.node_ids: dict[str, str] = {}  # IRI -> its N-Quads term

    def spelling(self, expanded: str) -> str | None:
        """The preferred term whose IRI (or keyword) is `expanded`, if any term has it."""
        if self._spellings is None:
            spellings: dict[str, str] = {}
            for term, mapping in self.mappings.items():
                target = mapping.get("@id") if mapping and not mapping.get("reverse") else None
                if isinstance(target, str):
                    known = spellings.get(target)
                    if known is None or _preference(term) < _preference(known):
                        spellings[target] = term
            self._spellings = spellings
        return self._spellings.get(expanded)

    def term(self, key: str) -> _Term:
        found = self._terms.get(key)
        if found is None:
            try:
                found = self._define(key)
            except _Refused as refused:
                found = refused
            if len(key) <= _MEMO_KEY_CHARS:
                _memo(self._terms)[key] = found
        if isinstance(found, _Refused):
            raise _Refused(found.error, found.message)
        return found

    def _define(self, key: str) -> _Term:
        """A key's meaning, or a refusal when it is not the canonical spelling of a term."""
        if key.startswith("@"):
            return self._keyword(key)
        mapping = self.mappings.get(key)
        if key in self.mappings and mapping is None:
            _refuse(_DATA_LOSS, f"term {key!r} is defined as null, so its value is dropped")
        expanded = self.contexts.expand_iri(self.ctx, key, vocab=True)
        if mapping is None:
            if key.startswith("_:"):
                _refuse(_DATA_LOSS, f"property {key!r} is a blank node, which RDF cannot sign")
            if ":" in key:
                _refuse(_NON_CANONICAL, f"{key!r} is an IRI, not a term: write the term")
            if not isinstance(expanded, str) or _ABSOLUTE.match(expanded) is None:
                _refuse(_DATA_LOSS, f"term {key!r} is not defined by any context")
        if expanded in ("@id", "@type", "@value", "@language", "@direction"):
            if self.spelling(expanded) != key:
                _refuse(_NON_CANONICAL, f"{key!r} is a second alias of {expanded}")
            return _Term(_Kind(expanded))
        if not isinstance(expanded, str) or expanded.startswith("@"):
            _refuse(_NON_CANONICAL, f"{key!r} is an alias of keyword {expanded}, not read")
        if expanded.startswith("_:"):
            _refuse(_DATA_LOSS, f"property {key!r} is a blank node, which RDF cannot sign")
        spelling = self.spelling(expanded)
        if spelling is not None and spelling != key:
            _refuse(_NON_CANONICAL, f"{key!r} is another spelling of the term {spelling!r}")
        return self._property(key, expanded, mapping or {})

    def _keyword(self, key: str) -> _Term:
        if key in ("@id", "@type"):
            alias = self.spelling(key)
            if alias is not None:
                _refuse(_NON_CANONICAL, f"{key} is written {alias!r} in this context")
            return _Term(_Kind(key))
        if key in _VALUE_KEYS:
            return _Term(_Kind(key))
        if key in _SIGNED_KEYWORDS:
            _refuse(_NON_CANONICAL, f"keyword {key} is not part of the form microcred verifies")
        _refuse(_DATA_LOSS, f"keyword {key!r} has no meaning here and would not be signed")

    def _property(self, key: str, expanded: str, mapping: Mapping[str, Any]) -> _Term:
        containers = set(mapping.get("@container") or ()) - {"@set"}
        container = containers.pop() if len(containers) == 1 else ""
        coercion = mapping.get("@type")
        if (
            len(containers) > 1
            or container not in ("", "@language", "@graph", "@list")
            or coercion == "@json"
            or "@direction" in mapping
            or mapping.get("reverse")
        ):
            _refuse(_NON_CANONICAL, f"term {key!r} uses a JSON-LD feature microcred does not read")
        coercion = None if coercion == "@none" else coercion
        return _Term(
            _Kind.PROPERTY,
            predicate=iri(expanded),
            scoped=mapping.get("@context"),
            container=container,
            coercion=coercion,
            language=self.language or "@language" in mapping,
            datatype=(
                f"^^{iri(coercion)}" if coercion not in (None, "@id", "@vocab", XSD_STRING) else ""
            ),
        )

    def derive(self, local: Any, *, propagate: bool, override: bool) -> _Frame:
        """The frame after Context Processing (§4.1.2) of `local` on this one."""
        key = (id(local), propagate, override)
        hit = self._derived.get(key)
        if hit is None:
            ctx = self.contexts.process(self.ctx, local, propagate=propagate, override=override)
            hit = self._derived[key] = (local, self.contexts.frame(ctx))  # keeps `local` alive
        return hit[1]

    def embed(self, entries: Any) -> _Frame:
        """The frame after an embedded @context (§5.1.2 step 9) of context URLs or pinned
        copies; memoised by the URLs, so a wallet's stream of presentations processes each once."""
        key = _context_key(entries)
        hit = self._embedded.get(key) if key is not None else None
        if hit is None:
            hit = self.contexts.apply(self.ctx, entries, ())
            if key is not None:
                _memo(self._embedded)[key] = hit
        return hit

    def shape(self, prop: str | None, scoped: Any, element: Mapping[str, Any]) -> _Plan:
        """How a JSON object reads when it is the value of `prop` (whose property-scoped
        context is `scoped`) in this frame, worked out once per shape: its keys, and the
        values of `type` / `@type`."""
        keys = tuple(element)
        types, at_types = element.get("type"), element.get("@type")
        embedded = element.get("@context")
        try:
            memo_key = (
                prop,
                keys,
                tuple(types) if type(types) is list else types,
                tuple(at_types) if type(at_types) is list else at_types,
                tuple(embedded) if type(embedded) is list else embedded,
            )
            found = self._shapes.get(memo_key)
        except TypeError:  # an object among the types or the embedded contexts
            memo_key, found = None, None
        if found is None:
            frame, type_key = self._enter(scoped, keys, embedded)
            own = keys if embedded is None else tuple(k for k in keys if k != "@context")
            found = frame._plan(element[type_key] if type_key is not None else (), own, type_key)
            if memo_key is not None and _small(memo_key) and type_key in (None, "type", "@type"):
                _memo(self._shapes)[memo_key] = found
        return found

    def _enter(self, scoped: Any, keys: tuple[str, ...], embedded: Any) -> tuple[_Frame, Any]:
        """The frame after reverting type-scoped contexts, applying property-scoped ones and
        the object's own @context (§5.1.2 steps 7-9), and the key holding its types."""
        frame = self
        if self.previous is not None and not (
            len(keys) <= 2
            and (
                any(_kind(frame, k) is _Kind.VALUE for k in keys)
                or (len(keys) == 1 and _kind(frame, keys[0]) is _Kind.ID)
            )
        ):
            frame = self.previous
        if scoped is not None:
            frame = frame.derive(scoped, propagate=True, override=True)
        if "@context" in keys:
            frame = frame.embed(embedded)
            keys = tuple(k for k in keys if k != "@context")
        type_keys = [k for k in keys if _kind(frame, k) is _Kind.TYPE]
        return frame, type_keys[0] if type_keys else None

    def _plan(self, types: Any, keys: tuple[str, ...], type_key: Any) -> _Plan:
        """The frame after the types' type-scoped contexts, the type IRIs, the frame the types
        expand in (this one, §5.1.2 step 11), whether it is a value object, its @id key and
        its properties' terms."""
        names = [types] if type(types) is str else types
        if type(names) not in (list, tuple) or any(type(n) is not str for n in names):
            _refuse(_NON_CANONICAL, "a type is a term or an IRI string", type_key)
        frame = self
        for name in sorted(names):
            local = self.type_of(name, type_key)[1]
            if local is not None and local is not False:
                frame = frame.derive(local, propagate=False, override=False)
        type_terms = tuple(self.type_of(name, type_key)[0] for name in names)
        if len(set(type_terms)) != len(type_terms):
            _refuse(_NON_CANONICAL, "a type is listed twice", type_key)
        terms = []
        for key in keys:
            try:
                terms.append((key, frame.term(key)))
            except _Refused as refused:
                refused.path.insert(0, key)
                raise
        kinds = {term.kind for _, term in terms}
        is_value = _Kind.VALUE in kinds
        if is_value:
            for key, _ in terms:
                if key not in _VALUE_KEYS:
                    _refuse(
                        _NON_CANONICAL,
                        f"a value object holds only @value, @type, @language"
                        f" and @direction, not {key!r}",
                        key,
                    )
        elif kinds & {_Kind.LANGUAGE, _Kind.DIRECTION}:
            _refuse(_NON_CANONICAL, "@language or @direction outside a value object")
        id_keys = [key for key, term in terms if term.kind is _Kind.ID]
        properties = tuple((k, t) for k, t in terms if t.kind is _Kind.PROPERTY)
        return frame, type_terms, self, is_value, id_keys[0] if id_keys else None, properties

    def type_of(self, name: str, at: Any = None) -> tuple[str, Any]:
        """A type name's IRI term and its type-scoped context (§5.1.2 steps 11 and 13.4.4):
        a term, or an IRI in full for which no term exists."""
        found = self._types.get(name)
        if found is None:
            try:
                found = self._type(name)
            except _Refused as refused:
                found = refused
            if len(name) <= _MEMO_KEY_CHARS:
                _memo(self._types)[name] = found
        if isinstance(found, _Refused):
            raise _Refused(found.error, found.message, () if at is None else (at,))
        return found

    def _type(self, name: str) -> tuple[str, Any]:
        mapping = self.mappings.get(name)
        if name in self.mappings and mapping is None:
            _refuse(_DATA_LOSS, f"type {name!r} is defined as null, so it is dropped")
        expanded = self.contexts.expand_iri(self.ctx, name, vocab=True)
        if not isinstance(expanded, str) or _ABSOLUTE.match(expanded) is None:
            _refuse(_DATA_LOSS, f"type {name!r} is not defined by any context")
        if expanded.startswith(("@", "_:")):
            _refuse(_NON_CANONICAL, f"type {name!r} is not an IRI")
        if mapping is None:
            if ":" in name and expanded != name:
                _refuse(_NON_CANONICAL, f"type {name!r} is a compact IRI: write the IRI in full")
            spelling = self.spelling(expanded)
            if spelling is not None:
                _refuse(_NON_CANONICAL, f"type {name!r} is written {spelling!r} in this context")
        return iri(expanded), (mapping or {}).get("@context")


def _kind(frame: _Frame, key: str) -> _Kind | None:
    """A key's kind, or None when the key is refused (the plan reports it with its path)."""
    try:
        return frame.term(key).kind
    except _Refused:
        return None


def _context_key(entries: Any) -> tuple[Any, ...] | None:
    """A memo key for an @context value (checked once, when first seen): its URLs and the
    canonical JSON of its inline contexts; None when it is too large to keep."""
    listed = entries if type(entries) is list else [entries]
    key = []
    for entry in listed:
        if type(entry) is dict:
            try:
                entry = _canonical_json(entry)
            except (TypeError, ValueError):
                return None
        if type(entry) is not str or len(entry) > _MEMO_KEY_CHARS * 16:
            return None
        key.append(entry)
    return (type(entries) is list, *key)


def _small(memo_key: tuple[Any, ...]) -> bool:
    """Only shapes of modest size are memoised: a hostile 100,000-type array is not kept."""
    return all(
        not isinstance(part, tuple) or len(part) <= _MEMO_SHAPE_KEYS for part in memo_key[1:]
    ) and not any(isinstance(part, str) and len(part) > _MEMO_KEY_CHARS for part in memo_key)


class _Contexts:
    """pyld's context processing and IRI expansion for one loader's immutable contexts."""

    def __init__(self, loader: DocumentLoader) -> None:
        self._loader = loader
        self._processor = _pyld.JsonLdProcessor()
        self._options = pyld_options(loader)
        self._frames: dict[int, tuple[Any, _Frame]] = {}
        self._tops: dict[tuple[str, ...], _Frame] = {}
        self._initial = self._processor._get_initial_context(self._options)
        self._pinned: dict[str, str] | None = None
        self._reserved: tuple[frozenset[str], frozenset[str]] | None = None
        self.created = 0  # frames made; a document may cause at most MAX_FRAMES new ones

    def frame(self, ctx: Any) -> _Frame:
        hit = self._frames.get(id(ctx))
        if hit is None:
            self.created += 1
            if len(self._frames) >= _FRAME_CACHE:
                self._frames.clear()
                self._tops.clear()
            hit = self._frames[id(ctx)] = (ctx, _Frame(self, ctx))  # keeps `ctx` alive
        return hit[1]

    def top(self, entries: Any) -> _Frame:
        """The frame of a document whose @context is `entries`."""
        key = _context_key(entries)
        found = self._tops.get(key) if key is not None else None
        if found is None:
            found = self.apply(self._initial, entries, ())
            if key is not None:
                _memo(self._tops)[key] = found
        return found

    def apply(self, active: Any, entries: Any, at: Path) -> _Frame:
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
            raise _Refused(
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
                    raise _Refused(type(error), error.message, where) from None
            else:
                raise _Refused(_NON_CANONICAL, "a context is a URL or an object", where)
            if entry in found:
                raise _Refused(_NON_CANONICAL, "a context is listed twice", where)
            found.append(entry)
        return found

    def _inline(self, body: dict[str, Any], at: Path) -> Any:
        """An inline context: a pinned context's URL when it is a copy of one, else the body
        when it only adds terms (see `additive_problem`)."""
        if self._pinned is None:
            self._pinned = {
                _canonical_json(document.get("@context")): url
                for url, document in pinned_contexts(self._loader).items()
                if isinstance(document, Mapping)
            }
        try:
            text = _canonical_json(body)
        except (TypeError, ValueError):
            raise _Refused(_NON_CANONICAL, "an inline context is plain JSON", at) from None
        if text in self._pinned:
            return self._pinned[text]
        problem = self._additive_problem(body)
        if problem is not None:
            raise _Refused(_NON_CANONICAL, f"an inline context may only add terms: {problem}", at)
        return body

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
            created = self.created  # frames made here are not the document's
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
                except _Refused:
                    continue
                for each in (frame, *scoped):
                    names.update(each.mappings)
                    iris.update(m["@id"] for m in each.mappings.values() if m and "@id" in m)
            self._reserved = (frozenset(names), frozenset(iris))
            self.created = created
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
                    raise _Refused(
                        _NON_CANONICAL,
                        f"an inline context may only add terms: "
                        f"{name!r} maps to {target!r}, a pinned term's IRI",
                        (*at, "@context", index),
                    )

    def process(self, active: Any, local: Any, *, propagate: bool, override: bool) -> Any:
        try:
            return self._processor._process_context(
                active, local, self._options, override_protected=override, propagate=propagate
            )
        except Exception as error:  # pyld's own errors and its crashes
            raise _context_error(error) from error

    def expand_iri(self, active: Any, value: str, *, vocab: bool) -> Any:
        try:
            return self._processor._expand_iri(active, value, vocab=vocab, base=None)
        except Exception as error:
            raise _Refused(_DATA_LOSS, f"{value!r} cannot be expanded: {error}") from error


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _context_error(error: BaseException) -> _Refused:
    """A pyld context-processing failure as a refusal with the spec's error code."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, MicrocredError):
            return _Refused(type(cause), cause.message, ("@context",))
        code = getattr(cause, "code", None)
        if code == "protected term redefinition":
            return _Refused(
                ProtectedTermRedefinitionError,
                f"a context redefines a protected term: {cause}",
                ("@context",),
            )
        if code is not None:
            return _Refused(InvalidContextError, f"invalid JSON-LD context ({code})", ("@context",))
        cause = cause.__cause__
    return _Refused(InvalidContextError, f"invalid JSON-LD context: {error!r}", ("@context",))


def _contexts(loader: DocumentLoader) -> _Contexts:
    """The loader's context memo if it keeps one (a memo dict), else one for this call."""
    memo = getattr(loader, "memo", None)
    if not isinstance(memo, dict):
        return _Contexts(loader)
    contexts = memo.get(_Contexts)
    if contexts is None:
        contexts = memo[_Contexts] = _Contexts(loader)
    return contexts


class _Deserializer:
    """One document's walk: expansion and deserialisation to RDF in a single pass."""

    def __init__(self, contexts: _Contexts, *, strict: bool) -> None:
        self.contexts = contexts
        self.strict = strict
        self.frames_at_start = contexts.created
        self.quads: list[Quad] = []
        self._labels: dict[str, str] = {}
        self._count = 0
        self._tags: dict[str, str] = {}
        self._described: dict[tuple[str, str], Mapping[str, Any]] = {}

    def _fresh(self) -> str:
        """A new blank node; the document's own labels are renamed into the same series."""
        self._count += 1
        return f"_:b{self._count}"

    def _node_id(self, frame: _Frame, value: Any) -> str:
        """IRI Expansion (§5.2.2) of an absolute IRI or a blank node identifier, as an
        N-Quads term; an IRI's term is memoised in its frame (credentials repeat IRIs)."""
        if type(value) is str:
            known = frame.node_ids.get(value)
            if known is not None:
                return known
        if not isinstance(value, str):
            _refuse(_NON_CANONICAL, "an identifier is an IRI string")
        prefix, colon, suffix = value.partition(":")
        if not colon or not prefix or value.startswith("@"):
            _refuse(_DATA_LOSS, f"relative IRI {value!r} (the base IRI is null)")
        if prefix == "_":
            known = self._labels.get(suffix)
            if known is None:
                known = self._labels[suffix] = self._fresh()
            return known
        expanded = value
        mapping = frame.mappings.get(prefix)
        if not suffix.startswith("//") and mapping and mapping.get("_prefix"):
            if self.strict:
                _refuse(_NON_CANONICAL, f"{value!r} is a compact IRI: write the IRI in full")
            expanded = mapping["@id"] + suffix
        if _ABSOLUTE.match(expanded) is None:
            _refuse(_DATA_LOSS, f"{value!r} is not an absolute IRI")
        try:
            term = iri(expanded)  # for ASCII, N-Quads' IRIREF is stricter than pyld's test
        except MicrocredError:
            _refuse(_DATA_LOSS, f"{value!r} is not an absolute IRI")
        if len(value) <= _MEMO_KEY_CHARS:
            _memo(frame.node_ids)[value] = term
        return term

    def document(self, document: Mapping[str, Any]) -> Dataset:
        if "@context" not in document:
            _refuse(_DATA_LOSS, "a document without @context signs nothing", "@context")
        top = self.contexts.top(document["@context"])
        body = {k: v for k, v in document.items() if k != "@context"}
        self._object(top, None, _TEXT, body, "", 0)
        return Dataset(dict.fromkeys(self.quads))

    def _object(
        self,
        frame: _Frame,
        prop: str | None,
        term: _Term,
        element: Mapping[str, Any],
        graph: str,
        depth: int,
    ) -> str:
        """A JSON object: a value object's literal, or a node object's subject term."""
        if depth > MAX_DEPTH:
            raise _Refused(MalformedDocumentError, f"JSON nesting deeper than {MAX_DEPTH} levels")
        if self.contexts.created - self.frames_at_start > MAX_FRAMES:
            raise _Refused(
                ContextLimitError,
                f"the document needs more than {MAX_FRAMES} distinct active contexts",
            )
        frame, type_terms, type_scoped, is_value, id_key, properties = frame.shape(
            prop, term.scoped, element
        )
        if is_value:
            return self._value_object(type_scoped, element, term)
        if id_key is None:
            subject = self._fresh()
        else:
            try:
                subject = self._node_id(frame, element[id_key])
            except _Refused as refused:
                refused.path.insert(0, id_key)
                raise
            if self.strict and (type_terms or properties):
                self._describe(graph, subject, element)
        append = self.quads.append
        for type_term in type_terms:
            append((subject, _RDF_TYPE, type_term, graph))
        for key, key_term in properties:  # §5.1.2 step 13, then §8.1.2 step 1.3 for each value
            try:
                self._property(frame, subject, key, key_term, element[key], graph, depth)
            except _Refused as refused:
                refused.path.insert(0, key)
                raise
        return subject

    def _describe(self, graph: str, subject: str, element: Mapping[str, Any]) -> None:
        """A node is described in one JSON object, or in identical copies of it: a reader of
        one place then sees everything the graph says about the node."""
        seen = self._described.setdefault((graph, subject), element)
        if seen is not element and seen != element:
            _refuse(_NON_CANONICAL, f"node {subject} is described in two places that differ")

    def _property(
        self,
        frame: _Frame,
        subject: str,
        key: str,
        term: _Term,
        value: Any,
        graph: str,
        depth: int,
    ) -> None:
        if term.scoped is not None:
            frame = frame.derive(term.scoped, propagate=True, override=True)
        if term.container == "@language":
            if type(value) is not dict:
                _refuse(_NON_CANONICAL, "this term takes a language map {tag: text}")
            for text in self._language_map(frame, value):
                self.quads.append((subject, term.predicate, text, graph))
            return
        if term.container == "@list":
            self.quads.append(
                (subject, term.predicate, self._list(frame, key, term, value, graph, depth), graph)
            )
            return
        items = value if type(value) is list else (value,)
        for index, item in enumerate(items):
            try:
                object_ = self._item(frame, key, term, item, graph, depth)
            except _Refused as refused:
                if type(value) is list:
                    refused.path.insert(0, index)
                raise
            if object_ is not None:
                self.quads.append((subject, term.predicate, object_, graph))

    def _item(
        self, frame: _Frame, key: str, term: _Term, item: Any, graph: str, depth: int
    ) -> str | None:
        """One value of a property as an RDF term (§8.1.2 step 1.3.2, Object to RDF §8.1.3)."""
        kind = type(item)
        if kind is str:
            coercion = term.coercion
            if coercion is None:
                if term.language:
                    _refuse(_NON_CANONICAL, "a context default language is not read")
                return quote(item)
            if coercion == "@id":
                return self._node_id(frame, item)
            if coercion == "@vocab":
                return frame.type_of(item)[0]
            if self.strict and _native_form(coercion, item):
                _refuse(_NON_CANONICAL, f"write {item!r} as a JSON {coercion.rsplit('#')[-1]} here")
            return quote(item) + term.datatype
        if kind is dict:
            if term.container == "@graph":
                name = self._fresh()  # a simple graph object: its own blank-named graph
                self._object(frame, key, term, item, name, depth + 1)
                return name
            return self._object(frame, key, term, item, graph, depth + 1)
        if term.container == "@graph":
            _refuse(_NON_CANONICAL, "a graph container holds objects")
        if item is None:
            return None
        if kind is list:
            _refuse(_NON_CANONICAL, "arrays of arrays are not read")
        return self._native(term, item)

    def _list(
        self, frame: _Frame, key: str, term: _Term, value: Any, graph: str, depth: int
    ) -> str:
        """A list object (§5.1.2 step 13.8) as an RDF collection (§8.1.2 step 1.3.4)."""
        items = value if type(value) is list else [value]
        nodes = [self._fresh() for _ in items]
        for index, (node, item) in enumerate(zip(nodes, items, strict=True)):
            try:
                object_ = (
                    None if type(item) is list else self._item(frame, key, term, item, graph, depth)
                )
                if object_ is None:
                    _refuse(_NON_CANONICAL, "a list item is a value or an object")
            except _Refused as refused:
                refused.path.insert(0, index)
                raise
            rest = nodes[index + 1] if index + 1 < len(nodes) else _RDF_NIL
            self.quads += [(node, _RDF_FIRST, object_, graph), (node, _RDF_REST, rest, graph)]
        return nodes[0] if nodes else _RDF_NIL

    def _native(self, term: _Term, value: Any) -> str:
        """Object to RDF (§8.1.3) of a boolean or a number. In canonical form only a term
        without a type coercion, or with its own datatype, takes one (any other coercion
        gives the literal a string gives too)."""
        if value is True or value is False:
            lexical, datatype = ("true" if value else "false"), _XSD_BOOLEAN
        elif type(value) is int:
            if abs(value) > _SAFE_INTEGER:
                message = f"integer {value} is beyond ±(2**53-1), where JSON readers disagree"
                raise _Refused(MalformedDocumentError, message)
            lexical, datatype = str(value), _XSD_INTEGER
        elif type(value) is float:
            lexical, datatype = _canonical_double(value), _XSD_DOUBLE
        else:
            _refuse(_NON_CANONICAL, f"a {type(value).__name__} is not a JSON value")
        coercion = term.coercion
        if coercion is not None and coercion != datatype:
            if _NATIVE_TYPES.get(coercion) == type(value).__name__:
                datatype = coercion
            elif self.strict:
                _refuse(_NON_CANONICAL, "this term types its values: write the value as a string")
            elif coercion not in ("@id", "@vocab"):
                datatype = coercion
        return f'"{lexical}"^^<{datatype}>'

    def _language_map(self, frame: _Frame, value: Mapping[str, Any]) -> list[str]:
        """Language Map expansion (§5.1.2 step 13.7): one rdf:langString per text."""
        objects = []
        for language, texts in value.items():
            if language != "@none" and (language.startswith("@") or language in frame.mappings):
                _refuse(_NON_CANONICAL, f"{language!r} is not a language tag", language)
            tag = "" if language == "@none" else self._language(language, language)
            for text in texts if type(texts) is list else (texts,):
                if type(text) is str:
                    objects.append(quote(text) + tag)
                elif text is not None:
                    _refuse(_NON_CANONICAL, "a language map holds strings", language)
        return objects

    def _language(self, language: str, *at: str) -> str:
        tag = self._tags.get(language)
        if tag is None:
            try:
                tag = self._tags[language] = language_tag(language.lower())
            except MicrocredError:
                _refuse(_NON_CANONICAL, f"{language!r} is not a BCP 47 language tag", *at)
        return tag

    def _value_object(self, type_scoped: _Frame, element: Mapping[str, Any], term: _Term) -> str:
        """A value object ({"@value", "@language" | "@type", "@direction"}) as its literal,
        where compaction would keep it; its datatype expands in the context from before
        type-scoped contexts, as node types do."""
        text = element["@value"]
        language, direction = element.get("@language"), element.get("@direction")
        datatype = element.get("@type")
        if type(text) is not str:
            if self.strict or type(text) not in (bool, int, float) or language or direction:
                message = "@value is a string here (write numbers and booleans bare)"
                _refuse(_NON_CANONICAL, message, "@value")
            typed = None if datatype is None else type_scoped.type_of(datatype, "@type")[0][1:-1]
            return self._native(_Term(_Kind.PROPERTY, coercion=typed), text)
        if datatype is not None and (language is not None or direction is not None):
            _refuse(_NON_CANONICAL, "a value has a type or a language, not both", "@type")
        if language is not None and type(language) is not str:
            _refuse(_NON_CANONICAL, "@language is a language tag", "@language")
        if direction is not None and direction not in ("ltr", "rtl"):
            _refuse(_NON_CANONICAL, "@direction is ltr or rtl", "@direction")
        if direction is not None:
            lang = "" if language is None else self._language(language, "@language")[1:]
            return quote(text) + f"^^<{_I18N}{lang}_{direction}>"
        if language is not None:
            return quote(text) + self._language(language, "@language")
        if datatype is None:
            if self.strict and term.coercion is None and not term.language:
                _refuse(_NON_CANONICAL, "a value object with only @value: write the string")
            return literal(text)
        if type(datatype) is not str:
            _refuse(_NON_CANONICAL, "@type of a value is an IRI string", "@type")
        datatype_iri = type_scoped.type_of(datatype, "@type")[0][1:-1]
        if self.strict and term.coercion == datatype_iri:
            _refuse(_NON_CANONICAL, "the term already gives this type: write the string", "@type")
        if self.strict and _native_form(datatype_iri, text):
            _refuse(_NON_CANONICAL, "write this value as a JSON boolean or number", "@value")
        return literal(text, datatype_iri)


def _native_form(datatype: str, text: str) -> bool:
    """Whether `text` typed `datatype` is the literal a JSON boolean or number gives (§8.1.3),
    so the same graph has a second JSON form: the native one is canonical."""
    kind = _NATIVE_TYPES.get(datatype)
    if kind == "bool":
        return text in ("true", "false")
    if kind == "int":
        return re.fullmatch(r"0|-?[1-9][0-9]{0,15}", text) is not None and abs(int(text)) <= (
            _SAFE_INTEGER
        )
    if kind == "float":
        try:
            return _canonical_double(float(text)) == text
        except (ValueError, _Refused):
            return False
    return False


def _canonical_double(value: float) -> str:
    """The canonical xsd:double form JSON-LD writes (§8.1.3), refusing a number it would round."""
    lexical = re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{value:1.15E}")
    if value != value or value in (float("inf"), float("-inf")) or float(lexical) != value:
        raise _Refused(MalformedDocumentError, f"number {value!r} has no exact canonical form")
    return lexical


def to_rdf(document: Any, loader: DocumentLoader, *, strict: bool = True) -> Dataset:
    """The RDF dataset of a document in canonical compacted form, or a typed error naming the
    JSON path where the document leaves that form (see the module docstring).

    `strict=False` also reads the value forms canonical form refuses (a number where the term
    types its values, a value object compaction would simplify, a compact IRI, a node
    described twice): for documents signed as JSON (JCS, JAdES), whose readers see exactly
    the signed text, it is safe expansion — no data loss, only pinned or additive contexts.
    """
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a JSON-LD document must be a JSON object")
    try:
        return _Deserializer(_contexts(loader), strict=strict).document(document)
    except _Refused as refused:
        refused.raise_typed()
    except RecursionError:
        raise MalformedDocumentError("document too deeply nested") from None
