"""The sealed credential's own validity period against `now` (VCDM 2.0 §4.9, VCDM 1.1 §4.6–4.7).

An EDC is VC 1.1 yet carries `validFrom` (and may carry `validUntil`) beside `issuanceDate`
and `expirationDate`, so every one of the four dates that is present is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from microcred.result import Check, Problem
from microcred.timestamps import format_timestamp, parse_timestamp

__all__ = ["assess_validity"]

_STARTS = ("validFrom", "issuanceDate")
_ENDS = ("validUntil", "expirationDate")


def assess_validity(credential: Mapping[str, Any], now: datetime, skew: timedelta) -> Check:
    """The "validity" check: not before any start date, not after any end date (± `skew`)."""
    problems = []
    dates = {}
    for name in (*_STARTS, *_ENDS):
        if name not in credential:
            continue
        moment = parse_timestamp(credential[name], require_timezone=False)
        at = ("payload", name)
        if moment is None:
            problems.append(Problem("MALFORMED_VALUE_ERROR", f"{name} is not an xsd:dateTime", at))
            continue
        dates[name] = credential[name]
        if name in _STARTS and now + skew < moment:
            problems.append(
                Problem("CREDENTIAL_NOT_YET_VALID", f"valid only from {credential[name]}", at)
            )
        if name in _ENDS and now - skew > moment:
            problems.append(Problem("CREDENTIAL_EXPIRED", f"expired at {credential[name]}", at))
    return Check.from_problems(
        "validity", problems, details={"now": format_timestamp(now), **dates}
    )
