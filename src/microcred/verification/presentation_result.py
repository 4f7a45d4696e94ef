"""The result of `verify_presentation`: the presentation's own checks plus one named
`VerificationResult` per embedded credential, so a wallet can show which credential failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microcred.errors import Path, format_path
from microcred.result import Check, VerificationResult

__all__ = ["CredentialResult", "PresentationResult"]


@dataclass(frozen=True, slots=True)
class CredentialResult:
    """The verdict on one embedded credential: its position, its `id` (if any) and the
    `VerificationResult` that `verify()` gives it."""

    index: int
    id: str | None
    path: Path
    result: VerificationResult

    @property
    def verified(self) -> bool:
        return self.result.verified

    @property
    def name(self) -> str:
        """How messages name it: `verifiableCredential[1] (urn:uuid:…)`."""
        where = format_path(self.path).removeprefix("$.")
        return f"{where} ({self.id})" if self.id is not None else where

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "id": self.id,
            "name": self.name,
            "path": list(self.path),
            **self.result.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class PresentationResult(VerificationResult):
    """A `VerificationResult` for a presentation (checks: structure, contexts, proof, holder,
    credentials) with each embedded credential's own result in `credentials`.

    `verified` needs a verified proof with the expected challenge (and domain), the holder's
    key, and every credential verified; `bool(result)` is `verified`.
    """

    credentials: tuple[CredentialResult, ...] = ()

    @classmethod
    def of(
        cls,
        checks: Sequence[Check],
        presentation: Mapping[str, Any] | None = None,
        credentials: Sequence[CredentialResult] = (),
    ) -> PresentationResult:
        """Verified iff every check is ok and the proof passed (as `from_checks` decides)."""
        base = VerificationResult.from_checks(checks, presentation, require=("proof",))
        return cls(base.verified, base.checks, base.document, tuple(credentials))

    @property
    def unsigned(self) -> bool:
        """True when the presentation carries no proof at all (reported as PROOF_MISSING)."""
        proof = self.checks.get("proof")
        return proof is not None and any(p.code == "PROOF_MISSING" for p in proof.problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the presentation's verdict and checks, then each credential's."""
        return {
            **VerificationResult.to_dict(self),
            "unsigned": self.unsigned,
            "credentials": [c.to_dict() for c in self.credentials],
        }
