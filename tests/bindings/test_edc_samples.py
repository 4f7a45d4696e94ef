"""from_edc / read_edc on EDCs we did not write: the EC's Annex I samples and MyNextID's.

Decision for foreign EDCs: `from_edc` is strict. It returns a MicroCredential only when the
EDC carries every element the model requires, in the EU vocabularies; otherwise it raises
one InvalidMicroCredential listing every problem at its path in the EDC. `read_edc` returns
what the EDC does carry, and `from_edc(..., supplement=...)` completes it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.bindings.edc import from_edc, read_edc
from microcred.errors import InvalidMicroCredential
from microcred.model import LangText, MicroCredential

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED: dict[str, Any] = json.loads((DATA / "edc" / "samples.json").read_text("utf-8"))
CASES = [name for name in EXPECTED if not name.startswith("_")]


def _sample(reference_dir: Path, name: str) -> dict[str, Any]:
    raw = (reference_dir / "elm" / "samples" / EXPECTED[name]["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == EXPECTED[name]["sha256"]
    return json.loads(raw)  # type: ignore[no-any-return]


def _at(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


@pytest.mark.parametrize("name", CASES)
def test_read_edc_finds_the_annex_i_elements(reference_dir: Path, name: str) -> None:
    read = read_edc(_sample(reference_dir, name)).fields
    for dotted, value in EXPECTED[name]["read"].items():
        assert _at(read, dotted) == value, dotted


@pytest.mark.parametrize("name", CASES)
def test_from_edc_names_every_missing_or_unknown_element(reference_dir: Path, name: str) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(_sample(reference_dir, name))
    found = [[list(e.path), e.code] for e in caught.value.errors]
    assert found == EXPECTED[name]["errors"]


SUPPLEMENT = {  # what the EC sample lacks in EU vocabulary terms (tests/data/model/README.md)
    "assessment": {"type": "artefact-assessment", "title": {"en": "Digital artefact assessment"}},
    "qualityAssurance": [{"type": "institutional-quality-assurance"}],
}


@pytest.mark.parametrize("name", ["ec_annex1_unsigned", "ec_annex1_signed"])
def test_the_ec_micro_credential_reads_completely_with_a_supplement(
    reference_dir: Path, name: str
) -> None:
    mc = from_edc(_sample(reference_dir, name), supplement=SUPPLEMENT)
    assert dict(mc.title) == {"en": "Digital micro-credential creation"}
    assert mc.learner.full_name == LangText({"en": "Ana Andromeda"})
    assert str(mc.workload.ects) == "2" and str(mc.workload.hours) == "60"
    assert mc.level is not None and mc.level.eqf is not None and mc.level.eqf.key == "6"
    assert [dict(b.legal_name) for b in mc.awarding_bodies] == [{"en": "University of Zed"}]
    assert [b.country.key for b in mc.awarding_bodies] == ["IRL"]


def test_the_ec_sample_reads_as_the_models_transcription_of_it(reference_dir: Path) -> None:
    """tests/data/model/ec-annex1-sample.json is the same sample typed in by hand; only the
    node ids differ (it names the university did:web:uniz.edu and gives the learner none)."""
    typed = json.loads((DATA / "model" / "ec-annex1-sample.json").read_text("utf-8"))
    read = from_edc(_sample(reference_dir, "ec_annex1_unsigned"), supplement=SUPPLEMENT)
    data = read.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert data["learner"].pop("id") == "urn:epass:person:1"
    for org in (data["issuer"], *data["awardingBodies"]):
        assert org["id"] == "urn:epass:org:1"
        org["id"] = typed["issuer"]["id"]
    assert MicroCredential.parse(data) == MicroCredential.parse(typed)


def test_a_sealed_edc_is_read_from_its_payload(reference_dir: Path) -> None:
    sealed = _sample(reference_dir, "ec_annex1_signed")
    assert read_edc(sealed).fields == read_edc(json.loads(sealed["payload"])).fields


def test_a_broken_seal_envelope_fails_with_a_path(reference_dir: Path) -> None:
    sealed = _sample(reference_dir, "ec_annex1_signed")
    sealed["payload"] = sealed["payload"][:-1]  # no longer JSON
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(sealed)
    assert caught.value.errors[0].path == ("payload",)
