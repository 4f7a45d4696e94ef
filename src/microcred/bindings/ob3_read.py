"""Lenient reading of Open Badges 3.0 micro-credentials microcred did not write (Edubadges,
MyNextID, ...): what can be read of the Annex I elements, and a problem for each that
cannot. Reading is not verifying: call `verify()` first and read only what verified.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from microcred.result import Problem
from microcred.vcdm import as_list

__all__ = ["Ob3Reading", "read_ob3"]

_ESCO = "http://data.europa.eu/esco/"
_EQF_IRI = re.compile(r"https?://data\.europa\.eu/snb/eqf/([1-8])")
_EQF_NAME = re.compile(r"\bEQF\b\D*([1-8])\b")
_CREDIT_KEYS = ("creditsAvailable", "ECTS", "ects")


@dataclass(frozen=True, slots=True)
class Ob3Reading:
    """The Annex I elements read from an OB3 credential; None or () where absent. `problems`
    names (by JSON path) each element that was missing or unreadable."""

    title: str | None
    issuer_id: str | None
    issuer_name: str | None
    learner: str | None
    """The subject's id, or `<identityType> (hashed)` for a hashed IdentityObject."""
    learning_outcomes: tuple[str, ...]
    ects: Decimal | None
    eqf: int | None
    valid_from: str | None
    valid_until: str | None
    problems: tuple[Problem, ...]


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _subject(document: Mapping[str, Any], problems: list[Problem]) -> Mapping[str, Any]:
    subjects = as_list(document.get("credentialSubject"))
    if not subjects or not isinstance(subjects[0], Mapping):
        problems.append(Problem("OB3_MISSING", "no credentialSubject", ("credentialSubject",)))
        return {}
    if len(subjects) > 1:
        message = "several subjects: the first is read"
        problems.append(Problem("OB3_AMBIGUOUS", message, ("credentialSubject",)))
    subject: Mapping[str, Any] = subjects[0]
    return subject


def _learner(subject: Mapping[str, Any]) -> str | None:
    if _text(subject.get("id")):
        return _text(subject.get("id"))
    for identity in as_list(subject.get("identifier")):
        if isinstance(identity, Mapping) and isinstance(identity.get("identityType"), str):
            hashed = " (hashed)" if identity.get("hashed") is True else ""
            return f"{identity['identityType']}{hashed}"
    return None


def _outcomes(achievement: Mapping[str, Any], problems: list[Problem]) -> tuple[str, ...]:
    """Competency alignments (ESCO or ceasn:Competency) name the outcomes; else the criteria
    narrative, reported as such."""
    found = []
    for alignment in as_list(achievement.get("alignment")):
        if not isinstance(alignment, Mapping):
            continue
        url, kind = str(alignment.get("targetUrl") or ""), alignment.get("targetType")
        if url.startswith(_ESCO) or kind == "ceasn:Competency":
            name = _text(alignment.get("targetName"))
            if name and name not in found:
                found.append(name)
    if found:
        return tuple(found)
    criteria = achievement.get("criteria")
    narrative = _text(criteria.get("narrative")) if isinstance(criteria, Mapping) else None
    at = ("credentialSubject", "achievement")
    if narrative:
        message = "no competency alignment: the outcomes are read from criteria.narrative"
        problems.append(Problem("OB3_OUTCOMES_FROM_CRITERIA", message, (*at, "criteria")))
        return (narrative,)
    problems.append(Problem("OB3_MISSING", "no learning outcomes", (*at, "alignment")))
    return ()


def _ects(subject: Mapping[str, Any], achievement: Mapping[str, Any]) -> Decimal | None:
    for holder in (achievement, subject):
        for key in (*_CREDIT_KEYS, "creditsEarned"):
            value = holder.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                continue
            if number.is_finite() and number >= 0:
                return number
    return None


def _eqf(achievement: Mapping[str, Any]) -> int | None:
    for alignment in as_list(achievement.get("alignment")):
        if not isinstance(alignment, Mapping):
            continue
        iri = _EQF_IRI.fullmatch(str(alignment.get("targetUrl") or ""))
        if iri:
            return int(iri.group(1))
        if "EQF" in str(alignment.get("targetType") or "") + str(alignment.get("targetName")):
            code = str(alignment.get("targetCode") or "")
            named = _EQF_NAME.search(str(alignment.get("targetName") or ""))
            if code in {str(n) for n in range(1, 9)}:
                return int(code)
            if named:
                return int(named.group(1))
    return None


def read_ob3(document: Any) -> Ob3Reading:
    """What an OB3 credential says of the Annex I elements, leniently; never raises."""
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        problems.append(Problem("OB3_MISSING", "an OB3 credential is a JSON object", ()))
        return Ob3Reading(None, None, None, None, (), None, None, None, None, tuple(problems))
    subject = _subject(document, problems)
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        at = ("credentialSubject", "achievement")
        problems.append(Problem("OB3_MISSING", "no achievement", at))
        achievement = {}
    issuer = document.get("issuer")
    issuer_id = _text(issuer.get("id")) if isinstance(issuer, Mapping) else _text(issuer)
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, Mapping) else None
    title = _text(achievement.get("name")) or _text(document.get("name"))
    reading = Ob3Reading(
        title=title,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
        learner=_learner(subject),
        learning_outcomes=_outcomes(achievement, problems),
        ects=_ects(subject, achievement),
        eqf=_eqf(achievement),
        valid_from=_text(document.get("validFrom")) or _text(document.get("issuanceDate")),
        valid_until=_text(document.get("validUntil")) or _text(document.get("expirationDate")),
        problems=(),
    )
    checked: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
        ("title", reading.title, ("credentialSubject", "achievement", "name")),
        ("issuer name", reading.issuer_name, ("issuer", "name")),
        ("learner", reading.learner, ("credentialSubject", "id")),
        ("ECTS credits", reading.ects, ("credentialSubject", "achievement", "creditsAvailable")),
        ("EQF level", reading.eqf, ("credentialSubject", "achievement", "alignment")),
    )
    for name, value, where in checked:
        if value is None:
            problems.append(Problem("OB3_MISSING", f"no {name}", where))
    return Ob3Reading(**{**_fields(reading), "problems": tuple(problems)})


def _fields(reading: Ob3Reading) -> dict[str, Any]:
    return {name: getattr(reading, name) for name in Ob3Reading.__slots__}
