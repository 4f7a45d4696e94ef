"""Verification of a credential secured as a compact JWS: W3C VC-JOSE-COSE `vc+jwt`, or the
VC 1.1 JWT encoding of Open Badges 3.0 (docs/jose.md has which checks apply and why).

Checks, in order: `structure` (the JWS, its header and the credential envelope), `contexts`
(the payload read as JSON-LD with the rules for JSON-signed documents; undefined terms are
warnings, as the signature covers the JSON), `proof` (key found,
its type the algorithm's, signature), `issuer` (the key's controller is the issuer; a key
the token carries itself counts only when the issuer's own document or DID binds it),
`validity` (the credential's dates and the `nbf`/`exp` claims), `status`, `eu_standard`.
Paths point into the token: ("header", "kid"), ("signature",), or into the payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microcred.errors import InvalidJwsError, MicrocredError, Path
from microcred.jose.algorithms import jws_algorithm, verify_jws
from microcred.jose.compact import CompactJws, parse_compact
from microcred.jose.vc_jwt import JwtCredential, read_credential_payload, time_claim
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.rsa import THUMBPRINT_URN, AnyPublicKey, jwk_thumbprint, public_key_from_jwk
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.strict_json import parse_json
from microcred.validity import check_validity
from microcred.vcdm import issuer_id
from microcred.verification.call import Call
from microcred.verification.checks import check_contexts, check_structure
from microcred.verification.embedded import status_step
from microcred.verification.eu_standard import check_eu_standard
from microcred.verification.x5c import X5cRefused, x5c_key

__all__ = [
    "CREDENTIAL_TYPES",
    "PRESENTATION_TYPES",
    "JwsKey",
    "jws_contexts",
    "jws_proof",
    "read_jws",
    "verify_compact_jws",
]

CREDENTIAL_TYPES = frozenset({None, "JWT", "vc+jwt", "application/vc+jwt", "vc+ld+jwt"})
"""`typ` values read as a secured credential: absent and "JWT" (VC 1.1, Open Badges), the
VC-JOSE-COSE media type with and without its `application/` prefix, and the 2023 draft's
`vc+ld+jwt`. Anything else (`vp+jwt`, `kb+jwt`, `dc+sd-jwt`, `statuslist+jwt`) is another
kind of token and never passes as a credential."""
PRESENTATION_TYPES = frozenset({"vp+jwt", "application/vp+jwt"})
"""`typ` values of a presentation secured as a JWS (VC-JOSE-COSE §3.2.1)."""

_MALFORMED = "MALFORMED_JWS"


@dataclass(frozen=True, slots=True)
class JwsKey:
    """The key a token was verified with, who controls it (None: nothing binds it to anyone),
    and how it was found ("kid", "jwk", "x5c" or "issuer": the owner's own document)."""

    key: AnyPublicKey
    controller: str | None
    source: str


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def verify_compact_jws(token: Any, call: Call) -> VerificationResult:
    """Every check of a JWT-secured credential; never raises on any input."""
    try:
        jws, payload = read_jws(token, CREDENTIAL_TYPES)
    except MicrocredError as error:
        return VerificationResult.from_checks([_failed("structure", Problem.from_error(error))])
    read = read_credential_payload(payload)
    credential, at = read.credential, read.at
    structure = _merge(check_structure(credential).under(*at), read.problems)
    proof, found = jws_proof(jws, issuer_id(credential), "assertionMethod", call)
    contexts = jws_contexts(credential, call).under(*at)
    issuer = _issuer(credential, found, at)
    authentic = all(c.status == CheckStatus.PASSED for c in (structure, contexts, proof, issuer))
    checks = [
        structure,
        contexts,
        proof,
        issuer,
        _validity(read, call),
        status_step(credential, call, authentic=authentic).under(*at),
        check_eu_standard(credential, call.settings.profile).under(*at),
    ]
    return VerificationResult.from_checks(checks, credential, require=("proof",))


def jws_contexts(document: Mapping[str, Any], call: Call) -> Check:
    """The payload read as JSON-LD like every JSON-signed document; a term no context
    defines is a warning, not a failure: the signature covers the JSON bytes, so the term
    reads as the plain JSON that was signed (an unknown context still fails)."""
    return check_contexts(
        document, call.settings.loader, signed_as_text=True, undefined_terms_warn=True
    )


def read_jws(token: Any, types: frozenset[str | None]) -> tuple[CompactJws, dict[str, Any]]:
    """The parsed token and its payload object, for a token whose `typ` is one of `types`
    and whose `alg` is allowed; InvalidJwsError and friends otherwise."""
    jws = parse_compact(token)
    typ = jws.header.get("typ")
    if typ not in types:
        wanted = " or ".join(sorted(t for t in types if t))
        raise _error(f"typ {typ!r} is not {wanted}", ("header", "typ"))
    jws_algorithm(jws.header["alg"])  # refuse none/HMAC before reading anything more
    try:
        payload = parse_json(jws.payload)
    except MicrocredError as error:
        raise _error(f"the payload is not JSON: {error.message}", ("payload",)) from None
    if not isinstance(payload, dict):
        raise _error("the payload is a JSON object", ("payload",))
    return jws, payload


def jws_proof(
    jws: CompactJws, owner: str | None, purpose: str, call: Call
) -> tuple[Check, JwsKey | None]:
    """The "proof" check: find the key (kid, jwk or the `owner`'s own document), check it
    is listed for `purpose` and its type is the algorithm's, verify the signature."""
    algorithm = jws_algorithm(jws.header["alg"])
    details: dict[str, Any] = {"alg": algorithm.name, "kid": jws.header.get("kid")}
    try:
        found = _key(jws.header, owner, purpose, call)
        details |= {"controller": found.controller, "key": found.source}
        if not verify_jws(algorithm, found.key, jws.signing_input, jws.signature):
            raise _Refused(
                Problem("PROOF_VERIFICATION_ERROR", "the signature does not verify", ("signature",))
            )
    except _Refused as refused:
        return Check.from_problems("proof", [refused.problem], details=details), None
    except MicrocredError as error:
        return Check.from_problems("proof", [Problem.from_error(error)], details=details), None
    return Check("proof", CheckStatus.PASSED, details=details), found


def _key(header: Mapping[str, Any], owner: str | None, purpose: str, call: Call) -> JwsKey:
    """VC-JOSE-COSE §3.3: `kid` names a verification method (relative to the owner, issuer
    or holder, when it has no scheme); a `jwk` alone is the token's own key, bound only if
    the owner's document lists it; with neither, the owner's document must list one key."""
    kid, jwk = header.get("kid"), header.get("jwk")
    carried = _carried_key(jwk) if jwk is not None else None
    if kid is not None:
        if not isinstance(kid, str) or not kid:
            raise _Refused(Problem(_MALFORMED, "kid must be a non-empty string", ("header", "kid")))
        method = _method(_absolute_kid(kid, owner), purpose, ("header", "kid"), call)
        if carried is not None and carried != method.public_key:
            raise _Refused(
                Problem(
                    "JWS_KEY_MISMATCH",
                    "the jwk header is not the key kid names",
                    ("header", "jwk"),
                )
            )
        return JwsKey(method.public_key, _bound(method), "kid")
    if "x5c" in header and carried is None:
        try:
            key, bound = x5c_key(header["x5c"], owner, call)
        except X5cRefused as refused:
            raise _Refused(refused.problem) from None
        return JwsKey(key, bound, "x5c")
    if owner is None:
        raise _Refused(
            Problem("JWS_KEY_NOT_IDENTIFIED", "no kid, and no issuer or holder", ("header",))
        )
    if carried is not None:
        return JwsKey(carried, _owner_lists(carried, owner, purpose, call), "jwk")
    listed = call.settings.resolver(owner)
    if isinstance(listed, ResolutionFailure):
        raise _Refused(
            Problem(
                "JWS_KEY_NOT_IDENTIFIED",
                f"the header names no key (kid or jwk) and {owner}'s key is unknown: "
                f"{listed.message}",
                ("header",),
            )
        )
    return JwsKey(_listed(listed, purpose, ("header",)).public_key, _bound(listed), "issuer")


def _owner_lists(key: AnyPublicKey, owner: str, purpose: str, call: Call) -> str | None:
    """The owner, when its own document lists `key` for `purpose`: as its one key (the bare
    owner URL), or under the key's RFC 7638 thumbprint URI as fragment (the form
    VC-JOSE-COSE §3.3.1 shows, for a document listing several keys); else None."""
    for url in (owner, f"{owner}#{THUMBPRINT_URN}{jwk_thumbprint(key)}"):
        listed = call.settings.resolver(url)
        if (
            isinstance(listed, VerificationMethod)
            and listed.public_key == key
            and purpose in listed.relationships
        ):
            return _bound(listed)
    return None


def _bound(method: VerificationMethod) -> str | None:
    """The controller a key binds to: none for a key read from its own URL fragment."""
    return method.controller if method.confirmed else None


def _method(url: str, purpose: str, at: Path, call: Call) -> VerificationMethod:
    method = call.settings.resolver(url)
    if isinstance(method, ResolutionFailure):
        raise _Refused(Problem(method.code, method.message, at))
    return _listed(method, purpose, at)


def _listed(method: VerificationMethod, purpose: str, at: Path) -> VerificationMethod:
    if purpose not in method.relationships:
        raise _Refused(
            Problem(
                "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
                f"{method.id} is not listed under {purpose} by its controller",
                at,
            )
        )
    return method


def _carried_key(jwk: Any) -> AnyPublicKey:
    if not isinstance(jwk, Mapping):
        raise _Refused(Problem(_MALFORMED, "jwk must be a JSON object", ("header", "jwk")))
    try:
        return public_key_from_jwk(jwk)
    except MicrocredError as error:
        raise _Refused(Problem("INVALID_PUBLIC_KEY", error.message, ("header", "jwk"))) from None


def _absolute_kid(kid: str, owner: str | None) -> str:
    """A kid with a scheme as is; `#key-1` or `key-1` relative to the owner's document."""
    scheme, colon, _ = kid.partition(":")
    if colon and scheme.isascii() and scheme.replace("+", "").replace("-", "").isalnum():
        return kid
    if owner is None:
        return kid
    return owner + ("" if kid.startswith("#") else "#") + kid


def _issuer(credential: Mapping[str, Any], found: JwsKey | None, at: Path) -> Check:
    """Issuer binding: the verified key's controller is the credential's issuer."""
    issuer = issuer_id(credential)
    if found is None:
        reason = "no verified signature"
        return Check("issuer", CheckStatus.SKIPPED, details={"issuer": issuer, "reason": reason})
    details = {"issuer": issuer, "controllers": [found.controller]}
    if found.controller is None:
        problem = Problem(
            "ISSUER_KEY_UNBOUND",
            "the token carries its own key (jwk) and nothing binds it to the issuer: "
            "name the key with kid, or list it in the issuer's document",
            ("header", "jwk"),
        )
        return Check.from_problems("issuer", [problem], details=details)
    if found.controller == issuer:
        return Check("issuer", CheckStatus.PASSED, details=details)
    problem = Problem(
        "ISSUER_MISMATCH",
        f"the issuer {issuer!r} does not control the signing key "
        f"(controller: {found.controller!r})",
        (*at, "issuer"),
    )
    return Check.from_problems("issuer", [problem], details=details)


def _validity(read: JwtCredential, call: Call) -> Check:
    """The credential's own dates, then the `nbf`/`exp` claims (RFC 7519 §4.1.4-5)."""
    skew = call.settings.max_clock_skew
    own = check_validity(read.credential, call.now, skew, at=read.at)
    problems = list(own.problems)
    if read.encoding == "vc+jwt":  # VC 1.1 turned them into issuanceDate/expirationDate
        for name, code in (("nbf", "CREDENTIAL_NOT_YET_VALID"), ("exp", "CREDENTIAL_EXPIRED")):
            try:
                moment = time_claim(read.claims, name)
            except ValueError as error:
                problems.append(Problem("MALFORMED_VALUE_ERROR", str(error), (name,)))
                continue
            late = moment is not None and (
                call.now + skew < moment if name == "nbf" else call.now - skew > moment
            )
            if late:
                problems.append(Problem(code, f"the {name} claim is {moment}", (name,)))
    return Check.from_problems("validity", problems, own.warnings, own.details)


def _merge(check: Check, problems: tuple[Problem, ...]) -> Check:
    return Check.from_problems(check.name, (*check.problems, *problems), check.warnings)


def _failed(name: str, problem: Problem) -> Check:
    return Check.from_problems(name, [problem])


def _error(message: str, path: Path) -> MicrocredError:
    return InvalidJwsError(message, path=path)
