"""Verification results as data: a Problem per finding, a Check per step, one verdict.

`verify()` returns a `VerificationResult` instead of raising, so wallets can show every
check, its status and the JSON path of each problem (DESIGN.md "Errors and results").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from microcred.errors import MicrocredError, Path, format_path

__all__ = ["Check", "CheckStatus", "Problem", "VerificationResult"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: a stable `code` (spec name where one exists), a message, a JSON path."""

    code: str
    message: str
    path: Path = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", tuple(self.path))

    def __str__(self) -> str:
        return f"{self.code} at {format_path(self.path)}: {self.message}"

    @classmethod
    def from_error(cls, error: MicrocredError) -> Problem:
        """A typed error as a Problem of a verification result: its code, message, path."""
        return cls(error.code, error.message, error.path)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: code, message, path (list) and the same path as a JSON Pointer."""
        pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)
        return {
            "code": self.code,
            "message": self.message,
            "path": list(self.path),
            "pointer": pointer,
        }


class CheckStatus(StrEnum):
    """Outcome of one check. Only PASSED, WARNING and SKIPPED leave a credential verifiable."""

    PASSED = "passed"
    WARNING = "warning"  # passed, with findings a human should see
    SKIPPED = "skipped"  # not applicable (e.g. no credentialStatus) or not reached
    FAILED = "failed"
    INDETERMINATE = "indeterminate"  # could not be decided (e.g. status list unavailable)


_OK = frozenset({CheckStatus.PASSED, CheckStatus.WARNING, CheckStatus.SKIPPED})


@dataclass(frozen=True, slots=True)
class Check:
    """The verdict of one named verification step with the problems that decided it."""

    name: str
    status: CheckStatus
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "problems", tuple(self.problems))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles (a mappingproxy does not): verify_many's workers send checks back."""
        return (Check, (self.name, self.status, self.problems, self.warnings, dict(self.details)))

    @property
    def ok(self) -> bool:
        """True unless the check failed or could not be decided."""
        return self.status in _OK

    def under(self, *prefix: str | int) -> Check:
        """The same check with every problem and warning path placed under `prefix`
        (e.g. the checks of a sealed payload, or of a credential inside a presentation)."""
        return Check(
            self.name,
            self.status,
            tuple(Problem(p.code, p.message, (*prefix, *p.path)) for p in self.problems),
            tuple(Problem(w.code, w.message, (*prefix, *w.path)) for w in self.warnings),
            self.details,
        )

    @classmethod
    def from_problems(
        cls,
        name: str,
        problems: Iterable[Problem] = (),
        warnings: Iterable[Problem] = (),
        details: Mapping[str, Any] | None = None,
    ) -> Check:
        """FAILED if there are problems, WARNING if only warnings, else PASSED."""
        problems, warnings = tuple(problems), tuple(warnings)
        status = (
            CheckStatus.FAILED
            if problems
            else CheckStatus.WARNING
            if warnings
            else CheckStatus.PASSED
        )
        return cls(name, status, problems, warnings, details or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [w.to_dict() for w in self.warnings],
            "details": _jsonable(self.details),
        }


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The outcome of `verify()`: `verified` plus every check in the order it ran.

    `bool(result)` is `verified`, so `if verify(vc):` means what it says.
    """

    verified: bool
    checks: Mapping[str, Check]
    document: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "checks", MappingProxyType(dict(self.checks)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles (a mappingproxy does not): verify_many's workers send results back."""
        return (VerificationResult, (self.verified, dict(self.checks), self.document))

    @classmethod
    def from_checks(
        cls,
        checks: Sequence[Check],
        document: Mapping[str, Any] | None = None,
        *,
        require: Iterable[str] = (),
    ) -> VerificationResult:
        """Verified iff every check is ok and every name in `require` ran and passed."""
        by_name = {c.name: c for c in checks}
        required_ok = all(
            name in by_name and by_name[name].status in (CheckStatus.PASSED, CheckStatus.WARNING)
            for name in require
        )
        verified = required_ok and all(c.ok for c in checks)
        return cls(verified, by_name, document if verified else None)

    def __bool__(self) -> bool:
        return self.verified

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks.values())

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of every check, in check order; one found by two checks (a proof
        and the contexts check reading the same document) is listed once."""
        return tuple(dict.fromkeys(p for c in self.checks.values() for p in c.problems))

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Every warning of every check, in check order."""
        return tuple(w for c in self.checks.values() for w in c.warnings)

    @property
    def codes(self) -> frozenset[str]:
        """The set of problem codes, handy for `"ISSUER_MISMATCH" in result.codes`."""
        return frozenset(p.code for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON form for wallets and the CLI."""
        return {
            "verified": self.verified,
            "checks": {name: c.to_dict() for name, c in self.checks.items()},
            "problems": [p.to_dict() for p in self.problems],
            "warnings": [w.to_dict() for w in self.warnings],
        }


def _jsonable(value: Any) -> Any:
    """Turn details (mappings, tuples, nested results) into JSON-ready values."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, StrEnum):
        return value.value
    return value
