"""Fixtures of the renderer tests: a headless Chromium (skipped with a reason where the
Debian package is absent) and a credential signed for real."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.display.chromium import CHROMIUM, Browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def signed_credential() -> dict[str, Any]:
    from microcred import MicroCredential, issue
    from microcred.testing import test_key

    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    return issue(MicroCredential.parse(data), key=test_key("Ed25519"))
