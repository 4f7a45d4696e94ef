"""The Annex I elements of a credential that may not be a complete micro-credential (what
the lenient EDC reader returns), as lines a person reads: each element, or nothing.

Works on the model's JSON input format without validating it, so any value shape is
shown as best it can be; concept IRIs show as the EU vocabulary's English label, else the
label the credential itself gives (flagged as not an EU vocabulary concept), else the IRI.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from microcred.model import Concept
from microcred.verification.eu_standard import annex_i_elements

__all__ = ["partial_summary", "text_in"]


@cache
def _vocabulary_labels() -> Mapping[str, str]:
    found: dict[str, str] = {}
    stack = list(Concept.__subclasses__())
    while stack:
        kind = stack.pop()
        stack.extend(kind.__subclasses__())
        if kind.vocabulary:
            found.update({c.iri: c.label for c in kind.all()})
    return found


def text_in(value: Any, language: str) -> str | None:
    """A language map's text in `language` (else its base language, English, the first)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or not value:
        return None
    base = language.split("-")[0].lower()
    tags = {str(tag).lower(): text for tag, text in value.items()}
    for choice in (language.lower(), base, "en", next(iter(tags))):
        text = tags.get(choice)
        text = text[0] if isinstance(text, list) and text else text
        if isinstance(text, str):
            return text
    return None


class _Lines:
    def __init__(self, fields: Mapping[str, Any], language: str, labels: Mapping[str, str]):
        self.fields, self.language, self.labels = fields, language, labels

    def get(self, *keys: str) -> Any:
        value: Any = self.fields
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def text(self, value: Any) -> list[str]:
        found = text_in(value, self.language)
        return [found] if found else []

    def concept(self, iri: Any) -> list[str]:
        if not isinstance(iri, str) or not iri:
            return []
        label = _vocabulary_labels().get(iri)
        if label is not None:
            return [label]
        own = self.labels.get(iri)
        return [f"{own} (not an EU vocabulary IRI: {iri})" if own else iri]

    def concepts(self, values: Any) -> list[str]:
        return [
            line for v in (values if isinstance(values, list) else []) for line in self.concept(v)
        ]

    def organisation(self, org: Any) -> list[str]:
        if not isinstance(org, Mapping):
            return []
        name = " ".join(self.text(org.get("legalName"))) or str(org.get("id", "?"))
        where = " ".join(self.concept(org.get("country")))
        return [f"{name} ({where})" if where else name]

    def learner(self) -> list[str]:
        learner = self.get("learner")
        if not isinstance(learner, Mapping):
            return []
        names = self.text(learner.get("fullName")) or [
            " ".join(t for k in ("givenName", "familyName") for t in self.text(learner.get(k)))
        ]
        name = next((n for n in names if n), None)
        national = learner.get("nationalID")
        fallbacks = [
            name,
            national.get("notation") if isinstance(national, Mapping) else None,
            learner.get("email"),
            learner.get("id"),
        ]
        shown = next((f for f in fallbacks if isinstance(f, str) and f), None)
        return [shown] if shown else []

    def workload(self) -> list[str]:
        ects, hours = self.get("workload", "ects"), self.get("workload", "hours")
        parts = ([f"{ects} ECTS"] if ects is not None else []) + (
            [f"{hours} hours"] if hours is not None else []
        )
        return [" · ".join(parts)] if parts else []

    def level(self) -> list[str]:
        eqf = self.get("level", "eqf")
        parts = [f"EQF {eqf.rsplit('/', 1)[-1]}"] if isinstance(eqf, str) and eqf else []
        parts += self.concepts(self.get("level", "nqf"))
        parts += [f"QF-EHEA: {c}" for c in self.concept(self.get("level", "qfEheaCycle"))]
        return [" · ".join(parts)] if parts else []

    def lines(self) -> dict[str, list[str]]:
        quality = self.get("qualityAssurance")
        outcomes = self.get("learningOutcomes")
        bodies = self.get("awardingBodies")
        further = self.get("furtherInformation")
        further = further if isinstance(further, Mapping) else {}
        grade = self.get("grade", "value")
        return {
            "M1": self.learner(),
            "M2": self.text(self.get("title")),
            "M3": self.concept(self.get("issuer", "country")),
            "M4": [line for org in (bodies or []) for line in self.organisation(org)]
            if isinstance(bodies, list)
            else [],
            "M5": [str(self.get("dateOfIssuing"))] if self.get("dateOfIssuing") else [],
            "M6": [t for o in outcomes if isinstance(o, Mapping) for t in self.text(o.get("title"))]
            if isinstance(outcomes, list)
            else [],
            "M7": self.workload(),
            "M8": self.level(),
            "M9": self.concept(self.get("assessment", "type"))
            + self.text(self.get("assessment", "title")),
            "M10": self.concepts(self.get("participation", "modes"))
            + self.concept(self.get("participation", "learningSetting"))
            + self.concepts(self.get("participation", "activityTypes")),
            "M11": [
                c for q in quality if isinstance(q, Mapping) for c in self.concept(q.get("type"))
            ]
            if isinstance(quality, list)
            else [],
            "O1": self.text(self.get("prerequisites")),
            "O2": self.concept(self.get("supervision")),
            "O3": self.text(grade),
            "O4": self._stackability(),
            "O5": self.text(further.get("description")) + self.text(further.get("homepage")),
        }

    def _stackability(self) -> list[str]:
        alone = self.get("stackability", "standAlone")
        if alone is None:
            return []
        return ["stand-alone" if alone else "integrated into a larger credential"]


def partial_summary(
    fields: Mapping[str, Any], language: str = "en", labels: Mapping[str, str] | None = None
) -> list[tuple[str, str, list[str]]]:
    """(element id, Annex I name, lines; empty when absent) for M1-M11 then O1-O5."""
    lines = _Lines(fields, language, labels or {}).lines()
    return [(e["id"], e["name"], lines[e["id"]]) for e in annex_i_elements()]
