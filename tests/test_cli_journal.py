"""`microcred issue --batch --journal`: a run killed with SIGKILL resumes without a second
credential for any item and without a status index used twice; a journal that does not
belong to the run (another key, input or output, torn in the middle, in use) is refused."""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main
from microcred.status.check import status_dir_loader
from microcred.verification.verifier import Verifier

EXAMPLE = {
    k: v
    for k, v in json.loads(
        (
            Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"
        ).read_text(encoding="utf-8")
    ).items()
    if k != "id"
}
URL = "https://issuer.example/status/1"


def _item(i: int) -> dict[str, Any]:
    return {**EXAMPLE, "learner": {**EXAMPLE["learner"], "fullName": {"en": f"Learner {i}"}}}


def _write_input(path: Path, indexes: range) -> None:
    path.write_text("".join(json.dumps(_item(i)) + "\n" for i in indexes), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """A key, a status list in a folder of lists, and an input of 600 items."""
    key, lists = tmp_path / "key.json", tmp_path / "lists"
    lists.mkdir()
    assert main(["keygen", "--type", "ed25519", "-o", str(key)]) == 0
    assert main(["status", "create", "--key", str(key), "--url", URL, "-o", str(lists)]) == 0
    capsys.readouterr()
    [status_list] = lists.glob("*.json")
    paths = {"key": key, "list": status_list, "lists": lists, "input": tmp_path / "in.jsonl"}
    paths |= {"output": tmp_path / "out.jsonl", "journal": tmp_path / "run.journal"}
    _write_input(paths["input"], range(600))
    return paths


def _argv(p: dict[str, Path], *extra: str, status: bool = True) -> list[str]:
    return [
        "issue", "--batch", str(p["input"]), "--key", str(p["key"]), "-o", str(p["output"]),
        "--journal", str(p["journal"]), *(["--status-list", str(p["list"])] if status else []),
        *extra,
    ]  # fmt: skip


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _check_complete(p: dict[str, Path], count: int) -> None:
    """Every input item has exactly one credential; ids and status indexes are distinct and
    recorded; every credential verifies, status included."""
    credentials = [json.loads(line) for line in _lines(p["output"])]
    learners = Counter(c["credentialSubject"]["fullName"]["en"] for c in credentials)
    assert learners == Counter(f"Learner {i}" for i in range(count))
    ids = [c["id"] for c in credentials]
    assert len(set(ids)) == len(ids) == count
    indexes = [int(c["credentialStatus"]["statusListIndex"]) for c in credentials]
    assert len(set(indexes)) == count
    allocated = json.loads(Path(str(p["list"]) + ".allocated").read_text())["used"]
    assert set(indexes) <= set(allocated)
    verifier = Verifier(status_loader=status_dir_loader(p["lists"]))
    assert all(verifier.verify(c).verified for c in credentials)


def test_a_killed_run_resumes_without_duplicates(setup: dict[str, Path]) -> None:
    seed = random.randrange(1 << 30)
    stop_after = random.Random(seed).randrange(1, 300)  # output lines seen before the kill
    command = [sys.executable, "-m", "microcred", *_argv(setup, "--workers", "2")]
    run = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(_lines(setup["output"])) < stop_after and time.monotonic() < deadline:
            assert run.poll() is None, f"the run ended before the kill (seed {seed})"
            time.sleep(0.002)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the run and its worker processes, at once
        run.wait()
    assert run.returncode == -signal.SIGKILL
    # whole lines only: the kill may have torn the last one, which the resume rewrites
    before = setup["output"].read_bytes().count(b"\n")
    assert stop_after - 1 <= before < 600, f"seed {seed}"
    # a kill in the middle of a write leaves a torn last line in either file
    with open(setup["journal"], "ab") as journal:
        journal.write(b'{"item": "line 599", "id": "urn:uuid:torn')
    with open(setup["output"], "ab") as output:
        output.write(b'{"@context": ["https://www.w3.org/ns/credentials/v2"')

    resumed = subprocess.run(
        [sys.executable, "-m", "microcred", *_argv(setup, "--workers", "2")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"issued {600 - before} of 600" in resumed.stderr, f"seed {seed}"
    _check_complete(setup, 600)
    again = subprocess.run(
        [sys.executable, "-m", "microcred", *_argv(setup)], capture_output=True, text=True
    )
    assert again.returncode == 0 and "issued 0 of 600" in again.stderr
    assert len(_lines(setup["output"])) == 600


def test_a_journal_for_another_run_is_refused(
    setup: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_input(setup["input"], range(5))
    assert main(_argv(setup, status=False)) == 0
    other_key = tmp_path / "other.json"
    assert main(["keygen", "--type", "ed25519", "-o", str(other_key)]) == 0
    capsys.readouterr()
    assert main(_argv({**setup, "key": other_key}, status=False)) == 2
    err = capsys.readouterr().err
    assert "JOURNAL_ERROR" in err and "was written for key" in err
    assert main(_argv(setup)) == 2  # now with a status list
    assert "was written for statusList None" in capsys.readouterr().err
    _write_input(setup["input"], range(6))
    assert main(_argv(setup, status=False)) == 2
    assert "was written for input" in capsys.readouterr().err
    _write_input(setup["input"], range(5))
    assert main(_argv({**setup, "output": tmp_path / "elsewhere.jsonl"}, status=False)) == 2
    assert "was written for output" in capsys.readouterr().err
    assert main(_argv(setup, status=False)) == 0
    assert "issued 0 of 5" in capsys.readouterr().err


def test_a_journal_torn_in_the_middle_or_an_output_it_did_not_write_is_refused(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _write_input(setup["input"], range(5))
    assert main(_argv(setup)) == 0
    lines = setup["journal"].read_bytes().split(b"\n")
    lines[2] = lines[2][:10]
    setup["journal"].write_bytes(b"\n".join(lines))
    capsys.readouterr()
    assert main(_argv(setup)) == 2
    assert "line 3 is not JSON" in capsys.readouterr().err
    setup["journal"].unlink()  # a new journal must not adopt an output it did not write
    assert main(_argv(setup)) == 2
    assert "appends only to the output it began" in capsys.readouterr().err


def test_an_output_that_lost_credentials_is_refused(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Re-issuing what the journal says was written would make a second credential."""
    _write_input(setup["input"], range(5))
    assert main(_argv(setup)) == 0
    setup["output"].write_text("\n".join(_lines(setup["output"])[:3]) + "\n")
    capsys.readouterr()
    assert main(_argv(setup)) == 2
    assert "lost 2 credentials" in capsys.readouterr().err


def test_a_journal_in_use_is_refused(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with open(setup["journal"], "ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert main(_argv(setup)) == 2
    assert "JOURNAL_IN_USE" in capsys.readouterr().err
    assert not setup["output"].exists()


def test_a_key_field_lets_the_input_change_between_runs(
    setup: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    field = ("--key-field", "learner.fullName.en")
    _write_input(setup["input"], range(4))
    assert main(_argv(setup, *field)) == 0
    lines = [json.dumps(_item(i)) for i in (5, 3, 2, 4, 1, 0, 4)]  # reordered, grown, a repeat
    setup["input"].write_text("\n".join([*lines, '{"learner": {}}']) + "\n")
    capsys.readouterr()
    assert main(_argv(setup, *field)) == 1
    err = capsys.readouterr().err
    assert "issued 2 of 8" in err and "(4 issued before" in err
    assert "line 7: DUPLICATE_ITEM_KEY" in err
    assert "line 8: INVALID_ITEM_KEY" in err and "learner.fullName.en" in err
    _check_complete(setup, 6)
