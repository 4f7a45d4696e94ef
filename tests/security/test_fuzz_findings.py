"""What the hostile-input fuzzer (benchmarks/fuzz_hostile.py) found, kept as regressions, and
the fuzzer itself run with a small count so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microcred import MicroCredential, from_credential
from microcred.errors import InvalidMicroCredential
from microcred.model import LangText

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "microcredential.json"


def test_a_lone_surrogate_in_an_iri_is_a_typed_error_not_a_pydantic_crash() -> None:
    """pydantic could not encode the surrogate into its own error message: a raw
    ValidationError escaped from_credential (fuzz seed 1, case 693)."""
    data: dict[str, Any] = json.loads(EXAMPLE.read_text("utf-8"))
    data["stackability"] = {"standAlone": False, "stackableTowards": [{"id": "\ud800"}]}
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(data)
    assert caught.value.errors[0].path == ("stackability", "stackableTowards", 0, "id")
    assert "\\ud800" in caught.value.message
    with pytest.raises(InvalidMicroCredential):
        LangText({"\ud800": "text"})
    with pytest.raises(InvalidMicroCredential):
        from_credential({"@context": ["https://w3id.org/microcred/v1"], "id": "\ud800"})


def test_the_fuzzer_runs_clean_on_a_small_count() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fuzz_hostile.py"), "--cases", "300"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failures: 0" in done.stdout
    assert "CLI verify" in done.stdout
