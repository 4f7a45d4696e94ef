"""What a release needs: one version everywhere, the licence text, a changelog, project URLs."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import metadata
from pathlib import Path

import pytest

import microcred
from microcred.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_one_string_read_from_the_package() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?", microcred.__version__)
    assert "version" in CONFIG["project"]["dynamic"]
    assert CONFIG["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "microcred.__version__"}
    assert metadata("microcred")["Version"] == microcred.__version__


def test_microcred_version_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "microcred", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout == f"microcred {microcred.__version__}\n"
    assert main(["demo"]) == 0  # the parser still runs commands with --version defined
    assert "VERIFIED" in capsys.readouterr().out


def test_the_licence_file_is_the_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert CONFIG["project"]["license"] == "Apache-2.0"
    assert CONFIG["project"]["license-files"] == ["LICENSE"]
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text.splitlines()) == 202


def test_the_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "keepachangelog.com/en/1.1.0" in text
    assert "## [Unreleased]" in text and "### Added" in text
    assert "microcred --version" in text


def test_the_project_urls_are_absolute() -> None:
    urls = CONFIG["project"]["urls"]
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
