"""The README tells the truth: its test command is what CI runs (its Python blocks run in
tests/test_docs_pages.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = [b.strip() for b in _blocks("sh") if "pytest" in b]
    assert len(commands) == 1
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[0] in ci.splitlines()
    steps = [step.strip() for step in commands[0].split("&&")]
    gates = (
        "ruff check",
        "ruff format --check",
        "mypy --strict src",
        "mkdocs build --strict -q",
        "python -m pytest -q",
    )
    for gate in gates:
        assert any(step.startswith(".venv/bin/") and step.endswith(gate) for step in steps), gate


def test_the_ci_tools_come_with_the_test_extra() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = {re.split(r"[<>=\[]", r)[0] for r in config["project"]["optional-dependencies"]["test"]}
    assert {"pytest", "ruff", "mypy"} <= extra
    docs = {re.split(r"[<>=\\[]", r)[0] for r in config["project"]["optional-dependencies"]["docs"]}
    assert {"mkdocs", "mkdocs-material", "mkdocstrings"} <= docs


def test_the_main_job_command_runs_the_demo() -> None:
    [demo] = [b.strip() for b in _blocks("sh") if b.strip().endswith("microcred demo")]
    assert demo.startswith("python3 -m venv .venv && ")


def test_every_linked_file_exists() -> None:
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", README):
        assert (ROOT / target).exists(), target
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
