"""Annex I element -> ELM predicate IRIs in our credential, and agreement with the EC's sample.

The table has one row per Annex I element: the predicate paths (from the credential node, in
the expanded JSON-LD graph) where the element must appear, optionally with the value found at
the end of the path. docs/elm-mapping.md shows the same mapping for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from microcred.bindings.elm import to_credential
from microcred.jsonld.expand import expand
from microcred.jsonld.loader import StaticLoader
from microcred.model import MicroCredential

ROOT = Path(__file__).resolve().parents[2]
CRED = "https://www.w3.org/2018/credentials#"
ELM = "http://data.europa.eu/snb/model/elm/"
DC = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"

SUBJECT = (CRED + "credentialSubject",)
ACHIEVEMENT = (*SUBJECT, ELM + "hasClaim")
SPEC = (*ACHIEVEMENT, ELM + "specifiedBy")
ASSESSMENT = (*ACHIEVEMENT, ELM + "provenBy")
AWARDING = (*ACHIEVEMENT, ELM + "awardedBy")
BODY = (*AWARDING, ELM + "awardingBody")
ADDRESS = (ELM + "location", ELM + "address")

Row = tuple[str, list[tuple[tuple[str, ...], Any]]]

ANNEX_I: list[Row] = [
    (
        "M1 identification of the learner",
        [
            ((*SUBJECT, FOAF + "fullName"), {"@value": "Ana Andromeda", "@language": "en"}),
            ((*SUBJECT, FOAF + "givenName"), None),
            ((*SUBJECT, FOAF + "familyName"), None),
            (
                (*SUBJECT, ELM + "dateOfBirth"),
                {"@value": "1999-10-02T00:00:00Z", "@type": XSD + "dateTime"},
            ),
            ((*SUBJECT, ELM + "nationalId", SKOS + "notation"), None),
            ((*SUBJECT, "http://www.w3.org/ns/adms#identifier", SKOS + "notation"), None),
            (
                (*SUBJECT, ELM + "contactPoint", ELM + "emailAddress"),
                "mailto:ana.andromeda@example.org",
            ),
        ],
    ),
    (
        "M2 title",
        [
            ((*ACHIEVEMENT, DC + "title"), None),
            (
                (*SPEC, DC + "title"),
                {"@value": "Digital micro-credential creation", "@language": "en"},
            ),
        ],
    ),
    (
        "M3 country(ies)/region(s) of the issuer",
        [
            (
                (CRED + "issuer", *ADDRESS, ELM + "countryCode"),
                "http://publications.europa.eu/resource/authority/country/IRL",
            ),
            ((CRED + "issuer", ELM + "location", ELM + "spatialCode"), None),
            ((*BODY, *ADDRESS, ELM + "countryCode"), None),
            ((*BODY, ELM + "location", ELM + "spatialCode"), None),
        ],
    ),
    (
        "M4 awarding body(ies)",
        [
            ((*BODY, "http://www.w3.org/ns/regorg#legalName"), None),
            ((*BODY, "http://www.w3.org/ns/regorg#registration", SKOS + "notation"), None),
        ],
    ),
    (
        "M5 date of issuing",
        [
            (
                (CRED + "validFrom",),
                {"@value": "2025-06-30T10:00:00+01:00", "@type": XSD + "dateTime"},
            ),
            ((*AWARDING, ELM + "awardingDate"), None),
        ],
    ),
    (
        "M6 learning outcomes",
        [
            ((*SPEC, ELM + "learningOutcome", DC + "title"), None),
            ((*SPEC, ELM + "learningOutcome", ELM + "relatedESCOSkill"), None),
            ((*SPEC, ELM + "learningOutcome", ELM + "relatedSkill"), None),
            ((*SPEC, ELM + "learningOutcome", ELM + "reusabilityLevel"), None),
            ((*SPEC, ELM + "learningOutcome", DC + "type"), None),
        ],
    ),
    (
        "M7 notional workload",
        [
            ((*SPEC, ELM + "creditPoint", ELM + "point"), {"@value": "2", "@type": XSD + "string"}),
            (
                (*SPEC, ELM + "creditPoint", ELM + "framework"),
                "http://data.europa.eu/snb/education-credit/6fcec5c5af",
            ),
            ((*SPEC, ELM + "volumeOfLearning"), {"@value": "PT60H", "@type": XSD + "duration"}),
        ],
    ),
    (
        "M8 level (and cycle)",
        [
            ((*SPEC, ELM + "EQFLevel"), "http://data.europa.eu/snb/eqf/6"),
            ((*SPEC, ELM + "NQFLevel"), "http://data.europa.eu/snb/qdr/c_c392e7a2"),
            (
                (*SPEC, ELM + "educationLevel"),
                "https://w3id.org/microcred/vocab/qf-ehea-cycle/first-cycle",
            ),
        ],
    ),
    (
        "M9 type of assessment",
        [
            (
                (*ASSESSMENT, ELM + "specifiedBy", DC + "type"),
                "http://data.europa.eu/snb/assessment/de4d165a6c",
            ),
            ((*ASSESSMENT, DC + "title"), None),
        ],
    ),
    (
        "M10 form of participation",
        [
            ((*SPEC, ELM + "mode"), "http://data.europa.eu/snb/learning-assessment/e92d221e4d"),
            (
                (*SPEC, ELM + "learningSetting"),
                "http://data.europa.eu/snb/learning-setting/e207a81fc7",
            ),
            (
                (*ACHIEVEMENT, ELM + "influencedBy", ELM + "specifiedBy", DC + "type"),
                "http://data.europa.eu/snb/learning-activity/bf2e3a7bae",
            ),
        ],
    ),
    (
        "M11 type of quality assurance",
        [
            (
                (*SPEC, ELM + "accreditation", DC + "type"),
                "http://data.europa.eu/snb/accreditation/bb4618238e",
            ),
            (
                (
                    *SPEC,
                    ELM + "accreditation",
                    ELM + "accreditingAgent",
                    "http://www.w3.org/ns/regorg#legalName",
                ),
                None,
            ),
            ((*SPEC, ELM + "accreditation", ELM + "expiryDate"), None),
        ],
    ),
    ("O1 prerequisites", [((*SPEC, ELM + "entryRequirement", ELM + "noteLiteral"), None)]),
    (
        "O2 supervision and identity verification",
        [
            (
                (*ASSESSMENT, ELM + "idVerification"),
                "http://data.europa.eu/snb/supervision-verification/c598449d64",
            ),
        ],
    ),
    (
        "O3 grade",
        [
            (
                (*ASSESSMENT, ELM + "grade", ELM + "noteLiteral"),
                {"@value": "Pass", "@language": "en"},
            ),
            ((*ASSESSMENT, ELM + "specifiedBy", ELM + "gradingScheme", DC + "title"), None),
        ],
    ),
    (
        "O4 integration/stackability",
        [
            ((*SPEC, ELM + "isPartialQualification"), {"@value": True, "@type": XSD + "boolean"}),
            (
                (*SPEC, ELM + "isPartOf"),
                "https://uniz.example.edu/qualifications/cert-digital-education",
            ),
        ],
    ),
    (
        "O5 further information",
        [
            ((*SPEC, DC + "description"), None),
            ((*ACHIEVEMENT, ELM + "additionalNote", ELM + "noteLiteral"), None),
            ((*ACHIEVEMENT, ELM + "supplementaryDocument", ELM + "contentUrl"), None),
            ((*SPEC, FOAF + "homepage", ELM + "contentUrl"), None),
            ((*SPEC, ELM + "ISCEDFCode"), "http://data.europa.eu/snb/isced-f/0688"),
            (
                (*SPEC, DC + "language"),
                "http://publications.europa.eu/resource/authority/language/ENG",
            ),
        ],
    ),
]

NODE_TYPES = [
    (SUBJECT, ELM + "Person"),
    (ACHIEVEMENT, ELM + "LearningAchievement"),
    (SPEC, ELM + "Qualification"),
    (ASSESSMENT, ELM + "LearningAssessment"),
    (AWARDING, ELM + "AwardingProcess"),
    (BODY, ELM + "Organisation"),
    ((*SPEC, ELM + "learningOutcome"), ELM + "LearningOutcome"),
    ((*SPEC, ELM + "creditPoint"), ELM + "CreditPoint"),
    ((*SPEC, ELM + "accreditation"), ELM + "Accreditation"),
    ((*SPEC, ELM + "EQFLevel"), SKOS + "Concept"),
]


def _nodes(expanded: Iterable[Any], found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every node of an expanded document by @id, properties of repeated nodes merged."""
    for item in expanded:
        if isinstance(item, Mapping):
            if "@id" in item and len(item) > 1:
                merged = found.setdefault(item["@id"], {"@id": item["@id"]})
                for key, values in item.items():
                    if key != "@id":
                        merged.setdefault(key, []).extend(
                            values if isinstance(values, list) else [values]
                        )
            for values in item.values():
                _nodes(values if isinstance(values, list) else [values], found)
    return found


