"""Safe JSON-LD: every silent data loss becomes a typed error naming its JSON path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from microcred.errors import (
    DataLossError,
    InvalidContextError,
    MalformedDocumentError,
    ProtectedTermRedefinitionError,
    UnknownContextError,
)
from microcred.jsonld.expand import expand, to_rdf
from microcred.jsonld.loader import BundledLoader, StaticLoader, chain

V2 = "https://www.w3.org/ns/credentials/v2"
CRED = "https://www.w3.org/2018/credentials#"


def credential(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "id": "urn:uuid:6a2f6c1e-3c7f-4a55-9a4e-8f0d1a7f4b10",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ana"},
    }
    doc.update(changes)
    return doc


def test_a_valid_credential_expands_without_loss() -> None:
    [node] = expand(credential())
    assert node["@type"] == [CRED + "VerifiableCredential"]
    assert node[CRED + "issuer"] == [{"@id": "did:example:issuer"}]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        (
            {"credentialSubject": {"id": "did:example:x", "nickname": "A"}},
            ("credentialSubject", "nickname"),
        ),
        (
            {"credentialSubject": [{"name": "a"}, {"name": "b", "deep": {"x": 1}}]},
            ("credentialSubject", 1, "deep"),
        ),
        ({"id": "relative-id"}, ("id",)),
        ({"type": ["VerifiableCredential", "UndefinedType"]}, ("type", 1)),
        ({"issuer": "no-scheme"}, ("issuer",)),
        (
            {"credentialSubject": {"id": "did:example:x", "@type": "Relative"}},
            ("credentialSubject", "@type"),
        ),
        # kept in the JSON, absent from RDF, and pyld says nothing: never signed
        (
            {"credentialSubject": {"id": "did:example:x", "_:b0": "A"}},
            ("credentialSubject", "_:b0"),
        ),
        ({"credentialSubject": {"name": "A", "@none": "B"}}, ("credentialSubject", "@none")),
        ({"credentialSubject": {"name": "A", "@json": "B"}}, ("credentialSubject", "@json")),
        ({"credentialSubject": {"name": "A", "@index": "B"}}, ("credentialSubject", "@index")),
        ({"@version": 1.1}, ("@version",)),
    ],
)
def test_data_loss_is_an_error_naming_the_path(
    changes: dict[str, Any], path: tuple[Any, ...]
) -> None:
    doc = credential(**changes)
    before = copy.deepcopy(doc)
    with pytest.raises(DataLossError) as caught:
        expand(doc)
    assert caught.value.path == path
    assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert doc == before, "the caller's document must not change"


def test_to_rdf_refuses_what_expand_refuses() -> None:
    with pytest.raises(DataLossError):
        to_rdf(credential(credentialSubject={"nickname": "A"}))


def test_unknown_context_is_refused_without_network() -> None:
    with pytest.raises(UnknownContextError) as caught:
        expand(credential(**{"@context": [V2, "https://example.com/unknown"]}))
    assert caught.value.url == "https://example.com/unknown"


def test_a_callers_loader_can_serve_more_contexts() -> None:
    ctx = {"@context": {"nickname": "https://example.com/vocab#nickname"}}
    loader = chain(BundledLoader(), StaticLoader({"https://example.com/ctx": ctx}))
    doc = credential(**{"@context": [V2, "https://example.com/ctx"]})
    doc["credentialSubject"] = {"id": "did:example:x", "nickname": "A"}
    [node] = expand(doc, loader=loader)
    assert node[CRED + "credentialSubject"][0]["https://example.com/vocab#nickname"] == [
        {"@value": "A"}
    ]


def test_protected_term_redefinition_names_context_and_term() -> None:
    loader = chain(
        BundledLoader(),
        StaticLoader(
            {"https://example.com/bad": {"@context": {"description": "https://example.com/d"}}}
        ),
    )
    with pytest.raises(ProtectedTermRedefinitionError) as caught:
        expand(credential(**{"@context": [V2, "https://example.com/bad"]}), loader=loader)
    assert caught.value.term == "description"
    assert caught.value.context == "https://example.com/bad"
    assert "description" in str(caught.value) and "https://example.com/bad" in str(caught.value)


@pytest.mark.parametrize("bad", [5, {"@version": 2}, {"name": {"@id": 5}}, {"@vocab": 5}])
def test_an_invalid_context_is_a_typed_error(bad: Any) -> None:
    with pytest.raises(InvalidContextError):
        expand(credential(**{"@context": [V2, bad]}))


@pytest.mark.parametrize(
    "document", [[], "text", 5, None, {"a": json.loads("[" * 100 + "]" * 100)}]
)
def test_non_documents_and_hostile_nesting_are_refused(document: Any) -> None:
    with pytest.raises(MalformedDocumentError):
        expand(document)


def test_direction_is_kept_in_rdf() -> None:
    doc = credential(name={"@value": "שלום", "@language": "he", "@direction": "rtl"})
    quads = to_rdf(doc)
    assert any("https://www.w3.org/ns/i18n#he_rtl" in q[2] for q in quads)


def test_the_base_iri_is_null_not_example_org() -> None:
    """pyld resolves against http://example.org/base/ when given an empty base; we never do."""
    with pytest.raises(DataLossError):
        expand(credential(id="x"))
    quads = to_rdf(credential())
    assert not any("example.org/base" in term for quad in quads for term in quad)


def test_loader_documents_are_not_changed_by_processing() -> None:
    loader = BundledLoader()
    before = loader(V2)["document"]
    expand(credential(), loader=loader)
    assert loader(V2)["document"] == before
