"""Controlled vocabularies: tables, accepted spellings, IRIs, and agreement with ELM's lists."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from microcred.errors import InvalidMicroCredential
from microcred.model import (
    AccreditationType,
    AssessmentType,
    Concept,
    Country,
    CreditSystem,
    EQFLevel,
    Language,
    LearningActivityType,
    LearningMode,
    LearningOpportunityType,
    LearningSetting,
    NQFLevel,
    QFEHEACycle,
    SkillReuseLevel,
    SkillType,
    SupervisionVerification,
    ThematicArea,
)
from microcred.model.vocab import ESCOSkill, Region

VOCABULARIES: list[type[Concept]] = [
    AccreditationType,
    AssessmentType,
    Country,
    CreditSystem,
    EQFLevel,
    Language,
    LearningActivityType,
    LearningMode,
    LearningOpportunityType,
    LearningSetting,
    NQFLevel,
    QFEHEACycle,
    SkillReuseLevel,
    SkillType,
    SupervisionVerification,
    ThematicArea,
]
INDEX = json.loads(
    (resources.files("microcred") / "data" / "vocab" / "index.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_concept_round_trips_through_key_and_iri(vocabulary: type[Concept]) -> None:
    concepts = vocabulary.all()
    assert concepts
    assert len({c.iri for c in concepts}) == len(concepts)
    for concept in concepts:
        assert vocabulary.of(concept.code) is concept
        assert vocabulary.of(concept.iri) is concept
        assert concept.label and concept.scheme.startswith("http")
        assert TypeAdapter(vocabulary).dump_python(concept, mode="json") == concept.code


def test_eqf_levels_are_one_to_eight() -> None:
    assert [c.iri for c in EQFLevel.all()] == [
        f"http://data.europa.eu/snb/eqf/{n}" for n in range(1, 9)
    ]
    for bad in (0, 9, "6", True, 6.0):
        with pytest.raises(ValidationError):
            TypeAdapter(EQFLevel).validate_python(bad)


@pytest.mark.parametrize(
    "code", ["IE", "IRL", "http://publications.europa.eu/resource/authority/country/IRL"]
)
def test_countries_accept_alpha2_alpha3_and_iri(code: str) -> None:
    assert Country.of(code).iri == "http://publications.europa.eu/resource/authority/country/IRL"


@pytest.mark.parametrize("code", ["ie", "XX", "EU", "OP_DATPRO", ""])
def test_unknown_countries_fail_with_a_code(code: str) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        Country.of(code)
    assert caught.value.errors[0].code == "unknown_country"


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "ENG"), ("de-AT", "DEU"), ("FRA", "FRA"), ("el", "ELL"), ("ga", "GLE"), ("mt", "MLT")],
)
def test_languages_map_bcp47_to_eu_language_iris(given: str, code: str) -> None:
    iri = f"http://publications.europa.eu/resource/authority/language/{code}"
    assert Language.of(given).iri == iri


def test_ects_and_participation_concepts() -> None:
    assert CreditSystem.of("ects").iri == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert LearningMode.of("onsite") is LearningMode.of("presential")
    assert LearningOpportunityType.of("short-learning-programme").iri.endswith("/74a4a268e8")
    assert len(AssessmentType.all()) == 14


def test_supervision_has_the_four_annex_values() -> None:
    keys = [c.key for c in SupervisionVerification.all()]
    assert keys == [
        "unsupervised-no-id-verification",
        "supervised-no-id-verification",
        "supervised-online",
        "onsite-id-verification",
    ]
    # the one concept the EC's Annex I sample confirms
    assert SupervisionVerification.of("unsupervised-no-id-verification").iri == (
        "http://data.europa.eu/snb/supervision-verification/c598449d64"
    )


def test_qf_ehea_cycles_correspond_to_eqf_levels() -> None:
    assert [c.eqf_level.key for c in QFEHEACycle.all()] == ["5", "6", "7", "8"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9", True),
        ("http://data.europa.eu/esco/skill/not-a-uuid", False),
        ("https://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9", False),
    ],
)
def test_esco_skills_are_checked_by_pattern(value: str, ok: bool) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(ESCOSkill)
    if ok:
        assert adapter.validate_python(value) == value
    else:
        with pytest.raises(ValidationError, match="invalid_esco_skill"):
            adapter.validate_python(value)


def test_regions_are_atu_or_nuts_iris() -> None:
    adapter: TypeAdapter[str] = TypeAdapter(Region)
    adapter.validate_python("http://publications.europa.eu/resource/authority/atu/IRL_CTH_DUB")
    adapter.validate_python("http://data.europa.eu/nuts/code/IE061")
    with pytest.raises(ValidationError):
        adapter.validate_python("Dublin")


def _xsd_iris(path: Path) -> set[str]:
    return set(re.findall(r'enumeration value="([^"]+)"', path.read_text(encoding="utf-8")))


FROM_ELM_LISTS = [
    v for v in VOCABULARIES if INDEX[v.vocabulary]["source"].split()[0].endswith(".xsd")
]


@pytest.mark.parametrize("vocabulary", FROM_ELM_LISTS, ids=lambda v: v.__name__)
def test_tables_match_the_elm_vocabulary_lists(
    vocabulary: type[Concept], reference_dir: Path
) -> None:
    """Each table derived from an ELM QDR list holds exactly that list's concept IRIs
    (the country table leaves out the non-country OP_DATPRO)."""
    source = INDEX[vocabulary.vocabulary]["source"].split()[0]
    expected = _xsd_iris(reference_dir / "elm" / "vocab-xsd" / source)
    expected.discard("http://publications.europa.eu/resource/authority/country/OP_DATPRO")
    assert {c.iri for c in vocabulary.all()} == expected
