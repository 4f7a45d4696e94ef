"""issue / sign / verify: the public entry points, and the only place defaults are filled in.

Defaults: the bundled offline loader, the did:key and did:jwk resolver, the current UTC time,
the four W3C cryptosuites (plus legacy Ed25519Signature2020 for verification). Nothing here
fetches. Credentials are secured with Data Integrity (`format="vc"`) or as a VC-JOSE-COSE
compact JWS (`format="vc+jwt"`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, overload

from microcred.errors import InvalidOptionError, MalformedDocumentError
from microcred.integrity.cryptosuites import CRYPTOSUITES, Cryptosuite
from microcred.integrity.proofs import VERIFY_SUITES, add_proof
from microcred.jsonld.loader import DocumentLoader, default_loader
from microcred.keys.did_key import KeyResolver
from microcred.keys.keypair import Signer
from microcred.keys.rsa import AnyPublicKey
from microcred.result import VerificationResult
from microcred.status.check import (
    StatusListLoader,
    StatusPolicy,
)
from microcred.verification.eu_standard import Profile
from microcred.verification.verifier import Verifier

if TYPE_CHECKING:
    from microcred.model import MicroCredential
    from microcred.verification.presentation_result import PresentationResult

__all__ = [
    "CredentialFormat",
    "default_loader",
    "issue",
    "sign",
    "sign_jwt",
    "verify",
    "verify_presentation",
]

CredentialFormat = Literal["vc", "vc+jwt", "ob3", "dc+sd-jwt"]
"""How `issue` secures a credential: a Data Integrity proof (as VC 2.0, or as an Open Badges
3.0 credential: `ob3`), a compact JWS (`vc+jwt`), or an SD-JWT VC for EU Digital Identity
wallets (`dc+sd-jwt`, docs/eudi.md)."""


_MAX_JSON_DEPTH = 512


class _NotJson(Exception):
    """A value that is not plain JSON; the path is filled in on the way out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.path: list[str | int] = []


def _json_copy(document: Any) -> dict[str, Any]:
    """A deep copy in json.loads's data model that proves the document is plain JSON
    (str keys; no NaN, Infinity or Python objects)."""
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a document to sign must be a JSON object")
    try:
        return _plain(document, 0)  # type: ignore[no-any-return]
    except _NotJson as error:
        message = f"the document is not plain JSON: {error}"
        raise MalformedDocumentError(message, path=tuple(reversed(error.path))) from None


def _plain(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if depth >= _MAX_JSON_DEPTH:
        raise _NotJson(f"nested deeper than {_MAX_JSON_DEPTH} levels (or cyclic)")
    if isinstance(value, dict):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotJson(f"object key {key!r} is not a string")
            try:
                copied[str(key)] = _plain(item, depth + 1)
            except _NotJson as error:
                error.path.append(key)
                raise
        return copied
    if isinstance(value, (list, tuple)):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_plain(item, depth + 1))
            except _NotJson as error:
                error.path.append(index)
                raise
        return items
    return _plain_scalar(value)


