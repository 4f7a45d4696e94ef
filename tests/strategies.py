"""Hypothesis strategies of the test suite: they live in `microcred.testing.strategies` (in
the wheel, for other projects too); this module keeps `from strategies import ...` working."""

from microcred.testing.strategies import (
    DATES,
    LANG_TEXT,
    SUITES,
    TAGS,
    micro_credentials,
    signed_credentials,
    tampered,
)

__all__ = [
    "DATES",
    "LANG_TEXT",
    "SUITES",
    "TAGS",
    "micro_credentials",
    "signed_credentials",
    "tampered",
]
