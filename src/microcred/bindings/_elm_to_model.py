"""Read an ELM-shaped credential into the micro-credential's JSON input format.

The reverse of the ELM writers (`bindings.elm`, `bindings.edc`): walk the compact JSON-LD
tree and collect the Annex I elements (paths in docs/elm-mapping.md and docs/edc.md).
Values stay as the credential writes them (concept IRIs, ISO dates); the model validates
them. Where each model field was read is kept, so model errors can point into the credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.bindings._elm_walker import (
    Dialect,
    Input,
    Origins,
    Reader,
    birth_date,
    drop_none,
    duration_hours,
    fail,
    many,
)
from microcred.errors import InvalidMicroCredential, Path
from microcred.model import AccreditationType, AssessmentType, Concept

__all__ = [
    "MICROCRED",
    "MICROCRED_CONTEXT",
    "choose_claim",
    "claims",
    "read_claim",
    "read_credential",
    "read_elm",
    "uses_context",
]

MICROCRED_CONTEXT = "https://w3id.org/microcred/v1"
MICROCRED = Dialect(frozenset({MICROCRED_CONTEXT}), "dcDescription", ("nationalID",), False)
"""Our VC 2.0 ELM credentials (`bindings.elm`)."""

_ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
Node = Mapping[str, Any]


def _title(r: Reader, node: Node, vocabulary: type[Concept], concept_iri: Any) -> Any:
    """The node's title; for tolerant dialects, a title that is only the English label of
    the node's concept (what the EDC writer puts where EDC demands a title) reads as none."""
    title = r.text(node, "title")
    if r.dialect.tolerant and isinstance(concept_iri, str) and isinstance(title, Mapping):
        label = next((c.label for c in vocabulary.all() if c.iri == concept_iri), None)
        if label is not None and dict(title) == {"en": label}:
            return None
    return title


def read_credential(credential: Mapping[str, Any]) -> Input:
    """The model input (camelCase JSON) that one of our VC 2.0 ELM credentials carries."""
    return read_elm(credential, MICROCRED)[0]


def read_elm(
    credential: Mapping[str, Any], dialect: Dialect, *, claim: int | None = None
) -> tuple[Input, Origins]:
    """(model input, where each model field was read) for a credential in `dialect`.

    Strict: the first structural problem raises `InvalidMicroCredential`. With several
    claims, `claim` picks one (index in `hasClaim`), else the one `choose_claim` finds."""
    if not isinstance(credential, Mapping):
        raise fail((), "a credential must be a JSON object")
    r = Reader(credential, dialect)
    if not uses_context(credential, dialect):
        raise fail(("@context",), _context_message(dialect))
    return read_claim(r, credential, claim)[0], r.origins


def uses_context(credential: Mapping[str, Any], dialect: Dialect) -> bool:
    """Whether `@context` lists one of the dialect's contexts (inline objects are not ours)."""
    listed = many(credential.get("@context"))
    return any(isinstance(context, str) and context in dialect.contexts for context in listed)


def _context_message(dialect: Dialect) -> str:
    names = " or ".join(sorted(dialect.contexts))
    return f"the credential does not use the {names} context"


def claims(r: Reader, subject: Node, path: Path) -> list[tuple[Path, Node]]:
    """Every claim of the subject (`hasClaim`), with its path."""
    return list(r.nodes(subject, "hasClaim", path))


# Terms of a claim's specification that carry Annex I elements (docs/elm-mapping.md).
_ANNEX_I_TERMS = (
    "learningOutcome",
    "creditPoint",
    "volumeOfLearning",
    "eqfLevel",
    "nqfLevel",
    "accreditation",
    "mode",
    "learningSetting",
    "entryRequirement",
)


def _annex_i_score(r: Reader, claim: Node) -> tuple[bool, int]:
    """(is a LearningAchievement, how many Annex I terms it and its specification carry)."""
    spec = claim.get("specifiedBy")
    spec = spec[0] if isinstance(spec, list) and spec else spec
    if isinstance(spec, str):
        spec = r.index.get(spec)
    spec = spec if isinstance(spec, Mapping) else {}
    found = sum(term in spec for term in _ANNEX_I_TERMS) + ("provenBy" in claim)
    return "LearningAchievement" in many(claim.get("type")), found


