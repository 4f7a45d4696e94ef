"""Multilingual text: language maps keyed by BCP 47 tags, and best-language selection.

ELM writes every human-readable text as a JSON-LD language map (`{"en": "...", "de": "..."}`);
`LangText` is that map as an immutable value with at least one non-empty entry. Keys are
checked against the RFC 5646 §2.1 grammar and written in its recommended case (§2.1.1), so
`"EN-gb"` is stored as `"en-GB"`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from microcred.errors import FieldError, InvalidMicroCredential
from microcred.model._base import shown

__all__ = ["LANGUAGE_TAG_PATTERN", "LangText", "is_language_tag", "normalize_language_tag"]

_ALNUM = "[A-Za-z0-9]"
_LANGTAG = (
    "(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language ["-" extlang]
    "(?:-[A-Za-z]{4})?"  # script
    "(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    f"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    f"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    f"(?:-[Xx](?:-{_ALNUM}{{1,8}})+)?"  # privateuse
)
_PRIVATEUSE = f"[Xx](?:-{_ALNUM}{{1,8}})+"
_GRANDFATHERED = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn"
    "|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE"
    "|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
LANGUAGE_TAG_PATTERN = f"^(?:{_LANGTAG}|{_PRIVATEUSE}|{_GRANDFATHERED})$"
"""RFC 5646 §2.1 `Language-Tag` as a regular expression (ECMA-262 compatible, for JSON Schema)."""

_TAG = re.compile(LANGUAGE_TAG_PATTERN, re.IGNORECASE)
_SINGLETON = re.compile("^[0-9A-WYZa-wyz]$")


def is_language_tag(tag: str) -> bool:
    """True if `tag` is a well-formed BCP 47 language tag (RFC 5646 §2.1, §2.2.9).

    Beyond the grammar, a variant or an extension singleton may not repeat (§2.2.5, §2.2.6).
    """
    if not isinstance(tag, str) or not _TAG.fullmatch(tag):
        return False
    subtags = tag.lower().split("-")
    head = subtags[: subtags.index("x")] if "x" in subtags else subtags
    singletons = [s for s in head[1:] if _SINGLETON.match(s)]
    first_ext = head.index(singletons[0]) if singletons else len(head)
    variants = [s for s in head[1:first_ext] if len(s) >= 5 or (len(s) == 4 and s[0].isdigit())]
    return len(set(singletons)) == len(singletons) and len(set(variants)) == len(variants)


def normalize_language_tag(tag: str) -> str:
    """Write `tag` in RFC 5646 §2.1.1 case: region upper case, script title case, rest lower."""
    out: list[str] = []
    after_singleton = False
    for i, subtag in enumerate(tag.lower().split("-")):
        if i > 0 and not after_singleton and len(subtag) == 2:
            subtag = subtag.upper()
        elif i > 0 and not after_singleton and len(subtag) == 4 and subtag.isalpha():
            subtag = subtag.title()
        after_singleton = after_singleton or (i > 0 and len(subtag) == 1)
        out.append(subtag)
    return "-".join(out)


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


class LangText(Mapping[str, str]):
    """A language map: BCP 47 tag -> text, at least one entry, every text non-blank.

    Immutable and hashable. `LangText({"en": "Data literacy", "de": "Datenkompetenz"})`.
    """

    __slots__ = ("_texts",)

    def __init__(self, texts: Mapping[str, str]) -> None:
        try:
            self._texts: dict[str, str] = _checked(texts)
        except PydanticCustomError as error:
            raise InvalidMicroCredential([FieldError((), error.type, error.message())]) from None

    @classmethod
    def _of_checked(cls, texts: dict[str, str]) -> LangText:
        made = cls.__new__(cls)
        made._texts = texts
        return made

    def __getitem__(self, tag: str) -> str:
        return self._texts[tag]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __hash__(self) -> int:
        return hash(frozenset(self._texts.items()))

    def __repr__(self) -> str:
        return f"LangText({self._texts!r})"

    def best_item(self, preferences: str | Iterable[str] = ()) -> tuple[str, str]:
        """(tag, text) for the reader's first matching preference (RFC 4647 §3.4 lookup).

        Each preference is tried as is, then truncated (`de-CH-1996` -> `de-CH` -> `de`);
        then a text in the same primary language (`en` finds `en-GB`); then the first entry.
        """
        prefs = [preferences] if isinstance(preferences, str) else list(preferences)
        by_lower = {tag.lower(): tag for tag in self._texts}
        for pref in prefs:
            subtags = pref.lower().split("-")
            while subtags:
                if "-".join(subtags) in by_lower:
                    tag = by_lower["-".join(subtags)]
                    return tag, self._texts[tag]
                subtags.pop()
                if len(subtags) > 1 and len(subtags[-1]) == 1:
                    subtags.pop()  # never end a range on a singleton (RFC 4647 §3.4)
        for pref in prefs:
            for tag, text in self._texts.items():
                if pref != "*" and _primary(tag) == _primary(pref):
                    return tag, text
        return next(iter(self._texts.items()))

    def best(self, preferences: str | Iterable[str] = ()) -> str:
        """The text for the reader's preferred languages; see `best_item`."""
        return self.best_item(preferences)[1]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def from_mapping(value: Any) -> LangText:
            return cls._of_checked(_checked(value))

        def unwrap(value: Any) -> Any:
            if isinstance(value, LangText):
                return dict(value)
            if not isinstance(value, Mapping):  # plain text is the commonest slip
                text = value[:40] if isinstance(value, str) else "…"
                example = json.dumps({"en": text}, ensure_ascii=False)
                raise PydanticCustomError(
                    "lang_text_type",
                    "must be a language map (BCP 47 tag -> text) such as {example}",
                    {"example": example},
                )
            return value

        text = core_schema.str_schema()
        key = core_schema.no_info_after_validator_function(_valid_tag, text)
        value = core_schema.no_info_after_validator_function(_checked_text, text)
        mapping = core_schema.dict_schema(keys_schema=key, values_schema=value, min_length=1)
        return core_schema.no_info_before_validator_function(
            unwrap,
            core_schema.no_info_after_validator_function(from_mapping, mapping),
            serialization=core_schema.plain_serializer_function_ser_schema(dict),
            ref="LangText",
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "description": "Language map: BCP 47 language tag -> text (at least one entry).",
            "minProperties": 1,
            "propertyNames": {"pattern": LANGUAGE_TAG_PATTERN},
            "additionalProperties": {"type": "string", "pattern": "\\S"},
        }


