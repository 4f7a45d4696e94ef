"""sign() takes plain JSON only, and says where it is not (typed error with a JSON path)."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from microcred import KeyPair, api
from microcred.errors import MalformedDocumentError

KEY = KeyPair.generate("Ed25519")
V2 = "https://www.w3.org/ns/credentials/v2"


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"a": [1, {"b": float("nan")}]}, ("a", 1, "b")),
        ({"a": {"b": float("inf")}}, ("a", "b")),
        ({"a": {1: "x"}}, ("a",)),
        ({"a": [object()]}, ("a", 0)),
        ({"a": {1, 2}}, ("a",)),
    ],
)
def test_not_plain_json_is_refused_with_its_path(
    document: dict[str, Any], path: tuple[Any, ...]
) -> None:
    with pytest.raises(MalformedDocumentError) as caught:
        api.sign(document, key=KEY)
    assert caught.value.path == path


def test_cycles_and_hostile_depth_are_refused() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(5000):
        inner["n"] = {}
        inner = inner["n"]
    for document in (cyclic, deep):
        with pytest.raises(MalformedDocumentError, match="deeper than"):
            api.sign(document, key=KEY)


def test_json_subclasses_are_signed_as_their_plain_values() -> None:
    document = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": KEY.did,
        "credentialSubject": {"id": "urn:x", "name": Colour.RED},
        "validFrom": "2026-01-01T00:00:00Z",
    }
    signed = api.sign(document, key=KEY)
    subject = signed["credentialSubject"]
    assert type(subject["name"]) is str and subject["name"] == "red"
    assert subject is not document["credentialSubject"]  # a copy: later edits stay apart
    assert api.verify(signed).verified
