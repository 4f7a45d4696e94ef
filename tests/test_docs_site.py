"""The documentation site: every guide is in the navigation, and `mkdocs build --strict`
(which CI runs) passes, so no link, page or API reference is broken."""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_every_page_of_docs_is_in_the_navigation() -> None:
    listed = set(re.findall(r":\s*([\w./-]+\.md)\s*$", CONFIG, flags=re.MULTILINE))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages == listed, (sorted(pages - listed), sorted(listed - pages))


def test_the_api_page_documents_modules_that_exist() -> None:
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    targets = re.findall(r"^::: ([\w.]+)$", api, flags=re.MULTILINE)
    assert len(targets) >= 10
    for target in targets:
        try:
            importlib.import_module(target)
        except ModuleNotFoundError:  # a class or function: its module must define it
            module, _, name = target.rpartition(".")
            assert hasattr(importlib.import_module(module), name), target


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="the docs extra is absent")
def test_the_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "s")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "s" / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="microcred.api.issue"' in page and "ecdsa_der_to_raw" in page
