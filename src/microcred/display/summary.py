"""The phrases the EDC page image (`display.render`) draws of a micro-credential: the
learner's name, the workload, the level. Everything else a person reads of a credential is
`microcred.display.describe()`'s view."""

from __future__ import annotations

from decimal import Decimal

from microcred.model import MicroCredential

__all__ = ["learner_name", "level_text", "workload_text"]


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
