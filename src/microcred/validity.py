"""A credential's validity period against a clock (VCDM 2.0 §4.9, VCDM 1.1 §4.6-4.7).

VC 2.0 uses `validFrom`/`validUntil` (dateTimeStamp, time zone required). VC 1.1 uses
`issuanceDate`/`expirationDate` (xsd:dateTime, no zone read as UTC), and EDCs carry
`validFrom` beside them, so every date present is checked: no start after now, no end before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from microcred.errors import Path
from microcred.result import Check, Problem
from microcred.timestamps import format_timestamp, parse_timestamp
from microcred.vcdm import CREDENTIALS_V2

__all__ = ["check_validity"]

_STARTS = ("validFrom", "issuanceDate")
_ENDS = ("validUntil", "expirationDate")


def check_validity(
    credential: Mapping[str, Any], now: datetime, skew: timedelta, *, at: Path = ()
) -> Check:
    """The "validity" check (± `skew` for clocks); `at` prefixes problem paths (e.g. a payload)."""
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    needs_zone = first == CREDENTIALS_V2
    problems: list[Problem] = []
    moments: dict[str, datetime] = {}
    for name in (*_STARTS, *_ENDS):
        if name not in credential:
            continue
        moment = parse_timestamp(credential[name], require_timezone=needs_zone)
        if moment is None:
            zone = " with a time zone" if needs_zone else ""
            problems.append(
                Problem("MALFORMED_VALUE_ERROR", f"{name} is not a date-time{zone}", (*at, name))
            )
            continue
        moments[name] = moment
        if name in _STARTS and now + skew < moment:
            problems.append(
                Problem(
                    "CREDENTIAL_NOT_YET_VALID", f"valid only from {credential[name]}", (*at, name)
                )
            )
        if name in _ENDS and now - skew > moment:
            problems.append(
                Problem("CREDENTIAL_EXPIRED", f"expired at {credential[name]}", (*at, name))
            )
    if (
        "validFrom" in moments
        and "validUntil" in moments
        and moments["validFrom"] > moments["validUntil"]
    ):
        problems.append(
            Problem("RANGE_ERROR", "validFrom is later than validUntil", (*at, "validUntil"))
        )
    details = {"now": format_timestamp(now), **{k: credential[k] for k in moments}}
    return Check.from_problems("validity", problems, details=details)
