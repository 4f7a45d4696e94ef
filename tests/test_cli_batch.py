"""`microcred issue --batch`: JSON Lines in, issued credentials out in order, bad lines named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred import api
from tests.cli_run import run

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json").read_text(
        encoding="utf-8"
    )
)


def item(i: int) -> str:
    return json.dumps({**EXAMPLE, "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"})


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_issues_in_order_and_names_bad_lines(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    lines = [item(0), "{not json", item(2), json.dumps({**EXAMPLE, "title": {}}), item(4)]
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(
        capsys,
        "issue",
        "--batch",
        str(source),
        "--key",
        str(key_file),
        "-o",
        str(output),
        "--workers",
        workers,
    )
    assert code == 1
    assert "line 2: MALFORMED_JSON" in err and "line 4: INVALID_MICROCREDENTIAL" in err
    assert "$.title" in err
    issued = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [c["id"] for c in issued] == [json.loads(item(i))["id"] for i in (0, 2, 4)]
    assert all(api.verify(c).verified for c in issued)


def test_a_clean_batch_exits_zero(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(item(i) for i in range(3)), encoding="utf-8")
    code, _, err = run(
        capsys, "issue", "--batch", str(source), "--key", str(key_file), "-o", str(output)
    )
    assert code == 0, err
    assert "issued 3 of 3" in err and len(output.read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize(
    "extra", [["--batch", "in.jsonl"], ["in.json", "--batch", "in.jsonl", "-o", "x"], []]
)
def test_usage_errors(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, _, err = run(capsys, "issue", "--key", str(key_file), *extra)
    assert code == 2 and "microcred:" in err