def _plain_scalar(value: Any) -> Any:
    """Subclasses (str and int enums, bool) become their plain JSON value; floats are finite."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotJson(f"{value} is not a JSON number")
        return float(value)
    raise _NotJson(f"a {type(value).__name__} is not a JSON value")


def sign(
    document: Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str | None = None,
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    expires: datetime | None = None,
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    proof_id: str | None = None,
    loader: DocumentLoader | None = None,
    cryptosuites: Mapping[str, Cryptosuite] = CRYPTOSUITES,
) -> dict[str, Any]:
    """Add a Data Integrity proof to any JSON-LD document; returns a new dict (DI §4.2-4.3).

    `cryptosuite` defaults to the key's: eddsa-rdfc-2022 (Ed25519), ecdsa-rdfc-2019 (P-256,
    P-384). The signer's output is verified with its public key before the proof is written:
    a DER or truncated signature is a `SignerOutputError` naming the fix (docs/keys.md)."""
    return add_proof(
        _json_copy(document),
        signer=key,
        loader=loader if loader is not None else default_loader(),
        cryptosuite=cryptosuite,
        proof_purpose=proof_purpose,
        created=created,
        expires=expires,
        domain=domain,
        challenge=challenge,
        previous_proof=previous_proof,
        proof_id=proof_id,
        cryptosuites=cryptosuites,
    )


def sign_jwt(
    credential: Mapping[str, Any], *, key: Signer, claims: Mapping[str, Any] | None = None
) -> str:
    """Secure a credential as a `vc+jwt` compact JWS (VC-JOSE-COSE §3.1.1): the payload is
    the credential, the header names `alg` (EdDSA, ES256, ES384 by key type) and `kid`.
    `claims`: JWT claims beside it (`iat`, `exp`, `cnf`...), which verify checks."""
    from microcred.jose.sign import sign_compact  # JOSE only for JWT issuers

    return sign_compact(_json_copy(credential), key=key, typ="vc+jwt", claims=claims)


@overload
def issue(
    micro_credential: MicroCredential | Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str | None = ...,
    created: datetime | None = ...,
    loader: DocumentLoader | None = ...,
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = ...,
    format: Literal["vc", "ob3"] = ...,
    holder_key: None = ...,
) -> dict[str, Any]: ...


@overload
def issue(
    micro_credential: MicroCredential | Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str | None = ...,
    created: datetime | None = ...,
    loader: DocumentLoader | None = ...,
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = ...,
    format: Literal["vc+jwt", "dc+sd-jwt"],
    holder_key: AnyPublicKey | None = ...,
) -> str: ...


def issue(
    micro_credential: MicroCredential | Mapping[str, Any],
    *,
    key: Signer,
    cryptosuite: str | None = None,
    created: datetime | None = None,
    loader: DocumentLoader | None = None,
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    format: CredentialFormat = "vc",
    holder_key: AnyPublicKey | None = None,
) -> dict[str, Any] | str:
    """Issue a signed VC 2.0 micro-credential: validate, map to ELM JSON-LD, secure it.

    The issuer is the key's controller; a micro-credential naming another issuer is refused
    (it could never pass the issuer check of `verify`). `status`: one credentialStatus entry
    or a list of them (e.g. `microcred.status_entry(...)`), signed with the credential.
    `format`: "vc" adds a Data Integrity proof (`cryptosuite`, `created`) and returns the
    credential; "ob3" an Open Badges 3.0 OpenBadgeCredential with a Data Integrity proof
    (docs/ob3.md); "vc+jwt" returns a compact JWS (docs/jose.md); "dc+sd-jwt" an SD-JWT VC
    bound to `holder_key` when given (docs/eudi.md).
    """
    if format not in ("vc", "vc+jwt", "ob3", "dc+sd-jwt"):
        known = "vc, vc+jwt, ob3, dc+sd-jwt"
        raise InvalidOptionError(f"unknown format {format!r} (known: {known})")
    if holder_key is not None and format != "dc+sd-jwt":
        raise InvalidOptionError("holder_key binds an SD-JWT VC (format='dc+sd-jwt')")
    if format == "dc+sd-jwt":
        if status is not None or cryptosuite is not None or created is not None:
            raise InvalidOptionError(
                "status, cryptosuite and created are Data Integrity options; use "
                "microcred.bindings.eudi.to_sd_jwt_vc for a Token Status List reference"
            )
        from microcred.bindings.eudi import to_sd_jwt_vc  # SD-JWT VC issuers only

        return to_sd_jwt_vc(micro_credential, key=key, holder_key=holder_key)
    if format == "vc+jwt" and (cryptosuite is not None or created is not None):
        raise InvalidOptionError(
            "cryptosuite and created are Data Integrity options; a vc+jwt takes its "
            "algorithm from the key and its date from validFrom"
        )
    from microcred.bindings.elm import to_credential  # the model loads pydantic: only here
    from microcred.model import MicroCredential

    mc = (
        micro_credential
        if isinstance(micro_credential, MicroCredential)
        else MicroCredential.parse(micro_credential)
    )
    mc = mc.issued_by(key.verification_method)
    if format == "ob3":
        from microcred.bindings.ob3 import to_ob3

        credential = to_ob3(mc)[0]
    else:
        credential = to_credential(mc)
    if status is not None:
        credential["credentialStatus"] = _status_entries(status)
    if format == "vc+jwt":
        return sign_jwt(credential, key=key)
    return sign(credential, key=key, cryptosuite=cryptosuite, created=created, loader=loader)


def _status_entries(status: Any) -> Any:
    """`credentialStatus` from one entry (an object) or several (a list), checked for shape."""
    entries = [status] if isinstance(status, Mapping) else status
    if (
        isinstance(entries, (str, bytes))
        or not isinstance(entries, Sequence)
        or not entries
        or not all(isinstance(e, Mapping) and "type" in e for e in entries)
    ):
        raise InvalidOptionError("status must be a credentialStatus entry (with a type) or a list")
    return dict(status) if isinstance(status, Mapping) else [dict(e) for e in entries]


def verify(
    document: Any,
    *,
    loader: DocumentLoader | None = None,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    expected_proof_purpose: str = "assertionMethod",
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
    profile: Profile = "default",
    trust_anchors: Any = None,
    seal_validators: Sequence[Any] = (),
    status_loader: StatusListLoader | None = None,
    status_policy: StatusPolicy = "strict",
    status_authorities: Collection[str] = (),
) -> VerificationResult:
    """Verify a credential offline; never raises on any JSON value, never mutates it.

    A `Verifier` built for this one call (build one yourself to keep its settings and caches
    across calls). Checks: structure, contexts, proof (every proof), issuer, validity,
    status, eu_standard; `verified` is true only when every proof verifies and no check
    failed.

    Status (Bitstring Status List): `status_loader` maps a status list URL to its list
    credential (e.g. `microcred.status_dir_loader(folder)`); each list is loaded once and
    verified with these same options. Revoked or suspended fails; a status that cannot be
    decided (no loader, load failure, invalid list, ...) is "indeterminate", which is not
    verified unless `status_policy="allow-indeterminate"` (then the check is a warning).
    A list counts when the credential's issuer issued it (its proof and issuer binding
    verified), or one of the `status_authorities` (issuer ids you trust to publish status for
    other issuers). An entry that cannot be read as written fails under any policy; status is
    read only for a credential whose proof and issuer binding verified.

    Contexts: the bundled ones are always asked first; `loader` adds others. The document
    must be in canonical compacted JSON-LD form (docs/security.md). Limits per call: 32
    proofs, 16 status entries, one RDFC work budget shared by every proof and status list.

    A JAdES-sealed credential (a Europass EDC) is recognised and checked as a seal instead
    (format, integrity, certificate, validity, timestamps, revocation; see
    `microcred.jades.verify_seal`) plus the payload's structure, contexts, status and
    eu_standard. Its `verified` needs the seal certificate to chain to one of
    `trust_anchors` (certificates, PEM or DER); without anchors it is "untrusted".
    """
    verifier = Verifier(
        loader=loader,
        resolver=resolver,
        trust_anchors=trust_anchors,
        seal_validators=seal_validators,
        status_loader=status_loader,
        status_policy=status_policy,
        status_authorities=status_authorities,
        cryptosuites=cryptosuites,
        profile=profile,
        max_clock_skew=max_clock_skew,
    )
    return verifier.verify(
        document,
        now=now,
        expected_proof_purpose=expected_proof_purpose,
        domain=domain,
        challenge=challenge,
    )


def verify_presentation(
    presentation: Any,
    *,
    challenge: str,
    domain: str | Sequence[str] | None = None,
    loader: DocumentLoader | None = None,
    resolver: KeyResolver | None = None,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
    expected_proof_purpose: str = "assertionMethod",
    **settings: Any,
) -> PresentationResult:
    """Verify a presentation offline; never raises on any JSON value, never mutates it.

    Checks: structure, contexts, proof (authentication purpose, `challenge`, `domain`),
    holder, credentials (each as `verify` would, with `expected_proof_purpose` and the other
    settings, e.g. `status_loader`, `profile`, `trust_anchors`). An unsigned presentation
    fails with PROOF_MISSING; it is never verified. A `Verifier` built for this one call.
    """
    unknown = sorted(set(settings) - _PRESENTATION_SETTINGS)
    if unknown:
        raise InvalidOptionError(f"verify() takes no option {unknown[0]!r} for the credentials")
    verifier = Verifier(
        loader=loader,
        resolver=resolver,
        max_clock_skew=max_clock_skew,
        cryptosuites=cryptosuites,
        **settings,
    )
    return verifier.verify_presentation(
        presentation,
        challenge=challenge,
        domain=domain,
        now=now,
        credential_purpose=expected_proof_purpose,
    )


_PRESENTATION_SETTINGS = frozenset(
    {
        "trust_anchors",
        "seal_validators",
        "status_loader",
        "status_policy",
        "status_authorities",
        "profile",
    }
)
"""The Verifier settings verify_presentation passes on for the credentials."""
