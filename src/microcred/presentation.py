"""Verifiable Presentations: a holder presents credentials bound to a verifier's challenge.

`present` builds a VC 2.0 VerifiablePresentation (VCDM 2.0 §4.13) and signs it with the
`authentication` proof purpose, the verifier's `challenge` and optional `domain` (Data
Integrity §2.1, §4.4). `verify_presentation` checks the envelope, the proof, that the holder
controls the key, and every embedded credential with the checks of `verify()`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred import api
from microcred.checks import CREDENTIALS_V1, CREDENTIALS_V2, check_contexts, issuer_id
from microcred.did import KeyResolver, resolve_did_key
from microcred.errors import (
    CredentialLimitError,
    InvalidOptionError,
    MalformedDocumentError,
    Path,
    ProofGenerationError,
)
from microcred.jsonld.loader import DocumentLoader
from microcred.keys import Signer
from microcred.presentation_result import CredentialResult, PresentationResult
from microcred.proofs import VERIFY_SUITES, ProofResult, verify_proofs
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.suites import Cryptosuite

__all__ = ["MAX_CREDENTIALS", "present", "verify_presentation"]

MAX_CREDENTIALS = 64
"""Most credentials one presentation may carry: each is verified in full."""

_MALFORMED = "MALFORMED_VALUE_ERROR"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_ENVELOPED = "EnvelopedVerifiableCredential"
_OWN_OPTIONS = frozenset(
    {"document", "loader", "resolver", "now", "max_clock_skew", "cryptosuites"}
)


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _types(value: Any) -> list[Any]:
    return _as_list(value.get("type")) if isinstance(value, Mapping) else []


def _holder_id(presentation: Mapping[str, Any]) -> Any:
    holder = presentation.get("holder")
    return holder.get("id") if isinstance(holder, Mapping) else holder


def _require_challenge(challenge: Any) -> None:
    if not isinstance(challenge, str) or not challenge:
        raise InvalidOptionError("a presentation is bound to a challenge: a non-empty string")


def present(
    credentials: Sequence[Mapping[str, Any]],
    *,
    key: Signer,
    challenge: str,
    domain: str | Sequence[str] | None = None,
    holder: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    id: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A signed VerifiablePresentation of `credentials` (VCDM 2.0 §4.13; DI §4.2 with
    proofPurpose "authentication", `challenge`, `domain`); a new dict, inputs untouched.

    The holder is the key's controller; a `holder` that does not control the key is refused
    (it could never pass the holder check of `verify_presentation`). VC 1.1 credentials are
    embedded as they are.
    """
    _require_challenge(challenge)
    if isinstance(credentials, (str, bytes, Mapping)) or not isinstance(credentials, Sequence):
        raise MalformedDocumentError("credentials must be a list of credentials")
    for index, credential in enumerate(credentials):
        if not isinstance(credential, Mapping) or "VerifiableCredential" not in _types(credential):
            raise MalformedDocumentError(
                "each presented credential is a JSON object whose type has VerifiableCredential",
                path=("verifiableCredential", index),
            )
    controller = key.verification_method.split("#", 1)[0]
    if holder is not None and holder != controller:
        raise ProofGenerationError(
            f"the holder {holder!r} does not control the key {key.verification_method!r}",
            path=("holder",),
        )
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        **({"id": id} if id is not None else {}),
        "holder": controller,
        "verifiableCredential": list(credentials),
    }
    return api.sign(
        presentation,
        key=key,
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        created=created,
        domain=domain,
        challenge=challenge,
        loader=loader,
    )


