"""The opt-in "schema" check: 1EdTech's OB3 JSON Schema read as JSON-LD writes values,
schemas it cannot have are warnings, and nothing a document holds makes it raise."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import Verifier
from microcred.errors import MissingDependencyError
from microcred.verification.schema import OB3_SCHEMA, check_schema, json_ld_arrays


def _simple(samples: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (samples / "1edtech-validator" / "ob30" / "simple.json").read_text("utf-8")
    )
    return loaded


def test_a_single_item_stands_for_an_array_and_the_schema_is_not_changed(
    ob3_schema: dict[str, Any],
) -> None:
    before = copy.deepcopy(ob3_schema)
    relaxed = json_ld_arrays(ob3_schema)
    assert ob3_schema == before
    assert relaxed["properties"]["proof"]["anyOf"][1] == {"$ref": "#/$defs/Proof"}


def test_violations_name_their_path(samples: Path, ob3_schema: dict[str, Any]) -> None:
    badge = _simple(samples)
    badge["credentialSubject"]["achievement"]["name"] = 7
    check = check_schema(badge, {OB3_SCHEMA: ob3_schema}.__getitem__)
    assert check is not None and check.status == "failed"
    assert ("credentialSubject", "achievement", "name") in {p.path for p in check.problems}


def test_an_unavailable_schema_is_a_warning(samples: Path) -> None:
    def refuse(url: str) -> Any:
        raise LookupError(url)

    check = check_schema(_simple(samples), refuse)
    assert check is not None and check.status == "warning"
    assert {w.code for w in check.warnings} == {"SCHEMA_UNAVAILABLE"}


@pytest.mark.parametrize("value", [None, [], "x", {"type": "OpenBadgeCredential"}])
def test_no_schema_applies_or_it_never_raises(value: Any, ob3_schema: dict[str, Any]) -> None:
    check = check_schema(value, {OB3_SCHEMA: ob3_schema}.__getitem__)
    assert check is None or check.status in ("failed", "passed", "warning")


def test_a_deep_document_never_raises(ob3_schema: dict[str, Any]) -> None:
    deep: Any = {}
    for _ in range(5000):
        deep = {"x": deep}
    badge = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": deep}
    result = Verifier(schemas={OB3_SCHEMA: ob3_schema}).verify(badge)
    assert not result.verified


def test_without_jsonschema_the_verifier_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "jsonschema" else real(name)
    )
    with pytest.raises(MissingDependencyError, match=r"microcred\[ob3\]"):
        Verifier(schemas={})
