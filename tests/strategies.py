"""Hypothesis strategies: the documented JSON input of valid micro-credentials.

Shared by the binding round-trip tests (ELM on VC 2.0, Europass EDC).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from microcred import MicroCredential
from microcred.model import (
    AccreditationType,
    AssessmentType,
    Concept,
    Country,
    EQFLevel,
    Language,
    LearningActivityType,
    LearningMode,
    LearningSetting,
    NQFLevel,
    QFEHEACycle,
    SkillReuseLevel,
    SkillType,
    SupervisionVerification,
    ThematicArea,
)

TAGS = st.sampled_from(
    [
        "en",
        "de",
        "fr",
        "el",
        "bg",
        "ga",
        "mt",
        "pl",
        "uk",
        "sr-Latn",
        "zh-Hant-TW",
        "es-419",
        "pt-BR",
        "fi",
        "hu",
        "lv",
    ]
)
PHRASES = st.sampled_from(
    [
        "Ψηφιακές δεξιότητες",
        "Цифрови умения",
        "Umiejętności cyfrowe",
        "Digitale Fähigkeiten",
        "Scileanna digiteacha",
        "Ħiliet diġitali",
        "Compétences numériques",
        "数据素养",
        "Ünïcödé ☃",
    ]
)
TEXT = st.one_of(
    PHRASES,
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=24).filter(str.strip),
)
LANG_TEXT = st.dictionaries(TAGS, TEXT, min_size=1, max_size=3)
OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
DATES = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=OFFSETS,
)
URLS = st.sampled_from(
    ["https://uniz.example.edu", "https://example.org/a/b?c=d", "http://ex.eu/ü"]
)
IDS = st.uuids().map(lambda u: f"urn:uuid:{u}")


def spelling(vocabulary: type[Concept]) -> st.SearchStrategy[Any]:
    """A concept of the vocabulary, written as its key or as its IRI."""
    concepts = st.sampled_from(vocabulary.all())
    return st.one_of(concepts.map(lambda c: c.code), concepts.map(lambda c: c.iri))


def spellings(vocabulary: type[Concept], **size: int) -> st.SearchStrategy[list[Any]]:
    """Distinct concepts of the vocabulary (a credential states each once), each spelt as its
    key or as its IRI."""
    concepts = st.lists(st.sampled_from(vocabulary.all()), unique=True, **size)
    return concepts.flatmap(
        lambda chosen: st.tuples(*(st.sampled_from([c.code, c.iri]) for c in chosen)).map(list)
    )


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, st.none())


def fields(**parts: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object; keys whose value came out None or [] are left out."""
    return st.fixed_dictionaries(parts).map(
        lambda d: {k: v for k, v in d.items() if v is not None and v != []}
    )


