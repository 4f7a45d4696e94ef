"""The words around a credential in the reader's language: captions, Annex I element
captions, check names, phrases and a plain-words explanation of every problem code (tables
under `microcred/data/display/`, one file per language), and from CLDR through Babel:
country and language names and dates.

Every text comes back as a `Text` carrying the language of the table it was read from, so
an English fallback is never labelled as another language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

from microcred.display.negotiation import lookup
from microcred.display.view import Text
from microcred.errors import MissingDependencyError

__all__ = [
    "EU_LANGUAGES",
    "Localisation",
    "problem_actions",
    "require_babel",
    "table",
]

EU_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip
"""The 24 official languages of the EU: every caption, element and check name exists in each."""

_INSTALL = "pip install 'microcred[render]'"


def require_babel() -> ModuleType:
    """Babel (CLDR names and dates), or MissingDependencyError naming the extra."""
    try:
        import babel.dates
    except ImportError:
        raise MissingDependencyError(
            f"describe() needs Babel for country and language names and dates: {_INSTALL}"
        ) from None
    return babel


@cache
def table(language: str) -> Mapping[str, Mapping[str, str]]:
    """One language's tables ("captions", "elements", "checks", "phrases", "problems",
    "actions"); empty when microcred has no file for the language."""
    path = resources.files("microcred") / "data" / "display" / f"{language}.json"
    if not path.is_file():
        return {}
    data: Mapping[str, Mapping[str, str]] = json.loads(path.read_text("utf-8"))
    return data


@cache
def problem_actions() -> Mapping[str, str]:
    """Problem code -> the kind of action the explanation ends with (language-neutral)."""
    path = resources.files("microcred") / "data" / "display" / "problem-actions.json"
    data: Mapping[str, str] = json.loads(path.read_text("utf-8"))["actions"]
    return data


_CLDR_ALIASES = {"en": "en_150"}
"""Plain English as written in Europe (CLDR `en_150`: "31 December 2022"), not US English."""


def _babel_locale(tags: Sequence[str]) -> Any:
    """The first of `tags` CLDR has a locale for (`de-AT` -> de_AT), else None."""
    from babel import Locale, UnknownLocaleError

    for tag in tags:
        try:
            return Locale.parse(_CLDR_ALIASES.get(tag.lower(), tag.replace("-", "_")))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


@dataclass(frozen=True)
class Localisation:
    """The reader's languages (`requested`) and the one the captions are in (`language`,
    one of EU_LANGUAGES; `fallback` when it is none of the requested ones)."""

    requested: tuple[str, ...]
    language: str
    fallback: bool
    locale_tag: str
    """The tag CLDR texts (names, dates) are in: the requested tag when CLDR has it
    (`de-AT`), else `language`."""

    @classmethod
    def negotiate(cls, requested: Sequence[str]) -> Localisation:
        require_babel()
        language = lookup(requested, EU_LANGUAGES)
        fallback = language is None
        language = language or "en"
        # CLDR texts in the requested regional form when it is German for German captions
        same = [t for t in requested if t.lower().split("-")[0] == language]
        tag = next((t for t in same if _babel_locale([t]) is not None), language)
        return cls(tuple(requested), language, fallback, tag)

    def _text(self, text: str, language: str) -> Text:
        fallback = lookup(self.requested, (language,)) is None
        return Text(text, language, fallback)

    def _entry(self, kind: str, key: str) -> Text | None:
        for language in (self.language, "en"):
            found = table(language).get(kind, {}).get(key)
            if found:
                return self._text(found, language)
        return None

    def caption(self, key: str) -> Text:
        """A user-interface caption (CAPTION_KEYS)."""
        return self._entry("captions", key) or Text(key, None, True)

    def element(self, element: str) -> Text:
        """The caption of an Annex I element ("M1"…"O5")."""
        return self._entry("elements", element) or Text(element, None, True)

    def check(self, name: str) -> Text:
        """The name of a verification check; an unknown check keeps its own name."""
        return self._entry("checks", name) or Text(name, None, True)

    def phrase(self, key: str, **values: Any) -> Text:
        """A phrase with `{placeholders}` filled in (numbers, dates)."""
        found = self._entry("phrases", key)
        if found is None:
            return Text(key, None, True)
        return Text(found.text.format(**values), found.language, found.fallback)

    def explain(self, code: str) -> Text:
        """What a problem code means and what the holder or verifier can do, in plain
        words; English (marked as fallback) where the language has no explanation yet."""
        known = code if code in problem_actions() else "UNKNOWN"
        action = problem_actions().get(known, "unknown")
        for language in (self.language, "en"):
            words = table(language)
            what = words.get("problems", {}).get(known)
            then = words.get("actions", {}).get(action)
            if what and then:
                return self._text(f"{what} {then}", language)
        return Text(code, None, True)

    def _cldr(self, text: str) -> Text:
        return self._text(text, self.locale_tag)

    def country(self, alpha2: str) -> Text | None:
        """A country's name from CLDR (`IE` -> "Éire" in Irish), or None if CLDR has none."""
        locale = _babel_locale([self.locale_tag])
        name = locale.territories.get(alpha2.upper()) if locale is not None else None
        return self._cldr(name) if name else None

    def language_name(self, code: str) -> Text | None:
        """A language's name from CLDR (`en` -> "Englisch" in German), or None."""
        locale = _babel_locale([self.locale_tag])
        name = locale.languages.get(code.lower()) if locale is not None else None
        return self._cldr(name) if name else None

    def date_text(self, value: date | datetime) -> Text:
        """A date as the reader writes it (CLDR long date: "30. Juni 2025")."""
        from babel.dates import format_date

        day = value.date() if isinstance(value, datetime) else value
        return self._cldr(format_date(day, "long", locale=_babel_locale([self.locale_tag])))

    def range_text(self, start: date | datetime | None, end: date | datetime | None) -> Text:
        """ "30 June 2025 – 30 June 2030", or "from 30 June 2025" (no end)."""
        if start is not None and end is not None:
            first, last = self.date_text(start), self.date_text(end)
            return self._cldr(f"{first.text} – {last.text}")
        if start is not None:
            return self.phrase("valid_from", date=self.date_text(start).text)
        assert end is not None
        return self.phrase("valid_until", date=self.date_text(end).text)