def follow(expanded: list[Any], path: tuple[str, ...]) -> list[Any]:
    """The values reached from the credential node along `path` (node references resolved)."""
    nodes = _nodes(expanded, {})
    current: list[Any] = [expanded[0]]
    for predicate in path:
        reached: list[Any] = []
        for value in current:
            node = nodes.get(str(value.get("@id")), value) if isinstance(value, Mapping) else {}
            reached.extend(node.get(predicate, []))
        current = reached
    return current


def _plain(value: Any) -> Any:
    """A reached value as the table writes it: an IRI string, or the value object."""
    if isinstance(value, Mapping) and "@id" in value:
        return value["@id"]
    return value


@pytest.fixture(scope="module")
def full_credential() -> list[Any]:
    """Our credential with every Annex I element, expanded offline (bundled contexts)."""
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    data["learner"]["nationalID"] = {"notation": "LA-234218", "country": "IT"}
    data["furtherInformation"]["notes"] = [{"en": "Taught in Dublin and online."}]
    data["furtherInformation"]["supplementaryDocuments"] = ["https://uniz.example.edu/dmc.pdf"]
    data["furtherInformation"]["languages"] = ["en"]
    mc = MicroCredential.parse(data).with_issuer_id(DID)
    return expand(to_credential(mc))


