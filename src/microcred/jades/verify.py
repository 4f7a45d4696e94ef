"""Verify a JAdES-sealed credential offline: format, integrity, certificate, issuer, validity,
and the RFC 3161 time-stamps the seal carries (a trusted sigTst/arcTst is proof of existence).

OCSP/CRL and EU trusted lists need the network; revocation is reported as unchecked unless a
caller's `SealValidator` decides it. See docs/jades.md for the trust policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from microcred.errors import InvalidOptionError
from microcred.jades.algorithms import ALGORITHMS, key_mismatch, verify_signature
from microcred.jades.certificates import (
    assess_certificate,
    certificate_defect,
    certification_path,
)
from microcred.jades.etsiu import UnsignedProperties, read_unsigned_properties
from microcred.jades.header import (
    certificate_digest,
    claimed_signing_time,
    issuer_serial_kid,
    read_x5c,
    seal_header_problems,
)
from microcred.jades.issuer import check_issuer_binding
from microcred.jades.jws import (
    FORMAT_ERROR,
    SignatureEntry,
    b64url_decode,
    parse_json,
    read_envelope,
    signing_input,
)
from microcred.jades.keystore import CertificateInput, load_certificates
from microcred.jades.revocation import check_revocation
from microcred.jades.timestamps import SignedParts, check_time_stamps
from microcred.jades.validators import SealContext, SealValidator, merge_checks, run_validators
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.validity import check_validity

__all__ = ["verify_seal"]

_REQUIRED = ("format", "integrity", "certificate", "issuer", "validity")
_ORDER = {n: i for i, n in enumerate((*_REQUIRED, "timestamps", "revocation"))}
_TIME_STAMPS = ("adoTst", "sigTst", "arcTst", "sigRTst", "rfsTst")  # TS 119 182-1 §5.2, §5.3


@dataclass(frozen=True, slots=True)
class _Signature:
    """One signature entry as read: decoded header, x5c chain, etsiU, and format findings."""

    entry: SignatureEntry
    header: Mapping[str, Any]
    chain: tuple[x509.Certificate, ...]
    unsigned: UnsignedProperties
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    signing_time: tuple[datetime, str] | None = None  # (claimed time, "sigT" or "iat")


def verify_seal(
    sealed: object,
    *,
    trust_anchors: CertificateInput | None = None,
    now: datetime | None = None,
    validators: Sequence[SealValidator] = (),
    max_clock_skew: timedelta = timedelta(minutes=5),
    timestamp_anchors: CertificateInput | None = None,
) -> VerificationResult:
    """Verify a JAdES seal (JWS JSON, b64:false) offline; never raises for any `sealed` value.

    `verified` is True only when format, integrity and validity pass, the credential's
    issuer is the organisation the seal certificate names ("issuer": eIDAS identifier = its
    organizationIdentifier, else legal name and country = O and C), AND the certificate
    chains, valid at the claimed signing time, to one of `trust_anchors`. Without anchors
    the "certificate" check is INDETERMINATE with CERTIFICATE_UNTRUSTED (details
    trust="untrusted") and `verified` is False even when the integrity check passed.
    RFC 3161 tokens (adoTst, sigTst, arcTst) are verified offline; their TSA certificates
    must chain to `timestamp_anchors` (default: `trust_anchors`), and only a trusted
    sigTst/arcTst is proof that the seal existed before its certificate expired.
    Revocation stays SKIPPED with a warning unless `validators` decide it.
    Raises InvalidOptionError / InvalidCertificateError only for misused options.
    """
    moment = _clock(now, max_clock_skew)
    anchors = load_certificates(trust_anchors) if trust_anchors is not None else ()
    tsa_anchors = anchors if timestamp_anchors is None else load_certificates(timestamp_anchors)
    envelope = read_envelope(sealed)
    if isinstance(envelope, Problem):
        return _result([Check.from_problems("format", [envelope])], None)
    payload, entries = envelope
    signatures = [_read_signature(entry) for entry in entries]
    credential, payload_problems = _read_payload(payload, signatures)
    format_check = Check.from_problems(
        "format",
        [*payload_problems, *(p for s in signatures for p in s.problems)],
        [w for s in signatures for w in s.warnings],
    )
    per_signature: list[Check] = []
    extra: list[Check] = []
    for s in signatures:
        if s.problems or s.signing_time is None:
            continue
        integrity = Check.from_problems("integrity", _integrity_problems(s, payload))
        parts = SignedParts(s.entry.protected, payload, s.entry.signature)
        pool = (*s.chain, *s.unsigned.certificates)
        stamps, proof = check_time_stamps(
            parts,
            s.header,
            s.unsigned,
            tsa_anchors,
            pool,
            s.signing_time[0],
            moment,
            max_clock_skew,
            s.entry.path,
        )
        certificate = assess_certificate(
            s.chain,
            s.unsigned.certificates,
            anchors,
            s.signing_time,
            moment,
            max_clock_skew,
            s.entry.path,
            proof if integrity.ok else None,
        )
        per_signature += [integrity, certificate, stamps]
        if certificate.status is CheckStatus.PASSED:  # a trusted path exists: its statuses
            found = certification_path(s.chain[0], list(pool[1:]), anchors, s.signing_time[0])
            if not isinstance(found, str):
                proven = proof is not None and integrity.ok
                best = proof if proof is not None and proven else s.signing_time[0]
                per_signature.append(
                    check_revocation(found, s.unsigned, pool, best, proven, s.entry.path)
                )
        if integrity.ok and credential is not None and certificate_defect(s.chain[0]) is None:
            per_signature.append(check_issuer_binding(credential, s.chain[0]))
        if integrity.ok and credential is not None and validators:
            context = SealContext(
                cast(Mapping[str, Any], sealed),
                s.entry.path,
                s.header,
                s.entry.header,
                payload,
                credential,
                s.chain,
                s.unsigned.certificates,
                s.signing_time[0],
                proof,
            )
            extra += run_validators(validators, context)
    checks = [format_check, *merge_checks([], per_signature)]
    if credential is not None:
        checks.append(check_validity(credential, moment, max_clock_skew, at=("payload",)))
    checks += _unchecked(signatures, {c.name for c in checks})
    return _result(merge_checks(checks, extra), credential)


def _read_signature(entry: SignatureEntry) -> _Signature:
    """Decode one protected header and its x5c; collect the format findings."""
    unsigned = read_unsigned_properties(entry.header, entry.path)
    at = (*entry.path, "protected")
    try:
        header = parse_json(b64url_decode(entry.protected))
        if not isinstance(header, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        problem = Problem(FORMAT_ERROR, f"protected header is not base64url JSON: {exc}", at)
        return _Signature(entry, {}, (), unsigned, (problem,), unsigned.warnings)
    problems, warnings = seal_header_problems(header, entry.header, entry.path)
    chain = read_x5c(header, at)
    if isinstance(chain, Problem):
        problems, chain = [*problems, chain], ()
    time = claimed_signing_time(header)
    signing_time = (time, "sigT" if "sigT" in header else "iat") if time else None
    warnings = [*warnings, *unsigned.warnings]
    return _Signature(
        entry, header, chain, unsigned, tuple(problems), tuple(warnings), signing_time
    )


def _read_payload(
    payload: str, signatures: Sequence[_Signature]
) -> tuple[Mapping[str, Any] | None, list[Problem]]:
    """The credential the payload holds (RFC 7797 §3): its JSON text when the headers say
    `b64: false` (listed in crit, which `seal_header_problems` enforces), else BASE64URL of it
    (b64 absent or true, the RFC 7515 default). Any other payload is a format problem."""
    modes = {s.header.get("b64", True) for s in signatures if not s.problems}
    if len(modes) > 1:
        return None, [Problem(FORMAT_ERROR, "signatures disagree on b64", ("signatures",))]
    if modes == {True}:
        try:
            text = b64url_decode(payload).decode("utf-8")
        except ValueError as exc:  # UnicodeDecodeError is a ValueError
            return None, [
                Problem(
                    FORMAT_ERROR,
                    f"payload is not BASE64URL of UTF-8 ({exc}); only a header with b64: false, "
                    "listed in crit, makes the payload unencoded JSON text (RFC 7797 §3, §6)",
                    ("payload",),
                )
            ]
    else:
        text = payload
    try:
        credential = parse_json(text)
    except ValueError as exc:
        return None, [Problem(FORMAT_ERROR, f"payload is not JSON: {exc}", ("payload",))]
    if not isinstance(credential, dict):
        return None, [Problem(FORMAT_ERROR, "payload is not a JSON object", ("payload",))]
    return credential, []


def _integrity_problems(s: _Signature, payload: str) -> list[Problem]:
    """The x5c leaf is the referenced signing certificate, and its key verifies the signature."""
    at, leaf = (*s.entry.path, "protected"), s.chain[0]
    name = s.header["alg"]
    try:
        key = leaf.public_key()
    except (UnsupportedAlgorithm, ValueError) as exc:
        return [
            Problem(
                "JADES_KEY_ALGORITHM_MISMATCH", f"unusable certificate key: {exc}", (*at, "x5c", 0)
            )
        ]
    mismatch = key_mismatch(name, key)
    if mismatch is not None:
        code = (
            "JADES_KEY_ALGORITHM_MISMATCH" if name in ALGORITHMS else "JADES_ALGORITHM_UNSUPPORTED"
        )
        return [Problem(code, mismatch, (*at, "alg"))]
    problems = []
    if s.header["x5t#S256"] != certificate_digest(leaf):
        problems.append(
            Problem(
                "JADES_CERTIFICATE_DIGEST_MISMATCH",
                "x5t#S256 does not match the x5c leaf",
                (*at, "x5t#S256"),
            )
        )
    if "kid" in s.header and s.header["kid"] != issuer_serial_kid(leaf):
        problems.append(
            Problem(
                "JADES_KID_MISMATCH", "kid is not the IssuerSerial of the x5c leaf", (*at, "kid")
            )
        )
    try:
        signature = b64url_decode(s.entry.signature)
    except ValueError:
        signature = b""
    if not verify_signature(name, key, signature, signing_input(s.entry.protected, payload)):
        problems.append(
            Problem(
                "JADES_SIGNATURE_INVALID",
                f"the {name} signature does not verify over the protected header and payload",
                (*s.entry.path, "signature"),
            )
        )
    return problems


def _unchecked(signatures: Iterable[_Signature], done: set[str]) -> list[Check]:
    """SKIPPED placeholders for what no signature's checks decided."""
    out = []
    if "timestamps" not in done:  # no signature was read far enough to check its tokens
        counts: dict[str, int] = {}
        for s in signatures:
            found = {**s.unsigned.counts, "adoTst": _token_count(s.header.get("adoTst"))}
            for name in _TIME_STAMPS:
                counts[name] = counts.get(name, 0) + found.get(name, 0)
        present = {name: n for name, n in counts.items() if n}
        out.append(Check("timestamps", CheckStatus.SKIPPED, details={"present": present}))
    if "revocation" in done:
        return out
    revocation = Problem(
        "REVOCATION_UNCHECKED",
        "certificate revocation (OCSP/CRL) was not checked: the seal certificate was not "
        "validated (no trusted path, or expired without proof of existence); pass "
        "trust_anchors and timestamp_anchors, or a SealValidator to check it online",
    )
    return [*out, Check("revocation", CheckStatus.SKIPPED, (), (revocation,))]


