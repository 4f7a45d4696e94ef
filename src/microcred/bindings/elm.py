"""MicroCredential <-> VC 2.0 credential shaped as the European Learning Model (ELM v3).

`to_credential` builds the unsigned credential (`@context` credentials/v2 + microcred/v1,
the ELM graph Person -> LearningAchievement -> Qualification / LearningAssessment /
AwardingProcess of docs/elm-mapping.md); `from_credential` reads such a credential back,
so `from_credential(to_credential(mc)) == mc`. Nodes the model gives no id get ids in the
credential id's fragment space (`<credential id>#qualification`), so output is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.bindings._elm_to_model import read_credential
from microcred.bindings._elm_write import CONTEXT, CREDENTIAL_TYPE, Writer
from microcred.errors import FieldError, InvalidMicroCredential
from microcred.model import MicroCredential

__all__ = ["CONTEXT", "CREDENTIAL_TYPE", "from_credential", "to_credential"]


def to_credential(mc: MicroCredential) -> dict[str, Any]:
    """The unsigned VC 2.0 credential for `mc` (VC Data Model 2.0 §4; ELM v3 subject graph).

    Raises `InvalidMicroCredential` (path `issuer.id`) while the issuer has no id yet.
    """
    if mc.issuer.id is None:
        raise InvalidMicroCredential(
            [
                FieldError(
                    ("issuer", "id"),
                    "missing_issuer_id",
                    "the issuer needs an id (e.g. "
                    "the signing key's DID) first: use mc.with_issuer_id(did)",
                )
            ]
        )
    return Writer(mc).credential()


def from_credential(credential: Mapping[str, Any]) -> MicroCredential:
    """Read a credential built by `to_credential` (or shaped like it) back into the model.

    Structural problems raise `InvalidMicroCredential` with paths into the credential;
    invalid values raise it with paths into the model's JSON input.
    """
    return MicroCredential.model_validate(read_credential(credential))
