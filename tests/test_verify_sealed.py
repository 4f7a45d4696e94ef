"""verify() recognises a JAdES-sealed EDC and checks the seal, then the payload credential."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from microcred import api
from microcred.bindings.edc import EDCIssuer, issue_edc
from microcred.jades.etsiu import read_unsigned_properties
from microcred.model import MicroCredential
from tests.jades.jades_pki import university_seal

ROOT = Path(__file__).resolve().parents[1]
SIGNED_AT = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
LATER = SIGNED_AT + timedelta(hours=1)


@pytest.fixture(scope="module")
def sealed() -> tuple[dict[str, Any], x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = university_seal(key, SIGNED_AT)
    mc = MicroCredential.parse(
        json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text())
    )
    document = issue_edc(
        mc,
        issuer=EDCIssuer("VATIE-0000000Z", "IE"),
        key=key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
    )
    return document, certificate


def test_a_sealed_edc_verifies_against_its_anchor(
    sealed: tuple[dict[str, Any], x509.Certificate],
) -> None:
    document, anchor = sealed
    result = api.verify(document, trust_anchors=[anchor], now=LATER)
    assert result.verified, result.to_dict()
    names = list(result.checks)
    assert names[:3] == ["format", "integrity", "certificate"]
    assert {"structure", "contexts", "status", "eu_standard", "validity"} <= set(names)
    assert result.checks["eu_standard"].status == "passed"
    assert (
        result.document is not None and result.document["type"][-1] == "EuropeanDigitalCredential"
    )


def test_without_anchors_a_seal_is_untrusted_never_trusted(
    sealed: tuple[dict[str, Any], x509.Certificate],
) -> None:
    document, _ = sealed
    result = api.verify(document, now=LATER)
    assert not result.verified
    assert result.checks["integrity"].status == "passed"
    assert result.checks["certificate"].details["trust"] == "untrusted"


def test_a_changed_payload_fails_integrity_and_payload_paths_are_prefixed(
    sealed: tuple[dict[str, Any], x509.Certificate],
) -> None:
    document, anchor = sealed
    payload = json.loads(document["payload"])
    payload["credentialSubject"]["nickname"] = "A"
    tampered = {**document, "payload": json.dumps(payload)}
    result = api.verify(tampered, trust_anchors=[anchor], now=LATER)
    assert not result.verified
    assert result.checks["integrity"].status == "failed"
    # the seal signs the JSON bytes: an undefined term is a warning of the payload's contexts
    loss = next(p for p in result.checks["contexts"].warnings)
    assert (loss.code, loss.path) == (
        "DATA_LOSS_DETECTION_ERROR",
        ("payload", "credentialSubject", "nickname"),
    )


def test_the_ec_sample_verifies_with_its_pinned_issuing_ca(reference_dir: Path) -> None:
    expected = json.loads((ROOT / "tests" / "data" / "jades" / "samples.json").read_text())[
        "samples"
    ][0]
    document = json.loads((reference_dir / expected["file"]).read_text(encoding="utf-8"))
    carried = read_unsigned_properties(
        document["signatures"][0]["header"], ("signatures", 0)
    ).certificates
    [anchor] = [
        c
        for c in carried
        if hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest() == expected["anchor"]["sha256"]
    ]
    later = api.verify(document, trust_anchors=[anchor], now=datetime(2026, 6, 1, tzinfo=UTC))
    assert later.checks["certificate"].status == "indeterminate"  # expired 2025-05-10, no PoE
    assert not later.verified
    result = api.verify(document, trust_anchors=[anchor], now=datetime(2025, 5, 1, tzinfo=UTC))
    assert result.checks["integrity"].status == "passed"
    assert result.checks["certificate"].status in ("passed", "warning")
    assert result.checks["contexts"].status == "passed", result.checks["contexts"].to_dict()
    # The EC's own Annex I sample has no type of quality assurance (elm.md §0.8).
    assert [w.path[:1] for w in result.checks["eu_standard"].warnings] == [("payload",)]
    assert result.verified, result.to_dict()
