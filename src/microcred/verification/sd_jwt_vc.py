"""Verification of an SD-JWT VC (IETF SD-JWT VC, RFC 9901): the issuer's signature over the
digests, exactly the disclosed claims, and the holder's Key Binding JWT for this verifier.

Checks, in order: `structure` (the parts, `typ` `dc+sd-jwt`, `vct`, claims that must never
be disclosable), `disclosure` (every disclosure referenced exactly once, none over another
claim; details list the disclosed paths), `proof` (the issuer-signed JWT), `issuer` (the key
belongs to `iss`), `validity` (`iat`, `nbf`, `exp`), `key_binding` (required when the
issuer bound the credential with `cnf`: `typ` `kb+jwt`, the `cnf` key, `nonce` = the call's
challenge, `aud` = its domain, fresh `iat`, `sd_hash` over what was presented), `status`
(IETF Token Status List), `eu_standard` (Annex I over the disclosed claims). The result's
document is the payload with only the disclosed claims: what a wallet may show.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from microcred.errors import MicrocredError, Path
from microcred.jose.algorithms import jws_algorithm, verify_jws
from microcred.jose.compact import parse_compact
from microcred.jose.disclosures import Disclosure, digest, reveal
from microcred.jose.sd_jwt import SdJwt, parse_sd_jwt
from microcred.jose.type_metadata import never_disclosable
from microcred.jose.vc_jwt import time_claim
from microcred.keys.rsa import public_key_from_jwk
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.strict_json import parse_json
from microcred.verification.call import Call
from microcred.verification.eu_standard import check_eu_standard_claims
from microcred.verification.jose import jws_proof, read_jws
from microcred.verification.token_status import check_token_status

__all__ = ["KEY_BINDING_MAX_AGE", "NEVER_DISCLOSABLE", "SD_JWT_VC_TYPES", "verify_sd_jwt_vc"]

SD_JWT_VC_TYPES = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
"""`typ` of an SD-JWT VC (`vc+sd-jwt` is the name drafts before -06 used)."""
NEVER_DISCLOSABLE = ("iss", "nbf", "exp", "cnf", "vct", "status")
"""SD-JWT VC §3.2.2: these claims must be in the clear, never behind a disclosure."""
KEY_BINDING_MAX_AGE = timedelta(minutes=10)
"""How old a Key Binding JWT's `iat` may be: a presentation is made for one verification."""


def verify_sd_jwt_vc(token: Any, call: Call) -> VerificationResult:
    """Every check of an SD-JWT VC (with or without a Key Binding JWT); never raises."""
    try:
        sd_jwt = parse_sd_jwt(token)
        jws, payload = read_jws(sd_jwt.issuer_jwt, SD_JWT_VC_TYPES)
    except MicrocredError as error:
        return VerificationResult.from_checks(
            [Check.from_problems("structure", [Problem.from_error(error)])]
        )
    disclosure, claims, placed = _disclosure(payload, sd_jwt)
    structure = Check.from_problems("structure", _structure(payload, placed))
    issuer = payload.get("iss") if isinstance(payload.get("iss"), str) else None
    proof, found = jws_proof(jws, issuer, "assertionMethod", call)
    issuer_check = _issuer(issuer, found.controller if found is not None else None, proof)
    authentic = all(
        c.status == CheckStatus.PASSED for c in (structure, disclosure, proof, issuer_check)
    )
    if authentic:
        status = check_token_status(payload, call, found.controller if found else None)
    else:
        reason = "not checked: the credential is not authentic (see the failed checks)"
        status = Check("status", CheckStatus.SKIPPED, details={"reason": reason})
    checks = [
        structure,
        disclosure,
        proof,
        issuer_check,
        _validity(payload, call),
        _key_binding(payload, sd_jwt, call),
        status,
        check_eu_standard_claims(claims, payload.get("vct"), call.settings.profile),
    ]
    document = {k: v for k, v in claims.items()} if claims is not None else None
    return VerificationResult.from_checks(checks, document, require=("proof",))


def _disclosure(
    payload: Mapping[str, Any], sd_jwt: SdJwt
) -> tuple[Check, dict[str, Any], tuple[Disclosure, ...]]:
    try:
        claims, placed = reveal(payload, sd_jwt.disclosures)
    except MicrocredError as error:
        return Check.from_problems("disclosure", [Problem.from_error(error)]), {}, ()
    details = {"disclosed": [list(d.path) for d in placed], "count": len(placed)}
    return Check("disclosure", CheckStatus.PASSED, details=details), claims, placed


def _structure(payload: Mapping[str, Any], placed: tuple[Disclosure, ...]) -> list[Problem]:
    problems = []
    if not isinstance(payload.get("vct"), str) or not payload["vct"]:
        problems.append(
            Problem("MALFORMED_VALUE_ERROR", "vct (the credential type) is required", ("vct",))
        )
    if "iss" in payload and not isinstance(payload["iss"], str):
        problems.append(Problem("MALFORMED_VALUE_ERROR", "iss is a URL", ("iss",)))
    never = never_disclosable(payload.get("vct"))
    for d in placed:
        if d.path in never:
            problems.append(
                Problem(
                    "TYPE_METADATA_MISMATCH",
                    f"the type metadata of {payload.get('vct')} never lets {d.path} be disclosed",
                    d.path,
                )
            )
        if len(d.path) == 1 and d.path[0] in NEVER_DISCLOSABLE:
            problems.append(
                Problem(
                    "MALFORMED_VALUE_ERROR",
                    f"{d.path[0]} must be in the clear, not selectively disclosed",
                    d.path,
                )
            )
    return problems


