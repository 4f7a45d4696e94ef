"""Securing mechanisms as a registry the Verifier dispatches on, decided from the input's
shape alone (VCDM 2.0 §4.12: embedded proofs and enveloping ones).

Each entry is data: a name, a test of the shape, and the verification to run. The first
entry whose test holds verifies the document; a new format (VC-JOSE-COSE compact JWS,
SD-JWT) is a new entry, never an edit of the dispatcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microcred.result import Check, Problem, VerificationResult
from microcred.verification.call import Call
from microcred.verification.embedded import verify_embedded

__all__ = ["SECURING_MECHANISMS", "SecuringMechanism", "dispatch"]

_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(~[A-Za-z0-9_.~-]*)?")


@dataclass(frozen=True, slots=True)
class SecuringMechanism:
    """One way a credential is secured: `recognises(document)` from its shape alone, and
    `verify(document, call)` giving the full result."""

    name: str
    recognises: Callable[[Any], bool]
    verify: Callable[[Any, Call], VerificationResult]


def _is_sealed(document: Any) -> bool:
    """A JWS JSON serialization (JAdES) rather than a credential with an embedded proof."""
    if not isinstance(document, Mapping) or "payload" not in document:
        return False
    from microcred.jades import is_jades  # cryptography's x509: only for candidates

    return is_jades(document)


def _verify_sealed(document: Any, call: Call) -> VerificationResult:
    from microcred.verification.sealed import verify_sealed  # loaded for sealed EDCs only

    return verify_sealed(document, call)


def _is_compact_jws(document: Any) -> bool:
    return isinstance(document, str) and _COMPACT.fullmatch(document.strip()) is not None


def _unsupported(document: Any, call: Call) -> VerificationResult:
    problem = Problem(
        "UNSUPPORTED_SECURING_MECHANISM",
        "a compact JWS (vc+jwt, SD-JWT) is not a securing mechanism microcred verifies yet",
        (),
    )
    return VerificationResult.from_checks([Check.from_problems("format", [problem])])


SECURING_MECHANISMS: tuple[SecuringMechanism, ...] = (
    SecuringMechanism("jades", _is_sealed, _verify_sealed),
    SecuringMechanism("compact-jws", _is_compact_jws, _unsupported),
    SecuringMechanism(
        "data-integrity", lambda document: isinstance(document, Mapping), verify_embedded
    ),
)
"""The built-in mechanisms, in the order they are tried: JAdES-sealed EDCs, compact JWS
(recognised, not yet verified), embedded Data Integrity proofs."""


def dispatch(
    document: Any, call: Call, mechanisms: Sequence[SecuringMechanism]
) -> VerificationResult:
    """The result of the first mechanism that recognises `document`; a value none does (an
    array, a number, a string that is no JWS) fails the structure check."""
    for mechanism in mechanisms:
        if mechanism.recognises(document):
            return mechanism.verify(document, call)
    return verify_embedded(document, call)
