"""Independent references for tests: pyld's own Deserialize JSON-LD to RDF.

The library's general path walks pyld's expanded output itself (linear, jsonld.deserialize);
tests compare every RDF dataset against pyld's node-map toRdf, run on the same safe
expansion, so neither of our two readers is judged by code of ours.
"""

from __future__ import annotations

from typing import Any

from pyld import jsonld

from microcred.errors import MicrocredError
from microcred.jsonld import nquads, rdfc
from microcred.jsonld.expand import expand
from microcred.jsonld.loader import BundledLoader, DocumentLoader


def pyld_canonical(document: Any, loader: DocumentLoader | None = None) -> str | None:
    """The canonical N-Quads of `document` by pyld's toRdf after safe expansion; None when
    safe expansion refuses the document (data loss, unknown context, ...)."""
    try:
        expanded = expand(document, loader=loader or BundledLoader())
    except MicrocredError:
        return None
    text = jsonld.to_rdf(
        expanded, {"format": "application/n-quads", "rdfDirection": "i18n-datatype"}
    )
    return rdfc.canonicalize(nquads.parse(text))
