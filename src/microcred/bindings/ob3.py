"""MicroCredential <-> Open Badges 3.0 `OpenBadgeCredential` (achievementType MicroCredential).

`to_ob3` writes every Annex I element OB 3.0 has a property for natively (title, issuer
Profile, dates, learner as a hashed IdentityObject, ESCO and EQF alignments, ECTS credits,
language) and the whole Annex I record in our protected extension context
`https://w3id.org/microcred/ob3/v1` (`euMicroCredential`, the JSON input format of
docs/microcredential.schema.json), so `from_ob3(to_ob3(mc)[0]) == mc`. The LossReport says,
element by element, where each went and what a reader of OB3 alone does not see.
For OB3 micro-credentials written by others, see `microcred.bindings.ob3_read`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from microcred.errors import FieldError, InvalidMicroCredential
from microcred.model import LangText, MicroCredential

__all__ = [
    "EXTENSION_CONTEXT",
    "OB3_CONTEXT",
    "LossEntry",
    "LossReport",
    "from_ob3",
    "identity_hash",
    "to_ob3",
]

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXTENSION_CONTEXT = "https://w3id.org/microcred/ob3/v1"
"""Our OB3 extension context (bundled, protected, versioned): the `euMicroCredential` term."""
_V2 = "https://www.w3.org/ns/credentials/v2"
_EQF = "European Qualifications Framework"


@dataclass(frozen=True, slots=True)
class LossEntry:
    """Where one Annex I element went: `native` (an OB3 property at `path`) or only in the
    `extension`; `note` says what an OB3 reader does not see."""

    element: str
    carried: Literal["native", "extension"]
    path: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class LossReport:
    """Element by element, where `to_ob3` put each Annex I element the micro-credential has."""

    entries: tuple[LossEntry, ...]

    def lost(self) -> tuple[LossEntry, ...]:
        """What a reader of OB3 alone (ignoring our extension) does not get."""
        return tuple(e for e in self.entries if e.carried == "extension" or e.note)

    def to_markdown(self) -> str:
        """The report as a Markdown table (docs/ob3.md shows the sample's)."""
        rows = [f"| {e.element} | {e.carried} | `{e.path}` | {e.note} |" for e in self.entries]
        return "\n".join(["| element | carried | where | not seen by OB3 readers |",
                          "|---|---|---|---|", *rows])  # fmt: skip


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityObject.identityHash: `sha256$` + hex SHA-256 of value + salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def _primary(text: LangText) -> tuple[str, str]:
    tag = next(iter(text))
    return tag, text[tag]


def _lost_languages(text: LangText | None) -> str:
    if text is None or len(text) < 2:
        return ""
    tag = next(iter(text))
    others = ", ".join(t for t in text if t != tag)
    return f"OB3 has no language maps: {others} only in the extension"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class _Writer:
    """One micro-credential's OB3 credential and its loss report."""

    def __init__(self, mc: MicroCredential, salt: str) -> None:
        self.mc, self.salt = mc, salt
        self.report: list[LossEntry] = []

    def note(self, element: str, carried: Any, path: str, note: str = "") -> None:
        self.report.append(LossEntry(element, carried, path, note))

    def credential(self) -> dict[str, Any]:
        mc = self.mc
        language, title = _primary(mc.title)
        dumped = mc.dump()
        credential: dict[str, Any] = {
            "@context": [_V2, OB3_CONTEXT, EXTENSION_CONTEXT],
            "id": mc.id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": title,
            "issuer": self.profile(),
            "validFrom": dumped["dateOfIssuing"],
            "awardedDate": dumped["dateOfIssuing"],
        }
        self.note("title", "native", "name, credentialSubject.achievement.name",
                  _lost_languages(mc.title))  # fmt: skip
        self.note("date of issuing", "native", "validFrom, awardedDate")
        if "validUntil" in dumped:
            credential["validUntil"] = dumped["validUntil"]
            self.note("valid until", "native", "validUntil")
        credential["credentialSubject"] = self.subject(language, title)
        credential["euMicroCredential"] = json.dumps(dumped, ensure_ascii=False)
        self.extension_only()
        return credential

    def profile(self) -> dict[str, Any]:
        issuer = self.mc.issuer
        _, name = _primary(issuer.legal_name)
        profile: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": name}
        if issuer.homepage is not None:
            profile["url"] = str(issuer.homepage)
        address: dict[str, Any] = {"type": ["Address"], "addressCountry": issuer.country.label}
        if issuer.country.alpha2 is not None:
            address["addressCountryCode"] = issuer.country.alpha2
        profile["address"] = address
        self.note("issuer", "native", "issuer (Profile id, name, url)",
                  _lost_languages(issuer.legal_name))  # fmt: skip
        self.note("country of the issuer", "native", "issuer.address.addressCountryCode")
        if issuer.region is not None:
            self.note("region of the issuer", "extension", "euMicroCredential",
                      "OB3 addressRegion is free text, not the EU ATU concept")  # fmt: skip
        if issuer.registration is not None:
            self.note("issuer registration", "extension", "euMicroCredential")
        return profile

    def subject(self, language: str, title: str) -> dict[str, Any]:
        mc = self.mc
        subject: dict[str, Any] = {"type": ["AchievementSubject"]}
        learner = mc.learner
        if learner.id is not None:
            subject["id"] = learner.id
        identity = self.identity()
        if identity is not None:
            subject["identifier"] = [identity]
        self.note("learner", "native", "credentialSubject.id, credentialSubject.identifier",
                  "names, date of birth and identifiers other than the hashed one: "
                  "only in the extension")  # fmt: skip
        achievement: dict[str, Any] = {
            "id": f"{mc.id}#achievement",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": title,
            "description": self.description(title),
            "criteria": {"narrative": self.criteria()},
            "inLanguage": language,
        }
        alignments = self.alignments()
        if alignments:
            achievement["alignment"] = alignments
        if mc.workload.ects is not None:
            achievement["creditsAvailable"] = _number(mc.workload.ects)
            subject["creditsEarned"] = _number(mc.workload.ects)
            self.note("workload (ECTS)", "native",
                      "achievement.creditsAvailable, credentialSubject.creditsEarned")  # fmt: skip
        if mc.workload.hours is not None:
            self.note("workload (hours)", "extension", "euMicroCredential")
        if mc.grade is not None:
            _, grade = _primary(mc.grade.value)
            subject["result"] = [{"type": ["Result"], "value": grade}]
            lost = _lost_languages(mc.grade.value) or "the grading scheme: extension only"
            self.note("grade", "native", "credentialSubject.result[0].value", lost)
        subject["achievement"] = achievement
        return subject

    def identity(self) -> dict[str, Any] | None:
        learner = self.mc.learner
        if learner.email is not None:
            value, kind = str(learner.email), "emailAddress"
        elif learner.full_name is not None:
            value, kind = _primary(learner.full_name)[1], "name"
        else:
            return None
        return {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": identity_hash(value, self.salt),
            "identityType": kind,
            "salt": self.salt,
        }

    def description(self, title: str) -> str:
        info = self.mc.further_information
        if info is not None and info.description is not None:
            self.note("further information (description)", "native", "achievement.description",
                      _lost_languages(info.description))  # fmt: skip
            return _primary(info.description)[1]
        return title

    def criteria(self) -> str:
        outcomes = "; ".join(_primary(o.title)[1] for o in self.mc.learning_outcomes)
        self.note("learning outcomes", "native",
                  "achievement.criteria.narrative, achievement.alignment (ESCO)",
                  "skill type, reusability level and non-ESCO skills: extension only")  # fmt: skip
        return f"Learning outcomes: {outcomes}"

    def alignments(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for outcome in self.mc.learning_outcomes:
            name = _primary(outcome.title)[1]
            for skill in outcome.related_esco_skills:
                found.append({"type": ["Alignment"], "targetName": name, "targetUrl": skill,
                              "targetFramework": "ESCO",
                              "targetType": "ceasn:Competency"})  # fmt: skip
        level = self.mc.level
        if level is not None and level.eqf is not None:
            found.append({"type": ["Alignment"], "targetName": f"EQF level {level.eqf.key}",
                          "targetUrl": level.eqf.iri, "targetFramework": _EQF,
                          "targetCode": level.eqf.key})  # fmt: skip
            self.note("level (EQF)", "native", "achievement.alignment (EQF)",
                      "NQF and QF-EHEA: extension only" if level.nqf or level.qf_ehea_cycle
                      else "")  # fmt: skip
        elif level is not None:
            self.note("level (NQF, QF-EHEA)", "extension", "euMicroCredential")
        return found

    def extension_only(self) -> None:
        mc = self.mc
        for element, present in (
            ("awarding bodies", mc.awarding_bodies != (mc.issuer,)),
            ("type of assessment", True),
            ("form of participation", True),
            ("quality assurance", True),
            ("prerequisites", mc.prerequisites is not None),
            ("supervision and identity verification", mc.supervision is not None),
            ("integration / stackability", mc.stackability is not None),
            ("further information (other)", mc.further_information is not None),
            ("learning opportunity type", True),
        ):
            if present:
                self.note(element, "extension", "euMicroCredential", "OB3 has no property")


def to_ob3(mc: MicroCredential, *, salt: str | None = None) -> tuple[dict[str, Any], LossReport]:
    """The unsigned OpenBadgeCredential for `mc` and where each Annex I element went.

    `salt` salts the learner's hashed identifier (random when None). Raises
    `InvalidMicroCredential` (path `issuer.id`) while the issuer has no id yet.
    """
    if mc.issuer.id is None:
        message = "the issuer needs an id first: use mc.with_issuer_id(...)"
        raise InvalidMicroCredential([FieldError(("issuer", "id"), "missing_issuer_id", message)])
    writer = _Writer(mc, salt if salt is not None else secrets.token_hex(8))
    credential = writer.credential()
    return credential, LossReport(tuple(writer.report))


def from_ob3(document: Mapping[str, Any]) -> MicroCredential:
    """The micro-credential of an OB3 credential `to_ob3` wrote, from its extension record,
    which must agree with the native properties (id, title, issuer, date) an OB3 reader
    sees. Anything else raises `InvalidMicroCredential` naming the path; OB3 written by
    others is read leniently by `microcred.bindings.ob3_read.read_ob3`."""
    if not isinstance(document, Mapping):
        raise InvalidMicroCredential([FieldError((), "not_an_object", "an OB3 credential")])
    record = document.get("euMicroCredential")
    if not isinstance(record, str):
        message = "no euMicroCredential record: not written by to_ob3 (use read_ob3)"
        raise InvalidMicroCredential([FieldError(("euMicroCredential",), "missing", message)])
    try:
        data = json.loads(record)
    except ValueError:
        message = "euMicroCredential is not JSON"
        raise InvalidMicroCredential(
            [FieldError(("euMicroCredential",), "invalid_json", message)]
        ) from None
    if not isinstance(data, dict):
        message = "euMicroCredential is not a JSON object"
        raise InvalidMicroCredential([FieldError(("euMicroCredential",), "invalid", message)])
    try:
        mc = MicroCredential.parse(data)
    except InvalidMicroCredential as error:
        raise InvalidMicroCredential(
            [FieldError(("euMicroCredential", *e.path), e.code, e.message) for e in error.errors]
        ) from None
    _agree(document, mc)
    return mc


def _agree(document: Mapping[str, Any], mc: MicroCredential) -> None:
    """The native properties say what the record says (else a reader of each would differ)."""
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    dumped = mc.dump()
    for path, found, wanted in (
        (("id",), document.get("id"), mc.id),
        (("name",), document.get("name"), _primary(mc.title)[1]),
        (("issuer",), issuer_id, mc.issuer.id),
        (("validFrom",), document.get("validFrom"), dumped["dateOfIssuing"]),
        (("validUntil",), document.get("validUntil"), dumped.get("validUntil")),
    ):
        if found != wanted:
            message = f"{found!r} is not what euMicroCredential says ({wanted!r})"
            raise InvalidMicroCredential([FieldError(path, "disagrees_with_record", message)])
