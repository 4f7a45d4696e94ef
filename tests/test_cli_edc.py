"""`microcred issue --format edc` seals a Europass EDC; `microcred verify` checks sealed files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from microcred.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"


@pytest.fixture(scope="module")
def seal_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway RSA-2048 e-seal key and self-signed certificate, as PEM files."""
    folder = tmp_path_factory.mktemp("seal")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "University of Zed"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATIE-0000000Z"),
            x509.NameAttribute(NameOID.COMMON_NAME, "University of Zed e-seal"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(  # an e-seal end-entity certificate: digitalSignature, nonRepudiation
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "key.pem", folder / "chain.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def test_issue_edc_then_verify_with_and_without_the_anchor(
    seal_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file, cert_file = seal_files
    sealed = tmp_path / "edc.json"
    code = main(
        [
            "issue",
            str(EXAMPLE),
            "--format",
            "edc",
            "--key",
            str(key_file),
            "--cert",
            str(cert_file),
            "-o",
            str(sealed),
        ]
    )
    assert code == 0
    document = json.loads(sealed.read_text())
    payload = json.loads(document["payload"])
    assert payload["issuer"]["eIDASIdentifier"]["notation"] == "VATIE-0000000Z"
    capsys.readouterr()
    assert main(["verify", str(sealed), "--trust-anchor", str(cert_file)]) == 0
    assert capsys.readouterr().out.startswith("VERIFIED")
    assert main(["verify", str(sealed)]) == 1
    out = capsys.readouterr().out
    assert "certificate" in out and "CERTIFICATE_UNTRUSTED" in out


def test_issue_edc_without_a_certificate_is_a_usage_error(
    seal_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    key_file, _ = seal_files
    assert main(["issue", str(EXAMPLE), "--format", "edc", "--key", str(key_file)]) == 2
    assert "certificate" in capsys.readouterr().err
