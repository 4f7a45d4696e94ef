"""The "timestamps" check of a JAdES signature: which bytes each time-stamp property covers
(ETSI TS 119 182-1 §5.2.8 adoTst, §5.3.4 sigTst, §5.3.6 arcTst), each RFC 3161 token verified
offline (`jades.tsp`), and the proof of existence a trusted sigTst/arcTst gives.

Imprint inputs, checked against the EC's and MyNextID's JAdES-LTA samples:
sigTst covers ASCII(BASE64URL(JWS Signature)); adoTst the JWS Payload as it stands; arcTst
payload "." protected "." signature "." followed by the base64url text of every etsiU item
before it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509

from microcred.errors import Path
from microcred.jades.etsiu import UnsignedProperties
from microcred.jades.revocation import (
    RevocationValues,
    path_revocation,
    read_revocation_values,
)
from microcred.jades.tsp import TokenVerdict, verify_token
from microcred.result import Check, CheckStatus, Problem
from microcred.timestamps import format_timestamp

__all__ = ["MAX_TOKENS", "SignedParts", "check_time_stamps"]

MAX_TOKENS = 16  # per signature: each costs a CMS parse and a path build
_PROOF = ("sigTst", "arcTst")  # properties covering the signature value


@dataclass(frozen=True, slots=True)
class SignedParts:
    """The JWS members of one signature exactly as they stand in the document."""

    protected: str
    payload: str
    signature: str


def check_time_stamps(
    parts: SignedParts,
    header: Mapping[str, Any],
    unsigned: UnsignedProperties,
    anchors: Sequence[x509.Certificate],
    pool: Sequence[x509.Certificate],
    signing_time: datetime,
    now: datetime,
    skew: timedelta,
    path: Path,
) -> tuple[Check, datetime | None]:
    """(the "timestamps" check, the earliest genTime of a trusted sigTst/arcTst, else None)."""
    tokens = list(_tokens(parts, header, unsigned, path))
    counts: dict[str, int] = {}
    for name, *_ in tokens:
        counts[name] = counts.get(name, 0) + 1
    if not tokens:
        return Check("timestamps", CheckStatus.SKIPPED, details={"present": {}}), None
    problems: list[Problem] = []
    warnings: list[Problem] = []
    seen: list[dict[str, Any]] = []
    proofs: list[datetime] = []
    if len(tokens) > MAX_TOKENS:
        problems.append(
            Problem("TIMESTAMP_LIMIT_EXCEEDED", f"more than {MAX_TOKENS} time-stamp tokens", path)
        )
        tokens = tokens[:MAX_TOKENS]
    values = read_revocation_values(unsigned, path)  # its warnings: the revocation check's
    for name, at, token, data in tokens:
        if isinstance(token, str):  # why the token cannot be checked
            warnings.append(Problem("TIMESTAMP_UNCHECKED", f"{name}: {token}", at))
            continue
        verdict = _tsa_not_revoked(verify_token(token, data, anchors, pool), values, pool)
        if verdict.problem is not None:
            problems.append(Problem(verdict.problem[0], f"{name}: {verdict.problem[1]}", at))
            continue
        moment = verdict.gen_time
        assert moment is not None  # a token without problem has a genTime
        seen.append(
            {
                "property": name,
                "genTime": format_timestamp(moment),
                "tsa": verdict.tsa,
                "trust": "trusted" if verdict.trusted else "untrusted",
            }
        )
        if moment - now > skew:
            problems.append(Problem("TIMESTAMP_IN_FUTURE", f"{name}: genTime is after now", at))
        elif name in _PROOF and signing_time - moment > skew:
            problems.append(
                Problem(
                    "TIMESTAMP_BEFORE_SIGNING_TIME",
                    f"{name}: the signature was time-stamped before its claimed signing time",
                    at,
                )
            )
        elif not verdict.trusted:
            warnings.append(
                Problem(
                    "TIMESTAMP_UNTRUSTED",
                    f"{name}: intact, but not proof of existence: {verdict.reason}",
                    at,
                )
            )
        elif name in _PROOF:
            proofs.append(moment)
    proof = min(proofs) if proofs and not problems else None
    details: dict[str, Any] = {"present": counts, "tokens": seen}
    if proof is not None:
        details["proof_of_existence"] = format_timestamp(proof)
    return Check.from_problems("timestamps", problems, warnings, details), proof


def _tsa_not_revoked(
    verdict: TokenVerdict, values: RevocationValues, pool: Sequence[x509.Certificate]
) -> TokenVerdict:
    """`verdict`, failed when the seal's rVals show the TSA's path revoked by its genTime (a
    revoked TSA key proves nothing from then on)."""
    if not verdict.trusted or verdict.gen_time is None:
        return verdict
    for certificate, revoked_at, _ in path_revocation(verdict.path, values, pool, verdict.gen_time):
        if revoked_at is not None and revoked_at <= verdict.gen_time:
            message = (
                f"{certificate.subject.rfc4514_string()} was revoked on "
                f"{format_timestamp(revoked_at)}, before the token's genTime"
            )
            return TokenVerdict(verdict.gen_time, verdict.tsa, ("TIMESTAMP_TSA_REVOKED", message))
    return verdict


def _tokens(
    parts: SignedParts, header: Mapping[str, Any], unsigned: UnsignedProperties, path: Path
) -> list[tuple[str, Path, bytes | str, bytes]]:
    """(property, JSON path, DER token or why it cannot be checked, time-stamped bytes)."""
    found = []
    ado = header.get("adoTst")
    if ado is not None:
        at: Path = (*path, "protected", "adoTst")
        found += _property_tokens("adoTst", ado, at, parts.payload.encode("utf-8"))
    texts: list[str | None] = []
    indices: list[int] = []
    for item in unsigned.items:
        at = (*path, "header", "etsiU", item.index, item.name)
        if item.name == "sigTst":
            found += _property_tokens(item.name, item.value, at, parts.signature.encode("ascii"))
        elif item.name == "arcTst":
            data = _archive_input(parts, texts, item.value)
            found += _property_tokens(item.name, item.value, at, data)
        elif item.name.endswith("Tst"):
            found.append((item.name, at, "this time-stamp property is not verified", b""))
        if item.index not in indices:
            indices.append(item.index)
            texts.append(item.text)
    return found


def _archive_input(parts: SignedParts, texts: list[str | None], value: object) -> bytes | str:
    """What an arcTst time-stamps (§5.3.6.3), or why it cannot be computed here."""
    if isinstance(value, Mapping) and "canonAlg" in value:
        return "arcTst with canonAlg is not supported"
    if any(t is None for t in texts):
        return "etsiU items in the clear (not base64url) need canonicalisation: not supported"
    head = f"{parts.payload}.{parts.protected}.{parts.signature}."
    return head.encode("utf-8") + "".join(t for t in texts if t is not None).encode("ascii")


def _property_tokens(
    name: str, value: object, at: Path, data: bytes | str
) -> list[tuple[str, Path, bytes | str, bytes]]:
    """The tokens of one time-stamp property `{"tstTokens": [{"val": base64 DER}, ...]}`."""
    tokens = value.get("tstTokens") if isinstance(value, Mapping) else None
    if not isinstance(tokens, list) or not tokens:
        return [(name, at, "no tstTokens array", b"")]
    out: list[tuple[str, Path, bytes | str, bytes]] = []
    for i, token in enumerate(tokens):
        where = (*at, "tstTokens", i)
        if isinstance(data, str):
            out.append((name, where, data, b""))
            continue
        raw = token.get("val") if isinstance(token, Mapping) else None
        encoding = token.get("encoding") if isinstance(token, Mapping) else None
        if encoding not in (None, "http://uri.etsi.org/ades/ASN.1#DER"):
            out.append((name, where, f"token encoding {encoding!r} is not DER", b""))
            continue
        try:
            if not isinstance(raw, str):
                raise ValueError("val is not a string")
            out.append((name, (*where, "val"), base64.b64decode(raw, validate=True), data))
        except (ValueError, binascii.Error):
            out.append((name, (*where, "val"), b"", data))  # fails as a malformed token
    return out
