"""RFC 3161 time-stamp tokens verified offline: the message imprint (§2.4.2), the CMS signature
(RFC 5652 §5.4, §5.6), the ESS signing-certificate binding (RFC 2634 §5.4, RFC 5816) and the
TSA certificate (RFC 3161 §2.3) with its certification path to the caller's anchors.

asn1crypto parses the tokens. It is imported by `verify_token`, so `import microcred` and
seals without time-stamps never load it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from microcred.jades.certificates import certificate_defect, certification_path

if TYPE_CHECKING:
    from asn1crypto import cms

__all__ = ["TokenVerdict", "verify_token"]

# Imprint and CMS digests we accept; SHA-1 is refused (collisions make imprints forgeable).
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


@dataclass(frozen=True, slots=True)
class TokenVerdict:
    """What one token proves: `problem` (code, message) when it is invalid; `trusted` when its
    TSA certificate chains to an anchor at `gen_time`, the time it attests."""

    gen_time: datetime | None = None
    tsa: str | None = None  # the TSA certificate's subject (RFC 4514)
    problem: tuple[str, str] | None = None
    trusted: bool = False
    reason: str | None = None  # why an intact token is not trusted
    path: tuple[x509.Certificate, ...] = ()  # TSA certificate → anchor, when trusted


def verify_token(
    token: bytes,
    data: bytes,
    anchors: Sequence[x509.Certificate],
    pool: Sequence[x509.Certificate] = (),
) -> TokenVerdict:
    """Verify a DER TimeStampToken over `data`; never raises for any `token`.

    `pool` holds further certificates (e.g. etsiU xVals) for finding the TSA certificate and
    building its path; trust comes only from `anchors`.
    """
    try:
        from asn1crypto import cms, tsp
    except ImportError:  # pragma: no cover - asn1crypto is a dependency
        return _invalid("TIMESTAMP_UNCHECKED", "asn1crypto is not installed")
    try:
        info = cms.ContentInfo.load(token, strict=True)
        if info["content_type"].native != "signed_data":
            return _invalid("TIMESTAMP_MALFORMED", "not a CMS SignedData")
        signed = info["content"]
        encapsulated = signed["encap_content_info"]
        if encapsulated["content_type"].native != "tst_info":
            return _invalid("TIMESTAMP_MALFORMED", "the signed content is not a TSTInfo")
        content = encapsulated["content"].contents
        tst_info = tsp.TSTInfo.load(content, strict=True)
        gen_time = tst_info["gen_time"].native
        imprint = tst_info["message_imprint"]
        imprint_hash = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
        signer_infos = list(signed["signer_infos"])
        listed = {a["algorithm"].native for a in signed["digest_algorithms"]}
        certificates = [
            c.chosen.dump() for c in (signed["certificates"] or []) if c.name == "certificate"
        ]
    except _PARSE_ERRORS as exc:
        return _invalid("TIMESTAMP_MALFORMED", f"not a readable RFC 3161 token: {exc}")
    if imprint_hash not in _HASHES:
        return _invalid("TIMESTAMP_MALFORMED", f"message imprint hash {imprint_hash} not allowed")
    if hashlib.new(imprint_hash, data).digest() != hashed:
        return _invalid(
            "TIMESTAMP_IMPRINT_MISMATCH",
            "the message imprint is not the hash of the time-stamped data",
            gen_time,
        )
    if len(signer_infos) != 1:  # RFC 3161 §2.4.2: the TSA is the only signer
        return _invalid("TIMESTAMP_SIGNATURE_INVALID", "a token has exactly one signer", gen_time)
    candidates = [*certificates, *(c.public_bytes(Encoding.DER) for c in pool)]
    outcome = _check_signer(signer_infos[0], content, candidates, listed)
    if isinstance(outcome, str):
        return _invalid("TIMESTAMP_SIGNATURE_INVALID", outcome, gen_time)
    tsa = outcome
    subject = tsa.subject.rfc4514_string()
    unfit = _tsa_problem(tsa, gen_time)
    if unfit is not None:
        return TokenVerdict(gen_time, subject, ("TIMESTAMP_CERTIFICATE_INVALID", unfit))
    if not anchors:
        return TokenVerdict(gen_time, subject, reason="no time-stamping trust anchors given")
    unique = {c.public_bytes(Encoding.DER): c for c in (*map(_load, certificates), *pool) if c}
    path = certification_path(tsa, list(unique.values()), anchors, gen_time)
    if isinstance(path, str):
        return TokenVerdict(gen_time, subject, reason=f"no path to a trust anchor: {path}")
    return TokenVerdict(gen_time, subject, trusted=True, path=tuple(path))


def _check_signer(
    signer: cms.SignerInfo, content: bytes, candidates: Sequence[bytes], listed: set[str]
) -> x509.Certificate | str:
    """The TSA certificate whose key made the signer's signature, or why there is none."""
    try:
        digest_name = signer["digest_algorithm"]["algorithm"].native
        if digest_name not in listed:  # RFC 5652 §5.1: digestAlgorithms lists the signer's
            return f"digest algorithm {digest_name} is not among the SignedData's"
        attributes = signer["signed_attrs"]
        if not attributes:
            return "the token has no signed attributes (RFC 5652 §5.3)"
        found = {a["type"].native: a["values"] for a in attributes}
        if len(found) != len(attributes):
            return "an attribute appears twice among the signed attributes"
        signed_bytes = b"\x31" + attributes.dump()[1:]  # [0] IMPLICIT → SET OF (§5.4)
        certificate_der = _signer_certificate(signer["sid"], candidates)
        if certificate_der is None:
            return "the token's signer certificate is neither in the token nor in the seal"
        content_type = found.get("content_type")
        message_digest = found.get("message_digest")
        ess_v2 = found.get("signing_certificate_v2")
        ess = ess_v2 or found.get("signing_certificate")
        if content_type is None or content_type[0].native != "tst_info":
            return "the content-type attribute is not id-ct-TSTInfo"
        if digest_name not in _HASHES:
            return f"digest algorithm {digest_name} not allowed"
        if (
            message_digest is None
            or message_digest[0].native != hashlib.new(digest_name, content).digest()
        ):
            return "the message-digest attribute is not the digest of the TSTInfo"
        if ess is None or not _ess_binds(ess[0], certificate_der, ess_v2 is not None):
            return "the ESS signing-certificate attribute does not name the signer certificate"
        algorithm = signer["signature_algorithm"]
        signature = signer["signature"].native
        scheme = algorithm.signature_algo
        parameters = algorithm["parameters"] if scheme == "rsassa_pss" else None
    except _PARSE_ERRORS as exc:
        return f"unreadable signer information: {exc}"
    certificate = _load(certificate_der)
    if certificate is None:
        return "the signer certificate is unreadable"
    verifies = _signature_verifies(
        certificate, scheme, parameters, digest_name, signature, signed_bytes
    )
    if not verifies:
        return "the TSA's signature over the signed attributes does not verify"
    return certificate


