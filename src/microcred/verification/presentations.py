"""Verification of a Verifiable Presentation: the envelope, its proof (authentication
purpose, the verifier's challenge and domain), that the holder controls the key, and every
embedded credential with the checks of a credential (VCDM 2.0 §4.13; DI §4.4).

The presentation and its credentials run in one verification call: one `now`, one RDFC
budget, the same settings (status loader, policy, profile, trust anchors).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from microcred.errors import CredentialLimitError, Path
from microcred.integrity.proofs import ProofResult
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.vcdm import CREDENTIALS_V1, CREDENTIALS_V2, as_list, is_url, issuer_id
from microcred.verification.call import Call
from microcred.verification.checks import check_contexts
from microcred.verification.embedded import proof_check, status_step
from microcred.verification.presentation_result import CredentialResult, PresentationResult

__all__ = ["MAX_CREDENTIALS", "check_presentation"]

MAX_CREDENTIALS = 64
"""Most credentials one presentation may carry: each is verified in full."""

CredentialVerification = Callable[[Any, Call], VerificationResult]

_MALFORMED = "MALFORMED_VALUE_ERROR"
_ENVELOPED = "EnvelopedVerifiableCredential"


def _types(value: Any) -> list[Any]:
    return as_list(value.get("type")) if isinstance(value, Mapping) else []


def _holder_id(presentation: Mapping[str, Any]) -> Any:
    holder = presentation.get("holder")
    return holder.get("id") if isinstance(holder, Mapping) else holder


def _structure_problems(presentation: Any) -> list[Problem]:
    """The VP envelope on the raw JSON (VCDM 2.0 §4.13; VCDM 1.1 §4.10)."""
    if not isinstance(presentation, Mapping):
        return [Problem(_MALFORMED, "a presentation must be a JSON object", ())]
    problems = []
    contexts = as_list(presentation.get("@context"))
    if not contexts or contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        problems.append(
            Problem(_MALFORMED, f"the first @context must be {CREDENTIALS_V2}", ("@context",))
        )
    if "VerifiablePresentation" not in _types(presentation):
        problems.append(Problem(_MALFORMED, "type must include VerifiablePresentation", ("type",)))
    if "id" in presentation and not is_url(presentation["id"]):
        problems.append(Problem(_MALFORMED, "id must be a URL", ("id",)))
    if "holder" in presentation and not is_url(_holder_id(presentation)):
        problems.append(
            Problem(_MALFORMED, "holder must be a URL or an object whose id is a URL", ("holder",))
        )
    return problems


def _check_holder(presentation: Mapping[str, Any], proofs: Sequence[ProofResult]) -> Check:
    """Holder binding (VCDM 2.0 §4.13, DI §2.6): every verified proof's key is the holder's."""
    holder = _holder_id(presentation)
    controllers = [p.controller for p in proofs if p.verified]
    details = {"holder": holder, "controllers": controllers}
    if not controllers:
        return Check(
            "holder", CheckStatus.SKIPPED, details={**details, "reason": "no verified proof"}
        )
    if holder is None:
        missing = Problem("HOLDER_MISSING", "the presentation names no holder", ("holder",))
        return Check.from_problems("holder", warnings=[missing], details=details)
    stranger = next((c for c in controllers if c != holder), None)
    if stranger is None:
        return Check("holder", CheckStatus.PASSED, details=details)
    mismatch = Problem(
        "HOLDER_MISMATCH",
        f"the holder {holder!r} does not control the signing key (controller: {stranger!r})",
        ("holder",),
    )
    return Check.from_problems("holder", [mismatch], details=details)


def _enveloped(credential: Any) -> VerificationResult:
    unsupported = Problem(
        "UNSUPPORTED_ENVELOPED_CREDENTIAL",
        "enveloped credentials (VC-JOSE-COSE, data: URLs) are not supported",
        (),
    )
    return VerificationResult.from_checks([Check.from_problems("format", [unsupported])])


def _self_asserted(
    credential: Any, result: VerificationResult, holder: str, call: Call
) -> VerificationResult:
    """A credential without a proof of its own whose issuer is the authenticated holder is
    secured by the presentation's proof (a self-asserted credential, VCDM 2.0 §4.13): its
    proof and issuer checks pass, and its status is then read like any authentic one's."""
    if (
        not isinstance(credential, Mapping)
        or "proof" in credential
        or issuer_id(credential) != holder
    ):
        return result
    authentic = all(result.checks[name].ok for name in ("structure", "contexts"))
    secured = {
        "proof": Check("proof", CheckStatus.PASSED, details={"securedBy": "presentation"}),
        "issuer": Check(
            "issuer", CheckStatus.PASSED, details={"issuer": holder, "controllers": [holder]}
        ),
        "status": status_step(credential, call, authentic=authentic),
    }
    checks = [secured.get(check.name, check) for check in result]
    return VerificationResult.from_checks(checks, credential, require=("proof",))


