"""to_credential / from_credential: exact round trip, determinism, no JSON-LD loss, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred import MicroCredential, from_credential, to_credential
from microcred.errors import InvalidMicroCredential
from microcred.jsonld.expand import expand

ROOT = Path(__file__).resolve().parents[2]
DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials())
def test_from_credential_inverts_to_credential(mc: MicroCredential) -> None:
    credential = to_credential(mc)
    assert from_credential(json.loads(json.dumps(credential))) == mc
    assert to_credential(mc) == credential  # deterministic


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials())
def test_every_credential_expands_without_data_loss(mc: MicroCredential) -> None:
    assert expand(to_credential(mc))  # raises DataLossError on any dropped term


# --- fixed examples and errors -----------------------------------------------------------


@pytest.fixture
def example() -> MicroCredential:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    return MicroCredential.parse(data).with_issuer_id(DID)


def test_the_envelope_is_vc2(example: MicroCredential) -> None:
    credential = to_credential(example)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://w3id.org/microcred/v1",
    ]
    assert credential["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert credential["issuer"]["id"] == DID and credential["issuer"]["type"] == "Organisation"
    assert credential["validFrom"] == "2025-06-30T10:00:00+01:00"
    assert {"@value": "Digital micro-credential creation", "@language": "en"} in credential["name"]
    awarding = credential["credentialSubject"]["hasClaim"]["awardedBy"]
    assert awarding["awardingBody"] == [DID]  # the issuer, referenced not repeated


def test_node_ids_live_in_the_credential_ids_fragment_space(example: MicroCredential) -> None:
    claim = to_credential(example)["credentialSubject"]["hasClaim"]
    assert claim["id"] == example.id + "#achievement"
    assert claim["specifiedBy"]["id"] == example.id + "#qualification"


def test_an_issuer_without_id_cannot_be_mapped() -> None:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    with pytest.raises(InvalidMicroCredential) as caught:
        to_credential(MicroCredential.parse(data))
    assert caught.value.errors[0].path == ("issuer", "id")
    assert caught.value.errors[0].code == "missing_issuer_id"


def _without(credential: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    target = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


@pytest.mark.parametrize(
    ("path", "error_path"),
    [
        (("@context",), ("@context",)),
        (
            ("credentialSubject", "hasClaim", "specifiedBy"),
            ("credentialSubject", "hasClaim", "specifiedBy"),
        ),
        (("issuer", "location"), ("issuer", "location")),
    ],
)
def test_malformed_credentials_fail_with_a_path(
    example: MicroCredential, path: tuple[str, ...], error_path: tuple[str, ...]
) -> None:
    credential = to_credential(example)
    broken = _without(credential, *path)
    before = copy.deepcopy(broken)
    with pytest.raises(InvalidMicroCredential) as caught:
        from_credential(broken)
    assert caught.value.errors[0].path == error_path
    assert broken == before


def test_invalid_values_in_a_credential_fail_with_model_paths(example: MicroCredential) -> None:
    credential = to_credential(example)
    credential["credentialSubject"]["hasClaim"]["specifiedBy"]["eqfLevel"]["id"] = (
        "http://data.europa.eu/snb/eqf/9"
    )
    with pytest.raises(InvalidMicroCredential) as caught:
        from_credential(credential)
    assert caught.value.errors[0].path == ("level", "eqf")


def test_single_values_and_arrays_are_both_read(example: MicroCredential) -> None:
    credential = to_credential(example)
    spec = credential["credentialSubject"]["hasClaim"]["specifiedBy"]
    spec["mode"] = spec["mode"][0]
    spec["creditPoint"] = spec["creditPoint"][0]
    assert from_credential(credential) == example
