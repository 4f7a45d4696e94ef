"""Regression (issue 15): `issue_edc` sealed an EDC whose issuer says VATFR-99999999999 with a
certificate of VATIE-1234567X, and `verify_seal` said verified: anyone holding an e-seal
certificate could issue in another organisation's name. Now sealing refuses it, and a seal
made anyway fails the "issuer" check with ISSUER_MISMATCH naming both identities; the EC
samples and MyNextID's sealed EDC keep passing integrity and issuer binding."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred import verify
from microcred.bindings.edc import EDCIssuer, issue_edc, to_edc
from microcred.cli import main
from microcred.errors import SealError
from microcred.jades import seal, verify_seal
from microcred.model import MicroCredential
from tests.jades.jades_pki import key_usage

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
SIGNED_AT = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)
KEY = ec.generate_private_key(ec.SECP256R1())


def _seal_certificate(organization_identifier: str, organization: str, country: str) -> Any:
    """A throwaway self-signed e-seal certificate naming one organisation."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, organization_identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organization} e-seal"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(KEY.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(SIGNED_AT - timedelta(days=1))
        .not_valid_after(SIGNED_AT + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage("seal"), critical=True)
        .sign(KEY, hashes.SHA256())
    )


IRISH = _seal_certificate("VATIE-1234567X", "University of Zed", "IE")
MC = MicroCredential.parse(
    {
        k: v
        for k, v in json.loads(EXAMPLE.read_text("utf-8")).items()
        if k not in ("grade", "supervision")
    }
)
FRENCH = EDCIssuer("VATFR-99999999999", "FR")
NOW = SIGNED_AT + timedelta(hours=1)


def test_issue_edc_refuses_to_seal_in_another_organisations_name() -> None:
    with pytest.raises(SealError) as caught:
        issue_edc(MC, issuer=FRENCH, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT)
    assert "VATFR-99999999999" in str(caught.value) and "VATIE-1234567X" in str(caught.value)


def test_a_seal_made_anyway_is_not_verified_and_names_the_mismatch() -> None:
    edc = to_edc(MC, issuer=FRENCH, issued=SIGNED_AT)
    forged = seal(
        edc, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT, bind_issuer=False
    )
    result = verify_seal(forged, trust_anchors=[IRISH], now=NOW)
    assert not result.verified
    assert result.checks["integrity"].ok and result.checks["certificate"].ok
    issuer = result.checks["issuer"]
    assert [p.code for p in issuer.problems] == ["ISSUER_MISMATCH"]
    assert issuer.problems[0].path == ("payload", "issuer", "eIDASIdentifier")
    assert "VATFR-99999999999" in issuer.problems[0].message
    assert "VATIE-1234567X" in issuer.problems[0].message
    assert not verify(forged, trust_anchors=[IRISH], now=NOW).verified


def test_the_issuer_is_taken_from_the_certificate_when_not_given() -> None:
    sealed = issue_edc(MC, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT)
    issuer = json.loads(sealed["payload"])["issuer"]
    assert issuer["eIDASIdentifier"]["notation"] == "VATIE-1234567X"
    assert issuer["eIDASIdentifier"]["spatial"]["id"].endswith("/country/IRL")
    result = verify_seal(sealed, trust_anchors=[IRISH], now=NOW)
    assert result.verified, result.to_dict()
    assert json.loads(sealed["payload"])["evidence"]["dcType"]["prefLabel"] == {"en": "Mandate"}


def test_without_an_eidas_identifier_legal_name_and_country_must_match() -> None:
    edc = to_edc(MC, issuer=EDCIssuer("VATIE-1234567X", "IE"), issued=SIGNED_AT)
    del edc["issuer"]["eIDASIdentifier"]
    location = edc["issuer"]["location"]
    location = location[0] if isinstance(location, list) else location
    edc["issuer"]["legalName"] = {"en": "university of  zed"}  # case and spacing differ
    location["address"]["countryCode"]["id"] = (
        "http://publications.europa.eu/resource/authority/country/IRL"
    )
    sealed = seal(edc, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT)
    assert verify_seal(sealed, trust_anchors=[IRISH], now=NOW).checks["issuer"].ok
    edc["issuer"]["legalName"] = {"en": "University of Elsewhere"}
    with pytest.raises(SealError):
        seal(edc, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT)
    forged = seal(
        edc, key=KEY, certificate_chain=[IRISH], signing_time=SIGNED_AT, bind_issuer=False
    )
    check = verify_seal(forged, trust_anchors=[IRISH], now=NOW).checks["issuer"]
    assert [(p.code, p.path[-1]) for p in check.problems] == [("ISSUER_MISMATCH", "legalName")]


def test_the_cli_refuses_an_eidas_id_the_certificate_does_not_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file, cert_file = tmp_path / "key.pem", tmp_path / "cert.pem"
    key_file.write_bytes(
        KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(IRISH.public_bytes(serialization.Encoding.PEM))
    argv = ["issue", str(EXAMPLE), "--format", "edc", "--key", str(key_file)]
    argv += ["--cert", str(cert_file), "--eidas-id", "VATFR-99999999999", "--eidas-country", "FR"]
    assert main([*argv, "-o", str(tmp_path / "edc.json")]) == 2
    assert "VATFR-99999999999" in capsys.readouterr().err
    assert not (tmp_path / "edc.json").exists()


SAMPLES = [
    "elm/samples/ec/Sample-MC-Annex1-signed.jsonld",
    "elm/samples/ec/Sample-CertOfPart-signed.jsonld",
    "elm/samples/mynextid/edc-mc-signed.jsonld",  # eIDAS id "17207834" + EST, cert NTREE-17207834
]


@pytest.mark.parametrize("name", SAMPLES)
def test_real_seals_keep_integrity_and_issuer_binding(reference_dir: Path, name: str) -> None:
    sealed = json.loads((reference_dir / name).read_text("utf-8"))
    result = verify_seal(sealed, now=datetime(2024, 1, 1, tzinfo=UTC))
    assert result.checks["integrity"].status.value == "passed"
    assert result.checks["issuer"].status.value == "passed", result.checks["issuer"].problems
