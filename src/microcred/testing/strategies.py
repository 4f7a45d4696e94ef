"""Hypothesis strategies for micro-credentials: valid model input, signed credentials per
suite, and tampered copies that must not verify (needs `microcred[testing]`: hypothesis).

    from hypothesis import given
    from microcred.testing.strategies import micro_credentials, signed_credentials

    @given(signed_credentials())
    def test_my_wallet_accepts(credential): ...

`micro_credentials(issuer=..., languages=..., optional_elements=...)` shapes the input;
texts are in many scripts, dates in several offsets, vocabulary values as keys or IRIs.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from microcred.api import issue
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
    MicroCredential,
    NQFLevel,
    QFEHEACycle,
    SkillReuseLevel,
    SkillType,
    SupervisionVerification,
    ThematicArea,
)
from microcred.testing.keys import test_key

__all__ = [
    "DATES",
    "LANG_TEXT",
    "SUITES",
    "TAGS",
    "grade",
    "lang_texts",
    "level",
    "micro_credentials",
    "organisation",
    "outcome",
    "signed_credentials",
    "tampered",
]

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
"""A language map of one to three of many languages and scripts."""


def lang_texts(languages: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, str]]:
    """Language maps in `languages` (BCP 47 tags), or in the many of `TAGS` by default."""
    if languages is None:
        return LANG_TEXT
    if not languages:
        raise ValueError("languages: give at least one BCP 47 tag")
    return st.dictionaries(st.sampled_from(list(languages)), TEXT, min_size=1, max_size=3)


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


def spellings(
    vocabulary: type[Concept], *, min_size: int = 0, max_size: int | None = None
) -> st.SearchStrategy[list[Any]]:
    """Distinct concepts of the vocabulary (a credential states each once), each spelt as its
    key or as its IRI."""
    concepts = st.lists(
        st.sampled_from(vocabulary.all()), unique=True, min_size=min_size, max_size=max_size
    )
    return concepts.flatmap(
        lambda chosen: st.tuples(*(st.sampled_from([c.code, c.iri]) for c in chosen)).map(list)
    )


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`strategy` or None (a field left out)."""
    return st.one_of(strategy, st.none())


