"""The terms an EDC uses that none of its contexts defines, and the concepts it makes up.

A JSON-LD processor drops an undefined term silently; a JAdES seal still signs it. The
lenient reader lists both kinds of finding as problems with their JSON paths, never raising.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from microcred.errors import FieldError, Path
from microcred.jsonld.loader import default_loader
from microcred.model import Concept

__all__ = ["EU_VOCABULARY_PREFIXES", "local_concepts", "unknown_terms"]

EU_VOCABULARY_PREFIXES = (
    "http://data.europa.eu/",
    "https://data.europa.eu/",
    "http://publications.europa.eu/resource/authority/",
)
"""Where the EU publishes its vocabularies (ELM, ESCO, EQF, EU authority tables)."""

_EDC_AP = "http://data.europa.eu/snb/model/context/edc-ap"


def _terms(context: Any, terms: dict[str, bool]) -> None:
    """Collect every term a context defines, also in scoped contexts, as {term: is a
    language map (its keys are language tags, not terms)}."""
    if isinstance(context, list):
        for item in context:
            _terms(item, terms)
        return
    if not isinstance(context, Mapping):
        return
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        language = isinstance(definition, Mapping) and definition.get("@container") in (
            "@language",
            ["@language"],
        )
        terms[term] = terms.get(term, False) or language
        if isinstance(definition, Mapping) and "@context" in definition:
            _terms(definition["@context"], terms)


@cache
def _bundled_terms(url: str) -> Mapping[str, bool]:
    terms: dict[str, bool] = {}
    try:
        document = default_loader()(url)["document"]
    except Exception:  # not bundled: its terms are unknown to us
        return terms
    _terms(document.get("@context") if isinstance(document, Mapping) else None, terms)
    return terms


def _known_terms(credential: Mapping[str, Any]) -> dict[str, bool]:
    """The terms of the edc-ap context, of each bundled context the credential lists and of
    its inline context objects."""
    terms = dict(_bundled_terms(_EDC_AP))
    listed = credential.get("@context")
    for entry in listed if isinstance(listed, list) else [listed]:
        if isinstance(entry, str):
            terms.update(_bundled_terms(entry))
        else:
            _terms(entry, terms)
    return terms


def unknown_terms(credential: Mapping[str, Any], at: Path = ()) -> list[FieldError]:
    """One `unknown_term` problem per term no context defines (first place it occurs)."""
    known = _known_terms(credential)
    found: dict[str, Path] = {}
    for term, path in _keys(credential, at, known):
        found.setdefault(term, path)
    return [
        FieldError(path, "unknown_term", f"{term!r} is not defined by the credential's contexts")
        for term, path in found.items()
    ]


def _keys(value: Any, path: Path, known: Mapping[str, bool]) -> Iterator[tuple[str, Path]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _keys(item, (*path, i), known)
        return
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        if not isinstance(key, str) or key.startswith("@"):
            continue
        if key not in known and ":" not in key:
            yield key, (*path, key)
            continue
        if not known.get(key, False):
            yield from _keys(item, (*path, key), known)


@cache
def _vocabulary_iris() -> frozenset[str]:
    return frozenset(c.iri for kind in _concept_classes() for c in kind.all())


def _concept_classes() -> tuple[type[Concept], ...]:
    found: list[type[Concept]] = []
    stack = list(Concept.__subclasses__())
    while stack:
        kind = stack.pop()
        found.append(kind)
        stack.extend(kind.__subclasses__())
    return tuple(k for k in found if k.vocabulary)


def local_concepts(credential: Any, at: Path = ()) -> list[FieldError]:
    """One `local_concept` finding per Concept whose IRI is not an EU vocabulary's (or that
    has none), with the label the credential gives it, which the reader keeps."""
    out: list[FieldError] = []
    seen: set[str] = set()
    for path, node in _concept_nodes(credential, at):
        iri = node.get("id")
        if isinstance(iri, str) and (
            iri.startswith(EU_VOCABULARY_PREFIXES) or iri in _vocabulary_iris() or iri in seen
        ):
            continue
        label = own_label(node)
        shown = f" ({label!r})" if label else ""
        if isinstance(iri, str):
            seen.add(iri)
            message = f"{iri}{shown} is not an EU vocabulary IRI; its own label is kept"
        else:
            message = f"a concept{shown} without an IRI is not an EU vocabulary concept"
        out.append(FieldError(path, "local_concept", message))
    return out


def own_label(node: Mapping[str, Any]) -> str | None:
    """The label a concept node carries: prefLabel (English, else the first), else notation."""
    labels = node.get("prefLabel")
    if isinstance(labels, Mapping) and labels:
        text = labels.get("en", next(iter(labels.values())))
        text = text[0] if isinstance(text, list) and text else text
        if isinstance(text, str):
            return text
    notation = node.get("notation")
    return notation if isinstance(notation, str) else None


def _concept_nodes(value: Any, path: Path) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _concept_nodes(item, (*path, i))
    elif isinstance(value, Mapping):
        types = value.get("type")
        if "Concept" in (types if isinstance(types, list) else [types]):
            yield path, value
        for key, item in value.items():
            if key != "inScheme":
                yield from _concept_nodes(item, (*path, key))
