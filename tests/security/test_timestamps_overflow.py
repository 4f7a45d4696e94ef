"""parse_timestamp never raises and reads only ASCII digits (security review, finding 1).

`9999-12-31T24:00:00Z` is a valid xsd:dateTime (midnight ending the last day of 9999) whose
UTC instant Python cannot represent: it raised OverflowError, which escaped from verify_seal
and from the CLI's `--now`. int() and `\\d` also read Arabic-Indic or fullwidth digits, which
xsd:dateTime (XML Schema 1.1 §3.3.7) and RFC 3339 do not allow.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.timestamps import parse_timestamp


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T24:00:00Z",
        "9999-12-31T24:00:00.000Z",
        "9999-12-31T23:00:00-14:00",
        "9999-12-31T24:00:00",  # no zone, read as UTC
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00.5+00:01",
        "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "1" + "0" * 5000 + "-01-01T00:00:00Z",  # int() refuses more than 4300 digits
    ],
)
def test_valid_syntax_outside_what_datetime_holds_is_none(text: str) -> None:
    assert parse_timestamp(text, require_timezone=False) is None


def test_the_last_and_first_representable_instants_still_parse() -> None:
    assert parse_timestamp("9999-12-31T23:59:59.999999Z") == datetime.max.replace(tzinfo=UTC)
    assert parse_timestamp("9999-12-31T24:00:00+00:01") == datetime(
        9999, 12, 31, 23, 59, tzinfo=UTC
    )
    assert parse_timestamp("0001-01-01T00:00:00-00:01") == datetime(1, 1, 1, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "٢٠٢٦-٠١-٠١T٠٠:٠٠:٠٠Z",  # Arabic-Indic
        "۲۰۲۶-01-01T00:00:00Z",  # Extended Arabic-Indic (Persian)
        "２０２６-01-01T00:00:00Z",  # fullwidth
        "2026-01-01T00:00:00.٥Z",  # a fraction digit
        "2026-01-01T00:00:00+٠١:00",  # an offset digit
    ],
)
def test_only_ascii_digits_are_digits(text: str) -> None:
    assert parse_timestamp(text) is None


DIGITS = st.characters(categories=["Nd"])  # every decimal digit Unicode knows


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789-:.TZ+") | DIGITS, max_size=40))
def test_any_string_is_a_datetime_or_none(text: str) -> None:
    moment = parse_timestamp(text, require_timezone=False)
    assert moment is None or (moment.tzinfo is UTC and text.isascii())


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(timezones=st.just(UTC)),
    index=st.integers(0, 18),
    digit=DIGITS.filter(lambda c: not c.isascii()),
)
def test_one_non_ascii_digit_makes_a_valid_stamp_invalid(
    moment: datetime, index: int, digit: str
) -> None:
    text = f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%SZ")
    assert parse_timestamp(text) is not None
    if text[index].isdigit():
        assert parse_timestamp(text[:index] + digit + text[index + 1 :]) is None
