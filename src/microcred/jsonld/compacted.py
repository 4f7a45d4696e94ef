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

import re
from collections.abc import Mapping
from typing import Any

from microcred.errors import (
    InvalidRdfTermError,
    MalformedDocumentError,
    MicrocredError,
    Path,
)
from microcred.jsonld.contexts import MAX_FRAMES, ActiveContexts, active_contexts
from microcred.jsonld.deserialize import I18N, canonical_double
from microcred.jsonld.loader import DocumentLoader
from microcred.jsonld.nquads import (
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    Dataset,
    Quad,
    iri,
    language_tag,
    literal,
    quote,
)
from microcred.jsonld.refusal import DATA_LOSS, NON_CANONICAL, Refused, refuse
from microcred.jsonld.terms import ABSOLUTE, MEMO_KEY_CHARS, TEXT, Frame, Kind, Term, memo

__all__ = [
    "CLR_SUBJECT",
    "CLR_SUBJECT_TYPES",
    "MAX_DEPTH",
    "MAX_FRAMES",
    "is_clr_subject",
    "to_rdf",
]

MAX_DEPTH = 64
"""Deepest JSON nesting accepted; real credentials stay far below, hostile ones are refused."""

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
    **{ns + "float": "number" for ns in _XSD_NAMESPACES},  # OB3 credits: any JSON number
}
"""Datatypes whose values JSON writes natively (the credentials v2 context types some with
an https XML Schema IRI): a coercion to one of them takes a JSON value of that kind."""
CLR_SUBJECT = "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject>"
"""A CLR 2.0 subject: each object of its `verifiableCredential` is an embedded credential,
read as a scope of its own for the one-description rule (each is verified by its own
proof: microcred.verification.embedded_credentials; docs/security.md)."""
CLR_SUBJECT_TYPES = frozenset({"ClrSubject", CLR_SUBJECT[1:-1]})
"""How a ClrSubject's type is written; a node is scoped so only when written so (and it
expands to CLR_SUBJECT), exactly as the embedded-credentials check finds it."""
_SAFE_INTEGER = 2**53 - 1  # beyond it JSON readers (IEEE doubles) no longer agree on the value


