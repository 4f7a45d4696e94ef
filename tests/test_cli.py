"""The `microcred` command line: exit codes, key files, atomic output, the demo."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli_run import run

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"


def test_keygen_writes_a_private_file(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data = json.loads(key_file.read_text())
    assert data["keyType"] == "Ed25519"
    assert data["id"] == f"{data['controller']}#{data['publicKeyMultibase']}"
    assert data["secretKeyMultibase"].startswith("z")


@pytest.mark.parametrize("key_type", ["p-256", "p-384"])
def test_keygen_ecdsa_to_stdout(capsys: pytest.CaptureFixture[str], key_type: str) -> None:
    code, out, _ = run(capsys, "keygen", "--type", key_type)
    assert code == 0
    assert json.loads(out)["keyType"] == key_type.upper()


def test_issue_then_verify(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = tmp_path / "vc.json"
    assert run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(signed))[0] == 0
    code, out, _ = run(capsys, "verify", str(signed))
    assert code == 0, out
    assert out.startswith("VERIFIED")
    code, out, _ = run(capsys, "verify", str(signed), "--json")
    assert code == 0 and json.loads(out)["verified"] is True


def test_verify_a_tampered_file_exits_1_and_names_the_check(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(signed))
    document = json.loads(signed.read_text())
    document["credentialSubject"]["fullName"] = {"en": "Mallory"}
    signed.write_text(json.dumps(document))
    code, out, _ = run(capsys, "verify", str(signed))
    assert code == 1
    assert "NOT VERIFIED" in out
    assert "proof" in out and "failed" in out and "PROOF_VERIFICATION_ERROR" in out


def test_verify_as_of_a_date(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(signed))
    code, out, _ = run(capsys, "verify", str(signed), "--now", "2000-01-01T00:00:00Z")
    assert code == 1 and "CREDENTIAL_NOT_YET_VALID" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "/no/such/file.json"],
        ["verify", "{EXAMPLE}", "--now", "yesterday"],
        ["issue", "{EXAMPLE}", "--key", "/no/such/key.json"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *[a.replace("{EXAMPLE}", str(EXAMPLE)) for a in argv])
    assert code == 2
    assert err.startswith("microcred:")


def test_an_unreadable_json_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run(capsys, "verify", str(bad))[0] == 2


def test_an_invalid_micro_credential_names_its_fields(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    data["learningOutcomes"] = []
    bad = tmp_path / "mc.json"
    bad.write_text(json.dumps(data))
    out_file = tmp_path / "out.json"
    code, _, err = run(capsys, "issue", str(bad), "--key", str(key_file), "-o", str(out_file))
    assert code == 2
    assert "learningOutcomes" in err or "learning_outcomes" in err
    assert not out_file.exists(), "a failed command leaves no output file"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.json")], (
        "no temp file left"
    )


def test_a_failed_write_leaves_no_partial_file(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("in the way of a folder")
    target = tmp_path / "a-file" / "vc.json"
    code, _, err = run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(target))
    assert code == 2 and err.startswith(f"microcred: cannot write {target}: ")
    assert (tmp_path / "a-file").read_text() == "in the way of a folder"


def test_demo_prints_a_verified_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0
    assert "VERIFIED" in out and "NOT VERIFIED" not in out


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "microcred", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0
    for command in ("keygen", "issue", "sign", "verify", "demo"):
        assert command in done.stdout


def test_a_closed_pipe_stops_quietly() -> None:
    """`microcred demo | head -0`: the reader is gone before the first write."""
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert stderr == ""
