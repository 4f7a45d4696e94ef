"""`microcred issue --format edc` seals a Europass EDC; `microcred verify` checks sealed files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from microcred.cli import main
from tests.jades.jades_pki import university_seal

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"


@pytest.fixture(scope="module")
def seal_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway RSA-2048 e-seal key and self-signed certificate, as PEM files."""
    folder = tmp_path_factory.mktemp("seal")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = university_seal(key, datetime.now(UTC))
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
