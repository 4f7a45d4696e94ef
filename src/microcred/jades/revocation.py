"""The "revocation" check of a seal decided offline from the CRLs and OCSP responses it embeds
(`etsiU` `rVals`, ETSI TS 119 182-1 §5.3.5.2): the status of each certificate of the seal's
path at the best signature time, as ETSI EN 319 102-1 §5.2.6 asks.

Only data whose signature verifies under the certificate's issuer (or an OCSP responder the
issuer delegated to, RFC 6960 §4.2.2.2) counts: `rVals` is unsigned, anyone can add to it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from microcred.errors import Path
from microcred.jades.etsiu import UnsignedProperties
from microcred.result import Check, CheckStatus, Problem
from microcred.timestamps import format_timestamp

__all__ = [
    "MAX_VALUES",
    "RevocationValues",
    "check_revocation",
    "path_revocation",
    "read_revocation_values",
]

MAX_VALUES = 32  # CRLs + OCSP responses read per signature
_ERRORS = (ValueError, TypeError, KeyError, UnsupportedAlgorithm, binascii.Error)


@dataclass(frozen=True, slots=True)
class _Status:
    """One certificate's status from one verified source."""

    revoked_at: datetime | None  # None: not revoked
    source: str  # "CRL" or "OCSP"


def check_revocation(
    path: Sequence[x509.Certificate],
    unsigned: UnsignedProperties,
    pool: Sequence[x509.Certificate],
    best_time: datetime,
    proven: bool,
    at: Path,
) -> Check:
    """The revocation status of every certificate of `path` (leaf first, anchor last) at
    `best_time`: the proven time of existence when `proven`, else the claimed signing time.

    A revocation before `best_time` fails; one after it fails too unless a trusted time-stamp
    proves the seal existed before it (then a warning). A certificate without usable data is
    unchecked, which is SKIPPED for the seal certificate and a warning for a CA's.
    """
    values = read_revocation_values(unsigned, at)
    where = (*at, "protected", "x5c", 0)
    problems: list[Problem] = []
    notes: list[Problem] = list(values[2])
    decided: list[dict[str, Any]] = []
    unchecked: list[str] = []
    for position, (certificate, moment, sources) in enumerate(
        path_revocation(path, values, pool, best_time)
    ):
        name = certificate.subject.rfc4514_string()
        if not sources:
            unchecked.append(name)
            continue
        status = "good" if moment is None else "revoked"
        decided.append({"certificate": name, "status": status, "sources": sources})
        if moment is None:
            continue
        message = f"{name} was revoked on {format_timestamp(moment)} ({', '.join(sources)})"
        if moment <= best_time or not proven:
            problems.append(Problem("CERTIFICATE_REVOKED", message, where if position == 0 else at))
        else:
            notes.append(
                Problem(
                    "CERTIFICATE_REVOKED_SINCE_SIGNING",
                    f"{message}, after the time-stamp that proves the seal existed",
                    where if position == 0 else at,
                )
            )
    details = {
        "at": format_timestamp(best_time),
        "time_source": "time-stamp" if proven else "claimed",
        "certificates": decided,
        "unchecked": unchecked,
    }
    if problems:
        return Check("revocation", CheckStatus.FAILED, tuple(problems), tuple(notes), details)
    if len(path) < 2 or path[0].subject.rfc4514_string() in unchecked:
        notes.append(
            Problem(
                "REVOCATION_UNCHECKED",
                "no embedded CRL or OCSP response (etsiU rVals) valid for the seal certificate "
                "at the signing time; pass a SealValidator to check revocation online",
                where,
            )
        )
        return Check("revocation", CheckStatus.SKIPPED, (), tuple(notes), details)
    if unchecked:
        notes.append(
            Problem(
                "REVOCATION_UNCHECKED",
                f"no embedded revocation data for {', '.join(unchecked)}",
                at,
            )
        )
    return Check.from_problems("revocation", (), notes, details)


RevocationValues = tuple[
    list[x509.CertificateRevocationList], list[ocsp.OCSPResponse], list[Problem]
]


def path_revocation(
    path: Sequence[x509.Certificate],
    values: RevocationValues,
    pool: Sequence[x509.Certificate],
    at: datetime,
) -> list[tuple[x509.Certificate, datetime | None, list[str]]]:
    """(certificate, earliest verified revocation or None, sources) for each certificate of
    `path` but the anchor, from the values that verify and cover `at`; no sources:
    unchecked. One verified revocation wins over any number of "good" answers."""
    crls, responses, _ = values
    out = []
    for certificate, issuer in itertools.pairwise(path):
        found = [
            s
            for s in (
                *(_crl_status(crl, certificate, issuer, at) for crl in crls),
                *(_ocsp_status(r, certificate, issuer, pool, at) for r in responses),
            )
            if s is not None
        ]
        revoked = [s.revoked_at for s in found if s.revoked_at is not None]
        out.append(
            (certificate, min(revoked) if revoked else None, sorted({s.source for s in found}))
        )
    return out


