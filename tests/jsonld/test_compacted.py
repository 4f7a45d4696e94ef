"""Both JSON-LD -> RDF paths against pyld: the same canonical N-Quads.

Independent reference: pyld's safe expansion + pyld's own toRdf (tests/oracle.py). The
compacted-form reader may refuse a document (None), never disagree: when the reference
refuses a document (data loss, bad IRI) the reader must refuse it too. The general path
(`to_rdf(..., direct=False)`: safe expansion + jsonld.deserialize) must agree with it on
every document, canonical or not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import KeyPair, api, present
from microcred.bindings.elm import to_credential
from microcred.errors import MicrocredError
from microcred.jsonld import compacted, rdfc
from microcred.jsonld.expand import to_rdf
from microcred.jsonld.loader import BundledLoader
from tests.oracle import pyld_canonical
from tests.strategies import micro_credentials

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
V2 = "https://www.w3.org/ns/credentials/v2"
MC = "https://w3id.org/microcred/v1"
LOADER = BundledLoader()


def general(document: Any, loader: BundledLoader = LOADER) -> str | None:
    """Canonical N-Quads by pyld's general path, or None when it refuses the document."""
    try:
        return pyld_canonical(document, loader)
    except MicrocredError:
        return None


def direct(document: Any, loader: BundledLoader = LOADER) -> str | None:
    """Canonical N-Quads by the compacted-form reader, or None when it refuses the document."""
    try:
        return rdfc.canonicalize(compacted.to_rdf(document, loader))
    except MicrocredError:
        return None


def ours_general(document: Any, loader: BundledLoader = LOADER) -> str | None:
    try:
        return rdfc.canonicalize(to_rdf(document, loader=loader, direct=False))
    except MicrocredError:
        return None


def assert_agree(document: Any, loader: BundledLoader = LOADER) -> bool:
    """The general path agrees; the direct path declines or agrees; returns whether the
    direct path took the document."""
    mine, reference = direct(document, loader), general(document, loader)
    assert ours_general(document, loader) == reference, "the general path disagrees with pyld"
    if reference is None:
        assert mine is None, "the direct path accepted a document the general path refuses"
    elif mine is not None:
        assert mine == reference
    return mine is not None


