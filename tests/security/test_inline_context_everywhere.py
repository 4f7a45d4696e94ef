"""Objects in `@context` (inline contexts, at the top or in any node) reach every reader and
`verify`: each returns its documented answer (a reading, a typed error, a failed result) and
never raises `TypeError: unhashable type: 'dict'` or anything else untyped."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import api, verify
from microcred.bindings.edc import EDCIssuer, from_edc, is_edc, read_edc, to_edc
from microcred.bindings.elm import from_credential
from microcred.errors import InvalidMicroCredential
from microcred.keys.keypair import KeyPair
from microcred.model import MicroCredential
from microcred.verification.eu_standard import check_eu_standard

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json").read_text()
)
_MC = MicroCredential.parse({k: v for k, v in EXAMPLE.items() if k not in ("grade", "supervision")})
EDC = to_edc(_MC, issuer=EDCIssuer("VATES-A00000000", "ES"))
VC = api.issue(EXAMPLE, key=KeyPair.generate("Ed25519"))

_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_OBJECTS = st.dictionaries(
    st.sampled_from(["@vocab", "@version", "@protected", "title", "id", "type", "x", "@base"])
    | st.text(max_size=6),
    _JSON,
    max_size=4,
)


def _nodes(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found += _nodes(item)
    elif isinstance(value, list):
        for item in value:
            found += _nodes(item)
    return found


@st.composite
def with_inline_contexts(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(st.sampled_from([EDC, VC])))
    inline = draw(_OBJECTS)
    where = draw(st.sampled_from(["replace", "append", "prepend", "node"]))
    listed = document["@context"]
    if where == "replace":
        document["@context"] = inline
    elif where == "append":
        document["@context"] = [*listed, inline]
    elif where == "prepend":
        document["@context"] = [inline, *listed]
    else:
        nodes = _nodes(document["credentialSubject"])
        draw(st.sampled_from(nodes))["@context"] = draw(
            st.sampled_from([inline, [inline], [inline, "x"]])
        )
    return document


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_inline_contexts())
def test_every_reader_and_verify_take_inline_contexts(document: dict[str, Any]) -> None:
    before = copy.deepcopy(document)
    assert isinstance(is_edc(document), bool)
    fields, problems = read_edc(document)
    assert isinstance(fields, dict) and isinstance(problems, tuple)
    for read in (from_edc, from_credential):
        try:
            read(document)
        except InvalidMicroCredential as error:
            assert error.errors
    assert check_eu_standard(document).name == "eu_standard"
    result = verify(document)
    if document["@context"] != before["@context"] or document != before:
        raise AssertionError("a reader changed its input")
    assert result.verified in (True, False)
    sealed = {
        "payload": json.dumps(document),
        "signatures": [{"protected": "e30", "signature": ""}],
    }
    assert verify(sealed).verified is False
    read_edc(sealed)
