"""validate_shacl / check_shacl: SHACL validation reports as Problems, offline, never raising
for the document; misuse (no pyshacl, unreadable shapes) raises typed errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import InvalidOptionError, MissingDependencyError
from microcred.verification import shacl
from microcred.verification.shacl import check_shacl, validate_shacl

pytest.importorskip("pyshacl", reason="the shacl extra (pip install microcred[shacl])")

CRED = "https://www.w3.org/2018/credentials#"
ELM = "http://data.europa.eu/snb/model/elm/"

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cred: <https://www.w3.org/2018/credentials#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <urn:example:> .

ex:CredentialShape a sh:NodeShape ;
  sh:targetClass cred:VerifiableCredential ;
  sh:property [ sh:path cred:issued ; sh:minCount 1 ; sh:message "an EDC needs issued" ] .

ex:PersonShape a sh:NodeShape ;
  sh:targetClass <http://data.europa.eu/snb/model/elm/Person> ;
  sh:property [ sh:path foaf:givenName ; sh:minCount 1 ; sh:severity sh:Warning ] .
"""


def _credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "http://data.europa.eu/snb/model/context/edc-ap",
        ],
        "id": "urn:credential:1",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": "urn:epass:org:1",
        "credentialSubject": {"id": "urn:epass:person:1", "type": "Person"},
        **extra,
    }


@pytest.fixture
def shapes(tmp_path: Path) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES, encoding="utf-8")
    return path


def test_each_violation_is_a_problem_with_focus_node_and_path(shapes: Path) -> None:
    result = validate_shacl(_credential(), shapes)
    assert not result.verified
    assert [p.to_dict() | {"pointer": None} for p in result.problems] == [
        {
            "code": "SHACL_VIOLATION",
            "message": "an EDC needs issued",
            "path": ["urn:credential:1", CRED + "issued"],
            "pointer": None,
        }
    ]
    assert [(w.code, w.path) for w in result.warnings] == [
        ("SHACL_WARNING", ("urn:epass:person:1", "http://xmlns.com/foaf/0.1/givenName"))
    ]


def test_a_conforming_document_verifies(shapes: Path) -> None:
    subject = {"id": "urn:epass:person:1", "type": "Person", "givenName": {"en": "Ana"}}
    check = check_shacl(
        _credential(issued="2025-07-01T12:00:00Z", credentialSubject=subject), shapes
    )
    assert check.ok and not check.problems and not check.warnings
    assert check.details["triples"] == 7  # 2 types, issuer, subject, issued, Person, name


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({**_credential(), "@context": ["https://example.org/unknown"]}, "UNKNOWN_CONTEXT"),
        (_credential(cnf={"jwk": {}}), "DATA_LOSS_DETECTION_ERROR"),
        (["not", "an", "object"], "MALFORMED_VALUE_ERROR"),
    ],
)
def test_documents_that_cannot_become_rdf_fail_without_raising(
    shapes: Path, document: Any, code: str
) -> None:
    result = validate_shacl(document, shapes)
    assert not result.verified and result.codes == {code}


def test_shapes_that_cannot_be_read_are_misuse(tmp_path: Path, shapes: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    unusable: list[Path | list[Path]] = [tmp_path / "missing.ttl", broken, []]
    for bad in unusable:
        with pytest.raises(InvalidOptionError):
            validate_shacl(_credential(), bad)


def test_without_pyshacl_the_extra_is_named(shapes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(shacl, "import_module", missing)
    with pytest.raises(MissingDependencyError, match=r"pip install microcred\[shacl\]"):
        validate_shacl(_credential(), shapes)


# --- the EDC generic profile (ELM 3.2) against the EC's samples (research elm.md §4) ---------


@pytest.fixture
def edc_shapes(reference_dir: Path) -> list[Path]:
    folder = reference_dir / "elm" / "shacl" / "3.2"
    return [folder / "EDC-generic-full.ttl", folder / "EDC-generic-no-cv.ttl"]


def _sample(reference_dir: Path, name: str) -> Any:
    document = json.loads((reference_dir / "elm" / "samples" / name).read_text("utf-8"))
    return json.loads(document["payload"]) if "payload" in document else document


def test_the_unsealed_ec_sample_lacks_what_sealing_adds(
    reference_dir: Path, edc_shapes: list[Path]
) -> None:
    """elm.md §4: no `issued`, and the issuer has no eIDAS identifier (3 results)."""
    result = validate_shacl(
        _sample(reference_dir, "ec/Sample-MC-Annex1-unsigned.jsonld"), edc_shapes
    )
    credential = "urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b"
    assert [p.path for p in result.problems] == [
        (credential, CRED + "issued"),
        (credential, CRED + "issuer"),
        ("urn:epass:org:1", ELM + "eidasLegalIdentifier"),
    ]
    assert result.codes == {"SHACL_VIOLATION"}


@pytest.mark.parametrize(
    "name", ["ec/Sample-MC-Annex1-signed.jsonld", "ec/Sample-CertOfPart-signed.jsonld"]
)
def test_the_sealed_ec_samples_conform(
    reference_dir: Path, edc_shapes: list[Path], name: str
) -> None:
    result = validate_shacl(_sample(reference_dir, name), edc_shapes)
    assert result.verified, [str(p) for p in result.problems]


def test_mynextid_terms_outside_edc_ap_are_reported_not_raised(
    reference_dir: Path, edc_shapes: list[Path]
) -> None:
    result = validate_shacl(_sample(reference_dir, "mynextid/edc-mc-signed.jsonld"), edc_shapes)
    assert not result.verified
    assert result.problems[0].code == "DATA_LOSS_DETECTION_ERROR"
    assert result.problems[0].path == ("cnf",)
