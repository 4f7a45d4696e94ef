"""Stacking: several signed micro-credentials (ours or Open Badges 3.0) bundled into one
signed Comprehensive Learner Record (CLR 2.0 `ClrCredential`), with their associations.

The EU Recommendation says micro-credentials "may be combined into larger credentials";
CLR 2.0 is the standard container. Each embedded credential keeps its own proof, and
`verify()` of the CLR verifies the CLR's proof and every embedded credential
(microcred.verification.embedded_credentials), naming any that fails by path.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from microcred.errors import InvalidOptionError, MalformedDocumentError
from microcred.integrity.proofs import add_proof
from microcred.jsonld.loader import default_loader
from microcred.keys.keypair import Signer
from microcred.timestamps import format_timestamp
from microcred.vcdm import as_list, issuer_id

__all__ = ["ASSOCIATION_TYPES", "CLR_CONTEXT", "AssociationType", "stack"]

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
_V2 = "https://www.w3.org/ns/credentials/v2"
AssociationType = Literal[
    "exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
    "precedes", "replacedBy",
]  # fmt: skip
ASSOCIATION_TYPES: tuple[str, ...] = get_args(AssociationType)
"""CLR 2.0 AssociationType values (how one embedded achievement relates to another)."""
MAX_STACKED = 64  # the verifier reads at most this many embedded credentials


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subjects = as_list(credential.get("credentialSubject"))
    first = subjects[0] if subjects else None
    found = first.get("id") if isinstance(first, Mapping) else None
    return found if isinstance(found, str) else None


def _checked(credentials: Sequence[Any]) -> list[dict[str, Any]]:
    if isinstance(credentials, (str, Mapping)) or not credentials:
        raise InvalidOptionError("stack() takes a list of one or more signed credentials")
    if len(credentials) > MAX_STACKED:
        raise InvalidOptionError(f"a CLR carries at most {MAX_STACKED} credentials")
    found = []
    for index, credential in enumerate(credentials):
        if not isinstance(credential, Mapping) or "proof" not in credential:
            raise MalformedDocumentError(
                "each stacked credential is a signed JSON credential (with its proof)",
                path=(index,),
            )
        if not isinstance(issuer_id(credential), str):
            raise MalformedDocumentError(
                "a stacked credential has an issuer", path=(index, "issuer")
            )
        found.append(copy.deepcopy(dict(credential)))
    return found


def _association(item: Any, index: int) -> dict[str, Any]:
    if not (isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 3):
        raise InvalidOptionError(f"association {index} is (source id, association type, target id)")
    source, kind, target = item
    if kind not in ASSOCIATION_TYPES:
        raise InvalidOptionError(f"association {index}: {kind!r} is not one of {ASSOCIATION_TYPES}")
    if not all(isinstance(x, str) and ":" in x for x in (source, target)):
        raise InvalidOptionError(f"association {index}: source and target are IRIs")
    return {"type": "Association", "associationType": kind, "sourceId": source, "targetId": target}


def stack(
    credentials: Sequence[Mapping[str, Any]],
    *,
    key: Signer,
    name: str,
    id: str | None = None,
    learner: str | None = None,
    associations: Sequence[tuple[str, AssociationType, str]] = (),
    valid_from: datetime | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    """A signed ClrCredential bundling `credentials` (each keeps its own proof).

    `learner`: the ClrSubject id (default: the subject id the credentials share, if any).
    `associations`: (source id, CLR AssociationType, target id) between achievements or
    credentials, e.g. `(a["id"], "precedes", b["id"])`. The CLR's issuer is `key`'s controller.
    """
    stacked = _checked(credentials)
    if not isinstance(name, str) or not name.strip():
        raise InvalidOptionError("a CLR has a name")
    subject: dict[str, Any] = {"type": ["ClrSubject"]}
    shared = {_subject_id(c) for c in stacked}
    learner = learner if learner is not None else (shared.pop() if len(shared) == 1 else None)
    if learner is not None:
        subject["id"] = learner
    subject["verifiableCredential"] = stacked
    if associations:
        subject["association"] = [_association(a, i) for i, a in enumerate(associations)]
    moment = valid_from if valid_from is not None else datetime.now(UTC).replace(microsecond=0)
    controller = key.verification_method.split("#", 1)[0]
    clr = {
        "@context": [_V2, CLR_CONTEXT],
        "id": id if id is not None else f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": controller,
        "name": name,
        "validFrom": format_timestamp(moment),
        "credentialSubject": subject,
    }
    return add_proof(clr, signer=key, loader=default_loader(), cryptosuite=cryptosuite)
