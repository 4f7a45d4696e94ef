"""Fixtures for the Open Badges 3.0 / CLR 2.0 tests: a `fetch` serving what the issuers of the
1EdTech samples publish (tests/data/ob3/web.json), and a Verifier over it, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import DidWebResolver, HttpsControllerResolver, Verifier, chain_resolvers
from microcred.keys.resolvers import resolve_offline
from microcred.verification.schema import OB3_SCHEMA

WEB = Path(__file__).resolve().parents[1] / "data" / "ob3" / "web.json"
TESTLIST = (
    "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
    "main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist"
)


@pytest.fixture
def samples(reference_dir: Path) -> Path:
    """../shared/reference/ob3 (skips when absent)."""
    return reference_dir / "ob3"


@pytest.fixture
def web(samples: Path) -> dict[str, Any]:
    """URL -> JSON document the fixture serves (issuer profiles, did:web, status lists)."""
    documents: dict[str, Any] = json.loads(WEB.read_text("utf-8"))["documents"]
    testlist = samples / "1edtech-validator" / "ob30" / "bit-string-list" / "testlist"
    return {**documents, TESTLIST: json.loads(testlist.read_text("utf-8"))}


@pytest.fixture
def ob3_schema(samples: Path) -> dict[str, Any]:
    """1EdTech's OB3 AchievementCredential JSON Schema."""
    path = samples / "1edtech-schema" / "ob_v3p0_achievementcredential_schema.json"
    schema: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return schema


@pytest.fixture
def ob3_verifier(web: dict[str, Any], ob3_schema: dict[str, Any]) -> Verifier:
    """A Verifier whose fetch serves `web`, with the OB3 JSON Schema check."""

    def fetch(url: str) -> bytes:
        if url not in web:
            raise LookupError(f"the fixture does not serve {url}")
        return json.dumps(web[url]).encode()

    def load(url: str) -> Any:
        return json.loads(fetch(url))

    return Verifier(
        resolver=chain_resolvers(
            resolve_offline, DidWebResolver(fetch), HttpsControllerResolver(fetch)
        ),
        status_loader=load,
        schemas={OB3_SCHEMA: ob3_schema},
    )