class _Deserializer:
    """One document's walk: expansion and deserialisation to RDF in a single pass."""

    def __init__(self, contexts: ActiveContexts, *, strict: bool) -> None:
        self.contexts = contexts
        self.strict = strict
        self.quads: list[Quad] = []
        self._labels: dict[str, str] = {}
        self._count = 0
        self._tags: dict[str, str] = {}
        self._described: dict[tuple[int, str, str], tuple[Any, frozenset[str], bool]] = {}
        self._scope = 0  # which embedded credential (0: the document itself) is being read
        self._scopes = 0
        self._embed_depth = -1  # objects at this depth are embedded credentials of a CLR

    def _fresh(self) -> str:
        """A new blank node; the document's own labels are renamed into the same series."""
        self._count += 1
        return f"_:b{self._count}"

    def _node_id(self, frame: Frame, value: Any) -> str:
        """IRI Expansion (§5.2.2) of an absolute IRI or a blank node identifier, as an
        N-Quads term; an IRI's term is memoised in its frame (credentials repeat IRIs)."""
        if type(value) is str:
            known = frame.node_ids.get(value)
            if known is not None:
                return known
        if not isinstance(value, str):
            refuse(NON_CANONICAL, "an identifier is an IRI string")
        prefix, colon, suffix = value.partition(":")
        if not colon or not prefix or value.startswith("@"):
            refuse(DATA_LOSS, f"relative IRI {value!r} (the base IRI is null)")
        if prefix == "_":
            known = self._labels.get(suffix)
            if known is None:
                known = self._labels[suffix] = self._fresh()
            return known
        expanded = value
        mapping = frame.mappings.get(prefix)
        if not suffix.startswith("//") and mapping and mapping.get("_prefix"):
            if self.strict:
                refuse(NON_CANONICAL, f"{value!r} is a compact IRI: write the IRI in full")
            expanded = mapping["@id"] + suffix
        if ABSOLUTE.match(expanded) is None:
            refuse(DATA_LOSS, f"{value!r} is not an absolute IRI")
        try:
            term = iri(expanded)  # for ASCII, N-Quads' IRIREF is stricter than pyld's test
        except MicrocredError:
            refuse(DATA_LOSS, f"{value!r} is not an absolute IRI")
        if len(value) <= MEMO_KEY_CHARS:
            memo(frame.node_ids)[value] = term
        return term

    def _describe(
        self, key: tuple[int, str, str], element: Mapping[str, Any], types: Any, properties: Any
    ) -> None:
        """A node is described in one JSON object, or in identical copies of it, so a reader
        of one place sees everything the graph says about it. Besides, a reference (an id
        and types only, as OB3's `achievement.creator`) may name a node described elsewhere
        whose types include its own: the fuller description is kept for what follows."""
        mine = (element, frozenset(types), not properties)
        first = self._described.setdefault(key, mine)
        if first[0] is element or first[0] == element:
            return
        if mine[2] and mine[1] <= first[1]:
            return
        if first[2] and first[1] <= mine[1]:
            self._described[key] = mine
            return
        raise Refused(NON_CANONICAL, f"node {key[2]} is described in two places that differ")

    def document(self, document: Mapping[str, Any]) -> Dataset:
        if "@context" not in document:
            refuse(DATA_LOSS, "a document without @context signs nothing", "@context")
        self._no_pinned_copy(document["@context"])
        top = self.contexts.top(document["@context"])
        body = {k: v for k, v in document.items() if k != "@context"}
        self._object(top, None, TEXT, body, "", 0)
        return Dataset(dict.fromkeys(self.quads))

    def _no_pinned_copy(self, entries: Any) -> None:
        """Canonical form names a pinned context by its URL, where readers look for it (the
        eu_standard check, the bindings); a copy of its body reads the same only as JSON-LD."""
        if not self.strict:
            return
        for index, entry in enumerate(entries if type(entries) is list else [entries]):
            url = self.contexts.pinned_url(entry) if type(entry) is dict else None
            if url is not None:
                where: Path = ("@context", index) if type(entries) is list else ("@context",)
                raise Refused(NON_CANONICAL, f"an inline copy of {url}: write its URL", where)

    def _object(
        self,
        frame: Frame,
        prop: str | None,
        term: Term,
        element: Mapping[str, Any],
        graph: str,
        depth: int,
    ) -> str:
        """A JSON object: a value object's literal, or a node object's subject term."""
        if depth > MAX_DEPTH:
            raise Refused(MalformedDocumentError, f"JSON nesting deeper than {MAX_DEPTH} levels")
        if "@context" in element:
            self._no_pinned_copy(element["@context"])
        frame, type_terms, type_scoped, is_value, id_key, properties = frame.shape(
            prop, term.scoped, element
        )
        if is_value:
            return self._value_object(type_scoped, element, term)
        outer = self._scope
        if depth == self._embed_depth:
            self._scopes += 1
            self._scope = self._scopes
        try:
            return self._node(frame, type_terms, id_key, properties, element, graph, depth)
        finally:
            self._scope = outer

    def _node(
        self,
        frame: Frame,
        type_terms: Any,
        id_key: str | None,
        properties: Any,
        element: Mapping[str, Any],
        graph: str,
        depth: int,
    ) -> str:
        """A node object's subject term, its types and properties written as quads."""
        if id_key is None:
            subject = self._fresh()
        else:
            try:
                subject = self._node_id(frame, element[id_key])
            except Refused as refused:
                refused.path.insert(0, id_key)
                raise
            if self.strict and (type_terms or properties):
                # a node is described in one JSON object, or in identical copies of it: a
                # reader of one place then sees everything the graph says about the node
                self._describe((self._scope, graph, subject), element, type_terms, properties)
        append = self.quads.append
        for type_term in type_terms:
            append((subject, RDF_TYPE, type_term, graph))
        clr_subject = CLR_SUBJECT in type_terms and is_clr_subject(element)
        for key, term_ in properties:  # §5.1.2 step 13, then §8.1.2 step 1.3 for each value
            value = element[key]
            term_frame = frame
            item: Any = None
            outer_depth = self._embed_depth
            if clr_subject and key == "verifiableCredential":
                self._embed_depth = depth + 1
            try:
                if term_.scoped is not None:
                    term_frame = frame.derive(term_.scoped, propagate=True, override=True)
                container = term_.container
                if container and container != "@graph":  # a language map or a list
                    self._container(term_frame, subject, key, term_, value, graph, depth)
                    continue
                predicate, plain = term_.predicate, term_.coercion is None and not term_.language
                if type(value) is not list:  # the common cases first
                    if type(value) is str and plain:
                        append((subject, predicate, quote(value), graph))
                    elif type(value) is dict and not container:
                        node = self._object(term_frame, key, term_, value, graph, depth + 1)
                        append((subject, predicate, node, graph))
                    else:
                        found = self._item(term_frame, key, term_, value, graph, depth)
                        if found is not None:
                            append((subject, predicate, found, graph))
                    continue
                values: set[str] = set()  # RDF holds a value once: a reader must not count two
                for item in value:
                    kind = type(item)
                    if kind is str and plain:
                        object_ = quote(item)
                    elif kind is dict and not container:
                        object_ = self._object(term_frame, key, term_, item, graph, depth + 1)
                    else:
                        found = self._item(term_frame, key, term_, item, graph, depth)
                        if found is None:
                            continue
                        object_ = found
                    if object_ in values:
                        refuse(NON_CANONICAL, "the same value is listed twice")
                    values.add(object_)
                    append((subject, predicate, object_, graph))
            except Refused as refused:
                listed = type(value) is list
                at = next((i for i, x in enumerate(value) if x is item), 0) if listed else 0
                refused.path[:0] = [key, at] if listed else [key]
                raise
            finally:
                self._embed_depth = outer_depth
        return subject

    def _container(
        self,
        frame: Frame,
        subject: str,
        key: str,
        term: Term,
        value: Any,
        graph: str,
        depth: int,
    ) -> None:
        """A language map (§5.1.2 step 13.7) or a list (§5.1.2 step 13.8) as its terms."""
        if term.container == "@list":
            head = self._list(frame, key, term, value, graph, depth)
            self.quads.append((subject, term.predicate, head, graph))
            return
        if type(value) is not dict:
            refuse(NON_CANONICAL, "this term takes a language map {tag: text}")
        for text in self._language_map(frame, value):
            self.quads.append((subject, term.predicate, text, graph))

    def _item(
        self, frame: Frame, key: str, term: Term, item: Any, graph: str, depth: int
    ) -> str | None:
        """One value of a property as an RDF term (§8.1.2 step 1.3.2, Object to RDF §8.1.3)."""
        kind = type(item)
        if kind is str:
            coercion = term.coercion
            if coercion is None:
                if term.language:
                    refuse(NON_CANONICAL, "a context default language is not read")
                return quote(item)
            if coercion == "@id":
                return self._node_id(frame, item)
            if coercion == "@vocab":
                return frame.type_of(item)[0]
            if self.strict and _native_form(coercion, item):
                refuse(NON_CANONICAL, f"write {item!r} as a JSON {coercion.rsplit('#')[-1]} here")
            return quote(item) + term.datatype
        if kind is dict:
            if term.container == "@graph":
                name = self._fresh()  # a simple graph object: its own blank-named graph
                self._object(frame, key, term, item, name, depth + 1)
                return name
            return self._object(frame, key, term, item, graph, depth + 1)
        if term.container == "@graph":
            refuse(NON_CANONICAL, "a graph container holds objects")
        if item is None:
            return None
        if kind is list:
            refuse(NON_CANONICAL, "arrays of arrays are not read")
        return self._native(term, item)

    def _list(self, frame: Frame, key: str, term: Term, value: Any, graph: str, depth: int) -> str:
        """A list object (§5.1.2 step 13.8) as an RDF collection (§8.1.2 step 1.3.4)."""
        items = value if type(value) is list else [value]
        nodes = [self._fresh() for _ in items]
        for index, (node, item) in enumerate(zip(nodes, items, strict=True)):
            try:
                object_ = (
                    None if type(item) is list else self._item(frame, key, term, item, graph, depth)
                )
                if object_ is None:
                    refuse(NON_CANONICAL, "a list item is a value or an object")
            except Refused as refused:
                refused.path.insert(0, index)
                raise
            rest = nodes[index + 1] if index + 1 < len(nodes) else RDF_NIL
            self.quads += [(node, RDF_FIRST, object_, graph), (node, RDF_REST, rest, graph)]
        return nodes[0] if nodes else RDF_NIL

    def _native(self, term: Term, value: Any) -> str:
        """Object to RDF (§8.1.3) of a boolean or a number. In canonical form only a term
        without a type coercion, or with its own datatype, takes one (any other coercion
        gives the literal a string gives too)."""
        if value is True or value is False:
            lexical, datatype = ("true" if value else "false"), _XSD_BOOLEAN
        elif type(value) is int:
            if abs(value) > _SAFE_INTEGER:
                message = f"integer {value} is beyond ±(2**53-1), where JSON readers disagree"
                raise Refused(MalformedDocumentError, message)
            lexical, datatype = str(value), _XSD_INTEGER
        elif type(value) is float:
            lexical, datatype = _canonical_double(value), _XSD_DOUBLE
        else:
            refuse(NON_CANONICAL, f"a {type(value).__name__} is not a JSON value")
        coercion = term.coercion
        if coercion is not None and coercion != datatype:
            kind = _NATIVE_TYPES.get(coercion)
            if kind == type(value).__name__ or (kind == "number" and type(value) is not bool):
                datatype = coercion
            elif self.strict:
                refuse(NON_CANONICAL, "this term types its values: write the value as a string")
            elif coercion not in ("@id", "@vocab"):
                datatype = coercion
        return f'"{lexical}"^^<{datatype}>'

    def _language_map(self, frame: Frame, value: Mapping[str, Any]) -> list[str]:
        """Language Map expansion (§5.1.2 step 13.7): one rdf:langString per text."""
        objects = []
        for language, texts in value.items():
            tag = self._tags.get(language)
            if tag is None:
                aliased = language.startswith("@") or language in frame.mappings
                if aliased and language != "@none":
                    refuse(NON_CANONICAL, f"{language!r} is not a language tag", language)
                tag = "" if language == "@none" else self._language(language, language)
            for text in texts if type(texts) is list else (texts,):
                if type(text) is str:
                    objects.append(quote(text) + tag)
                elif text is not None:
                    refuse(NON_CANONICAL, "a language map holds strings", language)
            if type(texts) is list and len(set(texts)) != len(texts):
                refuse(NON_CANONICAL, "the same text is listed twice", language)
        return objects

    def _language(self, language: str, *at: str) -> str:
        tag = self._tags.get(language)
        if tag is None:
            try:
                tag = self._tags[language] = language_tag(language.lower())
            except MicrocredError:
                refuse(NON_CANONICAL, f"{language!r} is not a BCP 47 language tag", *at)
        return tag

    def _value_object(self, type_scoped: Frame, element: Mapping[str, Any], term: Term) -> str:
        """A value object ({"@value", "@language" | "@type", "@direction"}) as its literal,
        where compaction would keep it; its datatype expands in the context from before
        type-scoped contexts, as node types do."""
        text = element["@value"]
        language, direction = element.get("@language"), element.get("@direction")
        datatype = element.get("@type")
        if type(text) is not str:
            if self.strict or type(text) not in (bool, int, float) or language or direction:
                message = "@value is a string here (write numbers and booleans bare)"
                refuse(NON_CANONICAL, message, "@value")
            typed = None if datatype is None else type_scoped.type_of(datatype, "@type")[0][1:-1]
            return self._native(Term(Kind.PROPERTY, coercion=typed), text)
        if datatype is not None and (language is not None or direction is not None):
            refuse(NON_CANONICAL, "a value has a type or a language, not both", "@type")
        if language is not None and type(language) is not str:
            refuse(NON_CANONICAL, "@language is a language tag", "@language")
        if direction is not None and direction not in ("ltr", "rtl"):
            refuse(NON_CANONICAL, "@direction is ltr or rtl", "@direction")
        if direction is not None:
            lang = "" if language is None else self._language(language, "@language")[1:]
            return quote(text) + f"^^<{I18N}{lang}_{direction}>"
        if language is not None:
            return quote(text) + self._language(language, "@language")
        if datatype is None:
            if self.strict and term.coercion is None and not term.language:
                refuse(NON_CANONICAL, "a value object with only @value: write the string")
            return literal(text)
        if type(datatype) is not str:
            refuse(NON_CANONICAL, "@type of a value is an IRI string", "@type")
        datatype_iri = type_scoped.type_of(datatype, "@type")[0][1:-1]
        if self.strict and term.coercion == datatype_iri:
            refuse(NON_CANONICAL, "the term already gives this type: write the string", "@type")
        if self.strict and _native_form(datatype_iri, text):
            refuse(NON_CANONICAL, "write this value as a JSON boolean or number", "@value")
        return literal(text, datatype_iri)