def fields(**parts: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object; keys whose value came out None or [] are left out."""
    return st.fixed_dictionaries(parts).map(
        lambda d: {k: v for k, v in d.items() if v is not None and v != []}
    )


def organisation(
    org_id: st.SearchStrategy[Any], lang: st.SearchStrategy[dict[str, str]] = LANG_TEXT
) -> st.SearchStrategy[dict[str, Any]]:
    """An organisation (issuer, awarding or quality assuring body) with id from `org_id`."""
    return fields(
        id=org_id,
        legalName=lang,
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


def outcome(lang: st.SearchStrategy[dict[str, str]] = LANG_TEXT) -> st.SearchStrategy[Any]:
    """A learning outcome: a title, ESCO and other skills, skill type and reuse level."""
    return fields(
        title=lang,
        relatedESCOSkills=st.lists(ESCO, max_size=3, unique=True),
        relatedSkills=st.lists(
            st.sampled_from(
                [
                    "http://data.europa.eu/snb/dcf/u69o196gu6",
                    "http://data.europa.eu/snb/dcf/3ol5wi3605",
                ]
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
    """A level: an EQF level, NQF levels and a QF-EHEA cycle that agree with each other."""
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


def grade(lang: st.SearchStrategy[dict[str, str]] = LANG_TEXT) -> st.SearchStrategy[Any]:
    """A grade and, sometimes, its grading scheme."""
    return fields(value=lang, gradingScheme=optional(lang))


@st.composite
def micro_credentials(
    draw: st.DrawFn,
    *,
    edc: bool = False,
    issuer: str | st.SearchStrategy[str | None] | None = "did:web:issuer.example",
    languages: Sequence[str] | None = None,
    optional_elements: bool = True,
    issued: st.SearchStrategy[datetime] = DATES,
    expiring: bool = True,
) -> MicroCredential:
    """A valid micro-credential.

    `issuer`: the issuer's id (None: none, so `issue()` names the key's DID), or a strategy;
    `languages`: the BCP 47 tags of every text (default: many scripts); `optional_elements`
    False leaves out every optional Annex I element (O1-O5) and optional field; `issued`:
    the dates of issuing; `expiring` False never sets `validUntil`; `edc`: also what the EDC
    profile needs (names in one language, a body for each quality assurance, a grade with
    supervision, titled stacking targets)."""
    lang = lang_texts(languages)
    opt = optional if optional_elements else (lambda strategy: st.none())
    issuer_id = issuer if isinstance(issuer, st.SearchStrategy) else st.just(issuer)
    credential_id = draw(IDS)
    issuer_org = draw(organisation(issuer_id, lang))
    bodies = draw(
        st.one_of(
            st.none(),
            st.lists(
                organisation(optional(IDS), lang),
                min_size=1,
                max_size=2,
                unique_by=lambda o: json.dumps(o, sort_keys=True),
            ).map(lambda b: [issuer_org, *b]),
        )
        if optional_elements
        else st.none()
    )
    date_issued = draw(issued)
    data = fields(
        id=st.just(credential_id),
        learner=fields(
            id=opt(st.just("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")),
            fullName=lang,
            givenName=opt(lang),
            familyName=opt(lang),
            dateOfBirth=opt(st.dates().map(lambda d: d.isoformat())),
            nationalID=opt(fields(notation=TEXT, country=spelling(Country))),
            email=opt(st.sampled_from(["ana@example.org", "zoë.ü@exämple.eu"])),
            identifiers=st.lists(fields(notation=TEXT, schemeName=optional(TEXT)), max_size=2),
        ),
        title=lang,
        issuer=st.just(issuer_org),
        awardingBodies=st.just(bodies),
        dateOfIssuing=st.just(date_issued.isoformat()),
        validUntil=(opt if expiring else lambda _: st.none())(
            st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3650)).map(
                lambda d: (date_issued + d).isoformat()
            )
        ),
        learningOutcomes=st.lists(outcome(lang), min_size=1, max_size=3),
        workload=WORKLOAD,
        level=opt(level()),
        assessment=fields(type=spelling(AssessmentType), title=opt(lang)),
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
                title=opt(lang),
                qualityAssuringBody=opt(organisation(st.none(), lang)),
                report=opt(URLS),
                expiryDate=opt(DATES.map(lambda d: d.isoformat())),
            ),
            min_size=1,
            max_size=2,
        ),
        prerequisites=opt(lang),
        supervision=opt(spelling(SupervisionVerification)),
        grade=opt(grade(lang)),
        stackability=opt(
            fields(
                standAlone=st.booleans(),
                stackableTowards=st.lists(
                    fields(id=st.just("https://uniz.example.edu/q/1"), title=opt(lang)),
                    max_size=1,
                ),
            )
        ),
        furtherInformation=opt(
            fields(
                description=lang,
                notes=st.lists(lang, max_size=2),
                homepage=opt(URLS),
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
            qa.setdefault("qualityAssuringBody", draw(organisation(st.none(), lang)))
        if "supervision" in drawn:
            drawn.setdefault("grade", draw(grade(lang)))
        for target in drawn.get("stackability", {}).get("stackableTowards", []):
            target.setdefault("title", draw(lang))
    return MicroCredential.parse(drawn)


SUITES: tuple[tuple[str, str], ...] = (
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
)
"""Every (cryptosuite, key type) pair microcred signs with."""
_SIGNED_AT = datetime(2020, 1, 1, tzinfo=UTC)


@st.composite
def signed_credentials(
    draw: st.DrawFn,
    *,
    suites: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    optional_elements: bool = True,
) -> dict[str, Any]:
    """A micro-credential issued with a fixed test key (`microcred.testing.test_key`) under
    one of `suites` (default: all four, with each key type); it verifies now and until
    2090 (issued between 1990 and 2020, no `validUntil`)."""
    pairs = [pair for pair in SUITES if suites is None or pair[0] in suites]
    if not pairs:
        raise ValueError(f"no suite microcred signs with among {suites!r}")
    suite, key_type = draw(st.sampled_from(pairs))
    model = draw(
        micro_credentials(
            issuer=None,
            languages=languages,
            optional_elements=optional_elements,
            issued=st.datetimes(
                min_value=datetime(1990, 1, 1),
                max_value=datetime(2019, 12, 31),
                timezones=OFFSETS,
            ),
            expiring=False,
        )
    )
    return issue(model, key=test_key(key_type), cryptosuite=suite, created=_SIGNED_AT)


def _leaves(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths to every scalar of a JSON value, outside `proof` and `@context`."""
    if isinstance(value, dict):
        return [
            leaf
            for key, item in value.items()
            if not (not path and key in ("proof", "@context"))
            for leaf in _leaves(item, (*path, key))
        ]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    return "x"  # null


def tampered(credential: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Copies of a signed `credential` with one signed value changed (a text, an id, a date,
    a number): none of them may verify."""
    leaves = _leaves(credential)
    if not leaves:
        raise ValueError("the credential has no value to change")

    def change(path: tuple[str | int, ...]) -> dict[str, Any]:
        copied = copy.deepcopy(credential)
        parent: Any = copied
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = _changed(parent[path[-1]])
        return copied

    return st.sampled_from(leaves).map(change)
