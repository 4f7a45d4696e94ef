"""docs/ob3.md shows the sample's LossReport as to_ob3 makes it, and the CLI issues, verifies
and inspects OB3 (ours through from_ob3, others' leniently)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred import MicroCredential, to_ob3
from microcred.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "examples" / "microcredential.json"


def test_docs_show_the_samples_loss_report() -> None:
    mc = MicroCredential.parse(json.loads(SAMPLE.read_text("utf-8")))
    report = to_ob3(mc.with_issuer_id("did:example:issuer"))[1]
    assert report.to_markdown() in (ROOT / "docs" / "ob3.md").read_text("utf-8")


def test_issue_verify_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key, badge = tmp_path / "key.json", tmp_path / "badge.json"
    assert main(["keygen", "--type", "ed25519", "-o", str(key)]) == 0
    argv = ["issue", str(SAMPLE), "--key", str(key), "--format", "ob3", "-o", str(badge)]
    assert main(argv) == 0
    assert "OpenBadgeCredential" in json.loads(badge.read_text("utf-8"))["type"]
    assert main(["verify", str(badge)]) == 0
    capsys.readouterr()
    assert main(["inspect", str(badge), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"]["en"] == "Digital micro-credential creation"


def test_inspect_reads_others_ob3(reference_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = reference_dir / "ob3" / "mynextid" / "open-badge-mc-example.json"
    assert main(["inspect", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "Data Science Fundamentals" in out and "NETIS d.o.o." in out
    assert "Develop test procedures" in out
