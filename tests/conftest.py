"""Shared fixtures: where the reference material lives (beside the repo in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, or skip the test with a reason when it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is absent (reference data lives beside the repo in CI)")
    return REFERENCE
