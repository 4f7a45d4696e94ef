"""`view_of()`: the `CredentialView` of what a credential says (a `Reading`), in the
reader's languages, every text carrying the language it is really in (`describe()` reads).

Content comes from a `Reading` (the model's JSON input format, possibly incomplete; made by
`microcred.display.reading`), words around it from `microcred.display.localisation`;
Annex I elements in the order of `data/annex-i.json`, each with its values or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from microcred.display.localisation import Localisation
from microcred.display.negotiation import UNDETERMINED, lookup, parse_languages, pick_text
from microcred.display.view import (
    CAPTION_KEYS,
    CheckView,
    CredentialView,
    Entry,
    Text,
    Verdict,
)
from microcred.result import CheckStatus, VerificationResult

__all__ = ["Reading", "view_of"]

_STATUS = {
    CheckStatus.PASSED: "passed",
    CheckStatus.WARNING: "warning",
    CheckStatus.SKIPPED: "skipped",
    CheckStatus.FAILED: "failed",
    CheckStatus.INDETERMINATE: "failed",  # not decided: the credential is not verified
}


@dataclass(frozen=True)
class Reading:
    """What a credential says: `fields` in the model's JSON input format (what is missing
    is absent), `labels` concept IRI -> the label the credential gives it (a language map
    or a string), the `format` read, the credential as given (`source`)."""

    format: str
    fields: Mapping[str, Any]
    source: Any
    labels: Mapping[str, Any] = field(default_factory=dict)
    language: str | None = None
    """The language plain (untagged) strings are in, where the credential says so (OB3
    `inLanguage`); None: not stated."""


@cache
def _concept_kinds() -> Mapping[str, Any]:
    """Vocabulary name -> its Concept class."""
    from microcred.model import Concept

    found: dict[str, Any] = {}
    stack = list(Concept.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if kind.vocabulary:
            found[kind.vocabulary] = kind
    return found


@cache
def _by_iri() -> Mapping[str, Any]:
    """Concept IRI -> concept, over every vocabulary we hold."""
    return {c.iri: c for kind in _concept_kinds().values() for c in kind.all()}


def _concept(value: Any, vocabulary: str | None) -> Any:
    """The concept a key, alias, integer or IRI names (in `vocabulary`, else any), or None."""
    from microcred.errors import MicrocredError

    if isinstance(value, str) and value in _by_iri():
        return _by_iri()[value]
    kind = _concept_kinds().get(vocabulary or "")
    if kind is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    try:
        return kind.of(value)
    except MicrocredError:
        return None


def _moment(value: Any) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text[:10])
    except ValueError:
        return None


def _number(value: Any) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return format(number.normalize(), "f") if number.is_finite() else None


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


class _Describer:
    """Texts of one reading for one reader."""

    def __init__(self, reading: Reading, words: Localisation) -> None:
        self.fields = reading.fields
        self.labels = reading.labels
        self.words = words
        self.requested = words.requested
        self.plain = reading.language or UNDETERMINED

    def get(self, *keys: str) -> Any:
        value: Any = self.fields
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def text(self, value: Any) -> list[Text]:
        found = pick_text(value, self.requested, plain=self.plain)
        return [found] if found is not None else []

    def neutral(self, value: Any) -> list[Text]:
        """An identifier, a web address, a number: language-neutral."""
        return [Text(str(value), None)] if isinstance(value, (str, int)) and str(value) else []

    def english(self, label: str) -> Text:
        """A label of our vocabulary tables (English only: the EU publishes them so)."""
        return Text(label, "en", lookup(self.requested, ("en",)) is None)

    def concept(self, value: Any, vocabulary: str | None = None) -> list[Text]:
        """A controlled-vocabulary value: a country or language by its CLDR name, an EQF
        level in words; else the credential's own label where it is in a requested
        language, else the EU vocabulary's English label, else the credential's label in
        another language, else the IRI or key."""
        if value is None or value == "":
            return []
        concept = _concept(value, vocabulary)
        if concept is not None and concept.vocabulary == "country" and concept.alpha2:
            name = self.words.country(concept.alpha2)
            if name is not None:
                return [name]
        if concept is not None and concept.vocabulary == "language":
            name = self.words.language_name(concept.key)
            if name is not None:
                return [name]
        if concept is not None and concept.vocabulary == "eqf":
            return [self.words.phrase("eqf_level", level=concept.key)]
        own = pick_text(self.labels.get(value), self.requested) if isinstance(value, str) else None
        if own is not None and not own.fallback and own.language != UNDETERMINED:
            return [own]
        if concept is not None:
            return [self.english(concept.label)]
        if own is not None:
            return [own]
        return self.neutral(value)

    def concepts(self, values: Any, vocabulary: str | None = None) -> list[Text]:
        return [t for v in _listed(values) for t in self.concept(v, vocabulary)]

    def date(self, value: Any) -> list[Text]:
        moment = _moment(value)
        if moment is not None:
            return [self.words.date_text(moment)]
        return self.neutral(value)

    # The elements -------------------------------------------------------------------------

    def learner(self) -> list[Text]:
        learner = self.get("learner")
        if not isinstance(learner, Mapping):
            return []
        full = self.text(learner.get("fullName"))
        if full:
            return full
        parts = [t for key in ("givenName", "familyName") for t in self.text(learner.get(key))]
        if parts and len({t.language for t in parts}) == 1:
            first = parts[0]
            return [Text(" ".join(t.text for t in parts), first.language, first.fallback)]
        if parts:
            return parts[:1]
        national = learner.get("nationalID")
        identifiers = _listed(learner.get("identifiers"))
        for candidate in (
            national.get("notation") if isinstance(national, Mapping) else None,
            learner.get("email"),
            identifiers[0].get("notation")
            if identifiers and isinstance(identifiers[0], Mapping)
            else None,
            learner.get("id"),
        ):
            if isinstance(candidate, str) and candidate:
                return [Text(candidate, None)]
        return []

    def organisation_name(self, org: Any) -> list[Text]:
        if not isinstance(org, Mapping):
            return self.neutral(org)
        return self.text(org.get("legalName")) or self.neutral(org.get("id"))

    def bodies(self) -> list[Any]:
        bodies = [b for b in _listed(self.get("awardingBodies")) if isinstance(b, Mapping)]
        issuer = self.get("issuer")
        return bodies or ([issuer] if isinstance(issuer, Mapping) else [])

    def place(self) -> list[Text]:
        issuer = self.get("issuer")
        if not isinstance(issuer, Mapping):
            return []
        return self.concept(issuer.get("country"), "country") + self.concept(issuer.get("region"))

    def workload(self) -> list[Text]:
        ects, hours = _number(self.get("workload", "ects")), _number(self.get("workload", "hours"))
        if ects is None and hours is None:
            return []
        if hours is None:
            return [Text(f"{ects} ECTS", None)]
        worded = self.words.phrase("hours", hours=hours)
        if ects is None:
            return [worded]
        return [Text(f"{ects} ECTS · {worded.text}", worded.language, worded.fallback)]

    def levels(self) -> list[Text]:
        return (
            self.concept(self.get("level", "eqf"), "eqf")
            + self.concepts(self.get("level", "nqf"), "nqf")
            + self.concept(self.get("level", "qfEheaCycle"), "qf-ehea-cycle")
        )

    def quality(self) -> list[Text]:
        out: list[Text] = []
        for qa in _listed(self.get("qualityAssurance")):
            if not isinstance(qa, Mapping):
                continue
            out += self.concept(qa.get("type"), "accreditation") + self.text(qa.get("title"))
            body = qa.get("qualityAssuringBody")
            out += self.organisation_name(body) if body else []
        return out

    def stackability(self) -> list[Text]:
        alone = self.get("stackability", "standAlone")
        out = (
            [self.words.phrase("stand_alone" if alone else "integrated")]
            if alone
            in (
                True,
                False,
            )
            else []
        )
        for target in _listed(self.get("stackability", "stackableTowards")):
            if isinstance(target, Mapping):
                out += self.text(target.get("title")) or self.neutral(target.get("id"))
        return out

    def further(self) -> list[Text]:
        further = self.get("furtherInformation")
        if not isinstance(further, Mapping):
            return []
        return (
            self.text(further.get("description"))
            + [t for note in _listed(further.get("notes")) for t in self.text(note)]
            + self.neutral(further.get("homepage"))
            + self.concepts(further.get("languages"), "language")
            + self.concepts(further.get("thematicAreas"), "isced-f")
        )

    def elements(self) -> dict[str, list[Text]]:
        """Each Annex I element's texts (empty: absent)."""
        learner = self.learner()
        learner_id = self.get("learner", "id")
        if learner and isinstance(learner_id, str) and learner[0].text != learner_id:
            learner = [*learner, Text(learner_id, None)]
        grade = self.get("grade")
        found = {
            "M1": learner,
            "M2": self.text(self.get("title")),
            "M3": self.place(),
            "M4": [t for org in self.bodies() for t in self.organisation_name(org)],
            "M5": self.date(self.get("dateOfIssuing")),
            "M6": [
                t
                for outcome in _listed(self.get("learningOutcomes"))
                for t in (self.text(outcome.get("title")) if isinstance(outcome, Mapping) else [])
            ],
            "M7": self.workload(),
            "M8": self.levels(),
            "M9": self.concept(self.get("assessment", "type"), "assessment")
            + self.text(self.get("assessment", "title")),
            "M10": self.concepts(self.get("participation", "modes"), "learning-mode")
            + self.concept(self.get("participation", "learningSetting"), "learning-setting")
            + self.concepts(self.get("participation", "activityTypes"), "learning-activity"),
            "M11": self.quality(),
            "O1": self.text(self.get("prerequisites")),
            "O2": self.concept(self.get("supervision"), "supervision-verification"),
            "O3": (
                self.text(grade.get("value")) + self.text(grade.get("gradingScheme"))
                if isinstance(grade, Mapping)
                else []
            ),
            "O4": self.stackability(),
            "O5": self.further(),
        }
        extra = self.get("_elements")  # claims of other SD-JWT VC types, by element
        if isinstance(extra, Mapping):
            for element, values in extra.items():
                if element in found and not found[element]:
                    found[element] = [t for v in _listed(values) for t in self.text(v)]
        return found


