"""`microcred inspect`: every Annex I element in order, in the reader's language, from our
credentials and from Europass EDCs (through `display.describe`); `--json` gives back the
model input `issue` takes; `-` reads standard input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from microcred import MicroCredential, api
from microcred.bindings.edc import EDCIssuer, to_edc
from microcred.cli import main
from microcred.display import describe
from microcred.keys.keypair import KeyPair
from microcred.verification.eu_standard import annex_i_elements
from tests.strategies import micro_credentials

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text()
)
IDS = [e["id"] for e in annex_i_elements()]


def _inspect(capsys: pytest.CaptureFixture[str], path: Path, *more: str) -> tuple[int, str, str]:
    code = main(["inspect", str(path), *more])
    out, err = capsys.readouterr()
    return code, out, err


def _elements(out: str) -> dict[str, list[str]]:
    """Element id -> its indented lines, from the text output."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in out.splitlines()[1:]:
        if line.startswith("     "):
            found[current].append(line.strip())
        else:
            current = line.split()[0]
            found[current] = []
    return found


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Path, KeyPair]:
    """A file holding the example issued with a fresh key, and that key."""
    key = KeyPair.generate("Ed25519")
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(api.issue(EXAMPLE, key=key)))
    return path, key


def test_inspect_our_credential_in_german(
    issued: tuple[Path, KeyPair], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _inspect(capsys, issued[0], "--lang", "de")
    assert code == 0
    assert out.splitlines()[0] == "Noch nicht verifiziert"  # neutral: nothing was checked
    elements = _elements(out)
    assert list(elements) == IDS
    assert elements["M2"] == [EXAMPLE["title"]["de"]]
    assert elements["M7"] == ["2 ECTS · 60 Stunden"]
    assert elements["M3"][0] == "Irland"  # CLDR, not the vocabulary's English label
    assert len(elements["M6"]) == len(EXAMPLE["learningOutcomes"])


def test_json_gives_back_what_was_issued(
    issued: tuple[Path, KeyPair], capsys: pytest.CaptureFixture[str]
) -> None:
    path, key = issued
    code, out, _ = _inspect(capsys, path, "--json")
    assert code == 0
    expected = MicroCredential.parse(EXAMPLE).with_issuer_id(key.did)
    assert MicroCredential.parse(json.loads(out)) == expected


def test_inspect_a_europass_edc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # EDC keeps supervision on the graded assessment result: without a grade, neither
    mc = MicroCredential.parse(
        {k: v for k, v in EXAMPLE.items() if k not in ("grade", "supervision")}
    )
    path = tmp_path / "edc.json"
    path.write_text(json.dumps(to_edc(mc, issuer=EDCIssuer("VATES-A00000000", "ES"))))
    code, out, _ = _inspect(capsys, path)
    assert code == 0
    elements = _elements(out)
    assert elements["M2"] == [EXAMPLE["title"]["en"]]
    assert elements["O2"] == elements["O3"] == ["Not stated"]  # absent elements say so


def test_inspect_reads_standard_input_in_a_list_of_languages(
    issued: tuple[Path, KeyPair],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(issued[0].read_bytes())))
    code, out, _ = _inspect(capsys, Path("-"), "--lang", "ga,de")
    assert code == 0
    assert out.splitlines()[0] == "Gan fíorú fós"
    elements = _elements(out)
    assert elements["M2"] == [EXAMPLE["title"]["de"]]  # no Irish title: the next language


def test_a_credential_without_a_micro_credential_names_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credential = api.issue(EXAMPLE, key=KeyPair.generate("Ed25519"))
    del credential["credentialSubject"]["hasClaim"]["specifiedBy"]["learningOutcome"]
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(credential))
    code, out, _ = _inspect(capsys, path)  # shown as far as it goes, the gap named
    assert code == 0
    assert _elements(out.split("notes")[0])["M6"] == ["Not stated"]
    assert "INVALID_MICROCREDENTIAL" in out and "learningOutcome" in out
    code, _, err = _inspect(capsys, path, "--json")  # the model input cannot be given back
    assert code == 2
    assert "INVALID_MICROCREDENTIAL" in err and "learningOutcome" in err


@settings(max_examples=60, deadline=None)
@given(micro_credentials())
def test_every_mandatory_element_has_a_line_in_every_language(mc: MicroCredential) -> None:
    assert MicroCredential.parse(mc.dump()) == mc  # what `inspect --json` prints
    for language in ("en", "de", "ga", "zz"):
        view = describe(mc, languages=language)
        assert [entry.key for entry in view.elements] == IDS
        for entry in view.elements:
            assert all(isinstance(t.text, str) and t.text for t in entry.values)
            if entry.key.startswith("M") and entry.key != "M8":  # M8: "if applicable"
                assert entry.values, entry.key
