"""The seam for checks that need the network: OCSP/CRL, EU trusted lists, RFC 3161 time-stamps.

`verify_seal` stays offline; a caller hands in `SealValidator`s, each called once per verified
signature with a `SealContext` and returning a `Check`. A validator's check replaces the
SKIPPED placeholder of the same name ("timestamps", "revocation"); under any other existing
name (or a placeholder already decided) it is merged so that it can make the outcome worse,
never better.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography import x509

from microcred.errors import Path
from microcred.result import Check, CheckStatus, Problem

__all__ = ["PLACEHOLDERS", "SealContext", "SealValidator", "merge_checks", "run_validators"]

PLACEHOLDERS = frozenset({"timestamps", "revocation"})
_SEVERITY = {
    CheckStatus.PASSED: 0,
    CheckStatus.SKIPPED: 1,
    CheckStatus.WARNING: 2,
    CheckStatus.INDETERMINATE: 3,
    CheckStatus.FAILED: 4,
}


@dataclass(frozen=True, slots=True)
class SealContext:
    """One signature of a seal whose format and integrity checks passed."""

    sealed: Mapping[str, Any]  # the JWS JSON object as the caller passed it
    path: Path  # where the signature sits: ("signatures", i), or () when flattened
    protected: Mapping[str, Any]  # decoded protected header
    unprotected: Mapping[str, Any]  # unprotected header (holds etsiU)
    payload: str  # the signed payload text, exactly as in the document
    credential: Mapping[str, Any]  # the payload parsed as JSON
    certificates: tuple[x509.Certificate, ...]  # x5c, leaf first
    unsigned_certificates: tuple[x509.Certificate, ...]  # etsiU xVals
    signing_time: datetime | None  # the claimed sigT / iat
    # genTime of the earliest trusted sigTst/arcTst (the time to check revocation at), if any
    proof_of_existence: datetime | None = None


class SealValidator(Protocol):
    """A caller's online step; the Check it returns is added to the result by its name."""

    def __call__(self, context: SealContext, /) -> Check: ...


def run_validators(validators: Iterable[SealValidator], context: SealContext) -> list[Check]:
    """Each validator's Check; a validator that raises or returns junk yields INDETERMINATE."""
    out = []
    for validator in validators:
        label = getattr(validator, "__qualname__", type(validator).__qualname__)
        try:
            check = validator(context)
        except Exception as exc:  # a caller's bug must not make verify_seal raise
            check = _broken(f"validator {label} raised {type(exc).__name__}: {exc}", context.path)
        if not isinstance(check, Check):
            check = _broken(
                f"validator {label} returned {type(check).__name__}, not a Check", context.path
            )
        out.append(check)
    return out


def merge_checks(checks: Sequence[Check], extra: Iterable[Check]) -> list[Check]:
    """`checks` with `extra` folded in: placeholders replaced once, other names worse-wins."""
    by_name = {c.name: c for c in checks}
    replaceable = {
        c.name for c in checks if c.name in PLACEHOLDERS and c.status is CheckStatus.SKIPPED
    }
    for check in extra:
        if check.name in replaceable:
            by_name[check.name] = check
            replaceable.discard(check.name)
        elif check.name in by_name:
            by_name[check.name] = _worse_of(by_name[check.name], check)
        else:
            by_name[check.name] = check
    return list(by_name.values())


def _worse_of(a: Check, b: Check) -> Check:
    """Both checks' findings under the more severe status; the worse one's details win."""
    better, worse = sorted((a, b), key=lambda c: _SEVERITY[c.status])
    details = {**better.details, **worse.details}
    return Check(a.name, worse.status, a.problems + b.problems, a.warnings + b.warnings, details)


def _broken(message: str, path: Path) -> Check:
    problem = Problem("JADES_VALIDATOR_ERROR", message, path)
    return Check("validators", CheckStatus.INDETERMINATE, (problem,))
