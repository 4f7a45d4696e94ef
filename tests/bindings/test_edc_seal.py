"""issue_edc: to_edc then a JAdES seal; from_edc reads the sealed EDC back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from microcred.bindings.edc import EDCIssuer, from_edc, issue_edc
from microcred.jades import verify_seal
from microcred.jades.jws import b64url_decode
from microcred.model import MicroCredential
from tests.jades.jades_pki import university_seal
from tests.jades.jades_tsa import TimeStampingAuthority, tsa_certificate, tsa_root

ROOT = Path(__file__).resolve().parents[2]
SIGNED_AT = datetime(2025, 7, 1, 12, 0, 0, 500_000, tzinfo=UTC)


@pytest.fixture(scope="module")
def seal_key() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A throwaway self-signed e-seal certificate (not any real party's)."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = university_seal(key, SIGNED_AT)
    return key, certificate


def test_issue_edc_seals_the_edc_at_its_issued_time(
    seal_key: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
) -> None:
    key, certificate = seal_key
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    mc = MicroCredential.parse(data)
    sealed = issue_edc(
        mc,
        issuer=EDCIssuer("VATIE-0000000Z", "IE"),
        key=key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
    )
    payload = json.loads(sealed["payload"])
    assert payload["issued"] == payload["issuanceDate"] == "2025-07-01T12:00:00Z"
    header = json.loads(b64url_decode(sealed["signatures"][0]["protected"]))
    assert header["iat"] == int(SIGNED_AT.timestamp()) and "sigT" not in header
    result = verify_seal(sealed, trust_anchors=[certificate], now=SIGNED_AT + timedelta(hours=1))
    assert result.checks["integrity"].ok, result.to_dict()
    assert from_edc(sealed) == mc


def test_issue_edc_seals_at_baseline_b_t_with_a_time_stamper(
    seal_key: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
) -> None:
    """The EDC goes through seal(timestamper=...): its sigTst proves the seal's time."""
    key, certificate = seal_key
    tsa_root_key = ec.generate_private_key(ec.SECP256R1())
    tsa_root_certificate = tsa_root(tsa_root_key)
    tsu_key = ec.generate_private_key(ec.SECP256R1())
    tsa = TimeStampingAuthority(
        tsu_key,
        tsa_certificate(tsu_key, (tsa_root_key, tsa_root_certificate)),
        tsa_root_certificate,
    )
    mc = MicroCredential.parse(
        json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    )
    stamped = SIGNED_AT.replace(microsecond=0) + timedelta(seconds=2)
    sealed = issue_edc(
        mc,
        key=key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
        timestamper=tsa.timestamper(stamped),
    )
    result = verify_seal(
        sealed,
        trust_anchors=[certificate],
        timestamp_anchors=[tsa_root_certificate],
        now=SIGNED_AT + timedelta(hours=1),
    )
    assert result.verified, result.to_dict()
    assert result.checks["timestamps"].details["proof_of_existence"] == "2025-07-01T12:00:02Z"
