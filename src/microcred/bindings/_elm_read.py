"""Read an ELM-shaped VC 2.0 credential into the micro-credential's JSON input format.

The reverse of `bindings.elm.to_credential`: walk the compact JSON-LD tree (single values
or arrays, embedded nodes or id references) and collect the Annex I elements. Values stay
as the credential writes them (concept IRIs, ISO dates); the model validates them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.errors import FieldError, InvalidMicroCredential, Path

__all__ = ["MICROCRED_CONTEXT", "read_credential"]

MICROCRED_CONTEXT = "https://w3id.org/microcred/v1"
_ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
    r"(?:(\d+(?:\.\d+)?)S)?)?$"
)

Input = dict[str, Any]


def _fail(path: Path, message: str) -> InvalidMicroCredential:
    return InvalidMicroCredential([FieldError(path, "malformed_credential", message)])


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _nodes_by_id(value: Any, found: dict[str, Mapping[str, Any]]) -> None:
    """Index every embedded node that carries more than its id (for id references)."""
    if isinstance(value, Mapping):
        if isinstance(value.get("id"), str) and len(value) > 1:
            found.setdefault(value["id"], value)
        for item in value.values():
            _nodes_by_id(item, found)
    elif isinstance(value, list):
        for item in value:
            _nodes_by_id(item, found)


def _hours(duration: Any, path: Path) -> str:
    """An xsd:duration of days/hours/minutes/seconds as a number of hours."""
    match = _DURATION.fullmatch(duration) if isinstance(duration, str) else None
    if match is None or duration in ("P", "PT") or duration.endswith("T"):
        raise _fail(path, f"{duration!r} is not a duration in days, hours, minutes or seconds")
    days, hours, minutes, seconds = (Decimal(g or 0) for g in match.groups())
    total = days * 24 + hours + minutes / 60 + seconds / 3600
    return format(total.normalize(), "f")


class _Reader:
    """Path-aware access to the credential's nodes."""

    def __init__(self, credential: Mapping[str, Any]) -> None:
        self.index: dict[str, Mapping[str, Any]] = {}
        _nodes_by_id(credential, self.index)
        self.base = f"{credential.get('id')}#"

    def node(self, value: Any, path: Path) -> Mapping[str, Any]:
        """An embedded node, or the node an id reference points at."""
        if isinstance(value, str):
            value = self.index.get(value, {"id": value})
        elif isinstance(value, Mapping) and set(value) == {"id"}:
            value = self.index.get(value["id"], value)
        if not isinstance(value, Mapping):
            raise _fail(path, "expected a JSON object (a node) or a node id")
        return value

    def nodes(
        self, parent: Mapping[str, Any], key: str, path: Path
    ) -> Iterator[tuple[Path, Mapping[str, Any]]]:
        values = parent.get(key)
        many = isinstance(values, list)
        for i, value in enumerate(_many(values)):
            where = (*path, key, i) if many else (*path, key)
            yield where, self.node(value, where)

    def one(self, parent: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any] | None:
        found = list(self.nodes(parent, key, path))
        if len(found) > 1:
            raise _fail((*path, key), f"expected one value for {key!r}, found {len(found)}")
        return found[0][1] if found else None

    def need(self, parent: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
        found = self.one(parent, key, path)
        if found is None:
            raise _fail((*path, key), f"{key!r} is missing")
        return found

    def iris(self, parent: Mapping[str, Any], key: str, path: Path) -> list[Any]:
        return [node.get("id") for _, node in self.nodes(parent, key, path)]

    def iri(self, parent: Mapping[str, Any], key: str, path: Path) -> Any:
        node = self.one(parent, key, path)
        return None if node is None else node.get("id")

    def own_id(self, node: Mapping[str, Any]) -> Any:
        """The node's id, or None where `to_credential` generated it."""
        node_id = node.get("id")
        return None if isinstance(node_id, str) and node_id.startswith(self.base) else node_id

    def note(self, parent: Mapping[str, Any], key: str, path: Path) -> Any:
        node = self.one(parent, key, path)
        return None if node is None else node.get("noteLiteral")

    def url(self, node: Mapping[str, Any]) -> Any:
        return node.get("contentURL")

    def legal_identifier(self, node: Mapping[str, Any] | None, path: Path) -> Input | None:
        if node is None:
            return None
        return {"notation": node.get("notation"), "country": self.iri(node, "spatial", path)}

    def organisation(self, node: Mapping[str, Any], path: Path) -> Input:
        location = self.need(node, "location", path)
        address = self.need(location, "address", (*path, "location"))
        homepage = self.one(node, "homepage", path)
        return _drop_none(
            {
                "id": self.own_id(node),
                "legalName": node.get("legalName"),
                "country": self.iri(address, "countryCode", (*path, "location", "address")),
                "region": self.iri(location, "spatialCode", (*path, "location")),
                "registration": self.legal_identifier(self.one(node, "registration", path), path),
                "homepage": homepage and self.url(homepage),
            }
        )


def _drop_none(fields: Input) -> Input:
    return {key: value for key, value in fields.items() if value not in (None, [])}


def read_credential(credential: Mapping[str, Any]) -> Input:
    """The model input (camelCase JSON) that `credential` carries; see docs/elm-mapping.md."""
    if not isinstance(credential, Mapping):
        raise _fail((), "a credential must be a JSON object")
    if MICROCRED_CONTEXT not in _many(credential.get("@context")):
        raise _fail(("@context",), f"the credential does not use the {MICROCRED_CONTEXT} context")
    r = _Reader(credential)
    subject_path: Path = ("credentialSubject",)
    subject = r.need(credential, "credentialSubject", ())
    a_path: Path = (*subject_path, "hasClaim")
    achievement = r.need(subject, "hasClaim", subject_path)
    s_path: Path = (*a_path, "specifiedBy")
    spec = r.need(achievement, "specifiedBy", a_path)
    w_path: Path = (*a_path, "awardedBy")
    awarding = r.need(achievement, "awardedBy", a_path)
    p_path: Path = (*a_path, "provenBy")
    proof = r.need(achievement, "provenBy", a_path)
    return _drop_none(
        {
            "id": credential.get("id"),
            "learner": _learner(r, subject, subject_path),
            "title": achievement.get("title"),
            "issuer": r.organisation(r.need(credential, "issuer", ()), ("issuer",)),
            "awardingBodies": [
                r.organisation(node, where)
                for where, node in r.nodes(awarding, "awardingBody", w_path)
            ],
            "dateOfIssuing": credential.get("validFrom"),
            "validUntil": credential.get("validUntil"),
            "learningOutcomes": [
                _outcome(r, node, where) for where, node in r.nodes(spec, "learningOutcome", s_path)
            ],
            "workload": _workload(r, spec, s_path),
            "level": _level(r, spec, s_path),
            "assessment": _assessment(r, proof, p_path),
            "participation": _drop_none(
                {
                    "modes": r.iris(spec, "mode", s_path),
                    "learningSetting": r.iri(spec, "learningSetting", s_path),
                    "activityTypes": [
                        r.iri(r.need(node, "specifiedBy", where), "dcType", where)
                        for where, node in r.nodes(achievement, "influencedBy", a_path)
                    ],
                }
            ),
            "qualityAssurance": [
                _quality_assurance(r, node, where)
                for where, node in r.nodes(spec, "accreditation", s_path)
            ],
            "prerequisites": r.note(spec, "entryRequirement", s_path),
            "supervision": r.iri(proof, "idVerification", p_path),
            "grade": _grade(r, proof, p_path),
            "stackability": _stackability(r, spec, s_path),
            "furtherInformation": _further_information(r, achievement, a_path, spec, s_path),
            "learningOpportunityType": r.iri(spec, "dcType", s_path),
        }
    )


def _learner(r: _Reader, person: Mapping[str, Any], path: Path) -> Input:
    birth = person.get("dateOfBirth")
    contact = r.one(person, "contactPoint", path)
    mailbox = contact and r.one(contact, "emailAddress", (*path, "contactPoint"))
    email = mailbox and mailbox.get("id")
    return _drop_none(
        {
            "id": r.own_id(person),
            "fullName": person.get("fullName"),
            "givenName": person.get("givenName"),
            "familyName": person.get("familyName"),
            "dateOfBirth": birth[:10] if isinstance(birth, str) else birth,
            "nationalID": r.legal_identifier(r.one(person, "nationalID", path), path),
            "email": email[len("mailto:") :] if isinstance(email, str) else email,
            "identifiers": [
                _drop_none({"notation": n.get("notation"), "schemeName": n.get("schemeName")})
                for _, n in r.nodes(person, "identifier", path)
            ],
        }
    )


def _outcome(r: _Reader, node: Mapping[str, Any], path: Path) -> Input:
    return _drop_none(
        {
            "title": node.get("title"),
            "relatedESCOSkills": r.iris(node, "relatedESCOSkill", path),
            "relatedSkills": r.iris(node, "relatedSkill", path),
            "skillType": r.iri(node, "dcType", path),
            "reusabilityLevel": r.iri(node, "reusabilityLevel", path),
        }
    )


def _workload(r: _Reader, spec: Mapping[str, Any], path: Path) -> Input:
    ects = None
    for where, credit in r.nodes(spec, "creditPoint", path):
        if r.iri(credit, "framework", where) == _ECTS:
            ects = credit.get("point")
            try:
                Decimal(str(ects))
            except InvalidOperation:
                raise _fail((*where, "point"), f"{ects!r} is not a number of points") from None
    volume = spec.get("volumeOfLearning")
    hours = None if volume is None else _hours(volume, (*path, "volumeOfLearning"))
    return _drop_none({"ects": ects, "hours": hours})


def _level(r: _Reader, spec: Mapping[str, Any], path: Path) -> Input | None:
    level = _drop_none(
        {
            "eqf": r.iri(spec, "eqfLevel", path),
            "nqf": r.iris(spec, "nqfLevel", path),
            "qfEheaCycle": r.iri(spec, "educationLevel", path),
        }
    )
    return level or None


def _assessment(r: _Reader, proof: Mapping[str, Any], path: Path) -> Input:
    spec = r.need(proof, "specifiedBy", path)
    return _drop_none(
        {
            "type": r.iri(spec, "dcType", (*path, "specifiedBy")),
            "title": proof.get("title"),
        }
    )


def _grade(r: _Reader, proof: Mapping[str, Any], path: Path) -> Input | None:
    value = r.note(proof, "grade", path)
    if value is None:
        return None
    spec = r.need(proof, "specifiedBy", path)
    scheme = r.one(spec, "gradingScheme", (*path, "specifiedBy"))
    return _drop_none({"value": value, "gradingScheme": scheme and scheme.get("title")})


def _quality_assurance(r: _Reader, node: Mapping[str, Any], path: Path) -> Input:
    agent = r.one(node, "accreditingAgent", path)
    report = r.one(node, "report", path)
    return _drop_none(
        {
            "type": r.iri(node, "dcType", path),
            "title": node.get("title"),
            "qualityAssuringBody": agent and r.organisation(agent, (*path, "accreditingAgent")),
            "report": report and r.url(report),
            "expiryDate": node.get("expiryDate"),
        }
    )


def _stackability(r: _Reader, spec: Mapping[str, Any], path: Path) -> Input | None:
    partial = spec.get("isPartialQualification")
    targets = [
        _drop_none({"id": node.get("id"), "title": node.get("title")})
        for _, node in r.nodes(spec, "isPartOf", path)
    ]
    if partial is None and not targets:
        return None
    if not isinstance(partial, bool):
        raise _fail((*path, "isPartialQualification"), "expected true or false")
    return _drop_none({"standAlone": not partial, "stackableTowards": targets})


def _further_information(
    r: _Reader, achievement: Mapping[str, Any], a_path: Path, spec: Mapping[str, Any], s_path: Path
) -> Input | None:
    homepage = r.one(spec, "homepage", s_path)
    info = _drop_none(
        {
            "description": spec.get("dcDescription"),
            "notes": [
                note.get("noteLiteral")
                for _, note in r.nodes(achievement, "additionalNote", a_path)
            ],
            "homepage": homepage and r.url(homepage),
            "supplementaryDocuments": [
                r.url(doc) for _, doc in r.nodes(achievement, "supplementaryDocument", a_path)
            ],
            "thematicAreas": r.iris(spec, "thematicArea", s_path),
            "languages": r.iris(spec, "language", s_path),
        }
    )
    return info or None
