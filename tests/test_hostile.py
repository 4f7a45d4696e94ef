"""Hostile edits of a signed credential: whatever JSON lands wherever, verify() returns a
result (never raises), leaves its input alone, and its report is JSON."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.keys.keypair import KeyPair
from tests.test_tamper import EXAMPLE, NOW, _at, _leaves, _objects

KEYWORDS = ["@id", "@type", "@context", "@value", "@language", "@list", "@set", "@graph"]
KEYWORDS += ["@reverse", "@included", "@nest", "@index", "@direction", "@json", "@none"]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
    | st.sampled_from(
        [*KEYWORDS, "_:b0", "urn:x", "did:key:z6Mk", "https://www.w3.org/ns/credentials/v2"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6) | st.sampled_from(KEYWORDS), inner, max_size=4)
    ),
    max_leaves=15,
)


@pytest.fixture(
    scope="module", params=[("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-jcs-2019", "P-384")]
)
def signed(request: pytest.FixtureRequest) -> dict[str, Any]:
    suite, key_type = request.param
    return api.issue(EXAMPLE, key=KeyPair.generate(key_type), cryptosuite=suite)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_json_anywhere_gives_a_result(signed: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted([*_objects(signed), *_leaves(signed)], key=str)))
    document: Any = copy.deepcopy(signed)
    new = data.draw(JSON, label="new")
    target = _at(document, path)
    if isinstance(target, dict) and data.draw(st.booleans(), label="insert"):
        target[data.draw(st.sampled_from([*KEYWORDS, "id", "type", "x"]), label="key")] = new
    elif path:
        _at(document, path[:-1])[path[-1]] = new
    else:
        document = new
    before = copy.deepcopy(document)
    result = api.verify(document, now=NOW)
    json.dumps(result.to_dict())
    assert document == before
    if not result.verified:
        assert result.problems, "a failed verification says why"
