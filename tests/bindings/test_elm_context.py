"""contexts/microcred-v1.jsonld: protected, no @vocab, ELM IRIs only, no clash with VC 2.0."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from microcred.bindings.elm import CONTEXT
from microcred.jsonld.expand import expand
from microcred.jsonld.loader import bundled_context_urls

NAMESPACES = (
    "http://data.europa.eu/snb/model/elm/",  # ELM v3
    "http://purl.org/dc/terms/",  # Dublin Core, as ELM uses it
    "http://www.w3.org/2004/02/skos/core#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/ns/regorg#",
    "http://www.w3.org/ns/adms#",
)
XSD = "http://www.w3.org/2001/XMLSchema#"


def _context(file: str) -> dict[str, Any]:
    text = (resources.files("microcred.contexts") / file).read_text(encoding="utf-8")
    return json.loads(text)["@context"]  # type: ignore[no-any-return]


OURS = _context("microcred-v1.jsonld")
TERMS = {k: v for k, v in OURS.items() if not k.startswith("@")}


def _protected_terms(context: dict[str, Any]) -> dict[str, Any]:
    """Every term credentials/v2 protects: top level and inside its type-scoped contexts."""
    out = {k: v for k, v in context.items() if not k.startswith("@")}
    for definition in context.values():
        if isinstance(definition, dict) and isinstance(definition.get("@context"), dict):
            out.update(_protected_terms(definition["@context"]))
    return out


def test_the_context_is_protected_json_ld_11_without_vocab() -> None:
    assert OURS["@version"] == 1.1
    assert OURS["@protected"] is True
    assert "@vocab" not in OURS and "@base" not in OURS


def test_no_term_of_credentials_v2_is_redefined() -> None:
    protected = _protected_terms(_context("credentials-v2.jsonld"))
    clashes = {t for t in TERMS if t in protected and protected[t] != TERMS[t]}
    assert not clashes


@pytest.mark.parametrize("term", sorted(TERMS))
def test_every_term_maps_to_an_elm_or_elm_reused_iri(term: str) -> None:
    definition = TERMS[term]
    iri = definition if isinstance(definition, str) else definition["@id"]
    assert iri.startswith(NAMESPACES), f"{term} -> {iri}"
    if isinstance(definition, dict):
        assert set(definition) <= {"@id", "@type", "@container"}
        assert definition.get("@container") in (None, "@language")
        assert definition.get("@type") in (None, "@id") or definition["@type"].startswith(XSD)


@pytest.mark.parametrize(
    ("term", "datatype"),
    [
        ("awardingDate", "dateTime"),
        ("dateOfBirth", "dateTime"),
        ("expiryDate", "dateTime"),
        ("volumeOfLearning", "duration"),
        ("point", "string"),
        ("isPartialQualification", "boolean"),
    ],
)
def test_values_are_typed_as_elm_ranges_say(term: str, datatype: str) -> None:
    assert TERMS[term]["@type"] == XSD + datatype


def test_the_context_is_bundled_under_its_w3id_url() -> None:
    assert CONTEXT[1] == "https://w3id.org/microcred/v1"
    assert set(CONTEXT) <= bundled_context_urls()


def test_a_document_using_every_term_expands_without_loss() -> None:
    """Property terms as keys, class terms as types: safe expansion drops none of them."""
    node: dict[str, Any] = {"id": "urn:example:node", "type": [t for t in TERMS if t[0].isupper()]}
    for term, definition in TERMS.items():
        if term[0].isupper():
            continue
        kind = definition.get("@type") or definition.get("@container")
        node[term] = (
            {"@id": "urn:example:x"}
            if kind == "@id"
            else ({"en": "text"} if kind == "@language" else "2")
        )
    document = {
        "@context": list(CONTEXT),
        "id": "urn:example:vc",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": node,
    }
    [expanded] = expand(document)
    subject = expanded["https://www.w3.org/2018/credentials#credentialSubject"][0]
    assert len([k for k in subject if not k.startswith("@")]) == len(
        {d["@id"] for t, d in TERMS.items() if not t[0].isupper()}
    )
