"""Language negotiation: which of the texts on offer a reader gets (BCP 47 / RFC 4647
lookup), and the languages a reader asks for, as a clean tuple of tags.

A request `("de-AT", "en")` tries `de-AT`, then `de`, then a text in any German variant
(`de-CH`), then `en` and its variants. What is picked keeps the tag it is really in; when none
of the requested languages is on offer the result is marked as a fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from microcred.display.view import Text

__all__ = ["UNDETERMINED", "lookup", "parse_languages", "pick_text"]

UNDETERMINED = "und"
"""BCP 47 `und`: the language of a text the credential does not state (plain JSON strings)."""


def parse_languages(languages: str | Iterable[str]) -> tuple[str, ...]:
    """`"de-AT,en"` or `("de-AT", "en")` as `("de-AT", "en")`: stripped, empties and
    repeats dropped (case-insensitively); `()` when nothing usable is left."""
    items = languages.split(",") if isinstance(languages, str) else list(languages)
    out: list[str] = []
    for item in items:
        tag = str(item).strip().replace("_", "-")
        if tag and tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    return tuple(out)


def _ranges(tag: str) -> Iterable[str]:
    """`de-CH-1996` -> `de-ch-1996`, `de-ch`, `de` (RFC 4647 §3.4: never end on a singleton)."""
    subtags = tag.lower().split("-")
    while subtags:
        yield "-".join(subtags)
        subtags.pop()
        if len(subtags) > 1 and len(subtags[-1]) == 1:
            subtags.pop()


def lookup(requested: Sequence[str], available: Iterable[str]) -> str | None:
    """The available tag a reader gets (as spelled in `available`), or None.

    For each requested tag in turn: the tag itself, its truncations, then any available tag
    of the same primary language; the first requested language that matches wins."""
    by_lower = {tag.lower(): tag for tag in available if isinstance(tag, str) and tag}
    for wanted in requested:
        for candidate in _ranges(wanted):
            if candidate in by_lower:
                return by_lower[candidate]
        primary = wanted.lower().split("-", 1)[0]
        for lower, tag in by_lower.items():
            if lower.split("-", 1)[0] == primary:
                return tag
    return None


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_map(value: Any) -> Any:
    """JSON-LD value objects (`{"@value": ..., "@language": ...}`, or a list of them) as a
    language map; anything else as is."""
    items = value if isinstance(value, list) else [value]
    if items and all(isinstance(v, Mapping) and "@value" in v for v in items):
        found: dict[str, Any] = {}
        for item in items:
            found.setdefault(str(item.get("@language") or "@none"), item["@value"])
        return found
    return value


def pick_text(value: Any, requested: Sequence[str], *, plain: str = UNDETERMINED) -> Text | None:
    """The text of a language map (`{"en": ..., "de": ...}`) for the reader, carrying the tag
    it is in; `fallback=True` when none of `requested` is on offer (then English if there is
    some, else the first entry). A plain string, or a map's `@none` entry, is in `plain` (by
    default `und`: the credential does not say, and no fallback is claimed). None for
    anything else or an empty map."""
    value = _as_map(value)
    stated = plain != UNDETERMINED
    if isinstance(value, (str, list)):
        text = _first_text(value)
        fallback = stated and lookup(requested, (plain,)) is None
        return Text(text, plain, fallback) if text else None
    if not isinstance(value, Mapping):
        return None
    texts = {tag: t for tag, v in value.items() if isinstance(tag, str) and (t := _first_text(v))}
    tagged = {tag: t for tag, t in texts.items() if not tag.startswith("@")}
    tag = lookup(requested, tagged)
    if tag is not None:
        return Text(tagged[tag], tag, False)
    if "@none" in texts:
        return Text(texts["@none"], plain, stated and lookup(requested, (plain,)) is None)
    if not tagged:
        return None
    tag = lookup(("en",), tagged) or next(iter(tagged))
    return Text(tagged[tag], tag, True)
