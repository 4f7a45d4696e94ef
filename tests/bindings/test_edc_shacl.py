"""Our EDCs conform to the EDC generic SHACL profile of ELM 3.2 (EDC-generic-full + no-cv)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred.bindings.edc import EDCIssuer, to_edc
from microcred.model import MicroCredential
from microcred.verification.shacl import validate_shacl

pytest.importorskip("pyshacl", reason="the shacl extra (pip install microcred[shacl])")

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference"
SHAPES = [
    REFERENCE / "elm" / "shacl" / "3.2" / name
    for name in ("EDC-generic-full.ttl", "EDC-generic-no-cv.ttl")
]
SEALER = EDCIssuer("VATES-A00000000", "ES")
ISSUED = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def shapes(reference_dir: Path) -> list[Path]:
    return SHAPES


def _conforms(mc: MicroCredential, shapes: list[Path]) -> None:
    result = validate_shacl(to_edc(mc, issuer=SEALER, issued=ISSUED), shapes)
    assert result.verified, [str(p) for p in result.problems]
    assert not result.warnings


def test_our_edc_conforms_to_the_generic_profile(shapes: list[Path]) -> None:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    _conforms(MicroCredential.parse(data), shapes)


def test_the_ec_samples_data_conforms_as_our_edc(shapes: list[Path]) -> None:
    """The EC's Annex I sample as the model holds it (tests/data/model), with the
    quality-assuring body EDC requires and the sample does not name."""
    data = json.loads((ROOT / "tests" / "data" / "model" / "ec-annex1-sample.json").read_text())
    data["qualityAssurance"][0]["qualityAssuringBody"] = {
        "legalName": {"en": "Quality and Qualifications Ireland"},
        "country": "IE",
    }
    _conforms(MicroCredential.parse(data), shapes)


def test_an_ungraded_minimal_micro_credential_conforms(shapes: list[Path]) -> None:
    minimal = {
        "id": "urn:uuid:0b7b3c55-9d4e-4f38-8d43-3f0c6f1a2b10",
        "learner": {"fullName": {"en": "Ana Andromeda"}},
        "title": {"fr": "Création de micro-certifications"},
        "issuer": {"legalName": {"fr": "Université de Zed"}, "country": "FR"},
        "dateOfIssuing": "2025-06-30T10:00:00+02:00",
        "learningOutcomes": [{"title": {"fr": "Décrire une micro-certification"}}],
        "workload": {"hours": 25},
        "assessment": {"type": "portfolio"},
        "participation": {"activityTypes": ["volunteering"]},
        "qualityAssurance": [
            {
                "type": "programme-quality-assurance",
                "qualityAssuringBody": {"legalName": {"fr": "Hcéres"}, "country": "FR"},
            }
        ],
    }
    _conforms(MicroCredential.parse(minimal), shapes)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference is absent")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials(edc=True))
def test_every_edc_conforms(mc: MicroCredential) -> None:
    _conforms(mc, SHAPES)