@pytest.mark.parametrize(("element", "paths"), ANNEX_I, ids=[row[0] for row in ANNEX_I])
def test_each_annex_element_sits_on_its_elm_predicates(
    full_credential: list[Any], element: str, paths: list[tuple[tuple[str, ...], Any]]
) -> None:
    for path, expected in paths:
        values = [_plain(v) for v in follow(full_credential, path)]
        assert values, f"{element}: nothing at {' / '.join(path)}"
        if expected is not None:
            assert expected in values, f"{element}: {expected!r} not among {values!r}"


@pytest.mark.parametrize(("path", "rdf_type"), NODE_TYPES)
def test_nodes_have_their_elm_classes(
    full_credential: list[Any], path: tuple[str, ...], rdf_type: str
) -> None:
    nodes = _nodes(full_credential, {})
    for value in follow(full_credential, path):
        assert rdf_type in nodes[value["@id"]]["@type"]


def test_the_credential_is_a_vc2_credential(full_credential: list[Any]) -> None:
    node = full_credential[0]
    assert node["@type"] == [CRED + "VerifiableCredential", ELM + "EuropeanDigitalCredential"]
    assert node[CRED + "issuer"][0]["@id"] == DID


@pytest.fixture(scope="module")
def ec_sample(reference_root: Path) -> list[Any]:
    """The EC's Annex I sample expanded with credentials/v1 and the ELM 3.2 edc-ap context."""
    loader = StaticLoader(
        {
            "https://www.w3.org/2018/credentials/v1": json.loads(
                (reference_root / "contexts/w3c/credentials-v1.jsonld").read_text("utf-8")
            ),
            "http://data.europa.eu/snb/model/context/edc-ap": json.loads(
                (reference_root / "elm/context/edc-ap-context-3.2.jsonld").read_text("utf-8")
            ),
        }
    )
    sample = reference_root / "elm/samples/ec/Sample-MC-Annex1-unsigned.jsonld"
    return expand(json.loads(sample.read_text("utf-8")), loader=loader)


@pytest.fixture(scope="module")
def reference_root() -> Path:
    root = ROOT.parent / "shared" / "reference"
    if not root.is_dir():
        pytest.skip("../shared/reference is absent (reference data lives beside the repo in CI)")
    return root


@pytest.fixture(scope="module")
def same_data_as_sample() -> list[Any]:
    data = json.loads((ROOT / "tests/data/model/ec-annex1-sample.json").read_text("utf-8"))
    return expand(to_credential(MicroCredential.parse(data)))


@pytest.mark.parametrize(("element", "paths"), ANNEX_I, ids=[row[0] for row in ANNEX_I])
def test_ec_sample_and_ours_use_the_same_elm_predicates(
    ec_sample: list[Any],
    same_data_as_sample: list[Any],
    element: str,
    paths: list[tuple[tuple[str, ...], Any]],
) -> None:
    """Every predicate path the EC sample fills for an element, ours fills too, and where the
    sample holds a concept IRI from an EU vocabulary we hold the same IRIs."""
    carried = [path for path, _ in paths if follow(ec_sample, path)]
    for path in carried:
        theirs = {json.dumps(_plain(v), sort_keys=True) for v in follow(ec_sample, path)}
        ours = {json.dumps(_plain(v), sort_keys=True) for v in follow(same_data_as_sample, path)}
        assert ours, f"{element}: the EC sample has {' / '.join(path)}, we do not"
        if path[-1] in {
            ELM + "EQFLevel",
            ELM + "NQFLevel",
            ELM + "mode",
            ELM + "learningSetting",
            ELM + "idVerification",
            ELM + "countryCode",
            ELM + "relatedESCOSkill",
            ELM + "ISCEDFCode",
            DC + "language",
            ELM + "point",
            ELM + "volumeOfLearning",
        }:
            assert ours == theirs, f"{element}: {' / '.join(path)} differs"


def test_the_ec_sample_carries_most_annex_elements(ec_sample: list[Any]) -> None:
    """Guards the comparison above against a sample that expands to nothing."""
    carried = [element for element, paths in ANNEX_I if any(follow(ec_sample, p) for p, _ in paths)]
    assert len(carried) >= 14, carried
