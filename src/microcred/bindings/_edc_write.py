"""Write a MicroCredential as a Europass EDC: the ELM writer plus the EDC generic profile.

What EDC adds (ELM 3.2 SHACL `edc-generic-full`, research elm.md §3-§4): the VC 1.1
envelope with `issued`/`issuanceDate`, `credentialProfiles`, `credentialSchema`, an issuer
with its eIDAS identifier, a `displayParameter` with one rendered page per language, and a
title on every activity, assessment and accreditation node. Where the model has no title for
such a node, its concept's English label stands in (the reader drops it again). Claims the
model does not make are never invented: `edc_requirements` lists what EDC needs in addition.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from microcred.bindings._elm_write import Writer, concept, xsd_datetime
from microcred.display.render import render_page
from microcred.errors import FieldError
from microcred.model import (
    LangText,
    Language,
    LearningActivityType,
    LegalIdentifier,
    MicroCredential,
    Organisation,
)

__all__ = ["EDCWriter", "edc_constants", "edc_requirements"]

Node = dict[str, Any]


@cache
def _constants() -> Mapping[str, Any]:
    return json.loads(  # type: ignore[no-any-return]
        (resources.files("microcred") / "data" / "edc.json").read_text(encoding="utf-8")
    )


def edc_constants(name: str) -> Any:
    """A fresh copy of one EDC profile constant of `data/edc.json` (context, concepts, ...)."""
    return copy.deepcopy(_constants()[name])


def edc_requirements(mc: MicroCredential) -> Iterator[FieldError]:
    """What the EDC profile requires beyond the model, as errors at the model's paths."""
    learner = mc.learner
    for key, name in (
        ("fullName", learner.full_name),
        ("givenName", learner.given_name),
        ("familyName", learner.family_name),
    ):
        if name is not None and len(name) > 1:
            yield FieldError(
                ("learner", key),
                "edc_requires_one_language",
                f"an EDC gives a person's {key} in one language only (SHACL Person: 0..1)",
            )
    for i, qa in enumerate(mc.quality_assurance):
        if qa.quality_assuring_body is None:
            yield FieldError(
                ("qualityAssurance", i, "qualityAssuringBody"),
                "edc_requires_accrediting_agent",
                "an EDC accreditation must name its quality-assuring body "
                "(SHACL Accreditation: accreditingAgent 1..1)",
            )
    if mc.supervision is not None and mc.grade is None:
        yield FieldError(
            ("supervision",),
            "edc_requires_grade",
            "EDC records supervision on the learner's assessment result, which must carry a "
            "grade (SHACL LearningAssessment: grade 1..1): add a grade or leave supervision out",
        )
    targets = mc.stackability.stackable_towards if mc.stackability else ()
    for i, target in enumerate(targets):
        if target.title is None:
            yield FieldError(
                ("stackability", "stackableTowards", i, "title"),
                "edc_requires_title",
                "an EDC qualification needs a title (SHACL Qualification: title 1..*)",
            )


def _label(value: Any) -> dict[str, str]:
    """A concept's English label as a title, where EDC demands one the model lacks."""
    return {"en": value.label}


