"""Shared fixtures: where the reference material lives (beside the repo in CI)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, or skip the test with a reason when it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is absent (reference data lives beside the repo in CI)")
    return REFERENCE


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with sockets disabled: microcred must never touch the network."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
