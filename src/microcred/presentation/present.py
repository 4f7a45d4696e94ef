"""Building a Verifiable Presentation: a holder presents credentials bound to a verifier's
challenge (VCDM 2.0 §4.13), signed with the `authentication` proof purpose, the challenge and
an optional domain (Data Integrity §2.1, §4.4). Verifying one is `Verifier.verify_presentation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred import api
from microcred.errors import InvalidOptionError, MalformedDocumentError, ProofGenerationError
from microcred.jsonld.loader import DocumentLoader
from microcred.keys.keypair import Signer
from microcred.vcdm import CREDENTIALS_V2, as_list

__all__ = ["present"]


def present(
    credentials: Sequence[Mapping[str, Any]],
    *,
    key: Signer,
    challenge: str,
    domain: str | Sequence[str] | None = None,
    holder: str | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    id: str | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """A signed VerifiablePresentation of `credentials` (VCDM 2.0 §4.13; DI §4.2 with
    proofPurpose "authentication", `challenge`, `domain`); a new dict, inputs untouched.

    The holder is the key's controller; a `holder` that does not control the key is refused
    (it could never pass the holder check of `verify_presentation`). VC 1.1 credentials are
    embedded as they are.
    """
    if not isinstance(challenge, str) or not challenge:
        raise InvalidOptionError("a presentation is bound to a challenge: a non-empty string")
    if isinstance(credentials, (str, bytes, Mapping)) or not isinstance(credentials, Sequence):
        raise MalformedDocumentError("credentials must be a list of credentials")
    for index, credential in enumerate(credentials):
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
        "verifiableCredential": list(credentials),
    }
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