class EDCWriter(Writer):
    """The ELM writer with the EDC generic profile's envelope, display and titles."""

    description_term = "description"

    def __init__(
        self,
        mc: MicroCredential,
        *,
        eidas_identifier: LegalIdentifier,
        issued: datetime,
        languages: tuple[tuple[str, Language], ...],
        title: LangText,
        description: LangText | None,
        logo: bytes | None = None,
    ) -> None:
        super().__init__(mc)
        self.organisations: dict[str, Node] = {}
        self.eidas_identifier = eidas_identifier
        self.issued = issued
        self.languages = languages
        self.title = title
        self.description = description
        self.logo = logo

    def credential(self) -> dict[str, Any]:
        """The EDC envelope (VC 1.1 with the EDC generic profile) around the ELM graph."""
        mc = self.mc
        issuer = self.organisation(mc.issuer, "issuer")
        assert isinstance(issuer, dict)  # the first organisation written is always a node
        issuer["eIDASIdentifier"] = self.legal_identifier(
            self.eidas_identifier, "issuer-eidas-identifier"
        )
        issued = xsd_datetime(self.issued)
        out: dict[str, Any] = {
            "@context": edc_constants("context"),
            "id": mc.id,
            "type": edc_constants("type"),
            "credentialProfiles": edc_constants("credentialProfiles"),
            "credentialSchema": edc_constants("credentialSchema"),
            "issuer": issuer,
            "issued": issued,
            "issuanceDate": issued,
            "validFrom": xsd_datetime(mc.date_of_issuing),
            # The sealer's mandate from the awarding bodies (EDC issuedByMandate profile).
            "evidence": {"id": self.id("mandate"), **edc_constants("evidence")},
        }
        if mc.valid_until is not None:
            out["validUntil"] = out["expirationDate"] = xsd_datetime(mc.valid_until)
        out["displayParameter"] = self.display()
        out["credentialSubject"] = self.person()
        return out

    def display(self) -> Node:
        """ELM DisplayParameter: title, languages and one rendered page per language."""
        node: Node = {"id": self.id("display"), "type": "DisplayParameter"}
        node["title"] = dict(self.title)
        if self.description is not None:
            node["description"] = dict(self.description)
        node["language"] = [concept(language) for _, language in self.languages]
        node["primaryLanguage"] = concept(self.languages[0][1])
        node["individualDisplay"] = [
            self.individual_display(tag, language, i)
            for i, (tag, language) in enumerate(self.languages, 1)
        ]
        return node

    def individual_display(self, tag: str, language: Language, index: int) -> Node:
        """ELM IndividualDisplay: the page image drawn in the language `tag`."""
        name = f"display-{index}"
        png = render_page(self.mc, tag, title=self.title, logo=self.logo)
        return {
            "id": self.id(name),
            "type": "IndividualDisplay",
            "language": concept(language),
            "displayDetail": [
                {
                    "id": self.id(name + "-page-1"),
                    "type": "DisplayDetail",
                    "page": 1,
                    "image": {
                        "id": self.id(name + "-page-1-image"),
                        "type": "MediaObject",
                        "content": base64.b64encode(png).decode("ascii"),
                        "contentEncoding": edc_constants("contentEncoding"),
                        "contentType": edc_constants("contentType"),
                    },
                }
            ],
        }

    def organisation(self, org: Organisation, name: str) -> Node | str:
        """An organisation written again is an identical copy, not an id: EBSI's EDC JSON
        Schema wants Organisation objects (awardingBody, accreditingAgent)."""
        if org.id is not None and org.id in self.organisations:
            return copy.deepcopy(self.organisations[org.id])
        node = super().organisation(org, name)
        if isinstance(node, dict) and org.id is not None:
            self.organisations[org.id] = node  # the issuer's gains its eIDASIdentifier later
        return node

    def achievement(self) -> Node:
        """Every claim embeds its AwardingProcess (identical copies): EBSI's VCDM 2.0 EDC JSON
        Schema refuses an `awardedBy` that is only an id."""
        node = super().achievement()
        for key in ("provenBy", "influencedBy"):
            for claim in node.get(key, []):
                if isinstance(claim.get("awardedBy"), str):
                    claim["awardedBy"] = copy.deepcopy(node["awardedBy"])
        return node

    def claim_assessments(self) -> list[Node]:
        """EDC requires a grade on a LearningAssessment, so only a graded one is a claim."""
        return [self.assessment()] if self.mc.grade is not None else []

    def specification_assessments(self) -> list[Node]:
        """Without a grade the type of assessment stays on the qualification."""
        return [] if self.mc.grade is not None else [self.assessment_specification()]

    def assessment_title(self) -> LangText:
        """EDC requires one: the model's, else the type of assessment's label."""
        return self.mc.assessment.title or LangText(_label(self.mc.assessment.type))

    def activity(self, activity_type: LearningActivityType, index: int) -> Node:
        """EDC requires titles on activities and their specifications: the type's label."""
        node = super().activity(activity_type, index)
        node["title"] = node["specifiedBy"]["title"] = _label(activity_type)
        return node

    def accreditation(self, index: int) -> Node:
        """EDC requires a title on an accreditation: the model's, else the type's label."""
        node = super().accreditation(index)
        node.setdefault("title", _label(self.mc.quality_assurance[index - 1].type))
        return node
