"""The credential checks of `verify()` besides proofs and dates: structure, contexts, issuer.

Each check reads the raw document (never a re-serialised model) and returns a `Check`
whose problems name the JSON path (VCDM 2.0 §4, §7.1; VCDM 1.1 §4; DI §2.4).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from microcred.errors import MicrocredError, Path
from microcred.integrity.proofs import ProofResult
from microcred.jsonld.compacted import to_rdf
from microcred.jsonld.loader import DocumentLoader
from microcred.result import Check, CheckStatus, Problem
from microcred.vcdm import CREDENTIALS_V1, CREDENTIALS_V2, as_list, is_url, issuer_id

__all__ = [
    "check_contexts",
    "check_issuer",
    "check_structure",
]


_MALFORMED = "MALFORMED_VALUE_ERROR"


def _typed_objects(document: Mapping[str, Any], key: str, *, need_id: bool) -> Iterator[Problem]:
    """Status, schema, terms of use, evidence, refresh service: objects that carry a type."""
    if key not in document:
        return
    for i, item in enumerate(as_list(document[key])):
        at: Path = (key, i) if isinstance(document[key], list) else (key,)
        if not isinstance(item, Mapping):
            yield Problem(_MALFORMED, f"{key} entries must be objects", at)
            continue
        if "type" not in item:
            yield Problem(_MALFORMED, f"{key} entries must have a type", (*at, "type"))
        if ("id" in item or need_id) and not is_url(item.get("id")):
            yield Problem(_MALFORMED, f"{key} id must be a URL", (*at, "id"))


def _structure_problems(document: Any) -> Iterator[Problem]:
    if not isinstance(document, Mapping):
        yield Problem(_MALFORMED, "a credential must be a JSON object", ())
        return
    contexts = as_list(document.get("@context"))
    first = contexts[0] if contexts and isinstance(contexts[0], str) else None
    version = {CREDENTIALS_V2: 2, CREDENTIALS_V1: 1}.get(first) if first else None
    if version is None:
        yield Problem(
            _MALFORMED,
            f"the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1} for VC 1.1)",
            ("@context",),
        )
    if "VerifiableCredential" not in as_list(document.get("type")):
        yield Problem(_MALFORMED, "type must include VerifiableCredential", ("type",))
    if "id" in document and not is_url(document["id"]):
        yield Problem(_MALFORMED, "id must be a URL", ("id",))
    if not is_url(issuer_id(document)):
        yield Problem(
            _MALFORMED, "issuer must be a URL or an object whose id is a URL", ("issuer",)
        )
    subjects = document.get("credentialSubject")
    if not subjects or not all(isinstance(s, Mapping) and s for s in as_list(subjects)):
        yield Problem(
            _MALFORMED,
            "credentialSubject must be one or more objects with claims",
            ("credentialSubject",),
        )
    if version == 1 and "issuanceDate" not in document:
        yield Problem(_MALFORMED, "a VC 1.1 credential needs issuanceDate", ("issuanceDate",))
    yield from _typed_objects(document, "credentialStatus", need_id=version == 1)
    yield from _typed_objects(document, "credentialSchema", need_id=True)
    for key in ("termsOfUse", "evidence", "refreshService"):
        yield from _typed_objects(document, key, need_id=False)


def check_structure(document: Any) -> Check:
    """The VC envelope on the raw JSON: contexts first, type, issuer, subject (VCDM §4).

    Date formats and the validity period are the "validity" check's (microcred.validity)."""
    return Check.from_problems("structure", _structure_problems(document))


def check_contexts(
    document: Mapping[str, Any],
    loader: DocumentLoader,
    proofs: Sequence[ProofResult] = (),
    *,
    signed_as_text: bool = False,
    undefined_terms_warn: bool = False,
) -> Check:
    """Every context is served by the loader, is an inline copy of a pinned one or only adds
    terms, and the document reads without loss (DI §2.4; microcred.jsonld.compacted).

    A document signed as an RDF graph (or not signed) must be in canonical compacted form,
    so what the checks read is what is signed; one signed only as JSON text (JCS proofs, or
    `signed_as_text` for a JAdES seal) needs safe expansion. A verified RDFC proof already
    read the document (without its proofs, which its proof configuration read) this way, so
    it is not read a second time.

    `undefined_terms_warn` (for JSON-signed payloads: a JWS, a JAdES seal): a term no context
    defines is a warning, not a failure, since the signature covers the JSON bytes and the
    term reads as the plain JSON that was signed; an unknown context still fails.
    """
    if any(p.verified and p.canonicalization == "rdfc" for p in proofs):
        return Check("contexts", CheckStatus.PASSED)
    as_text = signed_as_text or (bool(proofs) and all(p.canonicalization == "jcs" for p in proofs))
    try:
        to_rdf(document, loader, strict=not as_text)
    except MicrocredError as error:
        problem = Problem.from_error(error)
        if undefined_terms_warn and problem.code == "DATA_LOSS_DETECTION_ERROR":
            return Check.from_problems("contexts", (), [problem])
        return Check.from_problems("contexts", [problem])
    return Check("contexts", CheckStatus.PASSED)


def check_issuer(document: Mapping[str, Any], proofs: Sequence[ProofResult]) -> Check:
    """Issuer binding (VCDM 2.0 App. A, DI §2.6): a verified proof's key belongs to the issuer.

    Every verified proof counts, whatever purpose the caller expected (each proof already
    matched it): a purpose never turns this check off."""
    issuer = issuer_id(document)
    controllers = [p.controller for p in proofs if p.verified]
    details = {"issuer": issuer, "controllers": controllers}
    if not controllers:
        return Check(
            "issuer", CheckStatus.SKIPPED, details={**details, "reason": "no verified proof"}
        )
    if any(p.controller == issuer and p.key_confirmed for p in proofs if p.verified):
        return Check("issuer", CheckStatus.PASSED, details=details)
    if issuer in controllers:  # only keys read from their own URL: nobody vouched for them
        problem = Problem(
            "ISSUER_UNCONFIRMED",
            f"the signing key was read from its own URL; no controller document of {issuer!r}"
            " lists it (pass a resolver that can fetch it): the issuer is unconfirmed",
            ("issuer",),
        )
        return Check("issuer", CheckStatus.INDETERMINATE, (problem,), (problem,), details)
    problem = Problem(
        "ISSUER_MISMATCH",
        f"the issuer {issuer!r} does not control the signing key (controller: {controllers[0]!r})",
        ("issuer",),
    )
    return Check.from_problems("issuer", [problem], details=details)
