"""Offline check of a seal's signing certificate: a claimed signing time not in the future,
validity at that time, an end-entity certificate whose key usage allows seals, and a
certification path to a trust anchor the caller supplies (RFC 5280 §6 via cryptography).

Trust is never inferred from the document: without anchors the certificate is "untrusted" and
the check is INDETERMINATE. Revocation (OCSP/CRL) and EU trusted lists are out of scope here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from microcred.errors import Path
from microcred.result import Check, CheckStatus, Problem
from microcred.timestamps import format_timestamp

__all__ = ["assess_certificate", "certificate_defect", "certification_path"]

_MAX_DEPTH = 8


def assess_certificate(
    chain: Sequence[x509.Certificate],
    pool: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    signing_time: tuple[datetime, str],
    now: datetime,
    max_clock_skew: timedelta,
    path: Path,
    proof: datetime | None = None,
) -> Check:
    """The "certificate" check of one signature whose x5c is `chain` (leaf first).

    `pool` holds further certificates the seal carries (etsiU xVals) for path building, and it
    and `anchors` hold only certificates `certificate_defect` passed; `signing_time` is the
    claimed (moment, header name), e.g. (…, "sigT"): JAdES baseline-B requires one, so
    certificates are judged at it. It may not lie after `now` + `max_clock_skew`, and `now`
    otherwise only adds an expiry warning. `proof` is the genTime of a verified, trusted
    sigTst/arcTst: proof that the seal existed then (ETSI EN 319 102-1 §5.6.2.2), which keeps
    a certificate expired since valid when it falls within the certificate's validity.
    """
    at = (*path, "protected", "x5c")
    malformed = [
        Problem("CERTIFICATE_MALFORMED", f"unreadable certificate: {defect}", (*at, i))
        for i, defect in enumerate(map(certificate_defect, chain))
        if defect is not None
    ]
    if malformed:
        return Check(
            "certificate", CheckStatus.FAILED, tuple(malformed), details={"trust": "untrusted"}
        )
    leaf, (moment, source) = chain[0], signing_time
    details: dict[str, object] = {
        "trust": "untrusted",
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "not_before": format_timestamp(leaf.not_valid_before_utc),
        "not_after": format_timestamp(leaf.not_valid_after_utc),
        "validated_at": format_timestamp(moment),
        "time_source": source,
    }
    problems: list[Problem] = []
    if moment - now > max_clock_skew:  # a difference cannot overflow near year 1 or 9999
        problems.append(
            Problem(
                "JADES_SIGNING_TIME_IN_FUTURE",
                f"the claimed signing time ({source}) is later than now plus the allowed "
                f"clock skew ({max_clock_skew}): certificates cannot be judged at it",
                (*path, "protected", source),
            )
        )
    problems += _leaf_problems(leaf, moment, (*at, 0))
    warnings: list[Problem] = []
    expired = not problems and now > leaf.not_valid_after_utc
    proven = proof is not None and proof <= leaf.not_valid_after_utc
    if expired and proven:
        assert proof is not None
        details["proof_of_existence"] = format_timestamp(proof)
        expired = False
    elif expired:
        late = f" (the trusted time-stamp of {format_timestamp(proof)} is later)" if proof else ""
        warnings.append(
            Problem(
                "CERTIFICATE_EXPIRED_SINCE_SIGNING",
                f"valid at the claimed signing time ({source}) but expired since, and no "
                "verified signature time-stamp proves the seal existed before it expired"
                f"{late} (ETSI EN 319 102-1: no proof of existence): indeterminate",
                (*at, 0),
            )
        )
    if problems:
        return Check("certificate", CheckStatus.FAILED, tuple(problems), tuple(warnings), details)
    if not anchors:
        problem = Problem(
            "CERTIFICATE_UNTRUSTED",
            "no trust anchors given: the sealer's certificate chain was not checked (untrusted)",
            (*at, 0),
        )
        return Check("certificate", CheckStatus.INDETERMINATE, (problem,), tuple(warnings), details)
    outcome = certification_path(leaf, [*chain[1:], *pool], anchors, moment)
    if isinstance(outcome, str):
        reachable = _reaches_anchor(leaf, [*chain[1:], *pool], anchors)
        problem = Problem(
            "CERTIFICATE_CHAIN_INVALID" if reachable else "CERTIFICATE_UNTRUSTED",
            f"no valid certification path to a trust anchor: {outcome}",
            (*at, 0),
        )
        return Check("certificate", CheckStatus.FAILED, (problem,), tuple(warnings), details)
    details.update(trust="trusted", path=[c.subject.rfc4514_string() for c in outcome])
    if expired:  # a claimed sigT/iat alone is no proof of existence before the expiry
        return Check("certificate", CheckStatus.INDETERMINATE, tuple(warnings), (), details)
    return Check.from_problems("certificate", (), warnings, details)


def certificate_defect(certificate: x509.Certificate) -> str | None:
    """Why the names, extensions or dates of a parsed certificate cannot be read, else None.

    cryptography decodes these lazily and raises on first access: reading them once here makes
    later reads safe.
    """
    try:
        certificate.subject.rfc4514_string()
        certificate.issuer.rfc4514_string()
        len(certificate.extensions)
        format_timestamp(certificate.not_valid_before_utc)
        format_timestamp(certificate.not_valid_after_utc)
    except (
        ValueError,  # e.g. a Name value of a non-string ASN.1 type
        TypeError,  # e.g. a BIT STRING value under another OID than x500UniqueIdentifier
        x509.DuplicateExtension,
        x509.UnsupportedGeneralNameType,
    ) as exc:
        return str(exc)
    return None


def _leaf_problems(leaf: x509.Certificate, moment: datetime, at: Path) -> list[Problem]:
    """Validity at `moment`, and fit for sealing: an end-entity certificate (RFC 5280
    §4.2.1.9) whose keyUsage allows digitalSignature or nonRepudiation (§4.2.1.3)."""
    problems = []
    if moment < leaf.not_valid_before_utc:
        problems.append(Problem("CERTIFICATE_NOT_YET_VALID", "not valid yet at signing time", at))
    if moment > leaf.not_valid_after_utc:
        problems.append(Problem("CERTIFICATE_EXPIRED", "expired before the signing time", at))
    extensions = leaf.extensions
    try:
        is_ca = extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if is_ca:
        problems.append(
            Problem(
                "CERTIFICATE_NOT_END_ENTITY",
                "the sealing certificate is a CA certificate (basicConstraints cA=TRUE); "
                "a seal needs an end-entity certificate",
                at,
            )
        )
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not (usage.digital_signature or usage.content_commitment):
        problems.append(
            Problem(
                "CERTIFICATE_KEY_USAGE_INVALID",
                "keyUsage must allow digitalSignature or nonRepudiation (contentCommitment)"
                + ("; the certificate has no keyUsage extension" if usage is None else ""),
                at,
            )
        )
    return problems


def certification_path(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    moment: datetime,
) -> list[x509.Certificate] | str:
    """The verified path leaf → anchor, or why none exists.

    CA certificates follow the Web PKI profile of `cryptography` (basicConstraints, keyCertSign,
    path length, validity at `moment`); the leaf's extensions are checked by `_leaf_problems`,
    since e-seal certificates need not carry a SAN or an extended key usage. Self-issued
    certificates (a root the seal carries) only end a path, so only `anchors` may hold them:
    as intermediates they would let the builder loop until its depth or signature limit.
    """
    intermediates = [c for c in intermediates if c.subject != c.issuer]
    der = leaf.public_bytes(Encoding.DER)
    if any(a.public_bytes(Encoding.DER) == der for a in anchors):
        return [leaf]  # the caller pinned this very certificate
    builder = (
        PolicyBuilder()
        .store(Store(list(anchors)))
        .time(moment)
        .max_chain_depth(_MAX_DEPTH)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
    )
    try:
        return list(builder.build_client_verifier().verify(leaf, intermediates).chain)
    except (VerificationError, ValueError) as exc:
        return str(exc)


def _reaches_anchor(
    leaf: x509.Certificate, pool: list[x509.Certificate], anchors: Sequence[x509.Certificate]
) -> bool:
    """Whether issuer names alone lead from `leaf` to an anchor (to tell broken from unknown)."""
    anchor_names = {a.subject for a in anchors}
    current = leaf
    for _ in range(_MAX_DEPTH):
        if current.issuer in anchor_names:
            return True
        parents = [c for c in pool if c.subject == current.issuer and c is not current]
        if not parents:
            return False
        current = parents[0]
    return False
