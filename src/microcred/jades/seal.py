"""Seal a credential as JAdES baseline-B (or B-T with a caller's time-stamper), JWS JSON
General Serialization, unencoded payload.

ETSI TS 119 182-1 §5 on RFC 7515 §7.2.1 with RFC 7797 `b64: false`: the payload member is the
credential's JSON text itself, and the signature covers `BASE64URL(header) || '.' || payload`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from microcred.errors import InvalidOptionError, MalformedDocumentError, SealError
from microcred.jades.algorithms import SigningKey, default_algorithm, sign
from microcred.jades.certificates import certificate_defect
from microcred.jades.header import SigningTimeHeader, protected_header
from microcred.jades.issuer import issuer_binding_problems, seal_subject
from microcred.jades.jws import signing_input
from microcred.jades.keystore import (
    CertificateInput,
    load_certificates,
    subject_public_key_info,
)
from microcred.keys.multibase import base64url_encode as b64url_encode

__all__ = ["Timestamper", "seal", "serialize_payload"]

# Takes the bytes to time-stamp, returns a DER RFC 3161 TimeStampToken over them (the
# caller's TSA client hashes them into the request; microcred ships no HTTP client).
Timestamper = Callable[[bytes], bytes]


def seal(
    document: Mapping[str, Any],
    *,
    key: SigningKey,
    certificate_chain: CertificateInput,
    signing_time: datetime | None = None,
    algorithm: str | None = None,
    bind_issuer: bool = True,
    signing_time_header: SigningTimeHeader = "iat",
    timestamper: Timestamper | None = None,
) -> dict[str, Any]:
    """A new JWS JSON object sealing `document` with `key` and its certificate (leaf first).

    The algorithm defaults to the key's (RSA → RS256, P-256 → ES256, P-384 → ES384); the
    claimed signing time to now, at second precision, written as `iat` (TS 119 182-1 V1.2.1)
    or, with `signing_time_header="sigT"`, as the deprecated `sigT` for older verifiers. The
    certificate's validity is not judged here: `verify_seal` does that. The document's issuer
    must be the organisation the certificate names (`jades.issuer`: eIDAS identifier =
    organizationIdentifier, else legal name and country = O and C), else SealError:
    `verify_seal` would fail the seal; `bind_issuer=False` skips this for documents that are
    no credential. With a `timestamper` the seal is baseline-B-T: its token over
    ASCII(BASE64URL(signature)) goes into `etsiU` as `sigTst` (TS 119 182-1 §5.3.4), and a
    token that does not cover those bytes is a SealError. Raises SealError,
    KeyTypeMismatchError, InvalidCertificateError, MalformedDocumentError or
    InvalidOptionError.
    """
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SealError(f"{type(key).__name__} cannot seal: use an RSA or EC private key")
    chain = load_certificates(certificate_chain)
    if not chain:
        raise SealError("certificate_chain is empty: the sealing certificate goes first")
    if subject_public_key_info(chain[0]) != subject_public_key_info(key):
        raise SealError("the private key does not belong to certificate_chain[0]")
    name = algorithm or default_algorithm(key)
    moment = (signing_time or datetime.now(UTC)).replace(microsecond=0)
    if moment.utcoffset() is None:
        raise InvalidOptionError("signing_time must be an aware datetime (with a time zone)")
    payload = serialize_payload(document)
    if bind_issuer:
        _refuse_foreign_issuer(document, chain[0])
    if signing_time_header not in ("iat", "sigT"):
        raise InvalidOptionError('signing_time_header must be "iat" or "sigT"')
    header = protected_header(name, chain, moment, signing_time_header)
    encoded = b64url_encode(json.dumps(header, separators=(",", ":")).encode("ascii"))
    signature = b64url_encode(sign(name, key, signing_input(encoded, payload)))
    entry: dict[str, Any] = {"protected": encoded, "signature": signature}
    if timestamper is not None:
        entry["header"] = {"etsiU": [_signature_time_stamp(timestamper, signature)]}
    return {"payload": payload, "signatures": [entry]}


def _signature_time_stamp(timestamper: Timestamper, signature: str) -> str:
    """The etsiU item `{"sigTst": {"tstTokens": [{"val": base64 DER}]}}`, base64url-encoded
    as EU DSS writes it, after checking that the caller's token covers the signature."""
    from microcred.jades.tsp import verify_token  # asn1crypto: only for B-T seals

    data = signature.encode("ascii")
    token = timestamper(data)
    if not isinstance(token, bytes):
        raise SealError(f"the timestamper returned {type(token).__name__}, not DER bytes")
    verdict = verify_token(token, data, ())
    if verdict.problem is not None:
        raise SealError(f"the timestamper's token is unusable: {verdict.problem[1]}")
    value = {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode("ascii")}]}}
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode("ascii"))


def _refuse_foreign_issuer(document: Mapping[str, Any], leaf: x509.Certificate) -> None:
    """SealError unless the document's issuer is the organisation `leaf` names."""
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a sealed document must be a JSON object")
    defect = certificate_defect(leaf)
    if defect is not None:
        raise SealError(f"the sealing certificate's names cannot be read: {defect}")
    problems = issuer_binding_problems(document, seal_subject(leaf), ())
    if problems:
        raise SealError(
            f"refusing to seal in another organisation's name: {problems[0].message} "
            f"(at {'.'.join(map(str, problems[0].path))})"
        )


def serialize_payload(document: Mapping[str, Any]) -> str:
    """The credential as compact JSON text, non-ASCII kept as UTF-8 (as EDC seals it).

    Deterministic for a given document: member order is kept, nothing is sorted or escaped.
    """
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a sealed document must be a JSON object")
    try:
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise MalformedDocumentError(f"document is not JSON: {exc}") from exc
    return text