def choose_claim(
    r: Reader, found: list[tuple[Path, Node]], claim: int | None, at: Path
) -> int | None:
    """Which claim is the micro-credential: `claim` when given, else the only one, else the
    LearningAchievement carrying the most Annex I elements. A tie is a problem (strict: an
    error asking the caller to pick; lenient: the first of the tied claims is read)."""
    if not found:
        return None
    if claim is not None:
        if not 0 <= claim < len(found):
            r.problem(fail(at, f"claim={claim}: there are {len(found)} claims"))
            return 0
        return claim
    if len(found) == 1:
        return 0
    scores = [_annex_i_score(r, node) for _, node in found]
    best = max(scores)
    if scores.count(best) > 1:
        r.problem(
            fail(
                at,
                f"{len(found)} claims and none stands out as the micro-credential "
                "(pass claim=<index in hasClaim> to pick one)",
            )
        )
    return scores.index(best)


def read_claim(
    r: Reader, credential: Mapping[str, Any], claim: int | None
) -> tuple[Input, int | None]:
    """(model input, index in `hasClaim` of the claim read) of the credential with its claim
    number `claim`, or the one `choose_claim` finds."""
    dialect = r.dialect
    c_path, subject = r.need_at(credential, "credentialSubject", (), first=r.lenient)
    found = claims(r, subject, c_path)
    index = choose_claim(r, found, claim, (*c_path, "hasClaim"))
    a_path: Path
    achievement: Node
    if index is None:
        r.problem(fail((*c_path, "hasClaim"), "'hasClaim' is missing"))
        a_path, achievement = (*c_path, "hasClaim"), {}
    else:
        a_path, achievement = found[index]
    s_path, spec = r.need_at(achievement, "specifiedBy", a_path, first=r.lenient)
    w_path, awarding = r.need_at(achievement, "awardedBy", a_path, first=r.lenient)
    i_path, issuer = r.need_at(credential, "issuer", ())
    until = "validUntil" if "validUntil" in credential or not dialect.tolerant else "expirationDate"
    fields = r.record(
        (),
        (),
        {
            "id": ("id", credential.get("id")),
            "learner": (c_path, _learner(r, subject, c_path)),
            "title": ((*a_path, "title"), r.text(achievement, "title")),
            "issuer": (i_path, r.organisation(issuer, ("issuer",), i_path)),
            "awardingBodies": (
                (*w_path, "awardingBody"),
                [
                    r.organisation(node, ("awardingBodies", i), where)
                    for i, (where, node) in enumerate(r.nodes(awarding, "awardingBody", w_path))
                ],
            ),
            "dateOfIssuing": ("validFrom", credential.get("validFrom")),
            "validUntil": (until, credential.get(until)),
            "learningOutcomes": (
                (*s_path, "learningOutcome"),
                [
                    _outcome(r, node, ("learningOutcomes", i), where)
                    for i, (where, node) in enumerate(r.nodes(spec, "learningOutcome", s_path))
                ],
            ),
            "workload": (s_path, _workload(r, spec, s_path)),
            "level": (s_path, _level(r, spec, s_path)),
            **_assessment_fields(r, achievement, a_path, spec, s_path),
            "participation": (s_path, _participation(r, achievement, a_path, spec, s_path)),
            "qualityAssurance": (
                (*s_path, "accreditation"),
                [
                    _quality_assurance(r, node, ("qualityAssurance", i), where)
                    for i, (where, node) in enumerate(r.nodes(spec, "accreditation", s_path))
                ],
            ),
            "prerequisites": (
                (*s_path, "entryRequirement"),
                r.note(spec, "entryRequirement", s_path),
            ),
            "stackability": (
                (*s_path, "isPartialQualification"),
                _stackability(r, spec, s_path),
            ),
            "furtherInformation": (
                s_path,
                _further_information(r, achievement, a_path, spec, s_path),
            ),
            "learningOpportunityType": ((*s_path, "dcType"), r.iri(spec, "dcType", s_path)),
        },
    )
    return fields, index


