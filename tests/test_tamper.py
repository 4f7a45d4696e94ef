"""Tamper properties: change any signed value, add or remove any property, or move a proof to
another document, and verification fails, for every suite and key type."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.errors import MicrocredError
from microcred.keys.keypair import KeyPair
from tests.oracle import pyld_canonical

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text()
)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at
SUITES = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
]
Path_ = tuple[str | int, ...]


def _issue(suite: str, key_type: str, **changes: Any) -> dict[str, Any]:
    key = KeyPair.generate(key_type)
    return api.issue({**EXAMPLE, **changes}, key=key, cryptosuite=suite, created=CREATED)


@pytest.fixture(scope="module", params=SUITES, ids=[s for s, _ in SUITES])
def signed(request: pytest.FixtureRequest) -> dict[str, Any]:
    suite, key_type = request.param
    credential = _issue(suite, key_type)
    assert api.verify(credential, now=NOW).verified
    return credential


def _leaves(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


def _objects(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from _objects(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _objects(item, (*path, i))


def _keys(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    for obj in _objects(value, path):
        node = _at(value, obj)
        yield from ((*obj, key) for key in node)


def _at(document: Any, path: Path_) -> Any:
    for part in path:
        document = document[part]
    return document


def _replaced(value: Any) -> st.SearchStrategy[Any]:
    """A JSON scalar that differs from `value`: a near miss or something else entirely."""
    near = st.just(value + "x" if isinstance(value, str) else "x")
    other = st.one_of(
        st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
    )
    return st.one_of(near, other).filter(lambda new: new != value or type(new) is not type(value))


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(data=st.data())
def test_changing_any_signed_leaf_fails(signed: dict[str, Any], data: st.DataObject) -> None:
    """Any changed value fails, unless (RDFC only) the graph is the same: see below."""
    path = data.draw(st.sampled_from(sorted(_leaves(signed), key=str)), label="path")
    tampered = copy.deepcopy(signed)
    old = _at(tampered, path)
    new = data.draw(_replaced(old), label="new value")
    _at(tampered, path[:-1])[path[-1]] = new
    _assert_verifies_only_if_the_signed_form_is_unchanged(signed, tampered, path)


@FAST
@given(data=st.data())
def test_adding_a_property_anywhere_fails(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(_objects(signed), key=str)), label="object")
    node = _at(signed, path)
    key = data.draw(
        st.one_of(
            st.sampled_from(["name", "description", "id", "type", "title", "extra"]),
            st.sampled_from(["_:b0", "@none", "@json", "@set", "@version", "@index"]),
            st.text(min_size=1),
        ).filter(lambda k: k not in node),
        label="key",
    )
    tampered = copy.deepcopy(signed)
    _at(tampered, path)[key] = data.draw(
        st.one_of(st.text(min_size=1), st.integers()), label="value"
    )
    assert not api.verify(tampered, now=NOW).verified


def _signed_statements(document: dict[str, Any]) -> str | None:
    """The canonical RDF an RDFC proof signs (None if the document no longer expands)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        return pyld_canonical(unsecured)
    except MicrocredError:
        return None


@FAST
@given(data=st.data())
def test_removing_any_property_fails(signed: dict[str, Any], data: st.DataObject) -> None:
    """RDFC signs the RDF graph, not the JSON: removing one of two copies of the same
    statement (e.g. a concept's inScheme repeated wherever the concept is used) leaves the
    signed graph unchanged, and only then may the credential still verify. JCS signs JSON."""
    path = data.draw(st.sampled_from(sorted(_keys(signed), key=str)), label="property")
    tampered = copy.deepcopy(signed)
    del _at(tampered, path[:-1])[path[-1]]
    _assert_verifies_only_if_the_signed_form_is_unchanged(signed, tampered, path)


def _assert_verifies_only_if_the_signed_form_is_unchanged(
    signed: dict[str, Any], tampered: dict[str, Any], path: Path_
) -> None:
    """JCS signs every JSON byte; RDFC signs the graph, judged here by pyld's general path
    (independent of our direct path): a tampered credential verifies only when that graph
    is unchanged, and even then only in canonical compacted form (tests/security has the
    property that such a credential reads exactly as the original)."""
    result = api.verify(tampered, now=NOW)
    rdfc_suite = "rdfc" in signed["proof"]["cryptosuite"]
    unchanged = path[0] != "proof" and _signed_statements(tampered) == _signed_statements(signed)
    if result.verified:
        assert rdfc_suite and unchanged, "a changed signed graph verified"


SAME_GRAPH = {
    # JSON-LD 1.1 §8.6 object to RDF: a native 2.0 under xsd:decimal coercion is "2"
    ("credentialSubject", "hasClaim", "specifiedBy", "creditPoint", 0, "point"): 2.0,
    # a native boolean and its coerced string spelling are the same typed literal
    ("credentialSubject", "hasClaim", "specifiedBy", "isPartialQualification"): "true",
    # the country concept's label is stated again on the issuer's address
    ("issuer", "registration", "spatial", "prefLabel", "en"): None,
}


@pytest.mark.parametrize("path", list(SAME_GRAPH), ids=lambda p: ".".join(map(str, p)))
def test_an_equivalent_spelling_of_the_signed_graph_is_refused(path: Path_) -> None:
    """Found by the property above: these edits change the JSON but not one signed quad, so
    the JSON a wallet reads would differ from the original; canonical form refuses them."""
    signed = _issue("eddsa-rdfc-2022", "Ed25519")
    tampered = copy.deepcopy(signed)
    _at(tampered, path[:-1])[path[-1]] = SAME_GRAPH[path]
    assert _signed_statements(tampered) == _signed_statements(signed)
    result = api.verify(tampered, now=NOW)
    assert not result.verified
    refused = [p.path for p in result.problems if p.code == "NON_CANONICAL_FORM"]
    assert any(path[: len(where)] == where for where in refused), refused  # at or above it
    jcs = _issue("eddsa-jcs-2022", "Ed25519")
    _at(jcs, path[:-1])[path[-1]] = SAME_GRAPH[path]
    assert not api.verify(jcs, now=NOW).verified


@pytest.mark.parametrize(("suite", "key_type"), SUITES)
def test_a_proof_moved_onto_another_document_fails(suite: str, key_type: str) -> None:
    key = KeyPair.generate(key_type)
    first = api.issue(EXAMPLE, key=key, cryptosuite=suite, created=CREATED)
    other = {**EXAMPLE, "learner": {**EXAMPLE["learner"], "fullName": {"en": "Someone Else"}}}
    second = api.issue(other, key=key, cryptosuite=suite, created=CREATED)
    assert api.verify(second, now=NOW).verified
    moved = {**second, "proof": first["proof"]}
    result = api.verify(moved, now=NOW)
    assert not result.verified
    assert "PROOF_VERIFICATION_ERROR" in result.codes