def _credential_results(
    presentation: Mapping[str, Any],
    holder: str | None,
    call: Call,
    verify_credential: CredentialVerification,
) -> tuple[CredentialResult, ...]:
    """Each embedded credential verified as a credential is, named by index and id;
    `holder` is the holder the presentation's proof authenticated, if it did."""
    if "verifiableCredential" not in presentation:
        return ()
    embedded = presentation["verifiableCredential"]
    single = not isinstance(embedded, list)
    if len(as_list(embedded)) > MAX_CREDENTIALS:
        return ()
    results = []
    for index, credential in enumerate(as_list(embedded)):
        at: Path = ("verifiableCredential",) if single else ("verifiableCredential", index)
        identifier = credential.get("id") if isinstance(credential, Mapping) else None
        if _ENVELOPED in _types(credential):
            result = _enveloped(credential)
        else:
            result = verify_credential(credential, call)
            if holder is not None:
                result = _self_asserted(credential, result, holder, call)
        results.append(
            CredentialResult(index, identifier if isinstance(identifier, str) else None, at, result)
        )
    return tuple(results)


def _check_credentials(
    presentation: Mapping[str, Any], credentials: Sequence[CredentialResult]
) -> Check:
    """Verified only if every embedded credential is; a problem names each one that is not."""
    count = len(as_list(presentation.get("verifiableCredential", [])))
    if count > MAX_CREDENTIALS:
        message = f"{count} credentials: one presentation carries at most {MAX_CREDENTIALS}"
        problem = Problem(CredentialLimitError.code, message, ("verifiableCredential",))
        return Check.from_problems("credentials", [problem])
    if not credentials:
        return Check("credentials", CheckStatus.SKIPPED, details={"reason": "no credentials"})
    failing = [c for c in credentials if not c.verified]
    problems = [
        Problem(
            "CREDENTIAL_NOT_VERIFIED",
            f"{c.name} is not verified: {', '.join(sorted(c.result.codes)) or 'see its checks'}",
            c.path,
        )
        for c in failing
    ]
    warnings = [
        Problem(w.code, w.message, (*c.path, *w.path))
        for c in credentials
        for w in c.result.warnings
    ]
    details = {"count": len(credentials)}
    if not failing:
        return Check.from_problems("credentials", (), warnings, details)
    decided = any(check.status == CheckStatus.FAILED for c in failing for check in c.result)
    status = CheckStatus.FAILED if decided else CheckStatus.INDETERMINATE  # e.g. status unread
    return Check("credentials", status, tuple(problems), tuple(warnings), details)


def check_presentation(
    presentation: Any,
    call: Call,
    *,
    credential_purpose: str,
    verify_credential: CredentialVerification,
) -> PresentationResult:
    """Checks: structure, contexts, proof (authentication purpose, the call's challenge and
    domain), holder, credentials (each with `verify_credential` and `credential_purpose`). An
    unsigned presentation fails with PROOF_MISSING; it is never verified."""
    structure = Check.from_problems("structure", _structure_problems(presentation))
    if not isinstance(presentation, Mapping):
        return PresentationResult.of([structure])
    unsigned = Problem("PROOF_MISSING", "the presentation is unsigned: it has no proof", ("proof",))
    proof, proofs = proof_check(presentation, call, missing=unsigned)
    holder = _check_holder(presentation, proofs)
    authenticated = proof.status == CheckStatus.PASSED and holder.status == CheckStatus.PASSED
    credentials = _credential_results(
        presentation,
        _holder_id(presentation) if authenticated else None,
        replace(call.for_credentials(), expected_proof_purpose=credential_purpose),
        verify_credential,
    )
    checks = [
        structure,
        check_contexts(presentation, call.settings.loader, proofs),
        proof,
        holder,
        _check_credentials(presentation, credentials),
    ]
    return PresentationResult.of(checks, presentation, credentials)
