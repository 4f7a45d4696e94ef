"""SD-JWT (RFC 9901): issuing with selectively disclosable claims, choosing what to disclose,
and the Key Binding JWT that proves the holder presents it to this verifier now (§4.3).

Serialization (§4): `<issuer-signed JWT>~<disclosure>~…~<disclosure>~[<KB-JWT>]`. The
KB-JWT (`typ` `kb+jwt`) signs `iat`, `aud`, `nonce` and `sd_hash`, the digest of
everything before it, with the key the issuer put in `cnf` (RFC 7800).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from microcred.errors import InvalidJwsError, InvalidOptionError
from microcred.jose.compact import MAX_TOKEN_CHARS
from microcred.jose.disclosures import ClaimPath, Disclosure, conceal, digest
from microcred.jose.sign import sign_jws
from microcred.keys.keypair import Signer

__all__ = [
    "MAX_DISCLOSURES",
    "SdJwt",
    "issue_sd_jwt",
    "key_binding_jwt",
    "parse_sd_jwt",
    "select_disclosures",
]

MAX_DISCLOSURES = 1024
"""Most disclosures read from one SD-JWT: each is decoded and hashed."""


@dataclass(frozen=True, slots=True)
class SdJwt:
    """An SD-JWT split into its parts: the issuer-signed JWT, the disclosures, and the
    Key Binding JWT if one is attached."""

    issuer_jwt: str
    disclosures: tuple[str, ...]
    key_binding: str | None = None

    @property
    def presentation_input(self) -> str:
        """`<issuer JWT>~<d1>~…~<dN>~`: what `sd_hash` in a KB-JWT covers (§4.3.1)."""
        return self.issuer_jwt + "~" + "".join(d + "~" for d in self.disclosures)

    def serialize(self) -> str:
        """The SD-JWT (or SD-JWT+KB) as one string."""
        return self.presentation_input + (self.key_binding or "")


def parse_sd_jwt(text: str | bytes) -> SdJwt:
    """Split an SD-JWT or SD-JWT+KB (§4): at least the issuer JWT and a final `~` (or a
    KB-JWT after it); InvalidJwsError for anything else."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise InvalidJwsError("an SD-JWT is ASCII text") from None
    if not isinstance(text, str) or len(text) > MAX_TOKEN_CHARS or not text.isascii():
        raise InvalidJwsError(f"an SD-JWT is ASCII text of at most {MAX_TOKEN_CHARS} characters")
    parts = text.strip().split("~")
    if len(parts) < 2:
        raise InvalidJwsError("an SD-JWT ends with '~' (or a Key Binding JWT after it)")
    issuer_jwt, *disclosures, last = parts
    if len(disclosures) > MAX_DISCLOSURES:
        raise InvalidJwsError(f"more than {MAX_DISCLOSURES} disclosures", path=("disclosures",))
    if any(not d for d in disclosures):
        raise InvalidJwsError("an empty disclosure ('~~')", path=("disclosures",))
    return SdJwt(issuer_jwt, tuple(disclosures), last or None)


def issue_sd_jwt(
    claims: Mapping[str, Any],
    *,
    key: Signer,
    disclosable: Sequence[ClaimPath],
    typ: str = "dc+sd-jwt",
    decoys: int = 0,
) -> str:
    """An SD-JWT of `claims` signed by `key`, each claim at a `disclosable` path behind a
    digest, with all disclosures attached (the holder chooses later)."""
    payload, disclosures = conceal(claims, disclosable, decoys=decoys)
    issuer_jwt = sign_jws(payload, key=key, typ=typ)
    return SdJwt(issuer_jwt, tuple(d.encoded for d in disclosures)).serialize()


def select_disclosures(
    placed: Sequence[Disclosure], disclose: Sequence[ClaimPath]
) -> tuple[str, ...]:
    """The encoded disclosures a holder sends to reveal the claims at `disclose`: each one
    on the way to a requested claim and everything inside it (a claim nested in a hidden
    object needs its parent's disclosure too)."""
    wanted = [tuple(p) for p in disclose]
    return tuple(
        d.encoded
        for d in placed
        if any(d.path[: len(w)] == w or w[: len(d.path)] == d.path for w in wanted)
    )


def key_binding_jwt(
    sd_jwt: SdJwt,
    *,
    holder_key: Signer,
    nonce: str,
    audience: str,
    issued_at: datetime | None = None,
) -> str:
    """The KB-JWT (§4.3) for a presentation: `iat`, `aud`, `nonce` and `sd_hash` over the
    issuer JWT and the disclosures sent, signed by the holder's key."""
    if not isinstance(nonce, str) or not nonce or not isinstance(audience, str) or not audience:
        raise InvalidOptionError("key binding needs a non-empty nonce and audience (strings)")
    moment = issued_at or datetime.now(UTC)
    payload = {
        "iat": int(moment.timestamp()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": digest(sd_jwt.presentation_input),
    }
    return sign_jws(payload, key=holder_key, typ="kb+jwt")
