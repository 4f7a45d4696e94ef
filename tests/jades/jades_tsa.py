"""A throwaway RFC 3161 time-stamping authority for the tests: its own root CA and TSA
certificate (cryptography), tokens built with asn1crypto (CMS SignedData over a TSTInfo,
signed attributes content-type, message-digest and ESS signing-certificate-v2).

`token(data, at=...)` time-stamps bytes; keyword options break one rule at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from microcred.jades import SigningKey
from tests.jades.jades_pki import T0, key_usage


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "microcred test TSA"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def tsa_root(key: SigningKey, common_name: str = "Test TSA Root") -> x509.Certificate:
    """A self-signed CA for time-stamping units, valid ten years either side of T0."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(T0 - timedelta(days=3650))
        .not_valid_after(T0 + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(key_usage("ca"), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )


def tsa_certificate(
    key: SigningKey,
    issuer: tuple[SigningKey, x509.Certificate],
    *,
    purpose: Any = ExtendedKeyUsageOID.TIME_STAMPING,
    not_after: datetime = T0 + timedelta(days=3650),
) -> x509.Certificate:
    """A time-stamping unit's certificate: critical extendedKeyUsage id-kp-timeStamping
    (RFC 3161 §2.3) unless `purpose` says otherwise (None: no extendedKeyUsage)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name("Test TSU"))
        .issuer_name(issuer[1].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(T0 - timedelta(days=365))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage("seal"), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[0].public_key()), False
        )
    )
    if purpose is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([purpose]), critical=True)
    return builder.sign(issuer[0], hashes.SHA256())


@dataclass(frozen=True)
class TimeStampingAuthority:
    """A TSA: its signing key and certificate, and the root that issued the certificate."""

    key: SigningKey
    certificate: x509.Certificate
    root: x509.Certificate

    def token(
        self,
        data: bytes,
        *,
        at: datetime,
        imprint_of: bytes | None = None,
        hash_name: str = "sha256",
        embed: x509.Certificate | None = None,
        signer_key: SigningKey | None = None,
    ) -> bytes:
        """A DER TimeStampToken over `data` (or, to forge one, over `imprint_of`) at `at`.

        `embed` replaces the certificate the token carries and names; `signer_key` the key
        that signs (both default to the TSA's own)."""
        certificate = embed or self.certificate
        der = certificate.public_bytes(Encoding.DER)
        info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": "1.3.6.1.4.1.99999.1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": hash_name},
                    "hashed_message": hashlib.new(hash_name, imprint_of or data).digest(),
                },
                "serial_number": int.from_bytes(hashlib.sha256(data).digest()[:8], "big"),
                "gen_time": at,
            }
        )
        content = info.dump()
        attributes = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(der).digest()}]}],
                },
            ]
        )
        key = signer_key or self.key
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
            algorithm = "sha256_rsa"
        else:
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            signature = key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
            algorithm = "sha256_ecdsa"
        parsed = asn1_x509.Certificate.load(der)
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value={"issuer": parsed.issuer, "serial_number": parsed.serial_number},
                ),
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": attributes,
                "signature_algorithm": {"algorithm": algorithm},
                "signature": signature,
            }
        )
        signed = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": core.ParsableOctetString(content),
                },
                "certificates": [parsed],
                "signer_infos": [signer],
            }
        )
        token: bytes = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
        return token

    def timestamper(self, at: datetime) -> Callable[[bytes], bytes]:
        """A `jades.Timestamper` answering as this TSA at `at`."""
        return lambda data: self.token(data, at=at)
