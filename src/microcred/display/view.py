"""The one format-neutral view of a credential that every renderer draws (HTML, PDF, PNG,
the terminal): texts carry the language they are really in, so no renderer can label an
English fallback as another language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["CAPTION_KEYS", "CheckView", "CredentialView", "Entry", "Text", "Verdict"]

CAPTION_KEYS = (
    "title",
    "description",
    "learner",
    "awarding_body",
    "country",
    "issued",
    "valid",
    "learning_outcomes",
    "workload",
    "levels",
    "assessment",
    "quality_assurance",
    "grade",
    "annex_i",
    "absent",
    "verdict",
    "verified",
    "not_verified",
    "not_verified_yet",
    "scan_to_verify",
    "heading",
    "status_passed",
    "status_failed",
    "status_warning",
    "status_skipped",
)
"""The user-interface captions every `CredentialView.captions` holds, one per key."""


@dataclass(frozen=True)
class Text:
    """A text to show, and the BCP 47 tag of the language it is really in (`None` for
    language-neutral text: a person's name, a number, an identifier). `fallback` is True
    when it is in none of the languages the caller asked for."""

    text: str
    language: str | None = None
    fallback: bool = False


@dataclass(frozen=True)
class Entry:
    """One labelled item: an Annex I element (`key` "M1"…"M11", "O1"…"O5") with its caption
    and values; no values means the credential does not state it."""

    key: str
    caption: Text
    values: tuple[Text, ...] = ()

    @property
    def absent(self) -> bool:
        return not self.values


@dataclass(frozen=True)
class CheckView:
    """One verification check in plain words: its name, caption, status ("passed",
    "failed", "warning", "skipped") and an explanation per problem or warning."""

    name: str
    caption: Text
    status: str
    explanations: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The verification verdict shown next to the credential."""

    verified: bool
    headline: Text
    checks: tuple[CheckView, ...] = ()


@dataclass(frozen=True)
class CredentialView:
    """What a person sees of one credential, in the negotiated `language`.

    `format` is "vc", "vc+jwt", "dc+sd-jwt", "edc", "ob3" or "clr"; `verdict` is None when
    the view was built from a credential alone (not verified yet); `source` is the
    credential as given (a JSON object or a compact token), for renderers that embed it.
    """

    format: str
    language: str
    id: str | None
    title: Text | None
    description: Text | None
    learner: Text | None
    awarding_body: Text | None
    country: Text | None
    issued: Text | None
    valid: Text | None
    elements: tuple[Entry, ...]
    learning_outcomes: tuple[Text, ...]
    workload: Text | None
    levels: tuple[Text, ...]
    assessment: Text | None
    quality_assurance: Text | None
    grade: Text | None
    verdict: Verdict | None
    captions: Mapping[str, Text] = field(default_factory=dict)
    source: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "captions", MappingProxyType(dict(self.captions)))
