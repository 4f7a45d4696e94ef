"""The JAdES protected header (ETSI TS 119 182-1 §5.1–5.2) on top of JWS (RFC 7515 §4.1).

Builds the header of a baseline-B seal and reads one back: the signing-certificate references
(`x5t#S256`, `kid` as IssuerSerial, `x5c`), the claimed signing time (`iat`, which TS 119 182-1
V1.2.1 requires, or the deprecated `sigT`) and the `crit` rules of RFC 7515 §4.1.11 and
RFC 7797 §6.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from microcred.errors import Path
from microcred.jades.jws import FORMAT_ERROR
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import Problem
from microcred.timestamps import format_timestamp

__all__ = [
    "UNDERSTOOD_CRITICAL",
    "SigningTimeHeader",
    "certificate_digest",
    "claimed_signing_time",
    "issuer_serial_kid",
    "protected_header",
    "read_x5c",
    "seal_header_problems",
]

# Header parameters this verifier processes when a seal marks them critical. `adoTst` is
# understood as "a content time-stamp is present", reported unchecked by the timestamps check.
UNDERSTOOD_CRITICAL = frozenset({"b64", "sigT", "iat", "adoTst"})
# RFC 7515 §4.1.11: crit MUST NOT name parameters defined by RFC 7515 / RFC 7518 themselves.
_JWS_REGISTERED = frozenset(
    {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
)
_DER = Encoding.DER
SigningTimeHeader = Literal["iat", "sigT"]
_IAT_REQUIRED_FROM = datetime(2025, 5, 15, tzinfo=UTC)  # EU DSS JAdES baseline-B checker
# TS 119 182-1 §5.2.1; [0-9], not \d, which (like strptime) also takes '٢٠٢٦' for 2026.
_SIG_T = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def certificate_digest(certificate: x509.Certificate) -> str:
    """`x5t#S256`: BASE64URL(SHA-256(DER certificate)) (RFC 7515 §4.1.8)."""
    der = certificate.public_bytes(_DER)
    return b64url_encode(hashlib.sha256(der).digest())


def issuer_serial_kid(certificate: x509.Certificate) -> str:
    """`kid`: base64 of the DER IssuerSerial (RFC 5035) of the signing certificate (§5.1).

    IssuerSerial ::= SEQUENCE { issuer GeneralNames (one directoryName [4]), serialNumber }.
    The issuer Name is copied byte for byte from the certificate, never re-encoded.
    """
    issuer = _tlv(0xA4, _raw_issuer(certificate))
    general_names = _tlv(0x30, issuer)
    serial = certificate.serial_number
    serial_der = _tlv(0x02, serial.to_bytes((serial.bit_length() + 8) // 8, "big", signed=True))
    return base64.b64encode(_tlv(0x30, general_names + serial_der)).decode("ascii")


def protected_header(
    algorithm: str,
    chain: Sequence[x509.Certificate],
    signing_time: datetime,
    time_header: SigningTimeHeader = "iat",
) -> dict[str, Any]:
    """The protected header of a JAdES baseline-B seal, in the member order EDC uses.

    The claimed signing time is `iat` (a NumericDate; TS 119 182-1 V1.2.1 deprecates `sigT`
    and EU DSS requires `iat` for B-B signatures made from 2025-05-15), or `sigT` (listed in
    `crit`) for verifiers that know only that.
    """
    leaf = chain[0]
    if time_header == "sigT":
        claim: dict[str, Any] = {"sigT": format_timestamp(signing_time)}
        crit = ["b64", "sigT"]
    else:  # a JWT claim (RFC 7519 §4.1.6) every JOSE library understands: not critical
        claim, crit = {"iat": int(signing_time.timestamp())}, ["b64"]
    return {
        "alg": algorithm,
        "cty": "octet-stream",
        "kid": issuer_serial_kid(leaf),
        "x5t#S256": certificate_digest(leaf),
        "x5c": [base64.b64encode(c.public_bytes(_DER)).decode("ascii") for c in chain],
        "typ": "jose+json",
        "b64": False,
        **claim,
        "crit": crit,
    }


def read_x5c(header: Mapping[str, Any], path: Path) -> tuple[x509.Certificate, ...] | Problem:
    """The `x5c` chain (RFC 7515 §4.1.6: base64, not base64url, DER), leaf first."""
    values = header.get("x5c")
    if not isinstance(values, list) or not values:
        return Problem(
            FORMAT_ERROR,
            "x5c must list the sealing certificate (needed to verify offline)",
            (*path, "x5c"),
        )
    out = []
    for i, value in enumerate(values):
        try:
            if not isinstance(value, str):
                raise ValueError("not a string")
            out.append(x509.load_der_x509_certificate(base64.b64decode(value, validate=True)))
        except (ValueError, binascii.Error, x509.InvalidVersion) as exc:
            return Problem(
                FORMAT_ERROR, f"x5c entry is not a DER certificate: {exc}", (*path, "x5c", i)
            )
    return tuple(out)


def claimed_signing_time(header: Mapping[str, Any]) -> datetime | None:
    """The signer's claimed signing time: `sigT` (§5.2.1) or `iat` (V1.2.1), else None."""
    sig_t = header.get("sigT")
    if isinstance(sig_t, str) and _SIG_T.fullmatch(sig_t):
        try:
            return datetime.strptime(sig_t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
    iat = header.get("iat")
    if isinstance(iat, int | float) and not isinstance(iat, bool):
        try:
            return datetime.fromtimestamp(iat, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def seal_header_problems(
    header: Mapping[str, Any], unprotected: Mapping[str, Any], path: Path
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) of a protected header against RFC 7515/7797 and JAdES baseline-B."""
    at = (*path, "protected")
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if not isinstance(header.get("alg"), str):
        problems.append(Problem(FORMAT_ERROR, "alg is required", (*at, "alg")))
    if not isinstance(header.get("x5t#S256"), str):
        problems.append(
            Problem(
                FORMAT_ERROR,
                "x5t#S256 (signing certificate digest) is required; x5t#o and "
                "sigX5ts references are not supported",
                (*at, "x5t#S256"),
            )
        )
    if "b64" in header and not isinstance(header["b64"], bool):
        problems.append(Problem(FORMAT_ERROR, "b64 must be true or false", (*at, "b64")))
    if "sigT" not in header and "iat" not in header:
        problems.append(
            Problem(FORMAT_ERROR, "a claimed signing time (iat or sigT) is required", at)
        )
    for name, form in (("sigT", "YYYY-MM-DDThh:mm:ssZ"), ("iat", "a NumericDate")):
        if name in header and claimed_signing_time({name: header[name]}) is None:
            problems.append(Problem(FORMAT_ERROR, f"{name} must be {form}", (*at, name)))
    if "kid" in header and not isinstance(header["kid"], str):
        problems.append(Problem(FORMAT_ERROR, "kid must be a string", (*at, "kid")))
    shared = sorted(set(header) & set(unprotected))
    if shared:  # RFC 7515 §7.2.1: protected and unprotected names must be disjoint
        problems.append(Problem(FORMAT_ERROR, f"{shared} in both headers", (*path, "header")))
    if "crit" in unprotected:
        problems.append(Problem(FORMAT_ERROR, "crit must be protected", (*path, "header", "crit")))
    claimed = claimed_signing_time(header)
    if "iat" not in header and claimed is not None and claimed >= _IAT_REQUIRED_FROM:
        warnings.append(
            Problem(
                "JADES_SIGT_DEPRECATED",
                "a seal made from 2025-05-15 claims its signing time in sigT only: TS 119 182-1 "
                "V1.2.1 deprecates sigT and EU DSS requires iat in baseline-B signatures",
                (*at, "sigT"),
            )
        )
    crit_problems, crit_warnings = _crit_problems(header, at)
    return problems + crit_problems, warnings + crit_warnings


def _crit_problems(header: Mapping[str, Any], at: Path) -> tuple[list[Problem], list[Problem]]:
    """RFC 7515 §4.1.11 and RFC 7797 §6: every crit name is present, allowed and understood."""
    crit = header.get("crit", [])
    if (
        not isinstance(crit, list)
        or not all(isinstance(n, str) for n in crit)
        or ("crit" in header and not crit)
        or len(set(crit)) != len(crit)
    ):
        return [
            Problem(FORMAT_ERROR, "crit must be a non-empty array of distinct names", (*at, "crit"))
        ], []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for i, name in enumerate(crit):
        if name in _JWS_REGISTERED or name not in header:
            problems.append(
                Problem(
                    FORMAT_ERROR,
                    f"crit names {name!r}, which is registered or absent",
                    (*at, "crit", i),
                )
            )
        elif name not in UNDERSTOOD_CRITICAL:
            problems.append(
                Problem(
                    "JADES_CRIT_UNSUPPORTED",
                    f"critical header parameter {name!r} is not understood by this verifier",
                    (*at, "crit", i),
                )
            )
    if "b64" in header and "b64" not in crit:
        problems.append(
            Problem(FORMAT_ERROR, "b64 must be listed in crit (RFC 7797 §6)", (*at, "crit"))
        )
    if "sigT" in header and "sigT" not in crit:
        warnings.append(
            Problem(
                "JADES_CRIT_INCOMPLETE",
                "sigT should be listed in crit (TS 119 182-1 §5.2.1)",
                (*at, "crit"),
            )
        )
    return problems, warnings


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER tag-length-value with a definite length."""
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _raw_issuer(certificate: x509.Certificate) -> bytes:
    """The issuer Name TLV exactly as encoded in TBSCertificate (RFC 5280 §4.1)."""
    tbs = certificate.tbs_certificate_bytes
    _, start, _ = _read_tlv(tbs, 0)  # enter TBSCertificate SEQUENCE
    offset = start
    if tbs[offset] == 0xA0:  # [0] EXPLICIT version
        offset = _read_tlv(tbs, offset)[2]
    for _ in range(2):  # serialNumber, signature AlgorithmIdentifier
        offset = _read_tlv(tbs, offset)[2]
    return tbs[offset : _read_tlv(tbs, offset)[2]]


def _read_tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, content start, end) of the DER element at `offset`."""
    tag, first = data[offset], data[offset + 1]
    if first < 0x80:
        return tag, offset + 2, offset + 2 + first
    count = first & 0x7F
    length = int.from_bytes(data[offset + 2 : offset + 2 + count], "big")
    start = offset + 2 + count
    return tag, start, start + length
