"""The "status" step of a credential's verification: the caller's loader and policy, run
only for an authentic credential, with each list verified within the same call.

A list credential is verified like any credential (embedded proof) but its own status is
not followed, so there is no recursion (microcred.status.check has the algorithm).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from microcred.result import Check, CheckStatus, VerificationResult
from microcred.status.check import check_status
from microcred.verification.call import Call

__all__ = ["status_step"]

ListVerification = Callable[[Mapping[str, Any], Call], VerificationResult]


def status_step(
    document: Mapping[str, Any], call: Call, *, authentic: bool, verify_list: ListVerification
) -> Check:
    """The "status" check for `document`, or SKIPPED: not authentic (its proof, issuer
    binding, structure or form failed), so a forged document never makes the caller's
    status loader fetch anything."""
    if not authentic:
        reason = "not checked: the credential is not authentic (see the failed checks)"
        return Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    lists = call.for_credentials()
    settings = call.settings
    return check_status(
        document,
        status_loader=settings.status_loader,
        verify_list=lambda listed: verify_list(listed, lists),
        policy=settings.status_policy,
        authorities=settings.status_authorities,
    )
