"""The EC's and MyNextID's JAdES-LTA samples with flipped bytes in their unsigned DER values
(time-stamp tokens, xVals certificates, CRLs, OCSP responses): verify_seal never raises,
stays fast, and a changed time-stamp token either fails or still attests exactly what the
TSA signed."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.jades import verify_seal
from microcred.jades.etsiu import read_unsigned_properties
from microcred.jades.jws import b64url_decode
from microcred.keys.multibase import base64url_encode as b64url_encode

SAMPLES = (
    "elm/samples/ec/Sample-MC-Annex1-signed.jsonld",
    "elm/samples/mynextid/edc-mc-signed.jsonld",
)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def samples(reference_dir: Path) -> list[dict[str, Any]]:
    return [json.loads((reference_dir / name).read_text("utf-8")) for name in SAMPLES]


def _values(prop: str, value: Any) -> list[dict[str, Any]]:
    """The {"val": base64 DER} objects of one etsiU property."""
    if prop in ("sigTst", "arcTst"):
        return list(value["tstTokens"])
    if prop == "xVals":
        return [v["x509Cert"] for v in value]
    return [v for values in value.values() for v in values]  # rVals: crlVals, ocspVals


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_flipped_unsigned_values_never_raise(
    samples: list[dict[str, Any]], data: st.DataObject
) -> None:
    document = data.draw(st.sampled_from(samples))
    entry = document["signatures"][0]
    items = list(entry["header"]["etsiU"])
    index = data.draw(st.integers(0, len(items) - 1))
    prop = json.loads(b64url_decode(items[index]))
    ((name, value),) = prop.items()
    target = data.draw(st.sampled_from(_values(name, value)))
    raw = bytearray(base64.b64decode(target["val"]))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] ^= data.draw(st.integers(1, 255))
    target["val"] = base64.b64encode(bytes(raw)).decode()
    items[index] = b64url_encode(json.dumps(prop).encode())
    changed = dict(document, signatures=[dict(entry, header={"etsiU": items})])
    anchors = read_unsigned_properties(entry["header"], ()).certificates
    started = time.monotonic()
    result = verify_seal(changed, trust_anchors=anchors, now=NOW)
    assert time.monotonic() - started < 2
    stamps = result.checks["timestamps"]
    if name in ("sigTst", "arcTst") and stamps.status.value != "failed":
        # only bytes outside what the TSA signs (CMS version numbers, the tag of an absent
        # algorithm parameter) may change without failing: the attested times are unchanged
        before = verify_seal(document, trust_anchors=anchors, now=NOW).checks["timestamps"]
        assert stamps.details["tokens"] == before.details["tokens"]
