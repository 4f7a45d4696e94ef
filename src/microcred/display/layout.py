"""What every renderer draws of a `CredentialView`, in which order: the captioned facts,
the verdict's words, the footer. HTML, PDF and PNG share it so they show the same things."""

from __future__ import annotations

from dataclasses import dataclass

from microcred.display.view import CredentialView, Text
from microcred.errors import InvalidOptionError

__all__ = [
    "STATUS_MARKS",
    "Fact",
    "caption",
    "facts",
    "image_type",
    "status_word",
    "texts",
    "verdict_line",
]

STATUS_MARKS = {"passed": "✓", "failed": "✗", "warning": "!", "skipped": "–"}
"""The sign printed before a check's status (with its word, never alone)."""

_FACTS = (
    "awarding_body",
    "country",
    "issued",
    "valid",
    "workload",
    "levels",
    "grade",
    "assessment",
    "quality_assurance",
)


@dataclass(frozen=True)
class Fact:
    """One captioned line of the page: `key` of `CAPTION_KEYS`, caption, values."""

    key: str
    caption: Text
    values: tuple[Text, ...]


def caption(view: CredentialView, key: str) -> Text:
    """The caption `key` of the view; an English stand-in marked as fallback if missing."""
    found = view.captions.get(key)
    if found is not None:
        return found
    return Text(key.replace("_", " ").capitalize(), "en", fallback=True)


def facts(view: CredentialView) -> list[Fact]:
    """The facts the view states, in page order (absent ones are left out)."""
    out = []
    for key in _FACTS:
        value = getattr(view, key)
        values = tuple(value) if isinstance(value, tuple) else (value,) if value else ()
        if values:
            out.append(Fact(key, caption(view, key), values))
    return out


def status_word(view: CredentialView, status: str) -> Text:
    """A check's status in words: the caption `status_<status>` when the view has one,
    else the English word (marked as such)."""
    return view.captions.get(f"status_{status}") or Text(status, "en", fallback=True)


def verdict_line(view: CredentialView) -> Text:
    """The verdict's headline, or "not verified yet" when the view has no verdict."""
    if view.verdict is not None:
        return view.verdict.headline
    return caption(view, "not_verified_yet")


def texts(view: CredentialView) -> list[str]:
    """Every string a renderer may draw (to find the fonts they need before drawing)."""
    found: list[Text | None] = [view.title, view.description, view.learner, verdict_line(view)]
    found += list(view.captions.values()) + list(view.learning_outcomes)
    for fact in facts(view):
        found += [fact.caption, *fact.values]
    for entry in view.elements:
        found += [entry.caption, *entry.values]
    if view.verdict is not None:
        for check in view.verdict.checks:
            found += [check.caption, status_word(view, check.status), *check.explanations]
    out = [t.text for t in found if t is not None]
    return [*out, *STATUS_MARKS.values(), view.id or ""]


def image_type(data: bytes) -> str:
    """The media type of a PNG, JPEG, GIF or WebP image (`InvalidOptionError` otherwise)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    raise InvalidOptionError("a logo must be a PNG, JPEG, GIF or WebP image")
