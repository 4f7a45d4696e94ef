"""Verification of a JAdES-sealed credential (a Europass EDC): the seal's checks (format,
integrity, certificate, validity, timestamps, revocation; microcred.jades), then the
payload's own structure, contexts, status and EU standard, with paths under "payload"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.result import CheckStatus, VerificationResult
from microcred.verification.call import Call
from microcred.verification.checks import check_contexts, check_structure
from microcred.verification.embedded import status_step
from microcred.verification.eu_standard import check_eu_standard

__all__ = ["verify_sealed"]

_DECIDED = (CheckStatus.PASSED, CheckStatus.WARNING)


def verify_sealed(document: Mapping[str, Any], call: Call) -> VerificationResult:
    """The seal's checks and the payload's; `verified` needs the seal certificate to chain
    to one of the trust anchors (without anchors it is "untrusted")."""
    from microcred.jades import read_payload, verify_seal  # cryptography's x509: only here

    settings = call.settings
    seal = verify_seal(
        document,
        trust_anchors=settings.trust_anchors,
        now=call.now,
        validators=settings.seal_validators,
        max_clock_skew=settings.max_clock_skew,
    )
    checks = list(seal)
    credential = read_payload(document)
    if isinstance(credential, Mapping):
        structure = check_structure(credential)
        # The seal signs the JSON bytes: a term outside the contexts is a warning (as for JWS).
        contexts = check_contexts(
            credential, settings.loader, signed_as_text=True, undefined_terms_warn=True
        )
        sealed = all(
            name in seal.checks and seal.checks[name].status in _DECIDED
            for name in ("integrity", "certificate")
        )
        authentic = sealed and structure.ok and contexts.ok
        status = status_step(credential, call, authentic=authentic)
        eu_standard = check_eu_standard(credential, settings.profile)
        checks += [c.under("payload") for c in (structure, contexts, status, eu_standard)]
    return VerificationResult.from_checks(
        checks,
        credential if isinstance(credential, Mapping) else None,
        require=("integrity", "certificate", "issuer"),
    )
