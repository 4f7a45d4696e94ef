"""Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8.1) from expanded form, in linear time.

pyld's toRdf first builds a node map whose merging compares each new value with every value
already there: quadratic in the values of one property (10,000 values took 26 s). Walking
the expanded tree and writing quads as it goes gives the same dataset (a node described in
several places gives the same quads; duplicates collapse in the Dataset) in one pass.
Relative IRIs and blank-node predicates never get here: safe expansion refused them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from microcred.errors import InvalidRdfTermError
from microcred.jsonld import jcs
from microcred.jsonld.nquads import (
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    XSD_STRING,
    Dataset,
    Quad,
    iri,
    literal,
)

__all__ = ["I18N", "canonical_double", "to_quads"]

_RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
_XSD = "http://www.w3.org/2001/XMLSchema#"
I18N = "https://www.w3.org/ns/i18n#"
"""Namespace of the datatypes that carry a text's language and direction (rdfDirection
"i18n-datatype", JSON-LD 1.1 API §8.1.3)."""


class _Writer:
    """One expanded document's quads; the document's blank node labels are renamed into
    one fresh series (canonicalisation does not depend on the names)."""

    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self._labels: dict[str, str] = {}
        self._count = 0

    def _fresh(self) -> str:
        self._count += 1
        return f"_:b{self._count}"

    def _id(self, value: str) -> str | None:
        """A node identifier as a term; None for one RDF cannot hold (§8.1.2 step 1.2)."""
        if value.startswith("_:"):
            known = self._labels.get(value)
            if known is None:
                known = self._labels[value] = self._fresh()
            return known
        try:
            return iri(value)
        except InvalidRdfTermError:
            return None

    def node(self, node: Mapping[str, Any], graph: str) -> str | None:
        """A node object's subject term, after writing its statements into `graph`."""
        subject = self._id(node["@id"]) if "@id" in node else self._fresh()
        if subject is None:
            return None
        for key, values in node.items():
            if key == "@type":
                for value in values:
                    type_term = self._id(value)
                    if type_term is not None:
                        self.quads.append((subject, RDF_TYPE, type_term, graph))
            elif key == "@graph":
                for inner in values:
                    self.node(inner, subject)
            elif key == "@included":
                for inner in values:
                    self.node(inner, graph)
            elif key == "@reverse":
                for prop, inverse in values.items():
                    predicate = self._id(prop)
                    for value in inverse:
                        other = self.node(value, graph)
                        if predicate is not None and other is not None:
                            self.quads.append((other, predicate, subject, graph))
            elif not key.startswith("@") and not key.startswith("_:"):
                predicate = self._id(key)
                for value in values:
                    object_ = self.object(value, graph)
                    if predicate is not None and object_ is not None:
                        self.quads.append((subject, predicate, object_, graph))
        return subject

    def object(self, value: Mapping[str, Any], graph: str) -> str | None:
        """Object to RDF (§8.1.3): a literal, a list's head, or a node's subject."""
        if "@value" in value:
            return _literal(value)
        if "@list" in value:
            return self.list(value["@list"], graph)
        return self.node(value, graph)

    def list(self, items: list[Any], graph: str) -> str:
        """List to RDF (§8.1.4): rdf:first/rdf:rest nodes ending in rdf:nil."""
        heads = [self._fresh() for _ in items]
        for index, (head, item) in enumerate(zip(heads, items, strict=True)):
            object_ = self.object(item, graph)
            if object_ is not None:
                self.quads.append((head, RDF_FIRST, object_, graph))
            rest = heads[index + 1] if index + 1 < len(heads) else RDF_NIL
            self.quads.append((head, RDF_REST, rest, graph))
        return heads[0] if heads else RDF_NIL


def _literal(value: Mapping[str, Any]) -> str | None:
    """A value object's literal, as pyld writes it with rdfDirection "i18n-datatype"."""
    text, datatype = value["@value"], value.get("@type")
    if datatype == "@json":
        return literal(jcs.canonicalize(text).decode("utf-8"), _RDF_JSON)
    if isinstance(text, bool):
        return literal("true" if text else "false", datatype or _XSD + "boolean")
    if isinstance(text, float) or (datatype == _XSD + "double" and not isinstance(text, str)):
        return literal(canonical_double(float(text)), datatype or _XSD + "double")
    if isinstance(text, int):
        if abs(text) >= 10**21:
            return literal(canonical_double(float(text)), datatype or _XSD + "double")
        return literal(str(text), datatype or _XSD + "integer")
    if "@direction" in value:
        language = value.get("@language", "")
        return literal(text, f"{I18N}{language}_{value['@direction']}")
    if "@language" in value:
        return literal(text, language=value["@language"])
    return literal(text, datatype or XSD_STRING)


def canonical_double(number: float) -> str:
    """The canonical xsd:double lexical form JSON-LD writes for a number (§8.1.3)."""
    if not math.isfinite(number):
        raise InvalidRdfTermError(f"{number!r} is not an xsd:double JSON-LD can write")
    return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{number:1.15E}")


def to_quads(expanded: list[Any]) -> Dataset:
    """The RDF dataset of an expanded JSON-LD document (top-level nodes in the default
    graph), each quad once."""
    writer = _Writer()
    for node in expanded:
        writer.node(node, "")
    return Dataset(dict.fromkeys(writer.quads))
