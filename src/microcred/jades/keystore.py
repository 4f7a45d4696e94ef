"""Seal keys and certificates from PEM or PKCS#12 (RFC 7292) files, leaf certificate first."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    pkcs12,
)

from microcred.errors import InvalidCertificateError, InvalidKeyError
from microcred.jades.algorithms import SigningKey
from microcred.jades.certificates import certificate_defect

__all__ = [
    "CertificateInput",
    "load_certificates",
    "load_signing_key",
    "subject_public_key_info",
]

CertificateInput = bytes | x509.Certificate | Sequence[bytes | x509.Certificate]


def load_signing_key(
    pem_or_p12: bytes, password: bytes | None = None
) -> tuple[SigningKey, tuple[x509.Certificate, ...]]:
    """(private key, certificate chain with the key's certificate first) from PEM or PKCS#12.

    A PEM file holds the private key and its certificates in any order; a PKCS#12 file holds
    them as key, certificate and additional certificates. Raises InvalidKeyError.
    """
    key: object
    if pem_or_p12.lstrip().startswith(b"-----BEGIN"):
        try:
            key = load_pem_private_key(pem_or_p12, password)
        except (ValueError, TypeError) as exc:
            raise InvalidKeyError(f"no usable private key in the PEM data: {exc}") from exc
        try:
            certificates = list(load_certificates(pem_or_p12))
        except InvalidCertificateError:
            certificates = []  # reported below as "no certificate holds the key"
    else:
        try:
            p12 = pkcs12.load_pkcs12(pem_or_p12, password)
        except (ValueError, TypeError) as exc:
            raise InvalidKeyError(f"not a readable PKCS#12 file: {exc}") from exc
        key = p12.key
        certificates = [c.certificate for c in ([p12.cert] if p12.cert else [])]
        certificates += [c.certificate for c in p12.additional_certs]
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidKeyError(f"a seal key is RSA or EC, not {type(key).__name__}")
    own = subject_public_key_info(key)
    leaves = [c for c in certificates if subject_public_key_info(c) == own]
    if not leaves:
        raise InvalidKeyError("no certificate in the file holds the private key's public key")
    return key, (leaves[0], *(c for c in certificates if c is not leaves[0]))


def load_certificates(source: CertificateInput) -> tuple[x509.Certificate, ...]:
    """Certificates from x509 objects, DER bytes or PEM bytes (a bundle may hold several).

    Raises InvalidCertificateError, also for a certificate whose names, extensions or dates
    cannot be read (so verification never trips over a caller's trust anchor).
    """
    items = [source] if isinstance(source, bytes | x509.Certificate) else list(source)
    out: list[x509.Certificate] = []
    for item in items:
        if isinstance(item, x509.Certificate):
            out.append(item)
            continue
        if not isinstance(item, bytes):
            raise InvalidCertificateError(
                f"expected a certificate or bytes, got {type(item).__name__}"
            )
        try:
            if b"-----BEGIN" in item:
                out.extend(x509.load_pem_x509_certificates(item))
            else:
                out.append(x509.load_der_x509_certificate(item))
        except (ValueError, x509.InvalidVersion) as exc:
            raise InvalidCertificateError(f"not an X.509 certificate: {exc}") from exc
    for certificate in out:
        defect = certificate_defect(certificate)
        if defect is not None:
            raise InvalidCertificateError(f"unreadable X.509 certificate: {defect}")
    return tuple(out)


def subject_public_key_info(holder: SigningKey | x509.Certificate) -> bytes:
    """The DER SubjectPublicKeyInfo of a private key or certificate, to pair them up."""
    public = holder.public_key()
    return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
