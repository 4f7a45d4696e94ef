"""What a JWT payload says as a credential: VC-JOSE-COSE §3.1 (`vc+jwt`: the payload is the
credential) or the VC 1.1 JWT encoding Open Badges 3.0 §8.2 uses (a `vc` claim, with
`iss`/`jti`/`sub`/`nbf`/`exp` standing for issuer, id, subject id and the dates).

The registered claims are kept apart from the credential and must agree with it: an `iss`
naming someone other than the issuer, a `jti` other than the id, a `sub` other than the
subject fail (VC Data Model 1.1 §6.3.1), so no reader can be shown a second answer. Where
the VC 1.1 credential leaves a property out, the claim supplies it (§6.3.2 decoding).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from microcred.errors import Path
from microcred.result import Problem
from microcred.timestamps import format_timestamp, parse_timestamp
from microcred.vcdm import as_list, issuer_id

__all__ = ["CLAIM_NAMES", "JwtCredential", "read_credential_payload", "time_claim"]

CLAIM_NAMES = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "nonce"})
"""JWT claims (RFC 7519 §4.1, RFC 7800, OpenID nonce) read as claims, not credential terms."""

Encoding = Literal["vc+jwt", "vc-jwt-1.1"]
_MISMATCH = "JWT_CLAIM_MISMATCH"
_MALFORMED = "MALFORMED_VALUE_ERROR"


@dataclass(frozen=True, slots=True)
class JwtCredential:
    """The credential a payload carries, how it is encoded, its JWT claims, where the
    credential sits in the payload (`()` or `("vc",)`), and what disagrees."""

    credential: dict[str, Any]
    encoding: Encoding
    claims: Mapping[str, Any]
    at: Path
    problems: tuple[Problem, ...] = field(default=())


def read_credential_payload(payload: Mapping[str, Any]) -> JwtCredential:
    """Split a payload into credential and claims (a `vc` object without a top-level
    `@context` is the VC 1.1 encoding) and check the claims against the credential."""
    claims = {name: payload[name] for name in CLAIM_NAMES if name in payload}
    if "@context" not in payload and isinstance(payload.get("vc"), Mapping):
        credential = dict(payload["vc"])
        problems = list(_decode_v1(credential, claims))
        return JwtCredential(credential, "vc-jwt-1.1", claims, ("vc",), tuple(problems))
    credential = {k: v for k, v in payload.items() if k not in CLAIM_NAMES}
    return JwtCredential(credential, "vc+jwt", claims, (), tuple(_agree(credential, claims, ())))


def time_claim(claims: Mapping[str, Any], name: str) -> datetime | None:
    """A NumericDate claim (RFC 7519 §2) as a UTC datetime; None when absent. Raises
    ValueError for a value that is not a number of seconds a datetime can hold."""
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a NumericDate (seconds since 1970)")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{name} is not a date-time Python holds") from None


def _decode_v1(credential: dict[str, Any], claims: Mapping[str, Any]) -> Iterator[Problem]:
    """VC 1.1 §6.3.2: fill what the credential leaves out from the claims, then check the
    rest agrees; paths are into the payload (`vc.issuer`, `iss`)."""
    if "iss" in claims and "issuer" not in credential:
        credential["issuer"] = claims["iss"]
    if "jti" in claims and "id" not in credential:
        credential["id"] = claims["jti"]
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        if claim in claims and prop not in credential:
            try:
                moment = time_claim(claims, claim)
            except ValueError as error:
                yield Problem(_MALFORMED, str(error), (claim,))
                continue
            if moment is not None:
                credential[prop] = format_timestamp(moment)
    subject = credential.get("credentialSubject")
    if "sub" in claims and isinstance(subject, Mapping) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    yield from _agree(credential, claims, ("vc",))
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        yield from _same_second(credential, claims, claim, prop)


def _agree(credential: Mapping[str, Any], claims: Mapping[str, Any], at: Path) -> Iterator[Problem]:
    """`iss`, `jti` and `sub`, when present, name the issuer, id and the subject."""
    if "iss" in claims and claims["iss"] != issuer_id(credential):
        yield Problem(_MISMATCH, "the iss claim is not the credential's issuer", ("iss",))
    if "jti" in claims and claims["jti"] != credential.get("id"):
        yield Problem(_MISMATCH, "the jti claim is not the credential's id", ("jti",))
    if "sub" in claims:
        subjects = [
            s.get("id")
            for s in as_list(credential.get("credentialSubject"))
            if isinstance(s, Mapping)
        ]
        if claims["sub"] not in subjects:
            yield Problem(_MISMATCH, "the sub claim is not a credentialSubject id", ("sub",))


def _same_second(
    credential: Mapping[str, Any], claims: Mapping[str, Any], claim: str, prop: str
) -> Iterator[Problem]:
    """A date the credential states and the claim that represents it are the same second."""
    if claim not in claims or prop not in credential:
        return
    try:
        moment = time_claim(claims, claim)
    except ValueError as error:
        yield Problem(_MALFORMED, str(error), (claim,))
        return
    stated = parse_timestamp(credential[prop])  # None: the validity check reports it
    if moment and stated and int(moment.timestamp()) != int(stated.timestamp()):
        yield Problem(_MISMATCH, f"the {claim} claim is not {prop}", (claim,))
