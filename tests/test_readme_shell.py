"""Every line of the README's command-line block, typed in order into one shell in a fresh
clone of this repository, succeeds (issue 17: the README can be typed as it stands)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_block() -> str:
    section = README.split("## Command line\n", 1)[1]
    [block] = re.findall(r"```sh\n(.*?)```", section.split("\n## ", 1)[0], flags=re.DOTALL)
    return block


def _lines(block: str) -> list[str]:
    """The commands a reader types: continuation lines (ending in a backslash) joined."""
    return re.sub(r"\\\n\s*", " ", block).strip().splitlines()


def _script(lines: list[str]) -> str:
    """One shell session: each line runs as typed; the first failing line stops it, named."""
    steps = [
        f"echo '@@ line {n}' >&2\n{line}\n"
        f'code=$?; if [ $code -ne 0 ]; then echo "@@ failed {n} with $code" >&2; exit 97; fi'
        for n, line in enumerate(lines, 1)
    ]
    return "\n".join(steps) + "\n"


def test_the_block_is_what_a_reader_types() -> None:
    lines = _lines(_command_block())
    assert lines[0].startswith("python3 -m venv .venv && . .venv/bin/activate")
    assert all(line.startswith(("microcred ", "python ")) for line in lines[1:]), lines
    assert any("--did-document did.json" in line and "verify" in line for line in lines)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed: cannot clone")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout: nothing to clone")
def test_every_line_succeeds_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    script = clone / ".readme-session.sh"
    lines = _lines(_command_block())
    script.write_text(_script(lines), encoding="utf-8")
    done = subprocess.run(
        ["bash", str(script)], cwd=clone, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    markers = re.findall(r"^@@ line (\d+)$", done.stderr, flags=re.MULTILINE)
    assert len(markers) == len(lines)  # every line ran
    out = done.stdout
    assert out.count("VERIFIED\n") >= 8 and "revoked, as expected" in out
    assert "problem: CREDENTIAL_REVOKED" in out  # the line after `status set`
    assert (clone / "did.json").exists() and (clone / "edc.json").exists()
    assert (clone / "vc.pdf").read_bytes().startswith(b"%PDF-") and (clone / "vc.html").exists()