def _issuer(issuer: str | None, controller: str | None, proof: Check) -> Check:
    details = {"issuer": issuer, "controllers": [controller] if controller else []}
    if proof.status != CheckStatus.PASSED:
        return Check(
            "issuer", CheckStatus.SKIPPED, details={**details, "reason": "no verified signature"}
        )
    if controller is None:
        problem = Problem(
            "ISSUER_KEY_UNBOUND",
            "the key comes with the token (a jwk, or an x5c leaf that does not name iss)",
            ("iss",),
        )
        return Check.from_problems("issuer", [problem], details=details)
    if issuer is not None and controller != issuer:
        problem = Problem(
            "ISSUER_MISMATCH",
            f"iss {issuer!r} does not control the signing key (controller: {controller!r})",
            ("iss",),
        )
        return Check.from_problems("issuer", [problem], details=details)
    return Check("issuer", CheckStatus.PASSED, details=details)


def _validity(payload: Mapping[str, Any], call: Call) -> Check:
    skew, problems = call.settings.max_clock_skew, []
    for name, code in (
        ("iat", "CREDENTIAL_NOT_YET_VALID"),
        ("nbf", "CREDENTIAL_NOT_YET_VALID"),
        ("exp", "CREDENTIAL_EXPIRED"),
    ):
        try:
            moment = time_claim(payload, name)
        except ValueError as error:
            problems.append(Problem("MALFORMED_VALUE_ERROR", str(error), (name,)))
            continue
        late = moment is not None and (
            call.now - skew > moment if name == "exp" else call.now + skew < moment
        )
        if late:
            problems.append(Problem(code, f"the {name} claim is {moment}", (name,)))
    return Check.from_problems("validity", problems)


def _key_binding(payload: Mapping[str, Any], sd_jwt: SdJwt, call: Call) -> Check:
    """RFC 9901 §7.3: the holder's KB-JWT, required whenever the issuer bound a key."""
    cnf = payload.get("cnf")
    if cnf is None:
        if sd_jwt.key_binding is None:
            reason = "the issuer bound no holder key (no cnf)"
            return Check("key_binding", CheckStatus.SKIPPED, details={"reason": reason})
        return _failed(
            "KEY_BINDING_ERROR", "a Key Binding JWT without a cnf key to check it", ("kb",)
        )
    if sd_jwt.key_binding is None:
        return _failed(
            "KEY_BINDING_MISSING",
            "the credential is bound to its holder (cnf): a presentation needs a Key Binding JWT",
            ("kb",),
        )
    try:
        jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
        if not isinstance(jwk, Mapping):
            return _failed("KEY_BINDING_ERROR", "only a cnf jwk holder key is supported", ("cnf",))
        holder_key = public_key_from_jwk(jwk)
        kb = parse_compact(sd_jwt.key_binding)
        if kb.header.get("typ") != "kb+jwt":
            return _failed(
                "KEY_BINDING_ERROR", "the Key Binding JWT's typ must be kb+jwt", ("kb", "typ")
            )
        if not verify_jws(
            jws_algorithm(kb.header["alg"]), holder_key, kb.signing_input, kb.signature
        ):
            return _failed(
                "KEY_BINDING_ERROR", "the Key Binding JWT is not signed by the cnf key", ("kb",)
            )
        claims = parse_json(kb.payload)
    except MicrocredError as error:  # keep the code: UNSUPPORTED_JWS_ALGORITHM, MALFORMED_JWS...
        return _failed(error.code, error.message, ("kb", *error.path))
    if not isinstance(claims, dict):
        return _failed("KEY_BINDING_ERROR", "the Key Binding JWT payload is an object", ("kb",))
    problems = list(_bound_to_call(claims, sd_jwt, call))
    details = {"aud": claims.get("aud"), "iat": claims.get("iat")}
    return Check.from_problems("key_binding", problems, details=details)


def _bound_to_call(claims: Mapping[str, Any], sd_jwt: SdJwt, call: Call) -> list[Problem]:
    problems = []
    if call.challenge is None or claims.get("nonce") != call.challenge:
        problems.append(
            Problem(
                "INVALID_CHALLENGE_ERROR",
                "the KB-JWT nonce is not the challenge given",
                ("kb", "nonce"),
            )
        )
    audiences = [call.domain] if isinstance(call.domain, str) else list(call.domain or [])
    if not audiences or claims.get("aud") not in audiences:
        problems.append(
            Problem("INVALID_DOMAIN_ERROR", "the KB-JWT aud is not the domain given", ("kb", "aud"))
        )
    if claims.get("sd_hash") != digest(sd_jwt.presentation_input):
        problems.append(
            Problem(
                "KEY_BINDING_ERROR",
                "sd_hash does not cover the disclosures presented",
                ("kb", "sd_hash"),
            )
        )
    try:
        issued = time_claim(claims, "iat")
    except ValueError as error:
        return [*problems, Problem("KEY_BINDING_ERROR", str(error), ("kb", "iat"))]
    skew = call.settings.max_clock_skew
    if issued is None or issued > call.now + skew or issued < call.now - KEY_BINDING_MAX_AGE - skew:
        problems.append(
            Problem(
                "KEY_BINDING_ERROR",
                "the KB-JWT iat is missing, in the future or stale",
                ("kb", "iat"),
            )
        )
    return problems


def _failed(code: str, message: str, path: Path) -> Check:
    return Check.from_problems("key_binding", [Problem(code, message, path)])
