"""The "revocation" check of a seal decided offline from the CRLs and OCSP responses it embeds
(`etsiU` `rVals`, ETSI TS 119 182-1 §5.3.5.2): the status of each certificate of the seal's
path at the best signature time, as ETSI EN 319 102-1 §5.2.6 asks.

Only data whose signature verifies under the certificate's issuer (or an OCSP responder the
issuer delegated to, RFC 6960 §4.2.2.2) counts: `rVals` is unsigned, anyone can add to it.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.x509 import ocsp

from microcred.errors import Path
from microcred.jades.etsiu import UnsignedProperties
from microcred.jades.ocsp import GOOD, load_ocsp, ocsp_status
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
_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    UnsupportedAlgorithm,
    binascii.Error,
    x509.InvalidVersion,
)


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
                *(_from_ocsp(ocsp_status(r, certificate, issuer, pool, at)) for r in responses),
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
        for kind, loader in (("crlVals", x509.load_der_x509_crl), ("ocspVals", load_ocsp)):
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


def _may_sign_crls(issuer: x509.Certificate) -> bool:
    try:
        return bool(issuer.extensions.get_extension_for_class(x509.KeyUsage).value.crl_sign)
    except x509.ExtensionNotFound:
        return True  # RFC 5280 §4.2.1.3: without keyUsage, no restriction


def _from_ocsp(answer: datetime | str | None) -> _Status | None:
    """An OCSP answer as a status: revoked at a time, good, or none."""
    if isinstance(answer, datetime):
        return _Status(answer, "OCSP")
    return _Status(None, "OCSP") if answer == GOOD else None