def _signer_certificate(sid: Any, candidates: Sequence[bytes]) -> bytes | None:
    """The DER certificate the SignerIdentifier names (issuer and serial, or key id)."""
    from asn1crypto import x509 as asn1_x509

    for der in candidates:
        try:
            certificate = asn1_x509.Certificate.load(der)
            if sid.name == "issuer_and_serial_number":
                chosen = sid.chosen
                if (
                    certificate.serial_number == chosen["serial_number"].native
                    and certificate.issuer == chosen["issuer"]
                ):
                    return der
            elif certificate.key_identifier == sid.chosen.native:
                return der
        except _PARSE_ERRORS:
            continue
    return None


def _ess_binds(value: Any, certificate_der: bytes, v2: bool) -> bool:
    """The first ESSCertID(v2) hashes the signer certificate (RFC 5035 §4: v2 defaults to
    SHA-256; v1 is SHA-1 by definition, RFC 2634 §5.4.1)."""
    first = value["certs"][0]
    name = first["hash_algorithm"]["algorithm"].native if v2 else "sha1"
    if name not in (*_HASHES, "sha1"):
        return False
    return bool(first["cert_hash"].native == hashlib.new(name, certificate_der).digest())


def _signature_verifies(
    certificate: x509.Certificate,
    scheme: str,
    parameters: Any,
    digest_name: str,
    signature: bytes,
    data: bytes,
) -> bool:
    """Whether `signature` over `data` verifies under the certificate's key."""
    digest = _HASHES[digest_name]()
    try:
        key = certificate.public_key()
        if isinstance(key, rsa.RSAPublicKey) and scheme == "rsassa_pkcs1v15":
            key.verify(signature, data, padding.PKCS1v15(), digest)
        elif isinstance(key, rsa.RSAPublicKey) and scheme == "rsassa_pss":
            pss_hash = parameters["hash_algorithm"]["algorithm"].native
            if pss_hash != digest_name:
                return False
            salt = parameters["salt_length"].native
            key.verify(signature, data, padding.PSS(padding.MGF1(digest), salt), digest)
        elif isinstance(key, ec.EllipticCurvePublicKey) and scheme == "ecdsa":
            key.verify(signature, data, ec.ECDSA(digest))
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, *_PARSE_ERRORS):
        return False
    return True


def _tsa_problem(tsa: x509.Certificate, at: datetime) -> str | None:
    """Why the signer certificate is no TSA certificate valid at `at` (RFC 3161 §2.3)."""
    defect = certificate_defect(tsa)
    if defect is not None:
        return f"the TSA certificate is unreadable: {defect}"
    if not tsa.not_valid_before_utc <= at <= tsa.not_valid_after_utc:
        return "the TSA certificate is not valid at the time-stamp's genTime"
    try:
        usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return "the TSA certificate has no extendedKeyUsage id-kp-timeStamping"
    if list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING] or not usage.critical:
        return "the TSA certificate's extendedKeyUsage must be critical and only id-kp-timeStamping"
    return None


def _load(der: bytes) -> x509.Certificate | None:
    try:
        certificate = x509.load_der_x509_certificate(der)
    except (ValueError, x509.InvalidVersion):
        return None
    return certificate if certificate_defect(certificate) is None else None


def _invalid(code: str, message: str, gen_time: datetime | None = None) -> TokenVerdict:
    return TokenVerdict(gen_time, problem=(code, message))
