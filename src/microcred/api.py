"""issue / sign / verify: the public entry points, and the only place defaults are filled in.

Defaults: the bundled offline loader, the did:key resolver, the current UTC time, the four
W3C cryptosuites (plus legacy Ed25519Signature2020 for verification). Nothing here fetches.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from microcred.checks import check_contexts, check_issuer, check_structure
from microcred.did import KeyResolver, resolve_did_key
from microcred.errors import InvalidOptionError, MalformedDocumentError, ProofGenerationError
from microcred.eu_standard import PROFILES, Profile, check_eu_standard
from microcred.jsonld.loader import BundledLoader, DocumentLoader, chain
from microcred.jsonld.rdfc import WorkBudget
from microcred.keys import Signer
from microcred.proofs import VERIFY_SUITES, add_proof, verify_proofs
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.status_check import (
    STATUS_POLICIES,
    ListVerifier,
    StatusListLoader,
    StatusPolicy,
    check_status,
)
from microcred.suites import CRYPTOSUITES, Cryptosuite
from microcred.validity import check_validity

if TYPE_CHECKING:
    from microcred.model import MicroCredential

__all__ = ["default_loader", "issue", "pinned_first", "sign", "verify"]


@cache
def default_loader() -> BundledLoader:
    """The shared bundled loader; it caches processed contexts, so reuse makes JSON-LD fast."""
    return BundledLoader()


def pinned_first(loader: DocumentLoader | None) -> DocumentLoader:
    """The loader verification uses: the bundled contexts first, so a caller's loader can add
    contexts but never replace a pinned one (a BundledLoader, or a chain that starts with
    one, is used as it is: its pins are the caller's explicit choice)."""
    if loader is None:
        return default_loader()
    first = getattr(loader, "loaders", (loader,))[0]
    return loader if isinstance(first, BundledLoader) else chain(default_loader(), loader)


def _controller(verification_method: str) -> str:
    """The controller a verification method URL belongs to: the URL without its fragment."""
    return verification_method.split("#", 1)[0]


_MAX_JSON_DEPTH = 512


class _NotJson(Exception):
    """A value that is not plain JSON; the path is filled in on the way out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.path: list[str | int] = []


def _json_copy(document: Any) -> dict[str, Any]:
    """A deep copy in json.loads's data model that proves the document is plain JSON
    (str keys; no NaN, Infinity or Python objects)."""
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a document to sign must be a JSON object")
    try:
        return _plain(document, 0)  # type: ignore[no-any-return]
    except _NotJson as error:
        message = f"the document is not plain JSON: {error}"
        raise MalformedDocumentError(message, path=tuple(reversed(error.path))) from None


def _plain(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if depth >= _MAX_JSON_DEPTH:
        raise _NotJson(f"nested deeper than {_MAX_JSON_DEPTH} levels (or cyclic)")
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotJson(f"object key {key!r} is not a string")
            try:
                copied[str(key)] = _plain(item, depth + 1)
            except _NotJson as error:
                error.path.append(key)
                raise
        return copied
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_plain(item, depth + 1))
            except _NotJson as error:
                error.path.append(index)
                raise
        return items
    return _plain_scalar(value)


def _plain_scalar(value: Any) -> Any:
    """Subclasses (str and int enums, bool) become their plain JSON value; floats are finite."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotJson(f"{value} is not a JSON number")
        return float(value)
    raise _NotJson(f"a {type(value).__name__} is not a JSON value")


def sign(
    document: Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    expires: datetime | None = None,
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    proof_id: str | None = None,
    loader: DocumentLoader | None = None,
    cryptosuites: Mapping[str, Cryptosuite] = CRYPTOSUITES,
) -> dict[str, Any]:
    """Add a Data Integrity proof to any JSON-LD document; returns a new dict (DI §4.2-4.3)."""
    return add_proof(
        _json_copy(document),
        signer=key,
        loader=loader if loader is not None else default_loader(),
        cryptosuite=cryptosuite,
        proof_purpose=proof_purpose,
        created=created,
        expires=expires,
        domain=domain,
        challenge=challenge,
        previous_proof=previous_proof,
        proof_id=proof_id,
        cryptosuites=cryptosuites,
    )


def issue(
    micro_credential: MicroCredential | Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    loader: DocumentLoader | None = None,
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Issue a signed VC 2.0 micro-credential: validate, map to ELM JSON-LD, sign.

    The issuer is the key's controller; a micro-credential naming another issuer is refused
    (it could never pass the issuer check of `verify`). `status`: one credentialStatus entry
    or a list of them (e.g. `microcred.status_entry(...)`), signed with the credential.
    """
    from microcred.bindings.elm import to_credential  # the model loads pydantic: only here
    from microcred.model import MicroCredential

    mc = (
        micro_credential
        if isinstance(micro_credential, MicroCredential)
        else MicroCredential.parse(micro_credential)
    )
    controller = _controller(key.verification_method)
    if mc.issuer.id is None:
        mc = mc.with_issuer_id(controller)
    elif mc.issuer.id != controller:
        raise ProofGenerationError(
            f"the issuer {mc.issuer.id!r} does not control the key {key.verification_method!r}",
            path=("issuer", "id"),
        )
    credential = to_credential(mc)
    if status is not None:
        credential["credentialStatus"] = _status_entries(status)
    return sign(credential, key=key, cryptosuite=cryptosuite, created=created, loader=loader)


def _status_entries(status: Any) -> Any:
    """`credentialStatus` from one entry (an object) or several (a list), checked for shape."""
    entries = [status] if isinstance(status, Mapping) else status
    if (
        isinstance(entries, (str, bytes))
        or not isinstance(entries, Sequence)
        or not entries
        or not all(isinstance(e, Mapping) and "type" in e for e in entries)
    ):
        raise InvalidOptionError("status must be a credentialStatus entry (with a type) or a list")
    return dict(status) if isinstance(status, Mapping) else [dict(e) for e in entries]


def _is_sealed(document: Any) -> bool:
    """A JWS JSON serialization (JAdES) rather than a credential with an embedded proof."""
    if not isinstance(document, Mapping) or "payload" not in document:
        return False
    from microcred.jades import is_jades

    return is_jades(document)


def _check_proofs(document: Mapping[str, Any], **options: Any) -> tuple[Check, tuple[Any, ...]]:
    results = verify_proofs(document, **options)
    if not results:
        missing = Problem("PROOF_VERIFICATION_ERROR", "the credential carries no proof", ("proof",))
        return Check.from_problems("proof", [missing]), results
    problems = [p for r in results for p in r.problems]
    return Check.from_problems("proof", problems, details={"proofs": results}), results


def _verify(
    document: Any,
    *,
    loader: DocumentLoader,
    resolver: KeyResolver,
    now: datetime,
    skew: timedelta,
    profile: Profile,
    proof_options: Mapping[str, Any],
    status: _Status | None,
    budget: WorkBudget,
) -> VerificationResult:
    structure = check_structure(document)
    if not isinstance(document, Mapping):
        return VerificationResult.from_checks([structure])
    proof, results = _check_proofs(
        document,
        resolver=resolver,
        loader=loader,
        now=now,
        max_clock_skew=skew,
        budget=budget,
        **proof_options,
    )
    contexts = check_contexts(document, loader, results)
    issuer = check_issuer(document, results)
    authentic = all(c.status == CheckStatus.PASSED for c in (structure, contexts, proof, issuer))
    checks = [
        structure,
        contexts,
        proof,
        issuer,
        check_validity(document, now, skew),
        _check_status(document, status, authentic),
        check_eu_standard(document, profile),
    ]
    return VerificationResult.from_checks(checks, document, require=("proof",))


def _verify_sealed(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader,
    now: datetime,
    skew: timedelta,
    profile: Profile,
    trust_anchors: Any,
    seal_validators: Sequence[Any],
    status: _Status,
) -> VerificationResult:
    """A JAdES-sealed credential (Europass EDC): the seal's checks, then the credential's own
    checks on the payload, with paths under "payload"."""
    from microcred.jades import read_payload, verify_seal

    seal = verify_seal(
        document,
        trust_anchors=trust_anchors,
        now=now,
        validators=seal_validators,
        max_clock_skew=skew,
    )
    checks = list(seal)
    credential = read_payload(document)
    if isinstance(credential, Mapping):
        structure = check_structure(credential)
        contexts = check_contexts(credential, loader, signed_as_text=True)
        sealed = all(
            name in seal.checks and seal.checks[name].status in _DECIDED
            for name in ("integrity", "certificate")
        )
        authentic = sealed and structure.ok and contexts.ok
        checks += [
            check.under("payload")
            for check in (
                structure,
                contexts,
                _check_status(credential, status, authentic),
                check_eu_standard(credential, profile),
            )
        ]
    return VerificationResult.from_checks(
        checks,
        credential if isinstance(credential, Mapping) else None,
        require=("integrity", "certificate"),
    )


_DECIDED = (CheckStatus.PASSED, CheckStatus.WARNING)


@dataclass(frozen=True, slots=True)
class _Status:
    """How credentialStatus is checked: the caller's list loader and policy, and `verify`
    without the status check for the list credentials themselves."""

    loader: StatusListLoader | None
    policy: StatusPolicy
    verify_list: ListVerifier
    authorities: frozenset[str] = frozenset()


def _check_status(document: Mapping[str, Any], status: _Status | None, authentic: bool) -> Check:
    """The "status" check (microcred.status_check), run only for an `authentic` credential
    (its proof, issuer binding, structure and form passed), so an unsigned or forged document
    never makes the caller's status loader fetch anything. `status` None marks a status list,
    whose own status is not followed (no recursion)."""
    if status is None:
        reason = "a status list's own status is not checked"
        return Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    if not authentic:
        reason = "not checked: the credential is not authentic (see the failed checks)"
        return Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    return check_status(
        document,
        status_loader=status.loader,
        verify_list=status.verify_list,
        policy=status.policy,
        authorities=status.authorities,
    )


def _check_clock(now: datetime, skew: timedelta) -> None:
    """Every check compares dates with now ± skew: both must be date-times Python holds."""
    try:
        if now - skew > now + skew:
            raise InvalidOptionError("max_clock_skew must not be negative")
    except (OverflowError, TypeError):
        raise InvalidOptionError("now ± max_clock_skew must be a date-time Python holds") from None


def verify(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    expected_proof_purpose: str = "assertionMethod",
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
    profile: Profile = "default",
    trust_anchors: Any = None,
    seal_validators: Sequence[Any] = (),
    status_loader: StatusListLoader | None = None,
    status_policy: StatusPolicy = "strict",
    status_authorities: Collection[str] = (),
) -> VerificationResult:
    """Verify a credential offline; never raises on any JSON value, never mutates it.

    Checks: structure, contexts, proof (every proof), issuer, validity, status, eu_standard.
    `verified` is true only when every proof verifies and no check failed.

    Status (Bitstring Status List): `status_loader` maps a status list URL to its list
    credential (e.g. `microcred.status_dir_loader(folder)`); each list is loaded once and
    verified with these same options. Revoked or suspended fails; a status that cannot be
    decided (no loader, load failure, invalid list, ...) is "indeterminate", which is not
    verified unless `status_policy="allow-indeterminate"` (then the check is a warning).
    A list counts when the credential's issuer issued it (its proof and issuer binding
    verified), or one of the `status_authorities` (issuer ids you trust to publish status for
    other issuers). An entry that cannot be read as written fails under any policy; status is
    read only for a credential whose proof and issuer binding verified.

    Contexts: the bundled ones are always asked first; `loader` adds others. The document
    must be in canonical compacted JSON-LD form (docs/security.md). Limits per call: 32
    proofs, 16 status entries, one RDFC work budget shared by every proof and status list.

    A JAdES-sealed credential (a Europass EDC) is recognised and checked as a seal instead
    (format, integrity, certificate, validity, timestamps, revocation; see
    `microcred.jades.verify_seal`) plus the payload's structure, contexts, status and
    eu_standard. Its `verified` needs the seal certificate to chain to one of
    `trust_anchors` (certificates, PEM or DER); without anchors it is "untrusted".
    """
    if now is not None and now.utcoffset() is None:
        raise InvalidOptionError("now must be an aware datetime (with a time zone)")
    _check_clock(now or datetime.now(UTC), max_clock_skew)
    if profile not in PROFILES:
        raise InvalidOptionError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    if status_policy not in STATUS_POLICIES:
        raise InvalidOptionError(
            f"unknown status_policy {status_policy!r} (known: {', '.join(STATUS_POLICIES)})"
        )
    loader = pinned_first(loader)
    resolver = resolver if resolver is not None else resolve_did_key
    now = now or datetime.now(UTC)
    budget = WorkBudget()  # one verify() call's RDFC work, status lists included
    verify_list = partial(
        _verify,
        loader=loader,
        resolver=resolver,
        now=now,
        skew=max_clock_skew,
        profile="default",
        proof_options={"cryptosuites": cryptosuites},
        status=None,
        budget=budget,
    )
    if isinstance(status_authorities, str) or not all(
        isinstance(a, str) for a in status_authorities
    ):
        raise InvalidOptionError("status_authorities must be a collection of issuer ids")
    status = _Status(status_loader, status_policy, verify_list, frozenset(status_authorities))
    try:
        if _is_sealed(document):
            return _verify_sealed(
                document,
                loader=loader,
                now=now,
                skew=max_clock_skew,
                profile=profile,
                trust_anchors=trust_anchors,
                seal_validators=seal_validators,
                status=status,
            )
        return _verify(
            document,
            loader=loader,
            resolver=resolver,
            now=now,
            skew=max_clock_skew,
            profile=profile,
            proof_options={
                "expected_proof_purpose": expected_proof_purpose,
                "domain": domain,
                "challenge": challenge,
                "cryptosuites": cryptosuites,
            },
            status=status,
            budget=budget,
        )
    except Exception as error:
        problem = Problem("VERIFICATION_ERROR", f"verification failed unexpectedly: {error!r}", ())
        return VerificationResult.from_checks([Check.from_problems("verification", [problem])])