def _learner(r: Reader, person: Node, path: Path) -> Input:
    contact = r.one_at(person, "contactPoint", path)
    mailbox = contact and r.one_at(contact[1], "emailAddress", contact[0])
    email = mailbox and mailbox[1].get("id")
    national_term, national_id = r.national_id(person, path)
    model: Path = ("learner",)
    return r.record(
        model,
        path,
        {
            "id": ("id", r.own_id(person)),
            "fullName": ("fullName", r.text(person, "fullName")),
            "givenName": ("givenName", r.text(person, "givenName")),
            "familyName": ("familyName", r.text(person, "familyName")),
            "dateOfBirth": (
                "dateOfBirth",
                birth_date(person.get("dateOfBirth"), r.dialect.tolerant),
            ),
            "nationalID": (
                national_term,
                r.legal_identifier(national_id, (*model, "nationalID"), (*path, national_term)),
            ),
            "email": (
                (*mailbox[0], "id") if mailbox else (*path, "contactPoint"),
                email[len("mailto:") :] if isinstance(email, str) else email,
            ),
            "identifiers": (
                "identifier",
                [
                    r.record(
                        (*model, "identifiers", i),
                        where,
                        {
                            "notation": ("notation", n.get("notation")),
                            "schemeName": ("schemeName", n.get("schemeName")),
                        },
                    )
                    for i, (where, n) in enumerate(r.nodes(person, "identifier", path))
                ],
            ),
        },
    )


def _outcome(r: Reader, node: Node, model: Path, path: Path) -> Input:
    r.origins[model] = path
    return r.record(
        model,
        path,
        {
            "title": ("title", r.text(node, "title")),
            "relatedESCOSkills": ("relatedESCOSkill", r.iris(node, "relatedESCOSkill", path)),
            "relatedSkills": ("relatedSkill", r.iris(node, "relatedSkill", path)),
            "skillType": ("dcType", r.iri(node, "dcType", path)),
            "reusabilityLevel": ("reusabilityLevel", r.iri(node, "reusabilityLevel", path)),
        },
    )


def _workload(r: Reader, spec: Node, path: Path) -> Input:
    ects: Any = None
    ects_at: Path = (*path, "creditPoint")
    for where, credit in r.nodes(spec, "creditPoint", path):
        if r.iri(credit, "framework", where) == _ECTS:
            ects, ects_at = credit.get("point"), (*where, "point")
            try:
                Decimal(str(ects))
            except InvalidOperation:
                r.problem(fail(ects_at, f"{ects!r} is not a number of points"))
                ects = None
    volume = spec.get("volumeOfLearning")
    hours = None
    if volume is not None:
        try:
            hours = duration_hours(volume, (*path, "volumeOfLearning"))
        except InvalidMicroCredential as error:
            r.problem(error)
    return r.record(
        ("workload",), path, {"ects": (ects_at, ects), "hours": ("volumeOfLearning", hours)}
    )


def _level(r: Reader, spec: Node, path: Path) -> Input | None:
    level = r.record(
        ("level",),
        path,
        {
            "eqf": ("eqfLevel", r.iri(spec, "eqfLevel", path)),
            "nqf": ("nqfLevel", r.iris(spec, "nqfLevel", path)),
            "qfEheaCycle": ("educationLevel", r.iri(spec, "educationLevel", path)),
        },
    )
    return level or None


