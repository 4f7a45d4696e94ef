"""The parts of an EU micro-credential, one class per Annex I element (or ELM node behind it).

Annex I of the Council Recommendation of 16 June 2022 on a European approach to
micro-credentials (2022/C 243/02). Field names follow the Annex wording and ELM v3 terms.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, model_validator

from microcred.model._base import (
    AbsoluteIRI,
    Distinct,
    Email,
    ModelPart,
    Timestamp,
    WebAddress,
    need_one_of,
)
from microcred.model.text import LangText
from microcred.model.vocab import (
    AccreditationType,
    AssessmentType,
    Country,
    EQFLevel,
    ESCOSkill,
    Language,
    LearningActivityType,
    LearningMode,
    LearningSetting,
    NQFLevel,
    QFEHEACycle,
    Region,
    SkillReuseLevel,
    SkillType,
    ThematicArea,
)

__all__ = [
    "Assessment",
    "FurtherInformation",
    "Grade",
    "Identifier",
    "Learner",
    "LearningOutcome",
    "LegalIdentifier",
    "Level",
    "Organisation",
    "Participation",
    "QualityAssurance",
    "RelatedQualification",
    "Stackability",
    "Workload",
]

Points = Annotated[Decimal, Field(ge=0, decimal_places=2, allow_inf_nan=False)]


class Identifier(ModelPart):
    """An identifier in some scheme (ELM Identifier): a student number, a registry code."""

    notation: str = Field(min_length=1)
    scheme_name: str | None = Field(default=None, min_length=1)


class LegalIdentifier(ModelPart):
    """A legal identifier issued in a country (ELM LegalIdentifier: notation + spatial)."""

    notation: str = Field(min_length=1)
    country: Country


class Learner(ModelPart):
    """Annex I (mandatory): identification of the learner. ELM Person, the credential subject.

    At least one identifying field is needed; `id` (e.g. the learner's DID) lets the learner
    prove the credential is theirs.
    """

    id: AbsoluteIRI | None = None
    full_name: LangText | None = None
    given_name: LangText | None = None
    family_name: LangText | None = None
    date_of_birth: date | None = None
    national_id: LegalIdentifier | None = Field(default=None, alias="nationalID")
    email: Email | None = None
    identifiers: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _identified(self) -> Self:
        fields = ("id", "full_name", "given_name", "family_name", "national_id", "email")
        if not any(getattr(self, f) is not None for f in fields) and not self.identifiers:
            raise need_one_of(
                ("id", "fullName", "givenName", "familyName", "nationalID", "email", "identifiers"),
                "the learner is not identified",
                "learner_not_identified",
            )
        return self


class Organisation(ModelPart):
    """An organisation (ELM Organisation): the issuer, an awarding body or a QA body.

    `country` and `region` answer the Annex I element "country(ies)/region(s) of the issuer".
    """

    id: AbsoluteIRI | None = None
    legal_name: LangText
    country: Country
    region: Region | None = None
    registration: LegalIdentifier | None = None
    homepage: WebAddress | None = None


class LearningOutcome(ModelPart):
    """Annex I (mandatory): one learning outcome (ELM LearningOutcome), optionally linked to
    ESCO skills (`http://data.europa.eu/esco/skill/<uuid>`) and other skill frameworks."""

    title: LangText
    related_esco_skills: Annotated[tuple[ESCOSkill, ...], Distinct] = Field(
        default=(), alias="relatedESCOSkills"
    )
    related_skills: Annotated[tuple[AbsoluteIRI, ...], Distinct] = ()
    skill_type: SkillType | None = None
    reusability_level: SkillReuseLevel | None = None


class Workload(ModelPart):
    """Annex I (mandatory): notional workload needed to achieve the learning outcomes,
    in ECTS credits wherever possible, and/or in hours (ELM volumeOfLearning)."""

    ects: Points | None = None
    hours: Annotated[Decimal, Field(gt=0, decimal_places=2, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _stated(self) -> Self:
        if self.ects is None and self.hours is None:
            raise need_one_of(("ects", "hours"), "no workload given", "workload_missing")
        return self


class Level(ModelPart):
    """Annex I (mandatory, if applicable): level (and cycle) of the learning experience
    leading to the micro-credential: EQF, NQF and/or QF-EHEA cycle."""

    eqf: EQFLevel | None = None
    nqf: Annotated[tuple[NQFLevel, ...], Distinct] = ()
    qf_ehea_cycle: QFEHEACycle | None = Field(default=None, alias="qfEheaCycle")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.eqf is None and self.qf_ehea_cycle is None and not self.nqf:
            raise need_one_of(("eqf", "nqf", "qfEheaCycle"), "no level given", "level_missing")
        cycle = self.qf_ehea_cycle
        if cycle is not None and self.eqf is not None and cycle.eqf_level != self.eqf:
            raise need_one_of(
                ("eqf", "qfEheaCycle"),
                f"the QF-EHEA {cycle.key} corresponds to EQF level {cycle.eqf_level.key}, "
                f"not {self.eqf.key}",
                "level_mismatch",
            )
        return self


class Assessment(ModelPart):
    """Annex I (mandatory): type of assessment (ELM LearningAssessment and its
    LearningAssessmentSpecification `dcType`)."""

    type: AssessmentType
    title: LangText | None = None


class Participation(ModelPart):
    """Annex I (mandatory): form of participation in the learning activity (online, onsite
    or blended, volunteering, work experience): ELM `mode`, `learningSetting` and the type
    of the learning activity."""

    modes: Annotated[tuple[LearningMode, ...], Distinct] = ()
    learning_setting: LearningSetting | None = None
    activity_types: Annotated[tuple[LearningActivityType, ...], Distinct] = ()

    @model_validator(mode="after")
    def _stated(self) -> Self:
        if not self.modes and not self.activity_types:
            raise need_one_of(
                ("modes", "activityTypes"), "no form of participation", "participation_missing"
            )
        return self


class QualityAssurance(ModelPart):
    """Annex I (mandatory): type of quality assurance used to underpin the micro-credential
    (ELM Accreditation of the qualification)."""

    type: AccreditationType
    title: LangText | None = None
    quality_assuring_body: Organisation | None = None
    report: WebAddress | None = None
    expiry_date: Timestamp | None = None


class Grade(ModelPart):
    """Annex I (optional): grade achieved (ELM `grade` Note) and the grading scheme's name."""

    value: LangText
    grading_scheme: LangText | None = None


class RelatedQualification(ModelPart):
    """A larger credential this micro-credential stacks towards (ELM `isPartOf`)."""

    id: AbsoluteIRI
    title: LangText | None = None


class Stackability(ModelPart):
    """Annex I (optional): integration/stackability options: a stand-alone, independent
    micro-credential, or integrated and stackable towards other credentials."""

    stand_alone: bool
    stackable_towards: Annotated[tuple[RelatedQualification, ...], Distinct] = ()


class FurtherInformation(ModelPart):
    """Annex I (optional): further information: a description, notes, links, fields of
    education (ISCED-F) and languages of the learning opportunity."""

    description: LangText | None = None
    notes: tuple[LangText, ...] = ()
    homepage: WebAddress | None = None
    supplementary_documents: Annotated[tuple[WebAddress, ...], Distinct] = ()
    thematic_areas: Annotated[tuple[ThematicArea, ...], Distinct] = ()
    languages: Annotated[tuple[Language, ...], Distinct] = ()

    @model_validator(mode="after")
    def _stated(self) -> Self:
        if all(getattr(self, name) in (None, ()) for name in type(self).model_fields):
            raise need_one_of(
                tuple(f.alias or name for name, f in type(self).model_fields.items()),
                "further information is empty",
                "further_information_empty",
            )
        return self
