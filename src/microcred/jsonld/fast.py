"""A direct JSON-LD -> RDF path for documents whose contexts are all served by a BundledLoader.

It follows pyld's Expansion (JSON-LD 1.1 API §5.1.2) and Deserialize JSON-LD to RDF (§8.1.2)
for the features credentials use — terms and compact IRIs, type- and property-scoped
contexts, language maps, value objects, typed literals, embedded nodes, graph containers —
and writes quads as it walks, without building the expanded form or a node map. pyld
processes each context once per loader; what a term means in an active context is worked
out once and kept in a `_Frame`. Anything outside that subset, and every error, returns
None: the general path then decides and reports. Tests prove both paths give the same
canonical N-Quads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver

from microcred.errors import MicrocredError
from microcred.jsonld.loader import BundledLoader, ContextCache, DocumentLoader
from microcred.jsonld.nquads import XSD_STRING, Dataset, Quad, iri, language_tag, literal, quote

__all__ = ["MAX_DEPTH", "pyld_options", "to_rdf"]

MAX_DEPTH = 64
"""Deepest JSON nesting accepted; real credentials stay far below, hostile ones are refused."""

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
_FRAME_LIMIT = 4096  # active contexts kept per loader; hostile type mixes cannot grow it forever
# pyld's absolute-IRI test (scheme or "_", a colon, no whitespace): both paths refuse alike.
_ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


class _Unsupported(Exception):
    """Outside the fast subset: the general path takes the document."""


def pyld_options(loader: DocumentLoader) -> dict[str, Any]:
    """pyld options for our loader: null base IRI (DI §2.4.3), JSON-LD 1.1, and the
    processed-context cache shared per BundledLoader."""
    cache = loader.context_cache if isinstance(loader, BundledLoader) else ContextCache(64)
    return {
        "base": None,  # pyld resolves "" against example.org
        "documentLoader": loader,
        "contextResolver": ContextResolver(cache, loader),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


class _Kind(Enum):
    ID = "@id"
    TYPE = "@type"
    VALUE = "@value"
    LANGUAGE = "@language"
    PROPERTY = "property"
    UNSUPPORTED = "unsupported"  # other keywords, undefined terms, blank-node predicates


@dataclass(frozen=True, slots=True)
class _Term:
    """What a key means in one active context, worked out once."""

    kind: _Kind
    predicate: str = ""  # the canonical N-Quads term of the property IRI
    scoped: Any = None  # a property-scoped context, if the term has one
    container: str = ""  # "", "@language" or "@graph"; anything else is unsupported
    coercion: str | None = None  # "@id", "@vocab" or a datatype IRI
    language: bool = False  # the term or context sets a default language or direction
    datatype: str = ""  # "^^<datatype>" for a coercion to a datatype IRI


_Properties = tuple[tuple[str, _Term], ...]
_Plan = tuple["_Frame", tuple[str, ...], "_Frame", bool, str | None, _Properties]
"""(final frame, type IRI terms, frame of the types, is a value object, @id key, properties)."""
_SHAPES_PER_FRAME = 1024


def _bounded(memo: dict[Any, Any]) -> dict[Any, Any]:
    """A memo keyed by document shapes: emptied when full, so hostile shapes cannot grow it."""
    if len(memo) >= _SHAPES_PER_FRAME:
        memo.clear()
    return memo


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
        self._terms: dict[str, _Term] = {}
        self._derived: dict[tuple[int, bool, bool], tuple[Any, _Frame]] = {}
        self._types: dict[str, tuple[str, Any]] = {}
        self._shapes: dict[Any, _Plan] = {}
        self._embedded: dict[tuple[str, ...], _Frame] = {}
        self.node_ids: dict[str, str] = {}  # IRI (or compact IRI) -> its N-Quads term
        self.aliases = {
            keyword: frozenset(
                [keyword, *(k for k, m in self.mappings.items() if m and m.get("@id") == keyword)]
            )
            for keyword in ("@id", "@type", "@value")
        }

    def term(self, key: str) -> _Term:
        found = self._terms.get(key)
        if found is None:
            found = _bounded(self._terms)[key] = self._define(key)
        return found

    def _define(self, key: str) -> _Term:
        expanded = self.contexts.expand_iri(self.ctx, key, vocab=True)
        if expanded in ("@id", "@type", "@value", "@language"):
            return _Term(_Kind(expanded))
        if (
            not isinstance(expanded, str)
            or expanded.startswith(("@", "_:"))
            or _ABSOLUTE.match(expanded) is None
        ):
            return _Term(_Kind.UNSUPPORTED)
        mapping = self.mappings.get(key) or {}
        containers = set(mapping.get("@container") or ()) - {"@set"}
        container = containers.pop() if len(containers) == 1 else ""
        coercion = mapping.get("@type")
        if (
            len(containers) > 1
            or container not in ("", "@language", "@graph")
            or coercion == "@json"
            or "@direction" in mapping
            or mapping.get("reverse")
        ):
            return _Term(_Kind.UNSUPPORTED)
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

    def embed(self, urls: Any) -> _Frame:
        """The frame after an embedded @context (§5.1.2 step 9) that lists context URLs only;
        memoised by the URLs, so a wallet's stream of presentations processes each once."""
        names = urls if type(urls) is tuple else (urls,)
        if not names or any(type(u) is not str for u in names):
            raise _Unsupported  # inline context definitions take the general path
        hit = self._embedded.get(names)
        if hit is None:
            ctx = self.contexts.process(self.ctx, list(names), propagate=True, override=False)
            hit = _bounded(self._embedded)[names] = self.contexts.frame(ctx)
        return hit

    def shape(self, prop: str | None, element: Mapping[str, Any]) -> _Plan:
        """How a JSON object reads when it is the value of `prop` in this frame, worked out
        once per shape: its keys, and the values of `type` / `@type`."""
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
            raise _Unsupported from None
        if found is None:
            frame, type_key = self._enter(prop, keys, memo_key[4])
            if type_key not in (None, "type", "@type"):
                raise _Unsupported  # another alias of @type: its values are not in the memo key
            own = keys if embedded is None else tuple(k for k in keys if k != "@context")
            found = frame._plan(element[type_key] if type_key is not None else (), own)
            _bounded(self._shapes)[memo_key] = found
        return found

    def _enter(
        self, prop: str | None, keys: tuple[str, ...], embedded: Any
    ) -> tuple[_Frame, str | None]:
        """The frame after reverting type-scoped contexts, applying property-scoped ones and
        the object's own @context of context URLs (§5.1.2 steps 7-9), and the key holding
        the object's types."""
        frame = self
        if self.previous is not None and not (
            len(keys) <= 2
            and (
                any(k in self.aliases["@value"] for k in keys)
                or (len(keys) == 1 and keys[0] in self.aliases["@id"])
            )
        ):
            frame = self.previous
        scoped = self.term(prop).scoped if prop is not None else None
        if scoped is not None:
            frame = frame.derive(scoped, propagate=True, override=True)
        if "@context" in keys:
            frame = frame.embed(embedded)
            keys = tuple(k for k in keys if k != "@context")
        type_keys = [k for k in keys if frame.term(k).kind is _Kind.TYPE]
        if len(type_keys) > 1:
            raise _Unsupported
        return frame, type_keys[0] if type_keys else None

    def _plan(self, types: Any, keys: tuple[str, ...]) -> _Plan:
        """The frame after the types' type-scoped contexts, the type IRIs, the frame the types
        expand in (this one, §5.1.2 step 11), whether it is a value object, its @id key and
        its properties' terms."""
        names = [types] if type(types) is str else types
        if type(names) not in (list, tuple) or any(type(n) is not str for n in names):
            raise _Unsupported
        frame = self
        for name in sorted(names):
            local = self.type_of(name)[1]
            if local is not None and local is not False:
                frame = frame.derive(local, propagate=False, override=False)
        type_terms = tuple(self.type_of(name)[0] for name in names)
        terms = [(key, frame.term(key)) for key in keys]
        kinds = {term.kind for _, term in terms}
        id_keys = [key for key, term in terms if term.kind is _Kind.ID]
        properties = tuple((k, t) for k, t in terms if t.kind is _Kind.PROPERTY)
        is_value = _Kind.VALUE in kinds
        if not is_value and (
            len(id_keys) > 1 or not kinds <= {_Kind.ID, _Kind.TYPE, _Kind.PROPERTY}
        ):
            raise _Unsupported
        return frame, type_terms, self, is_value, id_keys[0] if id_keys else None, properties

    def type_of(self, name: str) -> tuple[str, Any]:
        """A type name's IRI term and its type-scoped context (§5.1.2 steps 11 and 13.4.4)."""
        found = self._types.get(name)
        if found is None:
            expanded = self.contexts.expand_iri(self.ctx, name, vocab=True)
            if not isinstance(expanded, str) or expanded.startswith(("@", "_:")):
                raise _Unsupported
            if _ABSOLUTE.match(expanded) is None:
                raise _Unsupported
            found = _bounded(self._types)[name] = (
                iri(expanded),
                (self.mappings.get(name) or {}).get("@context"),
            )
        return found