def organisation(org_id: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return fields(
        id=org_id,
        legalName=LANG_TEXT,
        country=st.one_of(spelling(Country), st.sampled_from(["IE", "DE", "GR", "MT"])),
        region=optional(
            st.sampled_from(
                [
                    "http://publications.europa.eu/resource/authority/atu/IRL_CTH_DUB",
                    "http://data.europa.eu/nuts/code/EL303",
                ]
            )
        ),
        registration=optional(fields(notation=TEXT, country=spelling(Country))),
        homepage=optional(URLS),
    )


ESCO = st.uuids().map(lambda u: f"http://data.europa.eu/esco/skill/{u}")
OUTCOME = fields(
    title=LANG_TEXT,
    relatedESCOSkills=st.lists(ESCO, max_size=3, unique=True),
    relatedSkills=st.lists(
        st.sampled_from(
            ["http://data.europa.eu/snb/dcf/u69o196gu6", "http://data.europa.eu/snb/dcf/3ol5wi3605"]
        ),
        max_size=2,
        unique=True,
    ),
    skillType=optional(spelling(SkillType)),
    reusabilityLevel=optional(spelling(SkillReuseLevel)),
)
POINTS = st.decimals(min_value=0, max_value=240, places=2)
WORKLOAD = st.one_of(
    fields(
        ects=POINTS.map(str),
        hours=optional(st.decimals(min_value=Decimal("0.25"), max_value=3000, places=2).map(str)),
    ),
    fields(hours=st.decimals(min_value=1, max_value=3000, places=0).map(int)),
)


@st.composite
def level(draw: st.DrawFn) -> dict[str, Any]:
    cycle = draw(optional(st.sampled_from(QFEHEACycle.all())))
    eqf = (
        cycle.eqf_level.code
        if cycle and draw(st.booleans())
        else draw(optional(spelling(EQFLevel)))
    )
    if cycle is not None and eqf is not None and EQFLevel.of(eqf) != cycle.eqf_level:
        eqf = None
    nqf = draw(spellings(NQFLevel, max_size=2))
    if cycle is None and eqf is None and not nqf:
        eqf = 6
    return {
        k: v
        for k, v in {"eqf": eqf, "nqf": nqf, "qfEheaCycle": cycle and cycle.key}.items()
        if v is not None and v != []
    }


GRADE = fields(value=LANG_TEXT, gradingScheme=optional(LANG_TEXT))


@st.composite
def micro_credentials(draw: st.DrawFn, *, edc: bool = False) -> MicroCredential:
    """A valid micro-credential; with `edc`, one that also has what the EDC profile needs
    (names in one language, a body for each quality assurance, a grade with supervision,
    titled stacking targets)."""
    credential_id = draw(IDS)
    issuer = draw(organisation(st.just("did:web:issuer.example")))
    bodies = draw(
        st.one_of(
            st.none(),
            st.lists(
                organisation(optional(IDS)),
                min_size=1,
                max_size=2,
                unique_by=lambda o: json.dumps(o, sort_keys=True),
            ).map(lambda b: [issuer, *b]),
        )
    )
    issued = draw(DATES)
    data = fields(
        id=st.just(credential_id),
        learner=fields(
            id=optional(st.just("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")),
            fullName=LANG_TEXT,
            givenName=optional(LANG_TEXT),
            familyName=optional(LANG_TEXT),
            dateOfBirth=optional(st.dates().map(lambda d: d.isoformat())),
            nationalID=optional(fields(notation=TEXT, country=spelling(Country))),
            email=optional(st.sampled_from(["ana@example.org", "zoë.ü@exämple.eu"])),
            identifiers=st.lists(fields(notation=TEXT, schemeName=optional(TEXT)), max_size=2),
        ),
        title=LANG_TEXT,
        issuer=st.just(issuer),
        awardingBodies=st.just(bodies),
        dateOfIssuing=st.just(issued.isoformat()),
        validUntil=optional(
            st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3650)).map(
                lambda d: (issued + d).isoformat()
            )
        ),
        learningOutcomes=st.lists(OUTCOME, min_size=1, max_size=3),
        workload=WORKLOAD,
        level=optional(level()),
        assessment=fields(type=spelling(AssessmentType), title=optional(LANG_TEXT)),
        participation=st.one_of(
            fields(
                modes=spellings(LearningMode, min_size=1, max_size=2),
                learningSetting=optional(spelling(LearningSetting)),
                activityTypes=spellings(LearningActivityType, max_size=2),
            ),
            fields(activityTypes=spellings(LearningActivityType, min_size=1, max_size=2)),
        ),
        qualityAssurance=st.lists(
            fields(
                type=spelling(AccreditationType),
                title=optional(LANG_TEXT),
                qualityAssuringBody=optional(organisation(st.none())),
                report=optional(URLS),
                expiryDate=optional(DATES.map(lambda d: d.isoformat())),
            ),
            min_size=1,
            max_size=2,
        ),
        prerequisites=optional(LANG_TEXT),
        supervision=optional(spelling(SupervisionVerification)),
        grade=optional(GRADE),
        stackability=optional(
            fields(
                standAlone=st.booleans(),
                stackableTowards=st.lists(
                    fields(id=st.just("https://uniz.example.edu/q/1"), title=optional(LANG_TEXT)),
                    max_size=1,
                ),
            )
        ),
        furtherInformation=optional(
            fields(
                description=LANG_TEXT,
                notes=st.lists(LANG_TEXT, max_size=2),
                homepage=optional(URLS),
                supplementaryDocuments=st.lists(URLS, max_size=2, unique=True),
                thematicAreas=spellings(ThematicArea, max_size=2),
                languages=spellings(Language, max_size=2),
            )
        ),
    )
    drawn = draw(data)
    if edc:
        learner = drawn["learner"]
        for name in ("fullName", "givenName", "familyName"):
            if name in learner:
                learner[name] = dict([next(iter(learner[name].items()))])
        for qa in drawn["qualityAssurance"]:
            qa.setdefault("qualityAssuringBody", draw(organisation(st.none())))
        if "supervision" in drawn:
            drawn.setdefault("grade", draw(GRADE))
        for target in drawn.get("stackability", {}).get("stackableTowards", []):
            target.setdefault("title", draw(LANG_TEXT))
    return MicroCredential.parse(drawn)