def _native_form(datatype: str, text: str) -> bool:
    """Whether `text` typed `datatype` is the literal a JSON boolean or number gives (§8.1.3),
    so the same graph has a second JSON form: the native one is canonical."""
    kind = _NATIVE_TYPES.get(datatype)
    if kind == "bool":
        return text in ("true", "false")
    if kind == "number":
        return _native_form(_XSD_INTEGER, text) or _native_form(_XSD_DOUBLE, text)
    if kind == "int":
        return re.fullmatch(r"0|-?[1-9][0-9]{0,15}", text) is not None and abs(int(text)) <= (
            _SAFE_INTEGER
        )
    if kind == "float":
        try:
            return _canonical_double(float(text)) == text
        except (ValueError, Refused):
            return False
    return False


def _canonical_double(value: float) -> str:
    """The canonical xsd:double form JSON-LD writes (§8.1.3), refusing a number it would round."""
    try:
        lexical = canonical_double(value)
    except InvalidRdfTermError:
        lexical = None
    if lexical is None or float(lexical) != value:
        raise Refused(MalformedDocumentError, f"number {value!r} has no exact canonical form")
    return lexical


def is_clr_subject(node: Mapping[str, Any]) -> bool:
    """A node whose `type` (or `@type`) names ClrSubject as CLR 2.0 writes it."""
    for key in ("type", "@type"):
        types = node.get(key)
        if type(types) is str and types in CLR_SUBJECT_TYPES:
            return True
        if type(types) is list and any(type(t) is str and t in CLR_SUBJECT_TYPES for t in types):
            return True
    return False


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
    contexts = active_contexts(loader)
    contexts.walking(MAX_FRAMES)
    try:
        return _Deserializer(contexts, strict=strict).document(document)
    except Refused as refused:
        refused.raise_typed()
    except RecursionError:
        raise MalformedDocumentError("document too deeply nested") from None
    finally:
        contexts.walking(None)
