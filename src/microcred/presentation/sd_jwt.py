"""Presenting an SD-JWT VC: the holder picks which claims to disclose and, when the issuer
bound the credential to a key (`cnf`), signs a Key Binding JWT for the verifier's nonce and
audience (RFC 9901 §4.3, §6). Verifying one is `verify(token, challenge=nonce, domain=aud)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from microcred.errors import InvalidOptionError, MalformedDocumentError
from microcred.jose.compact import parse_compact
from microcred.jose.disclosures import ClaimPath, reveal
from microcred.jose.sd_jwt import SdJwt, key_binding_jwt, parse_sd_jwt, select_disclosures
from microcred.keys.keypair import Signer
from microcred.strict_json import parse_json

__all__ = ["claim_path", "present_sd_jwt"]


def claim_path(name: str | Sequence[str | int]) -> ClaimPath:
    """A claim path from "learner.fullName" or "learningOutcomes.0" (digits are array
    indexes), or from a sequence of names and indexes."""
    if isinstance(name, str):
        return tuple(int(part) if part.isdigit() else part for part in name.split("."))
    return tuple(name)


def present_sd_jwt(
    token: str,
    *,
    disclose: Sequence[str | Sequence[str | int]],
    holder_key: Signer | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    issued_at: datetime | None = None,
) -> str:
    """The SD-JWT with only the disclosures needed for the claims at `disclose` (and all
    inside them), plus a Key Binding JWT when `holder_key` is given; a credential bound to
    a holder key (`cnf`) cannot be presented without one."""
    sd_jwt = parse_sd_jwt(token)
    payload = parse_json(parse_compact(sd_jwt.issuer_jwt).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the SD-JWT payload is not a JSON object")
    _, placed = reveal(payload, sd_jwt.disclosures)
    chosen = SdJwt(sd_jwt.issuer_jwt, select_disclosures(placed, [claim_path(p) for p in disclose]))
    if holder_key is None:
        if "cnf" in payload:
            raise InvalidOptionError(
                "this credential is bound to its holder's key (cnf): give holder_key, nonce "
                "and audience"
            )
        return chosen.serialize()
    if nonce is None or audience is None:
        raise InvalidOptionError("key binding needs the verifier's nonce and audience")
    kb = key_binding_jwt(
        chosen, holder_key=holder_key, nonce=nonce, audience=audience, issued_at=issued_at
    )
    return SdJwt(chosen.issuer_jwt, chosen.disclosures, kb).serialize()
