"""Verification of a credential secured by embedded Data Integrity proofs: structure,
contexts (canonical form), every proof, issuer binding, validity, status, EU standard.

Read top to bottom it is the order of `VerificationResult.checks`. `verified` needs a
passed proof and no failed check (DESIGN.md "Data flow"). The status step is shared with
sealed credentials: run only for an authentic credential, each list verified within the
same call without following its own status (microcred.status.check has the algorithm).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from microcred.integrity.proofs import ProofResult, verify_proofs
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.status.check import check_status
from microcred.validity import check_validity
from microcred.verification.call import Call
from microcred.verification.checks import check_contexts, check_issuer, check_structure
from microcred.verification.embedded_credentials import check_embedded
from microcred.verification.eu_standard import check_eu_standard
from microcred.verification.schema import check_schema

__all__ = [
    "EmbeddedVerifier",
    "proof_check",
    "status_step",
    "verify_embedded",
    "verify_status_list",
]

EmbeddedVerifier = Callable[[Any], VerificationResult]
"""Verifies one credential embedded in a CLR with the same settings (the registry's)."""


def proof_check(
    document: Mapping[str, Any], call: Call, *, missing: Problem
) -> tuple[Check, tuple[ProofResult, ...]]:
    """The "proof" check: DI §4.5 for every proof with the call's purpose, domain and
    challenge; `missing` is the problem of a document without proofs."""
    settings = call.settings
    results = verify_proofs(
        document,
        resolver=settings.resolver,
        loader=settings.loader,
        now=call.now,
        expected_proof_purpose=call.expected_proof_purpose,
        domain=call.domain,
        challenge=call.challenge,
        max_clock_skew=settings.max_clock_skew,
        cryptosuites=settings.cryptosuites,
        budget=call.budget,
    )
    if not results:
        return Check.from_problems("proof", [missing]), results
    known = {suite.proof_type for suite in settings.cryptosuites.values()}
    unknown = [r for r in results if r.proof_type not in known and any(v.verified for v in results)]
    problems = [p for r in results if r not in unknown for p in r.problems]
    warnings = [
        Problem("UNKNOWN_PROOF_TYPE", f"proof type {r.proof_type!r} is not known: not read", r.path)
        for r in unknown
    ]
    details = {"proofs": results}
    return Check.from_problems("proof", problems, warnings, details=details), results


def status_step(document: Mapping[str, Any], call: Call, *, authentic: bool) -> Check:
    """The "status" check for `document`, or SKIPPED: not authentic (its proof, issuer
    binding, structure or form failed), so a forged document never makes the caller's
    status loader fetch anything."""
    if not authentic:
        reason = "not checked: the credential is not authentic (see the failed checks)"
        return Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    settings = call.settings
    return check_status(
        document,
        status_loader=settings.status_loader,
        verify_list=lambda listed: verify_status_list(listed, call.for_credentials()),
        policy=settings.status_policy,
        authorities=settings.status_authorities,
        memo=call.lists,
    )


def _checks(
    document: Any, call: Call, *, status_list: bool, embedded: EmbeddedVerifier
) -> VerificationResult:
    structure = check_structure(document)
    if not isinstance(document, Mapping):
        return VerificationResult.from_checks([structure])
    missing = Problem("PROOF_MISSING", "the credential carries no proof", ("proof",))
    proof, results = proof_check(document, call, missing=missing)
    contexts = check_contexts(document, call.settings.loader, results)
    issuer = check_issuer(document, results)
    authentic = all(c.status == CheckStatus.PASSED for c in (structure, contexts, proof, issuer))
    if status_list:  # its own status is not followed: no recursion
        reason = "a status list's own status is not checked"
        status = Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    else:
        status = status_step(document, call, authentic=authentic)
    inside = check_embedded(document, embedded)
    checks = [structure, contexts, proof, issuer, *([] if inside is None else [inside])]
    checks += [
        check_validity(document, call.now, call.settings.max_clock_skew),
        status,
        check_eu_standard(document, "default" if status_list else call.settings.profile),
    ]
    schema = None if status_list else check_schema(document, call.settings.schemas)
    checks += [] if schema is None else [schema]
    return VerificationResult.from_checks(checks, document, require=("proof",))


def _refuse_embedded(credential: Any) -> VerificationResult:
    problem = Problem("EMBEDDED_CREDENTIAL_NOT_VERIFIED", "not verifiable in this place", ())
    return VerificationResult.from_checks([Check.from_problems("credentials", [problem])])


def verify_embedded(
    document: Any, call: Call, embedded: EmbeddedVerifier = _refuse_embedded
) -> VerificationResult:
    """Every check of a credential (or any JSON value) whose proofs are embedded;
    `embedded` verifies each credential a CLR embeds (without it, none counts)."""
    return _checks(document, call, status_list=False, embedded=embedded)


def verify_status_list(document: Mapping[str, Any], call: Call) -> VerificationResult:
    """A status list credential's checks, without following its own status."""
    return _checks(document, call, status_list=True, embedded=_refuse_embedded)