def test_demo_credential_and_its_proof_take_the_direct_path() -> None:
    signed = api.issue(DEMO, key=KeyPair.generate("Ed25519"))
    assert assert_agree(signed)  # the proof sits in a @graph container
    assert assert_agree({k: v for k, v in signed.items() if k != "proof"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials())
def test_generated_micro_credentials_agree(mc: Any) -> None:
    credential = to_credential(mc.with_issuer_id("did:example:issuer"))
    assert assert_agree(credential)


@pytest.mark.parametrize(
    "document",
    [
        {"@context": [V2, "https://example.org/unknown"], "name": "unknown context"},
        {"@context": [V2, MC], "id": "urn:x", "type": "Person", "@graph": []},
        {"@context": V2, "id": "urn:x", "nested": {"@context": {"a": "urn:a"}, "a": "b"}},
    ],
    ids=["unknown-context", "graph-keyword", "nested-context"],
)
def test_refuses_what_is_not_canonical_compacted_form(document: dict[str, Any]) -> None:
    assert direct(document) is None


@pytest.mark.parametrize(
    "document",
    [
        {"@context": [V2, {"x": "https://example.org/x"}], "x": "additive inline context"},
        {"@context": V2, "id": "urn:x", "type": "VerifiableCredential", "name": 1.5},
        {"@context": V2, "id": "urn:x", "type": "VerifiableCredential", "name": -2.5e-300},
    ],
    ids=["additive-inline-context", "double", "small-double"],
)
def test_reads_canonical_forms_like_the_general_path(document: dict[str, Any]) -> None:
    assert assert_agree(document)


def test_declines_what_the_general_path_refuses() -> None:
    relative = {"@context": [V2, MC], "id": "not-absolute", "type": "Person"}
    undefined = {"@context": [MC], "id": "urn:x", "type": "Person", "undefinedTerm": "x"}
    unicode_space = {"@context": [V2, MC], "id": "http://a\u00a0b", "type": "Person"}
    for document in (relative, undefined, unicode_space):
        assert general(document) is None
        assert direct(document) is None


def test_hostile_nesting_is_declined_not_a_crash() -> None:
    document: dict[str, Any] = {"@context": [V2, MC], "id": "urn:x", "type": "Person"}
    inner = document
    for _ in range(200):
        inner["hasClaim"] = {"type": "LearningAchievement"}
        inner = inner["hasClaim"]
    assert direct(document) is None


_TERMS = [
    "id",
    "type",
    "name",
    "description",
    "title",
    "fullName",
    "notation",
    "awardingDate",
    "isPartialQualification",
    "homepage",
    "contentURL",
    "hasClaim",
    "learningOutcome",
    "issuer",
    "credentialSubject",
    "validFrom",
    "@id",
    "@type",
    "@value",
    "@language",
    "undefinedTerm",
    "prefLabel",
    "volumeOfLearning",
    "point",
    "dcType",
]
_TYPES = [
    "VerifiableCredential",
    "Person",
    "Concept",
    "LearningOutcome",
    "Organisation",
    "EuropeanDigitalCredential",
    "BitstringStatusListEntry",
    "Unknown",
    "_:b",
    "urn:t",
]
_STRINGS = st.sampled_from(
    [
        "urn:a",
        "did:key:z6Mk",
        "_:b0",
        "_:x",
        "relative",
        "en",
        "de-AT",
        "2025-01-01T00:00:00Z",
        "PT10H",
        "http://a b",
        'a\u0000"\\\u007f',
        "",
        "@none",
        "cred:x",
        "Zed",
        "http://a\u00a0b",
        "urn:\u2003",
        "urn:é",
        "http://a,b:c",
    ]
) | st.text(max_size=6)
_SCALARS = _STRINGS | st.booleans() | st.integers(-5, 5) | st.none()


_EMBEDDED = st.sampled_from(
    [
        V2,
        MC,
        [V2, MC],
        [MC, V2],
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/2018/credentials/v1",
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
        [],
        None,
        {"nickname": "urn:n"},
        "https://unknown.example/v1",
    ]
)


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    nodes = st.dictionaries(
        st.sampled_from(_TERMS),
        children | st.sampled_from(_TYPES) | st.lists(st.sampled_from(_TYPES), max_size=2),
        max_size=5,
    )
    embedded = st.builds(lambda node, ctx: {"@context": ctx, **node}, nodes, _EMBEDDED)
    languages = st.dictionaries(st.sampled_from(["en", "de", "@none", "FR"]), _STRINGS, max_size=2)
    return nodes | embedded | languages


_VALUES = st.recursive(_SCALARS, lambda c: _objects(c) | st.lists(c, max_size=3), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([[V2, MC], [V2], [MC], [V2, MC, "https://w3id.org/security/multikey/v1"]]),
    _objects(_VALUES),
)
def test_random_documents_decline_or_agree(contexts: list[str], body: dict[str, Any]) -> None:
    assert_agree({"@context": contexts, **body})


def test_a_presentation_of_credentials_with_their_own_contexts_takes_the_direct_path() -> None:
    """Embedded credentials repeat their @context (§5.1.2 step 9): a verifier's everyday case."""
    issuer, holder = KeyPair.generate("Ed25519"), KeyPair.generate("P-256")
    credentials = [
        api.issue(DEMO, key=issuer),
        api.issue(DEMO, key=issuer, cryptosuite="eddsa-jcs-2022"),
    ]
    vp = present(
        credentials,
        key=holder,
        cryptosuite="ecdsa-rdfc-2019",
        challenge="c-1",
        domain="verifier.example",
    )
    assert assert_agree(vp)
    assert assert_agree({k: v for k, v in vp.items() if k != "proof"})


def _reference_documents(reference_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(reference_dir.rglob("*.json*")):
        if "contexts" in path.parts or "rdf-canon" in path.parts:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        for i, item in enumerate(data if isinstance(data, list) else [data]):
            if isinstance(item, dict) and "@context" in item:
                found.append((f"{path.relative_to(reference_dir)}[{i}]", item))
    return found


def test_every_reference_credential_agrees(reference_dir: Path, reference_loader: Any) -> None:
    """Every JSON-LD document in ../shared/reference: with all their contexts pinned in one
    BundledLoader, the direct path declines or gives pyld's canonical N-Quads."""
    pinned = {url: reference_loader(url)["document"] for url in _urls(reference_loader)}
    loader = BundledLoader(pinned)
    taken = 0
    documents = _reference_documents(reference_dir)
    for name, document in documents:
        try:
            taken += assert_agree(document, loader)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None
    assert len(documents) > 50
    assert taken > len(documents) // 3, f"direct path took only {taken} of {len(documents)}"


def _urls(loader: Any) -> set[str]:
    urls: set[str] = set()
    for part in loader.loaders:
        urls |= part.urls
    return urls
