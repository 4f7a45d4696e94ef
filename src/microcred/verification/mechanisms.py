"""Securing mechanisms as a registry the Verifier dispatches on, decided from the input's
shape alone (VCDM 2.0 §4.12: embedded proofs and enveloping ones).

Each entry is data: a name, a test of the shape, and the verification to run. The first
entry whose test holds verifies the document; a new format (VC-JOSE-COSE compact JWS,
SD-JWT) is a new entry, never an edit of the dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microcred.result import VerificationResult
from microcred.verification.call import Call
from microcred.verification.embedded import verify_embedded

__all__ = ["SECURING_MECHANISMS", "SecuringMechanism", "dispatch"]


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
    """Text is read as a compact JWS (vc+jwt, Open Badges VC-JWT): a credential in JSON
    arrives as an object, so any string or bytes given to verify() is a token."""
    return isinstance(document, str | bytes | bytearray)


def _is_sd_jwt(document: Any) -> bool:
    """An SD-JWT (RFC 9901): text whose JWS is followed by `~`-separated disclosures."""
    if isinstance(document, bytes | bytearray):
        return b"~" in document
    return isinstance(document, str) and "~" in document


def _verify_sd_jwt(document: Any, call: Call) -> VerificationResult:
    from microcred.verification.sd_jwt_vc import verify_sd_jwt_vc  # SD-JWT VCs only

    return verify_sd_jwt_vc(document, call)


def _verify_compact_jws(document: Any, call: Call) -> VerificationResult:
    from microcred.verification.jose import verify_compact_jws  # JOSE tokens only

    return verify_compact_jws(document, call)


def _verify_data_integrity(document: Any, call: Call) -> VerificationResult:
    """Embedded proofs; credentials a CLR embeds go through this registry again."""
    inner = call.for_credentials()
    return verify_embedded(
        document, call, lambda credential: dispatch(credential, inner, SECURING_MECHANISMS)
    )


SECURING_MECHANISMS: tuple[SecuringMechanism, ...] = (
    SecuringMechanism("jades", _is_sealed, _verify_sealed),
    SecuringMechanism("sd-jwt", _is_sd_jwt, _verify_sd_jwt),
    SecuringMechanism("compact-jws", _is_compact_jws, _verify_compact_jws),
    SecuringMechanism(
        "data-integrity", lambda document: isinstance(document, Mapping), _verify_data_integrity
    ),
)
"""The built-in mechanisms, in the order they are tried: JAdES-sealed EDCs, SD-JWT VCs,
compact JWS (vc+jwt and VC 1.1 JWTs), embedded Data Integrity proofs."""


def dispatch(
    document: Any, call: Call, mechanisms: Sequence[SecuringMechanism]
) -> VerificationResult:
    """The result of the first mechanism that recognises `document`; a value none does (an
    array, a number, a string that is no JWS) fails the structure check."""
    for mechanism in mechanisms:
        if mechanism.recognises(document):
            return mechanism.verify(document, call)
    return verify_embedded(document, call)