def _structure_problems(presentation: Any) -> list[Problem]:
    """The VP envelope on the raw JSON (VCDM 2.0 §4.13; VCDM 1.1 §4.10)."""
    if not isinstance(presentation, Mapping):
        return [Problem(_MALFORMED, "a presentation must be a JSON object", ())]
    problems = []
    contexts = _as_list(presentation.get("@context"))
    if not contexts or contexts[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        problems.append(
            Problem(_MALFORMED, f"the first @context must be {CREDENTIALS_V2}", ("@context",))
        )
    if "VerifiablePresentation" not in _types(presentation):
        problems.append(Problem(_MALFORMED, "type must include VerifiablePresentation", ("type",)))
    if "id" in presentation and not _is_url(presentation["id"]):
        problems.append(Problem(_MALFORMED, "id must be a URL", ("id",)))
    if "holder" in presentation and not _is_url(_holder_id(presentation)):
        problems.append(
            Problem(_MALFORMED, "holder must be a URL or an object whose id is a URL", ("holder",))
        )
    return problems


def _check_proof(
    presentation: Mapping[str, Any], **options: Any
) -> tuple[Check, tuple[ProofResult, ...]]:
    """DI §4.4 for every proof with purpose authentication; an unsigned VP fails as such."""
    results = verify_proofs(presentation, expected_proof_purpose="authentication", **options)
    if not results:
        unsigned = Problem(
            "PROOF_MISSING", "the presentation is unsigned: it has no proof", ("proof",)
        )
        return Check.from_problems("proof", [unsigned]), results
    problems = [p for r in results for p in r.problems]
    return Check.from_problems("proof", problems, details={"proofs": results}), results


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


def _self_asserted(credential: Any, result: VerificationResult, holder: str) -> VerificationResult:
    """A credential without a proof of its own whose issuer is the authenticated holder is
    secured by the presentation's proof (a self-asserted credential, VCDM 2.0 §4.13)."""
    if (
        not isinstance(credential, Mapping)
        or "proof" in credential
        or issuer_id(credential) != holder
    ):
        return result
    secured = {
        "proof": Check("proof", CheckStatus.PASSED, details={"securedBy": "presentation"}),
        "issuer": Check(
            "issuer", CheckStatus.PASSED, details={"issuer": holder, "controllers": [holder]}
        ),
    }
    checks = [secured.get(check.name, check) for check in result]
    return VerificationResult.from_checks(checks, credential, require=("proof",))


def _credential_results(
    presentation: Mapping[str, Any], holder: str | None, options: Mapping[str, Any]
) -> tuple[CredentialResult, ...]:
    """Each embedded credential verified like `verify()` would, named by index and id;
    `holder` is the holder the presentation's proof authenticated, if it did."""
    if "verifiableCredential" not in presentation:
        return ()
    embedded = presentation["verifiableCredential"]
    single = not isinstance(embedded, list)
    if len(_as_list(embedded)) > MAX_CREDENTIALS:
        return ()
    results = []
    for index, credential in enumerate(_as_list(embedded)):
        at: Path = ("verifiableCredential",) if single else ("verifiableCredential", index)
        identifier = credential.get("id") if isinstance(credential, Mapping) else None
        if _ENVELOPED in _types(credential):
            result = _enveloped(credential)
        else:
            result = api.verify(credential, **options)
            if holder is not None:
                result = _self_asserted(credential, result, holder)
        results.append(
            CredentialResult(index, identifier if isinstance(identifier, str) else None, at, result)
        )
    return tuple(results)


def _check_credentials(
    presentation: Mapping[str, Any], credentials: Sequence[CredentialResult]
) -> Check:
    """Verified only if every embedded credential is; a problem names each one that is not."""
    count = len(_as_list(presentation.get("verifiableCredential", [])))
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


def _check_options(verify_options: Mapping[str, Any]) -> None:
    accepted = set(inspect.signature(api.verify).parameters) - _OWN_OPTIONS
    unknown = sorted(set(verify_options) - accepted)
    if unknown:
        raise InvalidOptionError(f"verify() takes no option {unknown[0]!r} for the credentials")


def verify_presentation(
    presentation: Any,
    *,
    challenge: str,
    domain: str | Sequence[str] | None = None,
    loader: DocumentLoader | None = None,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
    **verify_options: Any,
) -> PresentationResult:
    """Verify a presentation offline; never raises on any JSON value, never mutates it.

    Checks: structure, contexts, proof (authentication purpose, `challenge`, `domain`),
    holder, credentials (each with `verify(..., **verify_options)`, e.g. `status_loader`,
    `profile`). An unsigned presentation fails with PROOF_MISSING; it is never verified.
    """
    _require_challenge(challenge)
    _check_options(verify_options)
    if now is not None and now.utcoffset() is None:
        raise InvalidOptionError("now must be an aware datetime (with a time zone)")
    loader = loader if loader is not None else api.default_loader()
    resolver = resolver if resolver is not None else resolve_did_key
    now = now or datetime.now(UTC)
    try:
        structure = Check.from_problems("structure", _structure_problems(presentation))
        if not isinstance(presentation, Mapping):
            return PresentationResult.of([structure])
        proof, proofs = _check_proof(
            presentation,
            resolver=resolver,
            loader=loader,
            now=now,
            domain=domain,
            challenge=challenge,
            max_clock_skew=max_clock_skew,
            cryptosuites=cryptosuites,
        )
        holder = _check_holder(presentation, proofs)
        authenticated = proof.status == CheckStatus.PASSED and holder.status == CheckStatus.PASSED
        credentials = _credential_results(
            presentation,
            _holder_id(presentation) if authenticated else None,
            {
                "loader": loader,
                "resolver": resolver,
                "now": now,
                "max_clock_skew": max_clock_skew,
                "cryptosuites": cryptosuites,
                **verify_options,
            },
        )
        checks = [
            structure,
            check_contexts(presentation, loader, proofs),
            proof,
            holder,
            _check_credentials(presentation, credentials),
        ]
        return PresentationResult.of(checks, presentation, credentials)
    except Exception as error:
        problem = Problem("VERIFICATION_ERROR", f"verification failed unexpectedly: {error!r}", ())
        return PresentationResult.of([Check.from_problems("verification", [problem])])
