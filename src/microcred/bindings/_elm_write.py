"""Write a MicroCredential as an ELM-shaped VC 2.0 credential (see `bindings.elm`).

One method per ELM node. Nodes the model gives no id get `<credential id>#<name>`; an
organisation is written once in full and referenced by its id afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from microcred.model import (
    Concept,
    CreditSystem,
    LangText,
    LearningActivityType,
    LearningOutcome,
    LegalIdentifier,
    MicroCredential,
    Organisation,
)

__all__ = ["CONTEXT", "CREDENTIAL_TYPE", "Writer", "concept", "xsd_datetime"]

CONTEXT = ("https://www.w3.org/ns/credentials/v2", "https://w3id.org/microcred/v1")
"""The `@context` of every credential we build (VC 2.0 first, then our ELM-style context)."""

CREDENTIAL_TYPE = ("VerifiableCredential", "EuropeanDigitalCredential")

_ESCO_SKILLS = "http://data.europa.eu/esco/concept-scheme/skills"

Node = dict[str, Any]


def xsd_datetime(value: datetime) -> str:
    """An aware datetime as xsd:dateTime text, UTC written as `Z`."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _language_values(text: LangText) -> list[dict[str, str]]:
    """VC 2.0 §11.1 language value objects, for the credential's `name`."""
    return [{"@value": value, "@language": tag} for tag, value in text.items()]


def concept(value: Concept) -> Node:
    """An EU vocabulary concept as ELM embeds it: IRI, scheme and English label."""
    return {
        "id": value.iri,
        "type": "Concept",
        "inScheme": {"id": value.scheme, "type": "ConceptScheme"},
        "prefLabel": {"en": value.label},
    }


