"""What a key means in one active context: terms, their canonical spelling, and the plan of
each JSON object shape (JSON-LD 1.1 API §5.1.2), worked out once per active context.

A key is read only in its one canonical spelling: a term (or a plain name under `@vocab`)
that is the preferred term for its IRI, the `id`/`type` aliases where the context has them,
never `@nest`, `@included`, an IRI or a second alias (see `jsonld.compacted`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from microcred.jsonld.nquads import XSD_STRING, iri
from microcred.jsonld.refusal import DATA_LOSS, NON_CANONICAL, Refused, refuse

if TYPE_CHECKING:
    from microcred.jsonld.contexts import ActiveContexts

__all__ = [
    "ABSOLUTE",
    "MEMO_KEY_CHARS",
    "TEXT",
    "Frame",
    "Kind",
    "Term",
    "canonical_json",
    "context_key",
    "memo",
]

_T = TypeVar("_T")
MEMO_ENTRIES = 1024  # entries per memo of a frame
MEMO_KEY_CHARS = 256  # longer strings are never memo keys, so memos stay small in bytes
_MEMO_SHAPE_KEYS = 64  # objects with more keys or types are planned without the memo
ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
"""pyld's absolute-IRI test (scheme or "_", a colon, no whitespace): both paths refuse alike."""
_VALUE_KEYS = frozenset({"@value", "@language", "@direction", "@type"})
_SIGNED_KEYWORDS = frozenset({"@graph", "@included", "@reverse", "@nest", "@set", "@list"})
"""Keywords whose values other forms would sign; the rest of them never reach RDF."""


class Kind(Enum):
    ID = "@id"
    TYPE = "@type"
    VALUE = "@value"
    LANGUAGE = "@language"
    DIRECTION = "@direction"
    PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class Term:
    """What a key means in one active context, worked out once."""

    kind: Kind
    predicate: str = ""  # the canonical N-Quads term of the property IRI
    scoped: Any = None  # a property-scoped context, if the term has one
    container: str = ""  # "", "@language", "@graph" or "@list"
    coercion: str | None = None  # "@id", "@vocab" or a datatype IRI
    language: bool = False  # the term or context sets a default language or direction
    datatype: str = ""  # "^^<datatype>" for a coercion to a datatype IRI


TEXT = Term(Kind.PROPERTY)  # how a value reads where no term gives it a type (the top)
Properties = tuple[tuple[str, Term], ...]
Plan = tuple["Frame", tuple[str, ...], "Frame", bool, str | None, Properties]
"""(final frame, type IRI terms, frame of the types, is a value object, @id key, properties)."""


def memo(table: dict[Any, Any]) -> dict[Any, Any]:
    """A memo table that is emptied when full, so hostile inputs cannot grow it."""
    if len(table) >= MEMO_ENTRIES:
        table.clear()
    return table


def _remembered(
    table: dict[str, _T | Refused], key: str, compute: Callable[[str], _T]
) -> _T | Refused:
    """`compute(key)`, or the refusal it raised, kept in `table` (bounded, short keys only)."""
    found = table.get(key)
    if found is None:
        try:
            found = compute(key)
        except Refused as refused:
            found = refused
        if len(key) <= MEMO_KEY_CHARS:
            memo(table)[key] = found
    return found


def _preference(term: str) -> tuple[bool, int, str]:
    """Which of several terms for one IRI is its spelling: lower-case first (properties),
    then the shortest, then the first in code point order."""
    return (not term[:1].islower(), len(term), term)