class _Contexts:
    """pyld's context processing and IRI expansion for one loader's immutable contexts."""

    def __init__(self, loader: BundledLoader) -> None:
        self._processor = _pyld.JsonLdProcessor()
        self._options = pyld_options(loader)
        self._frames: dict[int, tuple[Any, _Frame]] = {}
        self._tops: dict[tuple[str, ...], _Frame] = {}
        self._initial = self._processor._get_initial_context(self._options)

    def frame(self, ctx: Any) -> _Frame:
        hit = self._frames.get(id(ctx))
        if hit is None:
            if len(self._frames) >= _FRAME_LIMIT:
                self._frames.clear()
                self._tops.clear()
            hit = self._frames[id(ctx)] = (ctx, _Frame(self, ctx))  # keeps `ctx` alive
        return hit[1]

    def top(self, urls: tuple[str, ...]) -> _Frame:
        """The frame of a document whose @context lists `urls`."""
        found = self._tops.get(urls)
        if found is None:
            ctx = self.process(self._initial, list(urls), propagate=True, override=False)
            found = self._tops[urls] = self.frame(ctx)
        return found

    def process(self, active: Any, local: Any, *, propagate: bool, override: bool) -> Any:
        try:
            return self._processor._process_context(
                active, local, self._options, override_protected=override, propagate=propagate
            )
        except Exception as error:  # pyld's own errors and its crashes: the general path reports
            raise _Unsupported from error

    def expand_iri(self, active: Any, value: str, *, vocab: bool) -> Any:
        try:
            return self._processor._expand_iri(active, value, vocab=vocab, base=None)
        except Exception as error:
            raise _Unsupported from error


