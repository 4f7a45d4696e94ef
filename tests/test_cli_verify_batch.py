"""`microcred verify --batch`: one verdict per input line, in order, bad lines included."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from microcred import api
from microcred.cli import main
from microcred.keys.keypair import KeyPair

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text(
        encoding="utf-8"
    )
)


def test_verdicts_come_one_per_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = KeyPair.generate("Ed25519")
    credentials = [
        api.issue({**EXAMPLE, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"}, key=key)
        for i in range(3)
    ]
    tampered = json.loads(json.dumps(credentials[0]))
    tampered["validFrom"] = "2001-01-01T00:00:00Z"
    lines = [json.dumps(c) for c in credentials] + ["{not json", json.dumps(tampered), "[1]"]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["verify", "--batch", str(batch)]) == 1
    out, err = capsys.readouterr()
    verdicts = [json.loads(line) for line in out.splitlines()]
    assert [v["line"] for v in verdicts] == [1, 2, 3, 4, 5, 6]
    assert [v["verified"] for v in verdicts] == [True, True, True, False, False, False]
    assert [v["id"] for v in verdicts[:3]] == [c["id"] for c in credentials]
    assert verdicts[3]["problems"][0]["code"] == "MALFORMED_JSON"
    assert "PROOF_VERIFICATION_ERROR" in {p["code"] for p in verdicts[4]["problems"]}
    assert "verified 3 of 6" in err

    batch.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    assert main(["verify", "--batch", str(batch), "--json"]) == 0
    full = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [v["line"] for v in full] == [1, 2, 3] and all(v["verified"] for v in full)
    assert {"checks"} <= set(full[0])


def test_a_file_and_a_batch_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text("")
    assert main(["verify", "vc.json", "--batch", str(batch)]) == 2
    assert main(["verify"]) == 2
    assert main(["verify", "--batch", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_workers_write_what_one_process_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--workers 2 over several chunks: the same lines as --workers 1, byte for byte."""
    import microcred.verification.parallel as parallel

    monkeypatch.setattr(parallel, "CHUNK_SIZE", 3)
    key = KeyPair.generate("Ed25519")
    credential = api.issue(EXAMPLE, key=key)
    tampered = json.loads(json.dumps(credential))
    tampered["validFrom"] = "2001-01-01T00:00:00Z"
    lines = [json.dumps(credential)] * 8 + ["{not json", json.dumps(tampered), "[1]", "null"] * 2
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    later = datetime.now(UTC) + timedelta(minutes=1)  # one moment for both runs
    now = ["--now", later.strftime("%Y-%m-%dT%H:%M:%SZ")]

    assert main(["verify", "--batch", str(batch), "--workers", "1", "--json", *now]) == 1
    alone = capsys.readouterr().out
    assert main(["verify", "--batch", str(batch), "--workers", "2", "--json", *now]) == 1
    assert capsys.readouterr().out == alone
    assert [json.loads(line)["verified"] for line in alone.splitlines()] == [True] * 8 + [False] * 8
    assert main(["verify", "--batch", str(batch), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