def _valid_tag(tag: str) -> str:
    if not is_language_tag(tag):
        raise PydanticCustomError(
            "invalid_language_tag",
            "'{tag}' is not a well-formed BCP 47 language tag (RFC 5646), e.g. 'en' or 'de-AT'",
            {"tag": shown(tag)},
        )
    return tag


def _checked_text(text: str) -> str:
    if not text.strip():
        raise PydanticCustomError("blank_text", "text must not be empty or only white space")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise PydanticCustomError("invalid_text", "text contains a lone surrogate code point")
    return text


def _checked(texts: Mapping[str, str]) -> dict[str, str]:
    """Validate a raw mapping into a dict with normalised tags (idempotent on checked input)."""
    if not isinstance(texts, Mapping):
        raise PydanticCustomError("lang_text_type", "a language map must be a JSON object")
    if not texts:
        raise PydanticCustomError("empty_lang_text", "a language map needs at least one entry")
    out: dict[str, str] = {}
    for tag, text in texts.items():
        if not isinstance(tag, str) or not isinstance(text, str):
            raise PydanticCustomError("lang_text_type", "language map keys and texts are strings")
        normal = normalize_language_tag(_valid_tag(tag))
        if normal in out:
            raise PydanticCustomError(
                "duplicate_language", "language '{tag}' appears twice", {"tag": normal}
            )
        out[normal] = _checked_text(text)
    return out
