"""microcred.keys.multibase: CID 1.0 §2.4 multibase values and multicodec varints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import InvalidMultibaseError
from microcred.keys.multibase import (
    base64url_decode,
    base64url_encode,
    decode_base58btc,
    decode_base64url,
    decode_multibase,
    decode_varint,
    encode_base58btc,
    encode_base64url,
    encode_varint,
)


@pytest.mark.parametrize(
    ("code", "header"),
    # CID 1.0 §2.2.2 tables: the varint expressions of the Multikey codes
    [
        (0xED, "ed01"),
        (0x1200, "8024"),
        (0x1201, "8124"),
        (0x1300, "8026"),
        (0x1306, "8626"),
        (0x1307, "8726"),
        (0xEB, "eb01"),
        (0, "00"),
    ],
)
def test_varint_headers_of_cid_tables(code: int, header: str) -> None:
    assert encode_varint(code).hex() == header
    assert decode_varint(bytes.fromhex(header) + b"rest") == (code, len(header) // 2)


@pytest.mark.parametrize("data", ["", "80", "ff" * 9, "8100", "808000"])
def test_malformed_varints(data: str) -> None:
    with pytest.raises(InvalidMultibaseError):
        decode_varint(bytes.fromhex(data))


def test_base58btc_examples() -> None:
    # CID 1.0 §2.4: leading zero bytes become leading '1's.
    assert encode_base58btc(b"\x00\x00hello") == "z11Cn8eVZg"
    assert decode_base58btc("z11Cn8eVZg") == b"\x00\x00hello"
    assert encode_base58btc(b"") == "z"


@pytest.mark.parametrize(
    "value", ["", "Z11", "u11", "z0OIl", "z11 ", "z\u0661", "z" + "2" * 1025, b"z11"]
)
def test_base58btc_rejects(value: object) -> None:
    with pytest.raises(InvalidMultibaseError):
        decode_base58btc(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["z11", "uAA=", "uA", "u+/", "uAB", "u A", ""])
def test_base64url_rejects(value: str) -> None:
    with pytest.raises(InvalidMultibaseError):
        decode_base64url(value)


@pytest.mark.parametrize("value", ["", "m", "f00", "Uabc", "zO"])
def test_multibase_rejects_other_headers_and_bad_bodies(value: str) -> None:
    with pytest.raises(InvalidMultibaseError):
        decode_multibase(value)


def test_base64url_is_canonical_and_unpadded() -> None:
    assert encode_base64url(b"\xff\xfe") == "u__4"
    assert decode_base64url("u__4") == b"\xff\xfe"
    assert base64url_decode("") == b""
    with pytest.raises(InvalidMultibaseError, match="canonical"):
        base64url_decode("__5")  # same bytes as "__4" but with a trailing bit set


@settings(max_examples=200)
@given(st.binary(max_size=100))
def test_round_trips(data: bytes) -> None:
    assert decode_base58btc(encode_base58btc(data)) == data
    assert decode_multibase(encode_base58btc(data)) == data
    assert decode_base64url(encode_base64url(data)) == data
    assert decode_multibase(encode_base64url(data)) == data
    assert base64url_decode(base64url_encode(data)) == data


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_varint_round_trip(number: int) -> None:
    encoded = encode_varint(number)
    assert decode_varint(encoded) == (number, len(encoded))


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_random_text_decodes_or_raises_invalid_multibase(text: str) -> None:
    try:
        data = decode_multibase(text)
    except InvalidMultibaseError:
        return
    re_encoded = encode_base58btc(data) if text.startswith("z") else encode_base64url(data)
    assert re_encoded == text  # anything accepted has exactly one spelling
