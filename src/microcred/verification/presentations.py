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

from microcred.errors import CredentialLimitError, MicrocredError, Path
from microcred.jose.vc_jwt import CLAIM_NAMES
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.vcdm import CREDENTIALS_V1, CREDENTIALS_V2, as_list, is_url, issuer_id
from microcred.verification.call import Call
from microcred.verification.checks import check_contexts
from microcred.verification.embedded import proof_check, status_step
from microcred.verification.jose import PRESENTATION_TYPES, jws_contexts, jws_proof, read_jws
from microcred.verification.presentation_result import CredentialResult, PresentationResult

__all__ = ["MAX_CREDENTIALS", "check_presentation"]

MAX_CREDENTIALS = 64
"""Most credentials one presentation may carry: each is verified in full."""

CredentialVerification = Callable[[Any, Call], VerificationResult]

_MALFORMED = "MALFORMED_VALUE_ERROR"
_ENVELOPED = "EnvelopedVerifiableCredential"
_VC_JWT_DATA_URL = "data:application/vc+jwt,"


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


def _check_holder(presentation: Mapping[str, Any], controllers: Sequence[str | None]) -> Check:
    """Holder binding (VCDM 2.0 §4.13, DI §2.6): every verified proof's key is the holder's
    (`controllers` of the verified proofs; None for a key nothing binds to anyone)."""
    holder = _holder_id(presentation)
    details = {"holder": holder, "controllers": list(controllers)}
    if not controllers:
        return Check(
            "holder", CheckStatus.SKIPPED, details={**details, "reason": "no verified proof"}
        )
    if holder is None:
        missing = Problem("HOLDER_MISSING", "the presentation names no holder", ("holder",))
        return Check.from_problems("holder", warnings=[missing], details=details)
    if None in controllers:
        unbound = Problem(
            "HOLDER_KEY_UNBOUND",
            "the token carries its own key (jwk) and nothing binds it to the holder",
            ("holder",),
        )
        return Check.from_problems("holder", [unbound], details=details)
    stranger = next((c for c in controllers if c != holder), None)
    if stranger is None:
        return Check("holder", CheckStatus.PASSED, details=details)
    mismatch = Problem(
        "HOLDER_MISMATCH",
        f"the holder {holder!r} does not control the signing key (controller: {stranger!r})",
        ("holder",),
    )
    return Check.from_problems("holder", [mismatch], details=details)


def _enveloped(credential: Any, call: Call, verify: CredentialVerification) -> VerificationResult:
    """An EnvelopedVerifiableCredential (VCDM 2.0 §4.13.1): its `id` is a data: URL whose
    content is the secured credential, here a `vc+jwt` (VC-JOSE-COSE §3.2)."""
    identifier = credential.get("id") if isinstance(credential, Mapping) else None
    if isinstance(identifier, str) and identifier.startswith(_VC_JWT_DATA_URL):
        return verify(identifier[len(_VC_JWT_DATA_URL) :], call)
    unsupported = Problem(
        "UNSUPPORTED_ENVELOPED_CREDENTIAL",
        f"an enveloped credential's id must be a {_VC_JWT_DATA_URL}<token> data: URL",
        ("id",),
    )
    return VerificationResult.from_checks([Check.from_problems("structure", [unsupported])])


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
            result = _enveloped(credential, call, verify_credential)
            inner = result.document  # the data: URL is the whole token: name it by its id
            identifier = inner.get("id") if inner is not None else None
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
    if isinstance(presentation, str | bytes | bytearray):
        return _check_jws_presentation(presentation, call, credential_purpose, verify_credential)
    structure = Check.from_problems("structure", _structure_problems(presentation))
    if not isinstance(presentation, Mapping):
        return PresentationResult.of([structure])
    unsigned = Problem("PROOF_MISSING", "the presentation is unsigned: it has no proof", ("proof",))
    proof, proofs = proof_check(presentation, call, missing=unsigned)
    contexts = check_contexts(presentation, call.settings.loader, proofs)
    controllers = [p.controller if p.key_confirmed else None for p in proofs if p.verified]
    return _finish(
        presentation,
        [structure, contexts, proof],
        controllers,
        call,
        credential_purpose,
        verify_credential,
    )


def _finish(
    presentation: Mapping[str, Any],
    checks: list[Check],
    controllers: Sequence[str | None],
    call: Call,
    credential_purpose: str,
    verify_credential: CredentialVerification,
) -> PresentationResult:
    """The holder and credentials checks after structure, contexts and proof."""
    proof = checks[-1]
    holder = _check_holder(presentation, controllers)
    authenticated = proof.status == CheckStatus.PASSED and holder.status == CheckStatus.PASSED
    credentials = _credential_results(
        presentation,
        _holder_id(presentation) if authenticated else None,
        replace(call.for_credentials(), expected_proof_purpose=credential_purpose),
        verify_credential,
    )
    checks = [*checks, holder, _check_credentials(presentation, credentials)]
    return PresentationResult.of(checks, presentation, credentials)


def _check_jws_presentation(
    token: str | bytes | bytearray,
    call: Call,
    credential_purpose: str,
    verify_credential: CredentialVerification,
) -> PresentationResult:
    """A `vp+jwt` (VC-JOSE-COSE §3.2.1): the payload is the presentation; its `nonce` claim
    must be the challenge and its `aud` the domain (RFC 7519 §4.1.3: a verifier that is not
    in `aud` rejects the token), the key the holder's, listed for authentication."""
    try:
        jws, payload = read_jws(token, PRESENTATION_TYPES)
    except MicrocredError as error:
        return PresentationResult.of(
            [Check.from_problems("structure", [Problem.from_error(error)])]
        )
    presentation = {k: v for k, v in payload.items() if k not in CLAIM_NAMES}
    structure = Check.from_problems("structure", _structure_problems(presentation))
    proof, found = jws_proof(jws, _holder_id(presentation), "authentication", call)
    proof = _bound_to_call(proof, payload, call)
    contexts = jws_contexts(presentation, call)
    controllers = [found.controller] if found is not None and proof.ok else []
    return _finish(
        presentation,
        [structure, contexts, proof],
        controllers,
        call,
        credential_purpose,
        verify_credential,
    )


def _bound_to_call(proof: Check, claims: Mapping[str, Any], call: Call) -> Check:
    """The proof check with the `nonce`/`aud` claims compared to the call's challenge and
    domain (the JWT form of DI §4.4 steps 6-7)."""
    problems = list(proof.problems)
    if claims.get("nonce") != call.challenge:
        problems.append(
            Problem("INVALID_CHALLENGE_ERROR", "the nonce claim is not the challenge", ("nonce",))
        )
    audience = claims.get("aud")
    audiences = set(as_list(audience)) if audience is not None else set()
    wanted = set(as_list(call.domain)) if call.domain is not None else set()
    if not wanted <= audiences or (audiences and not wanted):
        problems.append(
            Problem("INVALID_DOMAIN_ERROR", "the aud claim is not the expected domain", ("aud",))
        )
    return Check.from_problems("proof", problems, proof.warnings, proof.details)
