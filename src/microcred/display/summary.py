"""A micro-credential as text a person reads, in one language: the Annex I elements in
order (what `microcred inspect` prints) and the phrases the rendered EDC page draws.

Texts come from each language map's best match for the language (`LangText.best`);
vocabulary values are shown by their English labels, as the EU vocabularies publish them.
"""

from __future__ import annotations

from decimal import Decimal

from microcred.model import LangText, MicroCredential, Organisation
from microcred.verification.eu_standard import annex_i_elements

__all__ = ["annex_i_summary", "learner_name", "level_text", "workload_text"]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def learner_name(mc: MicroCredential, language: str) -> str:
    """The learner as a person reads it: full name, else given + family name, else the
    first identifier there is (national ID, email, other identifier, id)."""
    learner = mc.learner
    if learner.full_name is not None:
        return learner.full_name.best(language)
    names = [t.best(language) for t in (learner.given_name, learner.family_name) if t]
    if names:
        return " ".join(names)
    fallbacks = [
        learner.national_id and learner.national_id.notation,
        learner.email,
        learner.identifiers[0].notation if learner.identifiers else None,
        learner.id,
    ]
    return next(f for f in fallbacks if f)


def workload_text(mc: MicroCredential, hours: str = "hours") -> str:
    """E.g. "5 ECTS · 125 hours" (`hours`: the word in the reader's language)."""
    parts = []
    if mc.workload.ects is not None:
        parts.append(f"{_number(mc.workload.ects)} ECTS")
    if mc.workload.hours is not None:
        parts.append(f"{_number(mc.workload.hours)} {hours}")
    return " · ".join(parts)


def level_text(mc: MicroCredential, eqf: str = "EQF") -> str | None:
    """E.g. "EQF 6 · <NQF label> · QF-EHEA: <cycle>", or None without a level."""
    level = mc.level
    if level is None:
        return None
    parts = [f"{eqf} {level.eqf.key}"] if level.eqf else []
    parts += [nqf.label for nqf in level.nqf]
    if level.qf_ehea_cycle is not None:
        parts.append(f"QF-EHEA: {level.qf_ehea_cycle.label}")
    return " · ".join(parts)


def _text(value: LangText | None, language: str) -> list[str]:
    return [value.best(language)] if value is not None else []


def _place(org: Organisation) -> str:
    return org.country.label + (f", {org.region}" if org.region else "")


def _organisation(org: Organisation, language: str) -> str:
    where = _place(org)
    return f"{org.legal_name.best(language)} ({where})" + (f" {org.id}" if org.id else "")


def _element_lines(mc: MicroCredential, language: str) -> dict[str, list[str]]:
    """Each Annex I element's lines (empty: absent)."""
    qa = [
        " — ".join(
            [q.type.label, *_text(q.title, language)]
            + (
                [q.quality_assuring_body.legal_name.best(language)]
                if q.quality_assuring_body
                else []
            )
        )
        for q in mc.quality_assurance
    ]
    participation = mc.participation
    stack = mc.stackability
    further = mc.further_information
    return {
        "M1": [learner_name(mc, language) + (f" ({mc.learner.id})" if mc.learner.id else "")],
        "M2": [mc.title.best(language)],
        "M3": [_place(mc.issuer)],
        "M4": [_organisation(org, language) for org in mc.awarding_bodies],
        "M5": [mc.date_of_issuing.isoformat()],
        "M6": [outcome.title.best(language) for outcome in mc.learning_outcomes],
        "M7": [workload_text(mc)],
        "M8": [text] if (text := level_text(mc)) else [],
        "M9": [" — ".join([mc.assessment.type.label, *_text(mc.assessment.title, language)])],
        "M10": [
            concept.label
            for concept in (
                *participation.modes,
                *([participation.learning_setting] if participation.learning_setting else []),
                *participation.activity_types,
            )
        ],
        "M11": qa,
        "O1": _text(mc.prerequisites, language),
        "O2": [mc.supervision.label] if mc.supervision else [],
        "O3": (
            [
                mc.grade.value.best(language)
                + "".join(f" ({s})" for s in _text(mc.grade.grading_scheme, language))
            ]
            if mc.grade
            else []
        ),
        "O4": (
            ["stand-alone" if stack.stand_alone else "integrated into a larger credential"]
            + [
                f"stackable towards {q.title.best(language) if q.title else q.id}"
                for q in stack.stackable_towards
            ]
            if stack
            else []
        ),
        "O5": (
            _text(further.description, language)
            + [note.best(language) for note in further.notes]
            + ([str(further.homepage)] if further.homepage else [])
            if further
            else []
        ),
    }


def annex_i_summary(mc: MicroCredential, language: str = "en") -> list[tuple[str, str, list[str]]]:
    """(element id, Annex I name, lines) for M1-M11 then O1-O5, in `language`."""
    lines = _element_lines(mc, language)
    return [(e["id"], e["name"], lines[e["id"]]) for e in annex_i_elements()]
