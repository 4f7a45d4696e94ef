"""Building a Verifiable Presentation: a holder presents credentials bound to a verifier's
challenge (VCDM 2.0 §4.13), signed with the `authentication` proof purpose, the challenge and
an optional domain (Data Integrity §2.1, §4.4). Verifying one is `Verifier.verify_presentation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, overload

from microcred import api
from microcred.errors import InvalidOptionError, MalformedDocumentError, ProofGenerationError
from microcred.jsonld.loader import DocumentLoader
from microcred.keys.keypair import Signer
from microcred.vcdm import CREDENTIALS_V2, as_list

__all__ = ["present"]


@overload
def present(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    key: Signer,
    challenge: str,
    domain: str | Sequence[str] | None = ...,
    holder: str | None = ...,
    cryptosuite: str | None = ...,
    created: datetime | None = ...,
    id: str | None = ...,
    loader: DocumentLoader | None = ...,
    format: Literal["vp"] = ...,
) -> dict[str, Any]: ...


@overload
def present(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    key: Signer,
    challenge: str,
    domain: str | Sequence[str] | None = ...,
    holder: str | None = ...,
    cryptosuite: str | None = ...,
    created: datetime | None = ...,
    id: str | None = ...,
    loader: DocumentLoader | None = ...,
    format: Literal["vp+jwt"],
) -> str: ...


def present(
    credentials: Sequence[Mapping[str, Any] | str],
    *,
    key: Signer,
    challenge: str,
    domain: str | Sequence[str] | None = None,
    holder: str | None = None,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    id: str | None = None,
    loader: DocumentLoader | None = None,
    format: Literal["vp", "vp+jwt"] = "vp",
) -> dict[str, Any] | str:
    """A signed VerifiablePresentation of `credentials` (VCDM 2.0 §4.13; DI §4.2 with
    proofPurpose "authentication", `challenge`, `domain`); a new dict, inputs untouched.

    The holder is the key's controller; a `holder` that does not control the key is refused
    (it could never pass the holder check of `verify_presentation`). VC 1.1 credentials are
    embedded as they are; a `vc+jwt` token becomes an EnvelopedVerifiableCredential.
    `format="vp+jwt"` returns a compact JWS instead (VC-JOSE-COSE §3.2.1) whose `nonce`
    claim is the challenge and `aud` the domain.
    """
    if format not in ("vp", "vp+jwt"):
        raise InvalidOptionError(f"unknown format {format!r} (known: vp, vp+jwt)")
    if not isinstance(challenge, str) or not challenge:
        raise InvalidOptionError("a presentation is bound to a challenge: a non-empty string")
    if isinstance(credentials, (str, bytes, Mapping)) or not isinstance(credentials, Sequence):
        raise MalformedDocumentError("credentials must be a list of credentials")
    for index, credential in enumerate(credentials):
        if isinstance(credential, str):
            continue  # a vc+jwt, enveloped below
        if not isinstance(credential, Mapping) or "VerifiableCredential" not in as_list(
            credential.get("type")
        ):
            raise MalformedDocumentError(
                "each presented credential is a JSON object whose type has VerifiableCredential",
                path=("verifiableCredential", index),
            )
    controller = key.verification_method.split("#", 1)[0]
    if holder is not None and holder != controller:
        raise ProofGenerationError(
            f"the holder {holder!r} does not control the key {key.verification_method!r}",
            path=("holder",),
        )
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        **({"id": id} if id is not None else {}),
        "holder": controller,
        "verifiableCredential": [_embedded(c) for c in credentials],
    }
    if format == "vp+jwt":
        from microcred.jose.sign import sign_compact  # JOSE only for vp+jwt holders

        claims = {"nonce": challenge, **({"aud": domain} if domain is not None else {})}
        return sign_compact(presentation, key=key, typ="vp+jwt", claims=claims)
    return api.sign(
        presentation,
        key=key,
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        created=created,
        domain=domain,
        challenge=challenge,
        loader=loader,
    )


def _embedded(credential: Mapping[str, Any] | str) -> Any:
    """A credential as it sits in `verifiableCredential`: a JSON credential as is, a
    `vc+jwt` token as an EnvelopedVerifiableCredential (VCDM 2.0 §4.13.1)."""
    if isinstance(credential, str):
        return {
            "@context": CREDENTIALS_V2,
            "id": "data:application/vc+jwt," + credential.strip(),
            "type": "EnvelopedVerifiableCredential",
        }
    return credential