def _token_count(value: object) -> int:
    tokens = value.get("tstTokens") if isinstance(value, Mapping) else None
    return len(tokens) if isinstance(tokens, list) else 0


def _result(checks: list[Check], credential: Mapping[str, Any] | None) -> VerificationResult:
    """The verdict; required checks that never ran are listed as SKIPPED ("not reached")."""
    names = {c.name for c in checks}
    skipped = [
        Check(name, CheckStatus.SKIPPED, details={"reason": "not reached"})
        for name in _REQUIRED
        if name not in names
    ]
    ordered = sorted([*checks, *skipped], key=lambda c: _ORDER.get(c.name, len(_ORDER)))
    return VerificationResult.from_checks(ordered, credential, require=_REQUIRED)


def _clock(now: datetime | None, skew: timedelta) -> datetime:
    """`now` in UTC (default: the system clock), such that `now ± skew` is a datetime."""
    if now is None:
        now = datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidOptionError("now must be an aware datetime (e.g. datetime.now(UTC))")
    try:
        moment = now.astimezone(UTC)
        moment + skew, moment - skew  # the validity check computes both: may they overflow?
    except OverflowError:
        raise InvalidOptionError(
            f"now ± max_clock_skew ({now.isoformat()} ± {skew}) falls outside years 1-9999"
        ) from None
    return moment