def _assessment_fields(
    r: Reader, achievement: Node, a_path: Path, spec: Node, s_path: Path
) -> dict[str, tuple[str | Path, Any]]:
    """Assessment (M9), supervision (O2) and grade (O3): the learner's LearningAssessment
    (`A.provenBy`) or, without one, the qualification's assessment specification
    (`S.provenBy`)."""
    claim = r.one_at(achievement, "provenBy", a_path)
    if claim is not None:
        p_path, proof = claim
        t_path, test = r.need_at(proof, "specifiedBy", p_path)
    else:
        found = r.one_at(spec, "provenBy", s_path)
        if found is None:
            r.problem(fail((*a_path, "provenBy"), "'provenBy' is missing"))
            found = ((*a_path, "provenBy"), {})
        p_path, proof = t_path, test = found
    kind = r.iri(test, "dcType", t_path)
    scheme = r.one_at(test, "gradingScheme", t_path)
    grade = r.note(proof, "grade", p_path) if claim else None
    return {
        "assessment": (
            p_path,
            r.record(
                ("assessment",),
                p_path,
                {
                    "type": ((*t_path, "dcType"), kind),
                    "title": ("title", _title(r, proof, AssessmentType, kind)),
                },
            ),
        ),
        "supervision": (
            (*p_path, "idVerification"),
            r.iri(proof, "idVerification", p_path) if claim else None,
        ),
        "grade": (
            (*p_path, "grade"),
            grade
            and r.record(
                ("grade",),
                p_path,
                {
                    "value": ("grade", grade),
                    "gradingScheme": (
                        scheme[0] if scheme else (*t_path, "gradingScheme"),
                        scheme and r.text(scheme[1], "title"),
                    ),
                },
            ),
        ),
    }


def _participation(r: Reader, achievement: Node, a_path: Path, spec: Node, s_path: Path) -> Input:
    return r.record(
        ("participation",),
        s_path,
        {
            "modes": ("mode", r.iris(spec, "mode", s_path)),
            "learningSetting": ("learningSetting", r.iri(spec, "learningSetting", s_path)),
            "activityTypes": (
                (*a_path, "influencedBy"),
                [
                    r.iri(r.need(node, "specifiedBy", where), "dcType", where)
                    for where, node in r.nodes(achievement, "influencedBy", a_path)
                ],
            ),
        },
    )


def _quality_assurance(r: Reader, node: Node, model: Path, path: Path) -> Input:
    r.origins[model] = path
    agent = r.one_at(node, "accreditingAgent", path)
    report = r.one(node, "report", path)
    kind = r.iri(node, "dcType", path)
    return r.record(
        model,
        path,
        {
            "type": ("dcType", kind),
            "title": ("title", _title(r, node, AccreditationType, kind)),
            "qualityAssuringBody": (
                "accreditingAgent",
                agent and r.organisation(agent[1], (*model, "qualityAssuringBody"), agent[0]),
            ),
            "report": ("report", report and report.get("contentURL")),
            "expiryDate": ("expiryDate", node.get("expiryDate")),
        },
    )


def _stackability(r: Reader, spec: Node, path: Path) -> Input | None:
    partial = spec.get("isPartialQualification")
    targets = [
        r.record(
            ("stackability", "stackableTowards", i),
            where,
            {"id": ("id", node.get("id")), "title": ("title", r.text(node, "title"))},
        )
        for i, (where, node) in enumerate(r.nodes(spec, "isPartOf", path))
    ]
    if partial is None and not targets:
        return None
    if not isinstance(partial, bool):
        r.problem(fail((*path, "isPartialQualification"), "expected true or false"))
        return None
    r.origins[("stackability", "standAlone")] = (*path, "isPartialQualification")
    r.origins[("stackability", "stackableTowards")] = (*path, "isPartOf")
    return drop_none({"standAlone": not partial, "stackableTowards": targets})


def _further_information(
    r: Reader, achievement: Node, a_path: Path, spec: Node, s_path: Path
) -> Input | None:
    homepage = r.one(spec, "homepage", s_path)
    info = r.record(
        ("furtherInformation",),
        s_path,
        {
            "description": (r.dialect.description, r.text(spec, r.dialect.description)),
            "notes": (
                (*a_path, "additionalNote"),
                [
                    r.text(note, "noteLiteral")
                    for _, note in r.nodes(achievement, "additionalNote", a_path)
                ],
            ),
            "homepage": ("homepage", homepage and homepage.get("contentURL")),
            "supplementaryDocuments": (
                (*a_path, "supplementaryDocument"),
                [
                    doc.get("contentURL")
                    for _, doc in r.nodes(achievement, "supplementaryDocument", a_path)
                ],
            ),
            "thematicAreas": ("thematicArea", r.iris(spec, "thematicArea", s_path)),
            "languages": ("language", r.iris(spec, "language", s_path)),
        },
    )
    return info or None
