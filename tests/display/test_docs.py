"""docs/display.md: every Python block runs, printing what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_block_of_display_md_runs_and_prints_what_it_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    text = (ROOT / "docs" / "display.md").read_text(encoding="utf-8")
    section = text.split("## describe()", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    printed = re.findall(r"prints\n\n```text\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == len(printed) == 2
    namespace: dict[str, object] = {}
    for index, (block, expected) in enumerate(zip(blocks, printed, strict=True)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"docs/display.md python block {index}", "exec"), namespace)
        assert out.getvalue() == expected
