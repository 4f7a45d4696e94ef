"""Every shell block of docs/*.md runs: its lines typed in order into one shell, in a folder
holding what the page says the reader already has (keys, the examples), each line exiting 0.

Installs are left out (they need PyPI); benchmark runs take minutes as printed, so they run
with every count made small (`SMALL`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the environment under test: its microcred and python

NOT_RUN = {"pip install": "installs from PyPI"}
BENCHMARK = ".venv/bin/python benchmarks/"
SMALL = {  # a benchmark's count options, and the value the test runs it with
    "--iterations": "2",
    "--reference-iterations": "1",
    "--cold-runs": "1",
    "--batch": "6",
    "--workers": "2",
    "--count": "20",
    "--verify": "10",
    "--verify-repeat": "1",
    "--cases": "40",
    "--seed": "1",
}

HAS = (  # what every page assumes the reader made before (README's command-line block)
    "microcred keygen -o key.json\n"
    "microcred keygen -o holder.json\n"
    "cp docs/examples/microcredential.json mc.json\n"
    "cp docs/examples/cohort.jsonl cohort.jsonl\n"
)
PAGE_HAS = {  # and what one page assumes besides
    "presentations.md": (
        "microcred issue mc.json --key key.json -o vc1.json\n"
        "microcred issue mc.json --key key.json -o vc2.json\n"
        "microcred keygen --did-web did:web:issuer.example --did-document did.json -o web.json\n"
        "microcred status create --key key.json --url https://issuer.example/status/1 -o status/\n"
    ),
    "scale.md": (
        "microcred status create --key key.json --url https://issuer.example/status/1 -o status/\n"
    ),
    "display.md": (
        "microcred issue mc.json --key key.json -o vc.json\n"
        "python -m microcred.testing.seal .\n"
        "microcred issue mc.json --format edc --key seal.pem --cert chain.pem -o edc.json\n"
    ),
    "display-renderers.md": "microcred issue mc.json --key key.json -o credential.json\n",
    "testing.md": (
        'python -c "from microcred.testing.corpus import write_corpus;'
        " write_corpus('my-samples')\"\n"
    ),
}


def _blocks(page: Path) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL)


def _lines(block: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _left_out(line: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if line.startswith(start)), None)


def _small(line: str) -> str:
    """A benchmark line run small, with the venv's python; other lines as they are."""
    if not line.startswith(BENCHMARK):
        return line
    options = re.findall(r"(--[a-z-]+) (\d+)", line)
    unknown = [flag for flag, _ in options if flag not in SMALL]
    assert not unknown, f"add a small value for {unknown} to SMALL"
    small = re.sub(r"(--[a-z-]+) \d+", lambda m: f"{m[1]} {SMALL[m[1]]}", line)
    return "python " + small.removeprefix(".venv/bin/python ")


def _script(lines: list[str]) -> str:
    checks = [
        f"echo '@@ {n}: {line}' >&2\n{line}\n"
        f'code=$?; if [ $code -ne 0 ]; then echo "@@ failed with $code" >&2; exit 97; fi'
        for n, line in enumerate(lines, 1)
    ]
    return "set -u\n" + "\n".join(checks) + "\n"


PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if _blocks(p))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_shell_line_of_the_page_runs(page: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    shutil.copytree(ROOT / "benchmarks", tmp_path / "benchmarks")
    lines = [line for block in _blocks(page) for line in _lines(block)]
    typed = [_small(line) for line in lines if _left_out(line) is None]
    if not typed:
        pytest.skip(f"{page.name}: every line is left out ({_left_out(lines[0])})")
    prologue = _lines(HAS + PAGE_HAS.get(page.name, ""))
    (tmp_path / "session.sh").write_text(_script(prologue + typed), encoding="utf-8")
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["bash", "session.sh"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2500:]


def test_only_installs_are_left_out() -> None:
    lines = [line for page in PAGES for block in _blocks(page) for line in _lines(block)]
    left = [line for line in lines if _left_out(line)]
    print(f"docs shell lines: {len(lines) - len(left)} run, {len(left)} left out")
    assert all(line.startswith(tuple(NOT_RUN)) for line in left)
    assert len(lines) - len(left) >= 30, (len(lines), len(left))
