"""dateTimeStamp parsing (VCDM 2.0 §5.8 regular expression; XML Schema dateTime)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import InvalidOptionError
from microcred.timestamps import format_timestamp, parse_timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-01-01T00:00:00Z", datetime(2023, 1, 1, tzinfo=UTC)),
        ("2023-01-01T01:30:00+01:30", datetime(2023, 1, 1, tzinfo=UTC)),
        ("2022-12-31T23:00:00-01:00", datetime(2023, 1, 1, tzinfo=UTC)),
        ("2023-01-01T00:00:00.123456789Z", datetime(2023, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        ("2022-12-31T24:00:00Z", datetime(2023, 1, 1, tzinfo=UTC)),
        ("2023-06-30T12:00:00+14:00", datetime(2023, 6, 29, 22, tzinfo=UTC)),
    ],
)
def test_valid_stamps(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023-01-01T00:00:00",  # no time zone
        "2023-01-01",
        "2023-02-30T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-01-01T25:00:00Z",
        "2023-01-01T00:00:00+15:00",
        "2023-01-01 00:00:00Z",
        "0000-01-01T00:00:00Z",
        " 2023-01-01T00:00:00Z",
        "",
    ],
)
def test_invalid_stamps(text: str) -> None:
    assert parse_timestamp(text) is None


def test_vc11_dates_may_lack_a_zone_and_read_as_utc() -> None:
    assert parse_timestamp("2023-01-01T00:00:00", require_timezone=False) == datetime(
        2023, 1, 1, tzinfo=UTC
    )


@pytest.mark.parametrize("value", [None, 5, 1.5, [], {}, b"2023-01-01T00:00:00Z"])
def test_non_strings_are_not_stamps(value: object) -> None:
    assert parse_timestamp(value) is None


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    )
)
def test_format_then_parse_round_trips_to_the_second(moment: datetime) -> None:
    assert parse_timestamp(format_timestamp(moment)) == moment.replace(microsecond=0)


def test_format_needs_an_aware_datetime() -> None:
    with pytest.raises(InvalidOptionError):
        format_timestamp(datetime(2023, 1, 1))
    assert (
        format_timestamp(datetime(2023, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))))
        == "2023-01-01T00:00:00Z"
    )
