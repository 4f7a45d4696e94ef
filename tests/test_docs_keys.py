"""docs/keys.md runs: every Python block, in order, in one namespace, from the project root."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE, flags=re.DOTALL)


def test_every_block_of_keys_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for index, block in enumerate(BLOCKS):
            exec(compile(block, f"docs/keys.md python block {index}", "exec"), namespace)
    printed = out.getvalue()
    assert len(BLOCKS) == 6
    assert "did:key:z6Mk" in printed  # the verification method a KeyPair signs for
    assert "DER-encoded ECDSA signature" in printed and "ecdsa_der_to_raw" in printed
    assert namespace["credential"]["issuer"]["id"] == "did:web:university.example"  # type: ignore[index]
