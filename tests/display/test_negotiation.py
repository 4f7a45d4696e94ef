"""Language negotiation (RFC 4647 lookup with BCP 47 fallback) and picking a text from a
language map: what is picked keeps the tag it is really in."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.display.negotiation import UNDETERMINED, lookup, parse_languages, pick_text
from microcred.display.view import Text


@pytest.mark.parametrize(
    ("requested", "available", "expected"),
    [
        (("de-AT", "en"), ("en", "de-AT", "de"), "de-AT"),
        (("de-AT", "en"), ("en", "de"), "de"),
        (("de-AT", "en"), ("en", "de-CH"), "de-CH"),  # same primary language before the next
        (("de-AT", "en"), ("en", "fr"), "en"),
        (("de-AT", "en"), ("fr",), None),
        (("zh-Hant-TW",), ("zh-Hant", "zh"), "zh-Hant"),
        (("de-CH-1996",), ("de-CH", "de"), "de-CH"),
        (("EN-gb",), ("en-GB",), "en-GB"),  # case-insensitive, spelled as on offer
        (("sl-x-private",), ("sl",), "sl"),
    ],
)
def test_lookup(
    requested: tuple[str, ...], available: tuple[str, ...], expected: str | None
) -> None:
    assert lookup(requested, available) == expected


def test_parse_languages() -> None:
    assert parse_languages("de-AT, en,,DE-at") == ("de-AT", "en")
    assert parse_languages(["fr_BE", "fr"]) == ("fr-BE", "fr")
    assert parse_languages("") == ()


def test_a_language_map_gives_the_tag_it_is_in() -> None:
    title = {"en": "Data literacy", "de": "Datenkompetenz"}
    assert pick_text(title, ("de-AT", "en")) == Text("Datenkompetenz", "de", False)
    assert pick_text(title, ("ga",)) == Text("Data literacy", "en", True)  # English, marked
    assert pick_text({"fr": "Littératie"}, ("ga",)) == Text("Littératie", "fr", True)
    assert pick_text("plain", ("de",)) == Text("plain", UNDETERMINED, False)  # says nothing
    assert pick_text("plain", ("de",), plain="en") == Text("plain", "en", True)
    assert pick_text([{"@value": "Titre", "@language": "fr"}], ("fr",)) == Text("Titre", "fr")
    assert pick_text({"@none": "x", "en": "y"}, ("de",)) == Text("x", UNDETERMINED, False)
    assert pick_text({}, ("en",)) is None
    assert pick_text({"en": "  "}, ("en",)) is None


TAGS = st.sampled_from(["en", "en-GB", "de", "de-AT", "de-CH", "fr", "ga", "mt", "sl", "pt-BR"])


@given(
    st.dictionaries(TAGS, st.text(min_size=1).filter(str.strip), min_size=1),
    st.lists(TAGS, min_size=1, max_size=3),
)
def test_a_picked_text_never_claims_another_language(
    texts: dict[str, str], requested: list[str]
) -> None:
    picked = pick_text(texts, requested)
    assert picked is not None and picked.language in texts
    assert texts[picked.language].strip() == picked.text
    assert picked.fallback == (lookup(requested, texts) is None)
    if not picked.fallback:
        assert lookup(requested, [picked.language]) == picked.language