class Writer:
    """Builds the ELM nodes of one credential; remembers which organisations it has written
    so each organisation appears once and is referenced by id afterwards.

    Subclasses (the EDC writer) override the hooks where their profile differs.
    """

    description_term = "dcDescription"
    """The term for dc:description (`description` is VC 2.0's schema.org description)."""

    def __init__(self, mc: MicroCredential) -> None:
        self.mc = mc
        self.base = mc.id + "#"
        self.written: set[str] = set()

    def id(self, name: str) -> str:
        return self.base + name

    def credential(self) -> dict[str, Any]:
        mc = self.mc
        out: dict[str, Any] = {
            "@context": list(CONTEXT),
            "id": mc.id,
            "type": list(CREDENTIAL_TYPE),
            "name": _language_values(mc.title),
            "issuer": self.organisation(mc.issuer, "issuer"),
            "validFrom": xsd_datetime(mc.date_of_issuing),
        }
        if mc.valid_until is not None:
            out["validUntil"] = xsd_datetime(mc.valid_until)
        out["credentialSubject"] = self.person()
        return out

    def person(self) -> Node:
        learner = self.mc.learner
        node: Node = {"id": learner.id or self.id("learner"), "type": "Person"}
        for key, text in (
            ("fullName", learner.full_name),
            ("givenName", learner.given_name),
            ("familyName", learner.family_name),
        ):
            if text is not None:
                node[key] = dict(text)
        if learner.date_of_birth is not None:
            node["dateOfBirth"] = _date_of_birth(learner.date_of_birth)
        if learner.national_id is not None:
            node["nationalID"] = self.legal_identifier(learner.national_id, "learner-national-id")
        if learner.identifiers:
            node["identifier"] = [
                {
                    "id": self.id(f"learner-identifier-{i}"),
                    "type": "Identifier",
                    "notation": ident.notation,
                }
                | ({"schemeName": ident.scheme_name} if ident.scheme_name else {})
                for i, ident in enumerate(learner.identifiers, 1)
            ]
        if learner.email is not None:
            node["contactPoint"] = {
                "id": self.id("learner-contact-point"),
                "type": "ContactPoint",
                "emailAddress": {"id": "mailto:" + learner.email, "type": "Mailbox"},
            }
        node["hasClaim"] = self.achievement()
        return node

    def achievement(self) -> Node:
        mc = self.mc
        node: Node = {
            "id": self.id("achievement"),
            "type": "LearningAchievement",
            "title": dict(mc.title),
            "awardedBy": {
                "id": self.id("awarding"),
                "type": "AwardingProcess",
                "awardingBody": [
                    self.organisation(org, f"awarding-body-{i}")
                    for i, org in enumerate(mc.awarding_bodies, 1)
                ],
                "awardingDate": xsd_datetime(mc.date_of_issuing),
            },
            "specifiedBy": self.qualification(),
        }
        _put_all(node, "provenBy", self.claim_assessments())
        _put_all(
            node,
            "influencedBy",
            [self.activity(t, i) for i, t in enumerate(mc.participation.activity_types, 1)],
        )
        info = mc.further_information
        if info is not None and info.notes:
            node["additionalNote"] = [
                self.note(text, f"note-{i}") for i, text in enumerate(info.notes, 1)
            ]
        if info is not None and info.supplementary_documents:
            node["supplementaryDocument"] = [
                self.web_resource(url, f"supplementary-document-{i}")
                for i, url in enumerate(info.supplementary_documents, 1)
            ]
        return node

    def qualification(self) -> Node:
        mc = self.mc
        node: Node = {
            "id": self.id("qualification"),
            "type": "Qualification",
            "title": dict(mc.title),
            "dcType": concept(mc.learning_opportunity_type),
            "learningOutcome": [
                self.learning_outcome(outcome, i)
                for i, outcome in enumerate(mc.learning_outcomes, 1)
            ],
        }
        if mc.workload.ects is not None:
            node["creditPoint"] = [
                {
                    "id": self.id("credit-point-ects"),
                    "type": "CreditPoint",
                    "framework": concept(CreditSystem.of("ects")),
                    "point": _decimal(mc.workload.ects),
                }
            ]
        if mc.workload.hours is not None:
            node["volumeOfLearning"] = f"PT{_decimal(mc.workload.hours)}H"
        if mc.level is not None:
            _put(node, "eqfLevel", mc.level.eqf and concept(mc.level.eqf))
            _put_all(node, "nqfLevel", [concept(c) for c in mc.level.nqf])
            cycle = mc.level.qf_ehea_cycle
            _put_all(node, "educationLevel", [concept(cycle)] if cycle else [])
        _put_all(node, "mode", [concept(m) for m in mc.participation.modes])
        setting = mc.participation.learning_setting
        _put(node, "learningSetting", setting and concept(setting))
        if mc.prerequisites is not None:
            node["entryRequirement"] = self.note(mc.prerequisites, "entry-requirement")
        node["accreditation"] = [
            self.accreditation(i) for i in range(1, len(mc.quality_assurance) + 1)
        ]
        if mc.stackability is not None:
            node["isPartialQualification"] = not mc.stackability.stand_alone
            _put_all(
                node,
                "isPartOf",
                [
                    {"id": target.id, "type": "Qualification"}
                    | ({"title": dict(target.title)} if target.title else {})
                    for target in mc.stackability.stackable_towards
                ],
            )
        _put_all(node, "provenBy", self.specification_assessments())
        info = mc.further_information
        if info is not None:
            _put(node, self.description_term, info.description and dict(info.description))
            _put_all(
                node,
                "homepage",
                [self.web_resource(info.homepage, "homepage")] if info.homepage else [],
            )
            _put_all(node, "thematicArea", [concept(area) for area in info.thematic_areas])
            _put_all(node, "language", [concept(lang) for lang in info.languages])
        return node

    def learning_outcome(self, outcome: LearningOutcome, index: int) -> Node:
        node: Node = {
            "id": self.id(f"learning-outcome-{index}"),
            "type": "LearningOutcome",
            "title": dict(outcome.title),
        }
        _put(node, "dcType", outcome.skill_type and concept(outcome.skill_type))
        _put_all(
            node,
            "relatedESCOSkill",
            [
                {
                    "id": skill,
                    "type": "Concept",
                    "inScheme": {"id": _ESCO_SKILLS, "type": "ConceptScheme"},
                }
                for skill in outcome.related_esco_skills
            ],
        )
        _put_all(
            node,
            "relatedSkill",
            [{"id": skill, "type": "Concept"} for skill in outcome.related_skills],
        )
        level = outcome.reusability_level
        _put(node, "reusabilityLevel", level and concept(level))
        return node

    def activity(self, activity_type: LearningActivityType, index: int) -> Node:
        """A learning activity of the given type that led to the achievement."""
        return {
            "id": self.id(f"activity-{index}"),
            "type": "LearningActivity",
            "awardedBy": self.id("awarding"),
            "specifiedBy": {
                "id": self.id(f"activity-{index}-specification"),
                "type": "LearningActivitySpecification",
                "dcType": concept(activity_type),
            },
        }

    def claim_assessments(self) -> list[Node]:
        """The learner's assessments, the achievement's `provenBy`."""
        return [self.assessment()]

    def specification_assessments(self) -> list[Node]:
        """Assessment specifications on the qualification (`provenBy`); none here."""
        return []

    def assessment_title(self) -> LangText | None:
        """The title of the assessment and its specification, if any."""
        return self.mc.assessment.title

    def assessment_specification(self) -> Node:
        """The type of assessment (Annex I) and, with a grade, its grading scheme."""
        mc = self.mc
        node: Node = {
            "id": self.id("assessment-specification"),
            "type": "LearningAssessmentSpecification",
            "dcType": concept(mc.assessment.type),
        }
        title = self.assessment_title()
        _put(node, "title", title and dict(title))
        if mc.grade is not None and mc.grade.grading_scheme is not None:
            node["gradingScheme"] = {
                "id": self.id("grading-scheme"),
                "type": "GradingScheme",
                "title": dict(mc.grade.grading_scheme),
            }
        return node

    def assessment(self) -> Node:
        mc = self.mc
        node: Node = {"id": self.id("assessment"), "type": "LearningAssessment"}
        title = self.assessment_title()
        _put(node, "title", title and dict(title))
        node["awardedBy"] = self.id("awarding")
        _put(node, "grade", mc.grade and self.note(mc.grade.value, "grade"))
        _put(node, "idVerification", mc.supervision and concept(mc.supervision))
        node["specifiedBy"] = self.assessment_specification()
        return node

    def accreditation(self, index: int) -> Node:
        qa = self.mc.quality_assurance[index - 1]
        name = f"quality-assurance-{index}"
        node: Node = {"id": self.id(name), "type": "Accreditation", "dcType": concept(qa.type)}
        _put(node, "title", qa.title and dict(qa.title))
        if qa.quality_assuring_body is not None:
            node["accreditingAgent"] = self.organisation(qa.quality_assuring_body, name + "-body")
        if qa.report is not None:
            node["report"] = self.web_resource(qa.report, name + "-report")
        _put(node, "expiryDate", qa.expiry_date and xsd_datetime(qa.expiry_date))
        return node

    def organisation(self, org: Organisation, name: str) -> Node | str:
        """The organisation node, or just its id if this credential already holds it."""
        if org.id is not None and org.id in self.written:
            return org.id
        node_id = org.id or self.id(name)
        self.written.add(node_id)
        location: Node = {
            "id": self.id(name + "-location"),
            "type": "Location",
            "address": {
                "id": self.id(name + "-address"),
                "type": "Address",
                "countryCode": concept(org.country),
            },
        }
        _put(location, "spatialCode", org.region and {"id": org.region, "type": "Concept"})
        node: Node = {
            "id": node_id,
            "type": "Organisation",
            "legalName": dict(org.legal_name),
            "location": [location],
        }
        if org.registration is not None:
            node["registration"] = self.legal_identifier(org.registration, name + "-registration")
        if org.homepage is not None:
            node["homepage"] = [self.web_resource(org.homepage, name + "-homepage")]
        return node

    def legal_identifier(self, value: LegalIdentifier, name: str) -> Node:
        return {
            "id": self.id(name),
            "type": "LegalIdentifier",
            "notation": value.notation,
            "spatial": concept(value.country),
        }

    def note(self, text: LangText, name: str) -> Node:
        return {"id": self.id(name), "type": "Note", "noteLiteral": dict(text)}

    def web_resource(self, url: str, name: str) -> Node:
        return {"id": self.id(name), "type": "WebResource", "contentURL": url}


def _date_of_birth(value: date) -> str:
    """ELM types dateOfBirth as xsd:dateTime; we write midnight UTC of the given date."""
    return f"{value.isoformat()}T00:00:00Z"


def _put(node: Node, key: str, value: Any) -> None:
    if value is not None:
        node[key] = value


def _put_all(node: Node, key: str, values: Iterable[Any]) -> None:
    items = list(values)
    if items:
        node[key] = items