def read_revocation_values(unsigned: UnsignedProperties, at: Path) -> RevocationValues:
    """The readable CRLs and OCSP responses of every `rVals` item, at most MAX_VALUES, and
    warnings for the rest."""
    crls: list[x509.CertificateRevocationList] = []
    responses: list[ocsp.OCSPResponse] = []
    warnings: list[Problem] = []
    count = 0
    for item in unsigned.items:
        if item.name != "rVals" or not isinstance(item.value, Mapping):
            continue
        for kind, loader in (("crlVals", x509.load_der_x509_crl), ("ocspVals", _load_ocsp)):
            entries = item.value.get(kind, [])
            for i, entry in enumerate(entries if isinstance(entries, list) else []):
                where = (*at, "header", "etsiU", item.index, "rVals", kind, i)
                count += 1
                if count > MAX_VALUES:
                    warnings.append(Problem("REVOCATION_DATA_INVALID", "too many values", where))
                    return crls, responses, warnings
                try:
                    raw = entry["val"] if isinstance(entry, Mapping) else None
                    if not isinstance(raw, str):
                        raise ValueError("no base64 val")
                    value = loader(base64.b64decode(raw, validate=True))
                except _ERRORS as exc:
                    warnings.append(Problem("REVOCATION_DATA_INVALID", f"unreadable: {exc}", where))
                    continue
                if isinstance(value, x509.CertificateRevocationList):
                    crls.append(value)
                else:
                    responses.append(value)
    return crls, responses, warnings


def _load_ocsp(der: bytes) -> ocsp.OCSPResponse:
    response = ocsp.load_der_ocsp_response(der)
    if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise ValueError(f"OCSP response status {response.response_status.name}")
    return response


def _crl_status(
    crl: x509.CertificateRevocationList,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    at: datetime,
) -> _Status | None:
    """The status a CRL signed by `issuer` gives `certificate` at `at`, if it covers `at`."""
    try:
        if crl.issuer != certificate.issuer or not _may_sign_crls(issuer):
            return None
        if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            return None
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None:
            return _Status(entry.revocation_date_utc, "CRL")
        current = crl.next_update_utc is not None and at <= crl.next_update_utc
        return _Status(None, "CRL") if crl.last_update_utc >= at or current else None
    except _ERRORS:
        return None


def _ocsp_status(
    response: ocsp.OCSPResponse,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    pool: Sequence[x509.Certificate],
    at: datetime,
) -> _Status | None:
    """The status a verified OCSP response gives `certificate` at `at`, if it covers `at`.
    A response may answer for several certificates (RFC 6960 §4.2.1): its single response
    on this one (serial, issuer name and key hashes) counts."""
    try:
        single = next((r for r in response.responses if _answers(r, certificate, issuer)), None)
        if single is None:
            return None
        responder = _responder(response, issuer, (*response.certificates, *pool))
        if responder is None or not _signed_by(responder, response):
            return None
        status = single.certificate_status
        if status is ocsp.OCSPCertStatus.REVOKED and single.revocation_time_utc is not None:
            return _Status(single.revocation_time_utc, "OCSP")
        if status is not ocsp.OCSPCertStatus.GOOD:
            return None
        next_update = single.next_update_utc
        current = next_update is not None and single.this_update_utc <= at <= next_update
        return _Status(None, "OCSP") if single.this_update_utc >= at or current else None
    except _ERRORS:
        return None


def _answers(
    single: ocsp.OCSPSingleResponse, certificate: x509.Certificate, issuer: x509.Certificate
) -> bool:
    """Whether a single response's CertID names `certificate` as issued by `issuer`."""
    name = single.hash_algorithm.name
    return (
        single.serial_number == certificate.serial_number
        and single.issuer_key_hash == _key_hash(issuer, name)
        and single.issuer_name_hash == hashlib.new(name, issuer.subject.public_bytes()).digest()
    )


def _responder(
    response: ocsp.OCSPResponse, issuer: x509.Certificate, candidates: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    """The CA itself, or a responder it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)."""
    for candidate in (issuer, *candidates):
        if response.responder_name is not None:
            if candidate.subject != response.responder_name:
                continue
        elif response.responder_key_hash != _key_hash(candidate, "sha1"):
            continue
        if candidate.public_bytes(Encoding.DER) == issuer.public_bytes(Encoding.DER):
            return candidate
        try:
            usage = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            if ExtendedKeyUsageOID.OCSP_SIGNING not in usage:
                continue
            candidate.verify_directly_issued_by(issuer)
        except (x509.ExtensionNotFound, InvalidSignature, *_ERRORS):
            continue
        produced = response.produced_at_utc
        if candidate.not_valid_before_utc <= produced <= candidate.not_valid_after_utc:
            return candidate
    return None


def _signed_by(responder: x509.Certificate, response: ocsp.OCSPResponse) -> bool:
    algorithm = response.signature_hash_algorithm
    key = responder.public_key()
    try:
        if algorithm is None:
            return False
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(
                response.signature, response.tbs_response_bytes, padding.PKCS1v15(), algorithm
            )
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except (InvalidSignature, *_ERRORS):
        return False
    return True


def _may_sign_crls(issuer: x509.Certificate) -> bool:
    try:
        return bool(issuer.extensions.get_extension_for_class(x509.KeyUsage).value.crl_sign)
    except x509.ExtensionNotFound:
        return True  # RFC 5280 §4.2.1.3: without keyUsage, no restriction


def _key_hash(certificate: x509.Certificate, name: str) -> bytes:
    """Hash of the subjectPublicKey BIT STRING value (RFC 6960 §4.1.1 issuerKeyHash)."""
    from asn1crypto import keys  # only for seals that embed OCSP responses

    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    bits = keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]  # after the unused-bits byte
    return hashlib.new(name, bits).digest()
