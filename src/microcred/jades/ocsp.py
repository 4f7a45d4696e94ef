"""OCSP responses a seal embeds (RFC 6960), read offline: which single response answers
for a certificate, who may sign it (the issuer or a responder it delegated to, §4.2.2.2),
and whether its signature verifies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

__all__ = ["GOOD", "load_ocsp", "ocsp_status"]

GOOD: Literal["good"] = "good"
_ERRORS = (ValueError, TypeError, KeyError, UnsupportedAlgorithm)


def load_ocsp(der: bytes) -> ocsp.OCSPResponse:
    """A DER OCSPResponse whose status is successful; ValueError otherwise."""
    response = ocsp.load_der_ocsp_response(der)
    if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
        raise ValueError(f"OCSP response status {response.response_status.name}")
    return response


def ocsp_status(
    response: ocsp.OCSPResponse,
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    pool: Sequence[x509.Certificate],
    at: datetime,
) -> datetime | Literal["good"] | None:
    """When a verified OCSP response says `certificate` was revoked, or "good" if it was
    not at `at`; None when the response does not verify or does not cover `at`.
    A response may answer for several certificates (RFC 6960 §4.2.1): its single response
    on this one (serial, issuer name and key hashes) counts."""
    try:
        single = next((r for r in response.responses if _answers(r, certificate, issuer)), None)
        if single is None:
            return None
        responder = _responder(response, issuer, (*response.certificates, *pool))
        if responder is None or not _signed_by(responder, response):
            return None
        status = single.certificate_status
        if status is ocsp.OCSPCertStatus.REVOKED and single.revocation_time_utc is not None:
            return single.revocation_time_utc
        if status is not ocsp.OCSPCertStatus.GOOD:
            return None
        next_update = single.next_update_utc
        current = next_update is not None and single.this_update_utc <= at <= next_update
        return GOOD if single.this_update_utc >= at or current else None
    except _ERRORS:
        return None


def _answers(
    single: ocsp.OCSPSingleResponse, certificate: x509.Certificate, issuer: x509.Certificate
) -> bool:
    """Whether a single response's CertID names `certificate` as issued by `issuer`."""
    name = single.hash_algorithm.name
    return (
        single.serial_number == certificate.serial_number
        and single.issuer_key_hash == _key_hash(issuer, name)
        and single.issuer_name_hash == hashlib.new(name, issuer.subject.public_bytes()).digest()
    )


def _responder(
    response: ocsp.OCSPResponse, issuer: x509.Certificate, candidates: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    """The CA itself, or a responder it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)."""
    for candidate in (issuer, *candidates):
        if response.responder_name is not None:
            if candidate.subject != response.responder_name:
                continue
        elif response.responder_key_hash != _key_hash(candidate, "sha1"):
            continue
        if candidate.public_bytes(Encoding.DER) == issuer.public_bytes(Encoding.DER):
            return candidate
        try:
            usage = candidate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            if ExtendedKeyUsageOID.OCSP_SIGNING not in usage:
                continue
            candidate.verify_directly_issued_by(issuer)
        except (x509.ExtensionNotFound, InvalidSignature, *_ERRORS):
            continue
        produced = response.produced_at_utc
        if candidate.not_valid_before_utc <= produced <= candidate.not_valid_after_utc:
            return candidate
    return None


def _signed_by(responder: x509.Certificate, response: ocsp.OCSPResponse) -> bool:
    algorithm = response.signature_hash_algorithm
    key = responder.public_key()
    try:
        if algorithm is None:
            return False
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(
                response.signature, response.tbs_response_bytes, padding.PKCS1v15(), algorithm
            )
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except (InvalidSignature, *_ERRORS):
        return False
    return True


def _key_hash(certificate: x509.Certificate, name: str) -> bytes:
    """Hash of the subjectPublicKey BIT STRING value (RFC 6960 §4.1.1 issuerKeyHash)."""
    from asn1crypto import keys  # only for seals that embed OCSP responses

    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    bits = keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]  # after the unused-bits byte
    return hashlib.new(name, bits).digest()