class Frame:
    """An active context (pyld's) with its term table and the contexts derived from it."""

    def __init__(self, contexts: ActiveContexts, ctx: Any) -> None:
        self.contexts = contexts
        self.ctx = ctx
        self.mappings: Mapping[str, Any] = ctx["mappings"]
        self.previous: Frame | None = (
            contexts.frame(ctx["previousContext"]) if ctx.get("previousContext") else None
        )
        self.language = any(k in ctx for k in ("@language", "@direction"))
        self._terms: dict[str, Term | Refused] = {}
        self._derived: dict[tuple[int, bool, bool], tuple[Any, Frame]] = {}
        self._types: dict[str, tuple[str, Any] | Refused] = {}
        self._shapes: dict[Any, Plan] = {}
        self._embedded: dict[tuple[str, ...], Frame] = {}
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

    def term(self, key: str) -> Term:
        found = _remembered(self._terms, key, self._define)
        if isinstance(found, Refused):
            raise Refused(found.error, found.message)
        return found

    def _define(self, key: str) -> Term:
        """A key's meaning, or a refusal when it is not the canonical spelling of a term."""
        if key.startswith("@"):
            return self._keyword(key)
        mapping = self.mappings.get(key)
        if key in self.mappings and mapping is None:
            refuse(DATA_LOSS, f"term {key!r} is defined as null, so its value is dropped")
        expanded = self.contexts.expand_iri(self.ctx, key, vocab=True)
        if mapping is None:
            if key.startswith("_:"):
                refuse(DATA_LOSS, f"property {key!r} is a blank node, which RDF cannot sign")
            if ":" in key:
                refuse(NON_CANONICAL, f"{key!r} is an IRI, not a term: write the term")
            if not isinstance(expanded, str) or ABSOLUTE.match(expanded) is None:
                refuse(DATA_LOSS, f"term {key!r} is not defined by any context")
        if expanded in ("@id", "@type", "@value", "@language", "@direction"):
            if self.spelling(expanded) != key:
                refuse(NON_CANONICAL, f"{key!r} is a second alias of {expanded}")
            return Term(Kind(expanded))
        if not isinstance(expanded, str) or expanded.startswith("@"):
            refuse(NON_CANONICAL, f"{key!r} is an alias of keyword {expanded}, not read")
        if expanded.startswith("_:"):
            refuse(DATA_LOSS, f"property {key!r} is a blank node, which RDF cannot sign")
        spelling = self.spelling(expanded)
        if spelling is not None and spelling != key:
            refuse(NON_CANONICAL, f"{key!r} is another spelling of the term {spelling!r}")
        return self._property(key, expanded, mapping or {})

    def _keyword(self, key: str) -> Term:
        if key in ("@id", "@type"):
            alias = self.spelling(key)
            if alias is not None:
                refuse(NON_CANONICAL, f"{key} is written {alias!r} in this context")
            return Term(Kind(key))
        if key in _VALUE_KEYS:
            return Term(Kind(key))
        if key in _SIGNED_KEYWORDS:
            refuse(NON_CANONICAL, f"keyword {key} is not part of the form microcred verifies")
        refuse(DATA_LOSS, f"keyword {key!r} has no meaning here and would not be signed")

    def _property(self, key: str, expanded: str, mapping: Mapping[str, Any]) -> Term:
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
            refuse(NON_CANONICAL, f"term {key!r} uses a JSON-LD feature microcred does not read")
        coercion = None if coercion == "@none" else coercion
        return Term(
            Kind.PROPERTY,
            predicate=iri(expanded),
            scoped=mapping.get("@context"),
            container=container,
            coercion=coercion,
            language=self.language or "@language" in mapping,
            datatype=(
                f"^^{iri(coercion)}" if coercion not in (None, "@id", "@vocab", XSD_STRING) else ""
            ),
        )

    def derive(self, local: Any, *, propagate: bool, override: bool) -> Frame:
        """The frame after Context Processing (§4.1.2) of `local` on this one."""
        key = (id(local), propagate, override)
        hit = self._derived.get(key)
        if hit is None:
            ctx = self.contexts.process(self.ctx, local, propagate=propagate, override=override)
            hit = self._derived[key] = (local, self.contexts.frame(ctx))  # keeps `local` alive
        return hit[1]

    def embed(self, entries: Any) -> Frame:
        """The frame after an embedded @context (§5.1.2 step 9) of context URLs or pinned
        copies; memoised by the URLs, so a wallet's stream of presentations processes each once."""
        key = context_key(entries)
        hit = self._embedded.get(key) if key is not None else None
        if hit is None:
            hit = self.contexts.apply(self.ctx, entries, ())
            if key is not None:
                memo(self._embedded)[key] = hit
        return hit

    def shape(self, prop: str | None, scoped: Any, element: Mapping[str, Any]) -> Plan:
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
                memo(self._shapes)[memo_key] = found
        return found

    def _enter(self, scoped: Any, keys: tuple[str, ...], embedded: Any) -> tuple[Frame, Any]:
        """The frame after reverting type-scoped contexts, applying property-scoped ones and
        the object's own @context (§5.1.2 steps 7-9), and the key holding its types."""
        frame = self
        if self.previous is not None and not (
            len(keys) <= 2
            and (
                any(kind_of(frame, k) is Kind.VALUE for k in keys)
                or (len(keys) == 1 and kind_of(frame, keys[0]) is Kind.ID)
            )
        ):
            frame = self.previous
        if scoped is not None:
            frame = frame.derive(scoped, propagate=True, override=True)
        if "@context" in keys:
            frame = frame.embed(embedded)
            keys = tuple(k for k in keys if k != "@context")
        type_keys = [k for k in keys if kind_of(frame, k) is Kind.TYPE]
        return frame, type_keys[0] if type_keys else None

    def _plan(self, types: Any, keys: tuple[str, ...], type_key: Any) -> Plan:
        """The frame after the types' type-scoped contexts, the type IRIs, the frame the types
        expand in (this one, §5.1.2 step 11), whether it is a value object, its @id key and
        its properties' terms."""
        names = [types] if type(types) is str else types
        if type(names) not in (list, tuple) or any(type(n) is not str for n in names):
            refuse(NON_CANONICAL, "a type is a term or an IRI string", type_key)
        type_terms = tuple(self.type_of(name, type_key)[0] for name in names)
        if len(set(type_terms)) != len(type_terms):  # before any context is applied
            refuse(NON_CANONICAL, "a type is listed twice", type_key)
        frame = self
        for name in sorted(names):
            local = self.type_of(name, type_key)[1]
            if local is not None and local is not False:
                frame = frame.derive(local, propagate=False, override=False)
        terms = []
        for key in keys:
            try:
                terms.append((key, frame.term(key)))
            except Refused as refused:
                refused.path.insert(0, key)
                raise
        kinds = {term.kind for _, term in terms}
        is_value = Kind.VALUE in kinds
        if is_value:
            for key, _ in terms:
                if key not in _VALUE_KEYS:
                    refuse(
                        NON_CANONICAL,
                        f"a value object holds only @value, @type, @language"
                        f" and @direction, not {key!r}",
                        key,
                    )
        elif kinds & {Kind.LANGUAGE, Kind.DIRECTION}:
            refuse(NON_CANONICAL, "@language or @direction outside a value object")
        id_keys = [key for key, term in terms if term.kind is Kind.ID]
        properties = tuple((k, t) for k, t in terms if t.kind is Kind.PROPERTY)
        return frame, type_terms, self, is_value, id_keys[0] if id_keys else None, properties

    def type_of(self, name: str, at: Any = None) -> tuple[str, Any]:
        """A type name's IRI term and its type-scoped context (§5.1.2 steps 11 and 13.4.4):
        a term, or an IRI in full for which no term exists."""
        found = _remembered(self._types, name, self._type)
        if isinstance(found, Refused):
            raise Refused(found.error, found.message, () if at is None else (at,))
        return found

    def _type(self, name: str) -> tuple[str, Any]:
        mapping = self.mappings.get(name)
        if name in self.mappings and mapping is None:
            refuse(DATA_LOSS, f"type {name!r} is defined as null, so it is dropped")
        expanded = self.contexts.expand_iri(self.ctx, name, vocab=True)
        if not isinstance(expanded, str) or ABSOLUTE.match(expanded) is None:
            refuse(DATA_LOSS, f"type {name!r} is not defined by any context")
        if expanded.startswith(("@", "_:")):
            refuse(NON_CANONICAL, f"type {name!r} is not an IRI")
        if mapping is None:
            if ":" in name and expanded != name:
                refuse(NON_CANONICAL, f"type {name!r} is a compact IRI: write the IRI in full")
            spelling = self.spelling(expanded)
            if spelling is not None:
                refuse(NON_CANONICAL, f"type {name!r} is written {spelling!r} in this context")
        return iri(expanded), (mapping or {}).get("@context")


def kind_of(frame: Frame, key: str) -> Kind | None:
    """A key's kind, or None when the key is refused (the plan reports it with its path)."""
    try:
        return frame.term(key).kind
    except Refused:
        return None


def _small(memo_key: tuple[Any, ...]) -> bool:
    """Only shapes of modest size are memoised: a hostile 100,000-type array is not kept."""
    return all(
        not isinstance(part, tuple) or len(part) <= _MEMO_SHAPE_KEYS for part in memo_key[1:]
    ) and not any(isinstance(part, str) and len(part) > MEMO_KEY_CHARS for part in memo_key)


def context_key(entries: Any) -> tuple[Any, ...] | None:
    """A memo key for an @context value (checked once, when first seen): its URLs and the
    canonical JSON of its inline contexts; None when it is too large to keep."""
    listed = entries if type(entries) is list else [entries]
    key = []
    for entry in listed:
        if type(entry) is dict:
            try:
                entry = canonical_json(entry)
            except (TypeError, ValueError):
                return None
        if type(entry) is not str or len(entry) > MEMO_KEY_CHARS * 16:
            return None
        key.append(entry)
    return (type(entries) is list, *key)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text (memo keys, pins)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
