"""The ELM readers (`from_credential`, `from_edc`) on hostile shapes: typed errors with the
JSON path, never `TypeError: unhashable type` from a context or an id that is not a string."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.bindings.edc import from_edc
from microcred.bindings.elm import from_credential
from microcred.errors import InvalidMicroCredential
from microcred.keys.keypair import KeyPair

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
NOT_A_URL = [[{"@vocab": "https://example.org/"}], [["https://w3id.org/microcred/v1"]], {}, 7]


@pytest.fixture(scope="module")
def credential() -> dict[str, Any]:
    issued: dict[str, Any] = api.issue(
        json.loads(EXAMPLE.read_text(encoding="utf-8")), key=KeyPair.generate("Ed25519")
    )
    return issued


def problem_paths(error: InvalidMicroCredential) -> list[tuple[str | int, ...]]:
    return [item.path for item in error.errors]


@pytest.mark.parametrize("read", [from_credential, from_edc])
@pytest.mark.parametrize("context", NOT_A_URL)
def test_a_context_that_is_not_a_url_is_not_ours(
    read: Any, context: Any, credential: dict[str, Any]
) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        read({**credential, "@context": context})
    assert problem_paths(caught.value) == [("@context",)]


def test_an_inline_context_beside_ours_is_read(credential: dict[str, Any]) -> None:
    contexts = [*credential["@context"], {"@vocab": "https://example.org/"}]
    assert from_credential({**credential, "@context": contexts}) == from_credential(credential)


@pytest.mark.parametrize("node_id", [{}, [], 1])
def test_a_node_reference_whose_id_is_not_a_string(
    node_id: Any, credential: dict[str, Any]
) -> None:
    with pytest.raises(InvalidMicroCredential) as caught:
        from_credential({**credential, "issuer": {"id": node_id}})
    assert all(path[0] == "issuer" for path in problem_paths(caught.value))
