"""Model errors in our words, naming the field, with pydantic's type kept as the code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import KeyPair, MicroCredential, api
from microcred.errors import FieldError, InvalidMicroCredential

ROOT = Path(__file__).resolve().parents[2]
SAMPLE: dict[str, Any] = json.loads(
    (ROOT / "docs/examples/microcredential.json").read_text("utf-8")
)


def errors_of(data: dict[str, Any]) -> dict[tuple[str | int, ...], FieldError]:
    with pytest.raises(InvalidMicroCredential) as caught:
        MicroCredential.parse(data)
    return {error.path: error for error in caught.value.errors}


def test_plain_text_for_a_language_map_shows_the_map_to_write() -> None:
    data = copy.deepcopy(SAMPLE)
    data["learner"]["fullName"] = "Ana"
    data["title"] = 5
    found = errors_of(data)
    assert found[("learner", "fullName")].message == (
        'must be a language map (BCP 47 tag -> text) such as {"en": "Ana"}'
    )
    assert found[("title",)].code == "lang_text_type"
    assert "Input should be" not in str(found)


def test_pydantic_codes_stay_and_messages_are_ours() -> None:
    data = copy.deepcopy(SAMPLE)
    data["learningOutcomes"] = []
    data["unknownThing"] = 1
    del data["workload"]
    data["issuer"] = "https://uni.example"
    found = errors_of(data)
    assert found[("learningOutcomes",)] == FieldError(
        ("learningOutcomes",), "too_short", "needs at least 1 entry; this list is empty"
    )
    assert found[("unknownThing",)].code == "extra_forbidden"
    assert "not an element of the micro-credential input" in found[("unknownThing",)].message
    assert found[("workload",)].code == "missing"
    assert found[("workload",)].message.startswith("required, but missing")
    assert found[("issuer",)].message == "must be a JSON object, got a string"
    for error in found.values():
        assert "Input should" not in error.message and "Tuple should" not in error.message


def test_a_credential_given_as_input_is_named_as_one() -> None:
    credential = api.issue(SAMPLE, key=KeyPair.generate("Ed25519"))
    for given in (credential, {k: v for k, v in credential.items() if k != "proof"}):
        with pytest.raises(InvalidMicroCredential) as caught:
            MicroCredential.parse(given)
        [error] = caught.value.errors
        assert error.code == "credential_not_input"
        assert error.message.startswith("this is a credential, not micro-credential input")
