"""Our multibase, varint and Multikey header table agree with the `multiformats` package,
an independent implementation of the multiformats specifications (used only in tests)."""

from __future__ import annotations

import json
from importlib import resources

from hypothesis import given
from hypothesis import strategies as st
from multiformats import multibase as mf_multibase
from multiformats import multicodec as mf_multicodec
from multiformats import varint as mf_varint

from microcred.keys.multibase import (
    decode_base58btc,
    decode_base64url,
    decode_varint,
    encode_base58btc,
    encode_base64url,
    encode_varint,
)


def test_the_multikey_header_table_matches_the_multicodec_registry() -> None:
    table = json.loads((resources.files("microcred") / "data" / "multikey.json").read_text())
    for entries in table["keyTypes"].values():
        for role in ("public", "secret"):
            entry = entries[role]
            assert mf_multicodec.get(entry["codec"]).code == int(entry["code"], 16), entry


@given(st.binary(max_size=200))
def test_base58btc_and_base64url_agree(data: bytes) -> None:
    assert encode_base58btc(data) == mf_multibase.encode(data, "base58btc")
    assert encode_base64url(data) == mf_multibase.encode(data, "base64url")
    assert decode_base58btc(encode_base58btc(data)) == mf_multibase.decode(encode_base58btc(data))
    assert decode_base64url(encode_base64url(data)) == data


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_varints_agree(number: int) -> None:
    encoded = encode_varint(number)
    assert encoded == mf_varint.encode(number)
    assert decode_varint(encoded)[0] == mf_varint.decode(encoded)