def _contexts(loader: BundledLoader) -> _Contexts:
    contexts = loader.memo.get(_Contexts)
    if contexts is None:
        contexts = loader.memo[_Contexts] = _Contexts(loader)
    return contexts


class _Deserializer:
    """One document's walk: expansion and deserialisation to RDF in a single pass."""

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self._labels: dict[str, str] = {}
        self._count = 0
        self._tags: dict[str, str] = {}

    def _fresh(self) -> str:
        """A new blank node; the document's own labels are renamed into the same series."""
        self._count += 1
        return f"_:b{self._count}"

    def _node_id(self, frame: _Frame, value: Any) -> str:
        """IRI Expansion (§5.2.2), document relative with a null base, as an N-Quads term;
        an IRI's term is memoised in its frame (credentials repeat vocabulary IRIs)."""
        if type(value) is str:
            known = frame.node_ids.get(value)
            if known is not None:
                return known
        if not isinstance(value, str) or value.startswith("@"):
            raise _Unsupported
        prefix, colon, suffix = value.partition(":")
        if not colon or not prefix:
            raise _Unsupported  # relative: the general path reports the data loss
        if prefix == "_":
            known = self._labels.get(suffix)
            if known is None:
                known = self._labels[suffix] = self._fresh()
            return known
        expanded = value
        if not suffix.startswith("//"):
            mapping = frame.mappings.get(prefix)
            if mapping and mapping.get("_prefix"):
                expanded = mapping["@id"] + suffix
        if not expanded.isascii() and _ABSOLUTE.match(expanded) is None:
            raise _Unsupported  # e.g. Unicode spaces, which N-Quads would write but pyld refuses
        term = iri(expanded)  # for ASCII, N-Quads' IRIREF is stricter than pyld's absolute IRI
        if type(value) is str:
            _bounded(frame.node_ids)[value] = term
        return term

    def document(self, document: Mapping[str, Any], contexts: _Contexts) -> Dataset:
        entries = document.get("@context")
        urls = tuple(entries) if isinstance(entries, list) else (entries,)
        if not all(isinstance(u, str) for u in urls):
            raise _Unsupported
        top = contexts.top(urls)
        self._object(top, None, {k: v for k, v in document.items() if k != "@context"}, "", 0)
        return Dataset(dict.fromkeys(self.quads))

    def _object(
        self, frame: _Frame, prop: str | None, element: Mapping[str, Any], graph: str, depth: int
    ) -> str | None:
        """A JSON object: a value object's literal, or a node object's subject term."""
        if depth > MAX_DEPTH:
            raise _Unsupported
        frame, type_terms, type_scoped, is_value, id_key, properties = frame.shape(prop, element)
        if is_value:
            return self._value_object(type_scoped, element, frame)
        subject = self._fresh() if id_key is None else self._node_id(frame, element[id_key])
        append = self.quads.append
        for type_term in type_terms:
            append((subject, _RDF_TYPE, type_term, graph))
        for key, term in properties:  # §5.1.2 step 13, then §8.1.2 step 1.3 for each value
            value = element[key]
            term_frame = frame
            if term.scoped is not None:
                term_frame = frame.derive(term.scoped, propagate=True, override=True)
            if term.container and (term.container == "@graph" or type(value) is dict):
                self._container(term_frame, key, term, value, subject, graph, depth)
                continue
            predicate = term.predicate
            for item in value if type(value) is list else (value,):
                item_type = type(item)
                if item_type is str:
                    coercion = term.coercion
                    if coercion is None:
                        if term.language:
                            raise _Unsupported
                        object_ = quote(item)
                    elif coercion == "@id":
                        object_ = self._node_id(term_frame, item)
                    elif coercion == "@vocab":
                        object_ = term_frame.type_of(item)[0]
                    else:
                        object_ = quote(item) + term.datatype
                elif item_type is dict:
                    found = self._object(term_frame, key, item, graph, depth + 1)
                    if found is None:
                        continue
                    object_ = found
                elif item is None:
                    continue
                elif item_type is list:
                    raise _Unsupported  # nested arrays are rare: the general path flattens them
                else:
                    object_ = self._native(term, item)
                append((subject, predicate, object_, graph))
        return subject

    def _container(
        self,
        frame: _Frame,
        key: str,
        term: _Term,
        value: Any,
        subject: str,
        graph: str,
        depth: int,
    ) -> None:
        """A language map (§5.1.2 step 13.7) or graph objects (§5.1.2 step 13.4.13)."""
        append, predicate = self.quads.append, term.predicate
        if term.container == "@language":
            for object_ in self._language_map(frame, value):
                append((subject, predicate, object_, graph))
            return
        for item in value if type(value) is list else (value,):
            if type(item) is not dict:
                raise _Unsupported
            name = self._fresh()  # a simple graph object: its own blank-named graph
            append((subject, predicate, name, graph))
            self._object(frame, key, item, name, depth + 1)

    def _native(self, term: _Term, value: Any) -> str:
        """Object to RDF (§8.1.3) of a boolean or an integer; doubles take the general path."""
        if term.coercion in ("@id", "@vocab", _XSD_DOUBLE):
            raise _Unsupported
        if value is True or value is False:
            lexical, datatype = ("true" if value else "false"), _XSD_BOOLEAN
        elif type(value) is int and abs(value) < 10**21:
            lexical, datatype = str(value), _XSD_INTEGER
        else:
            raise _Unsupported  # doubles need JSON-LD's canonical double form
        return f'"{lexical}"' + (term.datatype if term.coercion else f"^^<{datatype}>")

    def _language_map(self, frame: _Frame, value: Mapping[str, Any]) -> list[str]:
        """Language Map expansion (§5.1.2 step 13.7): one rdf:langString per text."""
        objects = []
        for language in value:
            if language.startswith("@") or language in frame.mappings:
                raise _Unsupported  # @none, or an alias of it
            tag = self._language(language)
            texts = value[language]
            for text in texts if type(texts) is list else (texts,):
                if type(text) is str:
                    objects.append(quote(text) + tag)
                elif text is not None:
                    raise _Unsupported
        return objects

    def _language(self, language: str) -> str:
        tag = self._tags.get(language)
        if tag is None:
            tag = self._tags[language] = language_tag(language.lower())
        return tag

    def _value_object(
        self, type_scoped: _Frame, element: Mapping[str, Any], frame: _Frame
    ) -> str | None:
        """A value object ({"@value", "@language" | "@type"}) as its literal; its datatype
        expands in the context from before type-scoped contexts, as node types do."""
        found: dict[_Kind, Any] = {}
        for key, value in element.items():
            kind = frame.term(key).kind
            if kind not in (_Kind.VALUE, _Kind.LANGUAGE, _Kind.TYPE) or kind in found:
                raise _Unsupported
            found[kind] = value
        text = found[_Kind.VALUE]
        language, datatype = found.get(_Kind.LANGUAGE), found.get(_Kind.TYPE)
        if text is None:
            return None
        if not isinstance(text, str) or (language is not None and datatype is not None):
            raise _Unsupported
        if language is not None:
            if not isinstance(language, str):
                raise _Unsupported
            return quote(text) + self._language(language)
        if datatype is None:
            return literal(text)
        if not isinstance(datatype, str):
            raise _Unsupported
        return literal(text, type_scoped.type_of(datatype)[0][1:-1])


def to_rdf(document: Any, loader: DocumentLoader) -> Dataset | None:
    """The document's RDF dataset by the direct path, or None when the general path must run."""
    if not isinstance(loader, BundledLoader) or not isinstance(document, Mapping):
        return None
    entries = document.get("@context")
    urls = entries if isinstance(entries, list) else [entries]
    if not urls or not all(isinstance(u, str) and u in loader.urls for u in urls):
        return None
    try:
        return _Deserializer().document(document, _contexts(loader))
    except (_Unsupported, MicrocredError):
        return None
