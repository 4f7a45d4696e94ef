"""XML Schema dateTime / dateTimeStamp values as credentials use them (VCDM 2.0 §4.9, §5.8).

VC 2.0 and Data Integrity require a time zone (`Z` or `±hh:mm`); VC 1.1's `issuanceDate`
may lack one, and a value without an offset is read as UTC (VCDM 2.0 §5.8).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from microcred.errors import InvalidOptionError

__all__ = ["format_timestamp", "parse_timestamp"]

# VCDM 2.0 §5.8 dateTimeStamp, with the time zone made optional for xsd:dateTime. Digits are
# [0-9], never \d: xsd digits are ASCII, while \d and int() also read '٢٠٢٦' as 2026.
_DATE_TIME = re.compile(
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?P<time>(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
    r"(?P<tz>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)


def parse_timestamp(value: object, *, require_timezone: bool = True) -> datetime | None:
    """The aware UTC datetime `value` denotes, or None if it is not a valid (xsd) dateTime.

    Never raises: callers turn None into a problem naming the field. Values that are valid
    but fall outside what `datetime` represents once moved to UTC (`9999-12-31T24:00:00Z`,
    `0001-01-01T00:00:00+01:00`) are None too.
    """
    if not isinstance(value, str):
        return None
    match = _DATE_TIME.fullmatch(value)
    if match is None or (require_timezone and match["tz"] is None):
        return None
    if len(match["year"]) != 4 or match["year"] == "0000":  # before int() of a huge number
        return None  # outside 0001-9999, all Python represents; no credential is dated there
    year = int(match["year"])
    time: str = match["time"]
    end_of_day = time.startswith("24")  # 24:00:00 is midnight at the end of the day
    hour, minute = (0, 0) if end_of_day else (int(time[:2]), int(time[3:5]))
    whole, _, fraction = ("0" if end_of_day else time[6:]).partition(".")
    micro = int((fraction + "000000")[:6]) if fraction else 0
    tz = match["tz"] or "Z"
    offset = (
        timedelta(0)
        if tz == "Z"
        else (1 if tz[0] == "+" else -1) * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    )
    try:
        local = datetime(
            year, int(match["month"]), int(match["day"]), hour, minute, int(whole), micro
        )
        moment = local + ((timedelta(days=1) if end_of_day else timedelta(0)) - offset)
    except (ValueError, OverflowError):  # 31 February; before year 1 or after 9999 in UTC
        return None
    return moment.replace(tzinfo=UTC)


def format_timestamp(moment: datetime) -> str:
    """A dateTimeStamp in UTC with second precision, e.g. `2026-11-28T17:48:15Z`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidOptionError(
            f"datetime {moment.isoformat()} has no time zone; pass an aware one"
        )
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-" + utc.strftime("%m-%dT%H:%M:%SZ")  # %Y drops zeros before 1000
