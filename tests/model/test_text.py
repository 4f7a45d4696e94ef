"""LangText and BCP 47: RFC 5646 well-formedness, case normalisation, RFC 4647 lookup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import InvalidMicroCredential
from microcred.model import LangText
from microcred.model.text import is_language_tag, normalize_language_tag

# RFC 5646 Appendix A examples (well-formed) and counter-examples (not well-formed).
WELL_FORMED = [
    "de",
    "fr",
    "ja",
    "i-enochian",
    "zh-Hant",
    "zh-Hans",
    "sr-Cyrl",
    "sr-Latn",
    "zh-cmn-Hans-CN",
    "cmn-Hans-CN",
    "zh-yue-HK",
    "yue-HK",
    "zh-Hans-CN",
    "sr-Latn-RS",
    "sl-rozaj",
    "sl-rozaj-biske",
    "sl-nedis",
    "de-CH-1901",
    "sl-IT-nedis",
    "hy-Latn-IT-arevela",
    "de-DE",
    "en-US",
    "es-419",
    "de-CH-x-phonebk",
    "az-Arab-x-AZE-derbend",
    "x-whatever",
    "qaa-Qaaa-QM-x-southern",
    "de-Qaaa",
    "sr-Latn-QM",
    "sr-Qaaa-RS",
    "en-US-u-islamcal",
    "zh-CN-a-myext-x-private",
    "en-a-myext-b-another",
    "en-GB-oed",
    "zh-min-nan",
    "EN-gb",
]
NOT_WELL_FORMED = [
    "",
    "e",
    "de-419-DE",
    "a-DE",
    "ar-a-aaa-b-bbb-a-ccc",
    "en_GB",
    "en-",
    "-en",
    "abcdefghi",
    "en-x",
    "en-a",
    "de-1996-1996",
    "en-GB-oed-x",
    "en--GB",
    "en GB",
    "ünï",
]


@pytest.mark.parametrize("tag", WELL_FORMED)
def test_well_formed_tags_are_accepted(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", NOT_WELL_FORMED)
def test_malformed_tags_are_rejected(tag: str) -> None:
    assert not is_language_tag(tag)


@pytest.mark.parametrize(
    ("tag", "normal"),
    [
        ("EN-gb", "en-GB"),
        ("ZH-HANT-tw", "zh-Hant-TW"),
        ("en-ca-x-ca", "en-CA-x-ca"),
        ("az-latn-x-latn", "az-Latn-x-latn"),
        ("sgn-be-fr", "sgn-BE-FR"),
        ("ES-419", "es-419"),
        ("de-ch-1996", "de-CH-1996"),
    ],
)
def test_tags_take_the_rfc5646_case(tag: str, normal: str) -> None:
    assert normalize_language_tag(tag) == normal


_SUBTAG = st.text(
    alphabet="abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ", min_size=2, max_size=3
)
_REGION = st.sampled_from(["", "-GB", "-at", "-419", "-Latn", "-Latn-RS", "-x-priv"])


@given(st.builds(lambda lang, rest: lang + rest, _SUBTAG, _REGION))
def test_normalisation_keeps_tags_well_formed_and_is_idempotent(tag: str) -> None:
    assert is_language_tag(tag)
    normal = normalize_language_tag(tag)
    assert is_language_tag(normal)
    assert normalize_language_tag(normal) == normal
    assert normal.lower() == tag.lower()


def test_langtext_normalises_keys_and_keeps_texts() -> None:
    text = LangText({"EN-gb": "Colour", "de": "Farbe"})
    assert dict(text) == {"en-GB": "Colour", "de": "Farbe"}
    assert text == {"en-GB": "Colour", "de": "Farbe"}
    assert hash(text) == hash(LangText({"de": "Farbe", "en-GB": "Colour"}))


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        ({}, "empty_lang_text"),
        ({"en_GB": "x"}, "invalid_language_tag"),
        ({"en": "   "}, "blank_text"),
        ({"en": "a", "EN": "b"}, "duplicate_language"),
        ({"en": "\ud800"}, "invalid_text"),
        ({"en": 3}, "lang_text_type"),
    ],
)
def test_langtext_rejects_bad_maps(texts: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        LangText(texts)  # type: ignore[arg-type]
    assert caught.value.errors[0].code == code


def test_langtext_is_immutable() -> None:
    text = LangText({"en": "x"})
    with pytest.raises(TypeError):
        text["de"] = "y"  # type: ignore[index]


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (["fr"], "Couleur"),
        (["de-CH-1996"], "Farbe"),  # RFC 4647 §3.4: truncate de-CH-1996 -> de-CH -> de
        ("en", "Colour"),  # same primary language: en finds en-GB
        (["it", "de"], "Farbe"),
        (["it"], "Colour"),  # no match: the first entry
        ([], "Colour"),
        (["*"], "Colour"),
        (["EN-GB"], "Colour"),
    ],
)
def test_best_picks_the_readers_language(preferences: list[str] | str, expected: str) -> None:
    text = LangText({"en-GB": "Colour", "de": "Farbe", "fr": "Couleur"})
    assert text.best(preferences) == expected


def test_best_item_names_the_language() -> None:
    assert LangText({"el": "Ψηφιακή", "ga": "Digiteach"}).best_item(["ga-IE"]) == (
        "ga",
        "Digiteach",
    )
