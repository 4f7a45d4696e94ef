"""One verification call: the verifier's settings plus what varies per call (now, a proof's
expected purpose, domain and challenge) and the limits the call shares (its RDFC budget).

Securing mechanisms, the status check and presentations all read their options from here,
so a presentation's credentials and a credential's status lists run within the limits of
the one call that reached them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from microcred.integrity.cryptosuites import Cryptosuite
from microcred.jsonld.loader import DocumentLoader
from microcred.jsonld.rdfc import WorkBudget
from microcred.keys.did_key import KeyResolver
from microcred.status.check import StatusListLoader, StatusPolicy
from microcred.status.lists import ListMemo
from microcred.verification.eu_standard import Profile

__all__ = ["Call", "Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """What a `Verifier` was configured with, defaults filled in."""

    loader: DocumentLoader
    resolver: KeyResolver
    trust_anchors: Any
    seal_validators: Sequence[Any]
    status_loader: StatusListLoader | None
    status_policy: StatusPolicy
    status_authorities: Collection[str]
    cryptosuites: Mapping[str, Cryptosuite]
    profile: Profile
    max_clock_skew: timedelta
    schemas: Callable[[str], Mapping[str, Any]] | None = None
    """JSON Schemas for the "schema" check (microcred.verification.schema); None: no check."""


@dataclass(frozen=True, slots=True)
class Call:
    """The settings and the per-call options of one verification."""

    settings: Settings
    now: datetime
    budget: WorkBudget
    expected_proof_purpose: str = "assertionMethod"
    domain: str | Sequence[str] | None = None
    challenge: str | None = None
    lists: ListMemo | None = None  # status lists verified once per run (verify_many)

    def for_credentials(self) -> Call:
        """The same call for a status list or an embedded credential: assertion proofs,
        no domain or challenge (those bind the presentation), the same now, budget, run."""
        return Call(self.settings, self.now, self.budget, lists=self.lists)
