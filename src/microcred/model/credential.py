"""`MicroCredential`: every element of Annex I of the Council Recommendation of 16 June 2022.

Validation never lets pydantic's `ValidationError` out: constructing, `model_validate`,
`model_validate_json` and `MicroCredential.parse` all raise `InvalidMicroCredential`, whose
`errors` list every (JSON path, code, message). The caller's input is never modified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Self

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from microcred.errors import FieldError, InvalidMicroCredential, Path, ProofGenerationError
from microcred.model._base import AbsoluteIRI, Distinct, ModelPart, Timestamp, field_errors
from microcred.model.parts import (
    Assessment,
    FurtherInformation,
    Grade,
    Learner,
    LearningOutcome,
    Level,
    Organisation,
    Participation,
    QualityAssurance,
    Stackability,
    Workload,
)
from microcred.model.text import LangText
from microcred.model.vocab import LearningOpportunityType, SupervisionVerification

__all__ = ["MicroCredential"]

_IRI: TypeAdapter[str] = TypeAdapter(AbsoluteIRI)


_CREDENTIAL_GIVEN = FieldError(
    (),
    "credential_not_input",
    "this is a credential, not micro-credential input: verify it (verify, `microcred verify`), "
    "or read its model back (from_credential, `microcred inspect --json`)",
)
"""What a signed or unsigned VC handed to `issue` gets instead of one error per VC member."""


class MicroCredential(ModelPart):
    """An EU micro-credential: the 11 mandatory and 5 optional elements of Annex I.

    Mandatory: learner, title, issuer's country/region (`issuer.country`, `issuer.region`),
    awarding bodies, date of issuing, learning outcomes, workload, level (if applicable),
    assessment, participation, quality assurance. Optional: prerequisites, supervision,
    grade, stackability, further information. `issuer.id` may be left out until the
    signing key is known (`with_issuer_id`); `awardingBodies` defaults to the issuer.
    """

    id: AbsoluteIRI
    """The credential's id (e.g. `urn:uuid:...`); node ids are made in its fragment space."""
    learner: Learner
    """M1. Identification of the learner."""
    title: LangText
    """M2. Title of the micro-credential."""
    issuer: Organisation
    """M3. Country(ies)/region(s) of the issuer: `issuer.country` and `issuer.region`."""
    awarding_bodies: Annotated[tuple[Organisation, ...], Distinct] = ()
    """M4. Awarding body(ies); the issuer when left out."""
    date_of_issuing: Timestamp
    """M5. Date of issuing (with a time zone)."""
    valid_until: Timestamp | None = None
    """End of validity, if the credential expires."""
    learning_outcomes: tuple[LearningOutcome, ...] = Field(min_length=1)
    """M6. Learning outcomes."""
    workload: Workload
    """M7. Notional workload (ECTS credits wherever possible, and/or hours)."""
    level: Level | None = None
    """M8. Level (and cycle, if applicable): EQF, NQF, QF-EHEA."""
    assessment: Assessment
    """M9. Type of assessment."""
    participation: Participation
    """M10. Form of participation in the learning activity."""
    quality_assurance: tuple[QualityAssurance, ...] = Field(min_length=1)
    """M11. Type of quality assurance used to underpin the micro-credential."""
    prerequisites: LangText | None = None
    """O1. Prerequisites needed to enrol in the learning activity."""
    supervision: SupervisionVerification | None = None
    """O2. Supervision and identity verification during assessment."""
    grade: Grade | None = None
    """O3. Grade achieved."""
    stackability: Stackability | None = None
    """O4. Integration/stackability options."""
    further_information: FurtherInformation | None = None
    """O5. Further information."""
    learning_opportunity_type: LearningOpportunityType = Field(
        default_factory=lambda: LearningOpportunityType.of("short-learning-programme")
    )
    """Type of the learning opportunity (ELM; not an Annex I element)."""

    @model_validator(mode="wrap")
    @classmethod
    def _validated(cls, data: Any, handler: Callable[[Any], Self]) -> Self:
        """Outermost validation step: defaults that depend on other fields, every field,
        then the cross-field rules; any failure becomes one `InvalidMicroCredential`."""
        if isinstance(data, Mapping) and "@context" in data and "credentialSubject" in data:
            raise InvalidMicroCredential([_CREDENTIAL_GIVEN])
        try:
            made = handler(data)
        except ValidationError as error:
            raise InvalidMicroCredential(field_errors(error)) from None
        if "awarding_bodies" not in made.model_fields_set:
            made = made.model_copy(update={"awarding_bodies": (made.issuer,)})
        problems = list(made._cross_field_errors())
        if problems:
            raise InvalidMicroCredential(problems)
        return made

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> MicroCredential:
        """Validate the documented JSON input format (camelCase keys); see the JSON Schema
        in docs/microcredential.schema.json."""
        return cls.model_validate(data)

    def dump(self) -> dict[str, Any]:
        """The documented JSON input format (camelCase keys, no nulls): `parse` reads it back
        to an equal micro-credential."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def with_issuer_id(self, issuer_id: str) -> MicroCredential:
        """A copy whose issuer (and each awarding or QA body equal to it) has `issuer_id`,
        e.g. the DID that controls the signing key."""
        try:
            checked = _IRI.validate_python(issuer_id)
        except ValidationError as error:
            raise InvalidMicroCredential(
                [FieldError(("issuer", "id"), e.code, e.message) for e in field_errors(error)]
            ) from None
        issuer = self.issuer.model_copy(update={"id": checked})

        def swap(org: Organisation) -> Organisation:
            return issuer if org == self.issuer else org

        assurance = tuple(
            qa.model_copy(update={"quality_assuring_body": swap(qa.quality_assuring_body)})
            if qa.quality_assuring_body is not None
            else qa
            for qa in self.quality_assurance
        )
        fields = dict(self)
        fields.update(
            issuer=issuer,
            awarding_bodies=tuple(swap(org) for org in self.awarding_bodies),
            quality_assurance=assurance,
        )
        return type(self).model_validate(fields)

    def issued_by(self, verification_method: str) -> MicroCredential:
        """This credential as the controller of `verification_method` (its URL without the
        fragment) issues it: that issuer id filled in when absent; ProofGenerationError
        when the credential names another issuer, who does not control the key."""
        controller = verification_method.split("#", 1)[0]
        if self.issuer.id is None:
            return self.with_issuer_id(controller)
        if self.issuer.id != controller:
            raise ProofGenerationError(
                f"the issuer {self.issuer.id!r} does not control the key {verification_method!r}",
                path=("issuer", "id"),
            )
        return self

    def organisations(self) -> Iterator[tuple[Path, Organisation]]:
        """Every organisation with its JSON path: issuer, awarding bodies, QA bodies."""
        yield ("issuer",), self.issuer
        for i, org in enumerate(self.awarding_bodies):
            yield ("awardingBodies", i), org
        for i, qa in enumerate(self.quality_assurance):
            if qa.quality_assuring_body is not None:
                yield ("qualityAssurance", i, "qualityAssuringBody"), qa.quality_assuring_body

    def _node_ids(self) -> Iterator[tuple[Path, str]]:
        if self.learner.id is not None:
            yield ("learner", "id"), self.learner.id
        for path, org in self.organisations():
            if org.id is not None:
                yield (*path, "id"), org.id
        targets = self.stackability.stackable_towards if self.stackability else ()
        for i, target in enumerate(targets):
            yield ("stackability", "stackableTowards", i, "id"), target.id

    def _cross_field_errors(self) -> Iterator[FieldError]:
        """Rules across fields: validity period, reserved and conflicting node ids."""
        if not self.awarding_bodies:
            yield FieldError(("awardingBodies",), "too_short", "at least one awarding body")
        if self.valid_until is not None and self.valid_until <= self.date_of_issuing:
            yield FieldError(
                ("validUntil",),
                "valid_until_not_after_issuing",
                "validUntil must be later than dateOfIssuing",
            )
        reserved = self.id + "#"
        for path, node_id in self._node_ids():
            if node_id == self.id or node_id.startswith(reserved):
                yield FieldError(
                    path,
                    "reserved_id",
                    f"'{node_id}' is the credential id or lies in its "
                    f"fragment space ({reserved}...), which microcred uses for generated nodes",
                )
        seen: dict[str, Organisation] = {}
        for path, org in self.organisations():
            if org.id is None:
                continue
            first = seen.setdefault(org.id, org)
            if first != org:
                yield FieldError(
                    (*path, "id"),
                    "conflicting_organisation",
                    f"another organisation with id '{org.id}' has different details",
                )
