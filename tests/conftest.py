"""Shared fixtures: where the reference material lives (beside the repo in CI)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from microcred.jsonld.loader import BundledLoader, DocumentLoader, StaticLoader, chain

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


# Contexts the reference vectors use besides the bundled ones (examples, citizenship, Open Badges).
_REFERENCE_CONTEXT_FILES = {
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob3/1edtech-spec/contexts/ob-v3p0-context-3.0.3.json"
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "ob3/1edtech-validator/contexts/ob-v3p0-extensions.json"
    ),
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": (
        "ob3/1edtech-validator/contexts/clr-v2p0-2.0.1.json"
    ),
}


@pytest.fixture
def reference_loader(reference_dir: Path) -> DocumentLoader:
    """The bundled contexts first, then every context the reference material maps a URL to."""
    url_map = json.loads((reference_dir / "contexts" / "url-map.json").read_text(encoding="utf-8"))
    documents = {
        url: json.loads((reference_dir / "contexts" / entry["file"]).read_text(encoding="utf-8"))
        for url, entry in url_map.items()
    }
    for url, path in _REFERENCE_CONTEXT_FILES.items():
        documents[url] = json.loads((reference_dir / path).read_text(encoding="utf-8"))
    return chain(BundledLoader(), StaticLoader(documents))


@pytest.fixture
def key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An Ed25519 key file made by `microcred keygen`, for the CLI tests."""
    from tests.cli_run import run

    path = tmp_path / "key.json"
    assert run(capsys, "keygen", "-o", str(path))[0] == 0
    return path
