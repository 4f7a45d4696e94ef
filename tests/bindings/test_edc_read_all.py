"""The lenient `read_edc` on every EDC sample in ../shared/reference (EC, EC upload files,
EBSI VCDM 2.0, MyNextID, DC4EU): read, with title, learner, awarding body, workload and EQF
as the samples carry them (tests/data/edc/read-all.json), and `inspect` shows every Annex I
element of each without a traceback. Prints the table with `pytest -s -k table`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.bindings.edc import from_edc, read_edc
from microcred.cli import main
from microcred.errors import InvalidMicroCredential
from microcred.verification.eu_standard import annex_i_elements

DATA = Path(__file__).resolve().parents[1] / "data" / "edc" / "read-all.json"
EXPECTED: dict[str, Any] = json.loads(DATA.read_text("utf-8"))
SAMPLES = sorted(name for name in EXPECTED if not name.startswith("_"))


def _load(reference_dir: Path, name: str) -> Any:
    raw = (reference_dir / name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == EXPECTED[name]["sha256"]
    return json.loads(raw)


def test_the_table_covers_every_edc_sample(reference_dir: Path) -> None:
    found = {
        str(p.relative_to(reference_dir))
        for p in (reference_dir / "elm" / "samples").rglob("*.json*")
        if not p.name.endswith("schema.json")
    }
    found.add("ob3/dc4eu/euhe-microcredential-example-john-doe.json")
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", SAMPLES)
def test_read_edc_reads_every_sample(reference_dir: Path, name: str) -> None:
    reading = read_edc(_load(reference_dir, name))
    expected = EXPECTED[name]
    fields = reading.fields
    learner = fields["learner"]
    name_read = learner.get("fullName") or {
        "given": learner.get("givenName"),
        "family": learner.get("familyName"),
    }
    assert (reading.claim, len(reading.achievements)) == (expected["claim"], expected["claims"])
    assert fields["title"] == expected["title"]
    assert name_read == expected["learner"]
    assert [b.get("legalName") for b in fields["awardingBodies"]] == expected["awardingBodies"]
    assert fields.get("workload", {}) == expected["workload"]
    assert (fields.get("level") or {}).get("eqf") == expected["eqf"]
    fields_again, problems = read_edc(_load(reference_dir, name))  # unpacks as a pair
    assert fields_again == fields and problems == reading.problems


@pytest.mark.parametrize("name", SAMPLES)
def test_inspect_shows_every_element_of_every_sample(
    reference_dir: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(reference_dir / name)]) == 0
    out = capsys.readouterr().out
    heads = [line.split()[0] for line in out.splitlines()[1:] if line[:1] in ("M", "O")]
    assert heads == [e["id"] for e in annex_i_elements()]
    title = EXPECTED[name]["title"]["en"]
    assert f"     {title}\n" in out


def test_print_the_table(reference_dir: Path) -> None:
    """The table the issue asks for (see it with -s)."""
    rows = []
    for name in SAMPLES:
        fields = read_edc(_load(reference_dir, name)).fields
        learner = fields["learner"]
        who = (learner.get("fullName") or learner.get("givenName") or {}).get("en", "?")
        bodies = ", ".join(b.get("legalName", {}).get("en", "?") for b in fields["awardingBodies"])
        work = " · ".join(f"{v} {k}" for k, v in fields.get("workload", {}).items()) or "—"
        eqf = (fields.get("level") or {}).get("eqf") or "—"
        rows.append(f"✔ {name} | {fields['title']['en'][:40]} | {who} | {bodies} | {work} | {eqf}")
    print("\n".join(rows))
    assert len(rows) == len(SAMPLES)


def test_the_ec_certificate_of_participation_reads_despite_a_calendar_duration(
    reference_dir: Path,
) -> None:
    """P2M is a valid xsd:duration: read_edc reads on, from_edc names the element."""
    name = "elm/samples/ec/Sample-CertOfPart-signed.jsonld"
    at = ("payload", "credentialSubject", "hasClaim", "specifiedBy", "volumeOfLearning")
    reading = read_edc(_load(reference_dir, name))
    assert (at, "calendar_duration") in {(p.path, p.code) for p in reading.problems}
    with pytest.raises(InvalidMicroCredential) as caught:
        from_edc(_load(reference_dir, name))
    assert caught.value.errors[0].path == at


def test_several_claims_the_micro_credential_is_the_achievement(reference_dir: Path) -> None:
    """EBSI's micro-credential example has one LearningAchievement and three activities."""
    document = _load(
        reference_dir, "elm/samples/ebsi-vcdm2/Microcredential-Data-and-software-business.json"
    )
    reading = read_edc(document)
    assert reading.claim == 0
    titles = [a["title"]["en"] for a in reading.achievements]
    assert titles == [
        "Data and software business",
        "Zoom lecture",
        "Course exercise",
        "Individual exercise",
    ]
    picked = read_edc(document, claim=2)
    assert picked.claim == 2 and picked.fields["title"] == {"en": "Course exercise"}


def test_local_concepts_keep_their_labels_and_are_flagged(reference_dir: Path) -> None:
    reading = read_edc(_load(reference_dir, "elm/samples/mynextid/edc-mc-signed.jsonld"))
    skill = "urn:epass:relatedESCOSkill:gUtv5m47"
    assert reading.labels[skill] == "Game theory"
    flagged = [p for p in reading.problems if p.code == "local_concept"]
    assert any(skill in p.message and "not an EU vocabulary IRI" in p.message for p in flagged)
    assert {p.path[-1] for p in reading.problems if p.code == "unknown_term"} >= {"cnf"}