def _annex_i() -> list[str]:
    from microcred.verification.eu_standard import annex_i_elements

    return [e["id"] for e in annex_i_elements()]


def _verdict(result: VerificationResult, words: Localisation) -> Verdict:
    checks = []
    for check in result:
        codes = dict.fromkeys(p.code for p in (*check.problems, *check.warnings))
        checks.append(
            CheckView(
                check.name,
                words.check(check.name),
                _STATUS.get(check.status, "failed"),
                tuple(words.explain(code) for code in codes),
            )
        )
    headline = words.caption("verified" if result.verified else "not_verified")
    return Verdict(result.verified, headline, tuple(checks))


def _first(texts: Sequence[Text]) -> Text | None:
    return texts[0] if texts else None


def view_of(
    reading: Reading,
    languages: str | Iterable[str] = ("en",),
    *,
    result: VerificationResult | None = None,
) -> CredentialView:
    """The view of what `reading` says, in the first of `languages` we can show, with the
    verdict of `result` when given (`describe()` reads any credential into a Reading)."""
    requested = parse_languages(languages) or ("en",)
    words = Localisation.negotiate(requested)
    describer = _Describer(reading, words)
    elements = describer.elements()
    bodies = describer.bodies()
    country = (
        describer.concept(bodies[0].get("country"), "country")
        if bodies and isinstance(bodies[0], Mapping)
        else []
    ) or describer.place()[:1]
    start, end = _moment(describer.get("dateOfIssuing")), _moment(describer.get("validUntil"))
    description = describer.text(describer.get("description")) or describer.text(
        describer.get("furtherInformation", "description")
    )
    identifier = describer.get("id")
    return CredentialView(
        format=reading.format,
        language=words.language,
        id=identifier if isinstance(identifier, str) else None,
        title=_first(elements["M2"]),
        description=_first(description),
        learner=_first(describer.learner()),
        awarding_body=_first(elements["M4"]),
        country=_first(country),
        issued=_first(elements["M5"]),
        valid=words.range_text(start, end) if start or end else None,
        elements=tuple(Entry(key, words.element(key), tuple(elements[key])) for key in _annex_i()),
        learning_outcomes=tuple(elements["M6"]),
        workload=_first(elements["M7"]),
        levels=tuple(elements["M8"]),
        assessment=_first(elements["M9"]),
        quality_assurance=_first(elements["M11"]),
        grade=_first(elements["O3"]),
        verdict=_verdict(result, words) if result is not None else None,
        captions={key: words.caption(key) for key in CAPTION_KEYS},
        source=reading.source,
    )
