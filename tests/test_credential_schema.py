"""docs/credential.schema.json describes what issue() returns: every issued credential fits,
and a credential missing an Annex I element or with plain text for a language map does not."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from microcred import api
from microcred.bindings.elm import to_credential
from microcred.model.text import LANGUAGE_TAG_PATTERN
from microcred.testing import test_key
from microcred.testing.strategies import micro_credentials

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "credential.schema.json").read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
SAMPLE = json.loads((ROOT / "docs/examples/microcredential.json").read_text("utf-8"))


def errors(document: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


def test_the_schema_is_valid_and_uses_the_model_s_language_tags() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$defs"]["langMap"]["propertyNames"]["pattern"] == LANGUAGE_TAG_PATTERN


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_the_sample_fits_signed_and_unsigned(key_type: str) -> None:
    credential = api.issue(SAMPLE, key=test_key(key_type))
    assert errors(credential) == []
    assert errors({k: v for k, v in credential.items() if k != "proof"}) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials(issuer=None))
def test_every_issued_micro_credential_fits(model: Any) -> None:
    key = test_key("Ed25519")
    assert errors(to_credential(model.with_issuer_id(key.did))) == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        (("credentialSubject", "hasClaim", "specifiedBy"), lambda n: n.pop("learningOutcome")),
        (("credentialSubject", "hasClaim", "specifiedBy"), lambda n: n.pop("accreditation")),
        (("credentialSubject", "hasClaim"), lambda n: n.pop("provenBy")),
        (("credentialSubject",), lambda n: n.update(fullName="Ana")),
        (("credentialSubject", "hasClaim", "awardedBy"), lambda n: n.update(awardingBody=[])),
        ((), lambda n: n.update(validFrom="30 June 2025")),
        ((), lambda n: n["@context"].reverse()),
    ],
)
def test_what_breaks_an_annex_i_element_does_not_fit(where: tuple[str, ...], change: Any) -> None:
    credential = copy.deepcopy(api.issue(SAMPLE, key=test_key()))
    node = credential
    for step in where:
        node = node[step]
    change(node)
    assert errors(credential), where
