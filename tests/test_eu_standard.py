"""The eu_standard check: Annex I completeness of ELM credentials, ours and Europass EDCs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.keys.keypair import KeyPair
from microcred.verification.eu_standard import annex_i_elements, check_eu_standard

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text()
)


@pytest.fixture(scope="module")
def credential() -> dict[str, Any]:
    from microcred.bindings.elm import to_credential
    from microcred.model import MicroCredential

    return to_credential(
        MicroCredential.parse(EXAMPLE).with_issuer_id(KeyPair.generate("Ed25519").did)
    )


def test_the_table_lists_the_eleven_mandatory_and_five_optional_elements() -> None:
    ids = [e["id"] for e in annex_i_elements()]
    assert ids == [f"M{i}" for i in range(1, 12)] + [f"O{i}" for i in range(1, 6)]
    assert [e["id"] for e in annex_i_elements() if not e["mandatory"]] == [
        "M8",
        "O1",
        "O2",
        "O3",
        "O4",
        "O5",
    ]


def test_our_full_credential_carries_every_element(credential: dict[str, Any]) -> None:
    check = check_eu_standard(credential)
    assert check.status == "passed"
    assert check.details["present"] == [e["id"] for e in annex_i_elements()]


def test_a_missing_element_warns_by_default_and_fails_under_the_profile(
    credential: dict[str, Any],
) -> None:
    claim = {
        k: v for k, v in credential["credentialSubject"]["hasClaim"].items() if k != "provenBy"
    }
    broken = {
        **credential,
        "credentialSubject": {**credential["credentialSubject"], "hasClaim": claim},
    }
    default = check_eu_standard(broken)
    assert default.status == "warning" and default.ok
    assert [w.message for w in default.warnings] == [
        "Annex I element M9 (type of assessment) is missing"
    ]
    strict = check_eu_standard(broken, "eu-microcredential")
    assert strict.status == "failed" and not strict.ok
    assert strict.problems[0].path == (
        "credentialSubject",
        "hasClaim",
        "provenBy",
        "specifiedBy",
        "dcType",
    )


def test_credentials_outside_elm_are_skipped_or_fail_under_the_profile() -> None:
    other = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "credentialSubject": {"name": "A"},
    }
    assert check_eu_standard(other).status == "skipped"
    assert check_eu_standard(other, "eu-microcredential").status == "failed"


def test_the_ec_sample_lacks_only_quality_assurance(reference_dir: Path) -> None:
    """The EC's own Annex I sample has no type of quality assurance (elm.md §0.8)."""
    sample = reference_dir / "elm" / "samples" / "ec" / "Sample-MC-Annex1-unsigned.jsonld"
    check = check_eu_standard(json.loads(sample.read_text(encoding="utf-8")))
    assert [w.message.split(" (")[0] for w in check.warnings] == ["Annex I element M11"]
