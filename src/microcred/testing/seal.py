"""A throwaway e-seal PKI for trying Europass EDC sealing: a test root CA and an e-seal
certificate it issued, never for real use (no eIDAS trust list names them).

    python -m microcred.testing.seal FOLDER [--organisation NAME] [--identifier VATIE-…]

writes `root.pem` (the trust anchor to verify with), `chain.pem` (the seal certificate then
the root, leaf first) and `seal.pem` (the seal's private key, unencrypted PEM).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["TestSeal", "make_test_seal", "write_test_seal"]


@dataclass(frozen=True)
class TestSeal:
    """A test e-seal: its private key, its certificate and the root CA certificate."""

    __test__ = False  # not a pytest test class, despite its name

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def chain_pem(self) -> bytes:
        """The seal certificate then the root, PEM, leaf first (what `--cert` takes)."""
        pem = serialization.Encoding.PEM
        return self.certificate.public_bytes(pem) + self.root.public_bytes(pem)

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)


def _usage(*, ca: bool) -> x509.KeyUsage:
    """keyUsage of a CA (certificates, CRLs) or of an e-seal (digitalSignature and
    nonRepudiation, as ETSI EN 319 412-3 asks of seal certificates)."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_test_seal(
    *,
    organisation: str = "University of Zed",
    identifier: str = "VATIE-0000000Z",
    country: str = "IE",
    now: datetime | None = None,
    days: int = 365,
) -> TestSeal:
    """A new P-256 test root CA and an e-seal certificate for `organisation`, whose
    organizationIdentifier (2.5.4.97) is the eIDAS identifier the EDC issuer is bound to."""
    start = (now or datetime.now(UTC)) - timedelta(days=1)
    root_key, seal_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(2))
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "microcred test CA (not trusted)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "microcred test root"),
        ]
    )
    seal_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} test e-seal"),
        ]
    )

    def build(subject: x509.Name, key: ec.EllipticCurvePrivateKey, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(_usage(ca=ca), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
            )
        )
        return builder.sign(root_key, hashes.SHA256())

    return TestSeal(seal_key, build(seal_name, seal_key, False), build(root_name, root_key, True))


def write_test_seal(folder: str | Path, seal: TestSeal | None = None) -> dict[str, Path]:
    """`seal` (default: a new `make_test_seal()`) written as seal.pem (mode 0600), chain.pem
    and root.pem in `folder` (made if missing); the paths by name."""
    seal = seal or make_test_seal()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = {name: target / f"{name}.pem" for name in ("seal", "chain", "root")}
    paths["seal"].touch(mode=0o600)
    paths["seal"].chmod(0o600)
    paths["seal"].write_bytes(seal.key_pem())
    paths["chain"].write_bytes(seal.chain_pem())
    paths["root"].write_bytes(seal.root_pem())
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m microcred.testing.seal",
        description="write a throwaway test e-seal (seal.pem, chain.pem, root.pem): never for"
        " real credentials",
    )
    parser.add_argument("folder", help="where to write the three files")
    parser.add_argument("--organisation", default="University of Zed")
    parser.add_argument("--identifier", default="VATIE-0000000Z", help="organizationIdentifier")
    parser.add_argument("--country", default="IE", help="ISO 3166 two-letter country code")
    args = parser.parse_args(argv)
    seal = make_test_seal(
        organisation=args.organisation, identifier=args.identifier, country=args.country
    )
    paths = write_test_seal(args.folder, seal)
    for path in paths.values():
        sys.stderr.write(f"microcred: wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
