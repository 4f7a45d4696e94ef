"""Bitstring Status List for issuers: the bitstring, its encoding, entries, list credentials,
random index allocation (BSL §2.1, §2.2, §3.3, §3.4)."""

from __future__ import annotations

import base64
import gzip
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.errors import (
    InvalidOptionError,
    MalformedDocumentError,
    StatusListFullError,
    StatusListLengthError,
    StatusRangeError,
)
from microcred.keys.keypair import KeyPair
from microcred.status.bitstring import (
    MIN_ENTRIES,
    IndexAllocator,
    StatusList,
    compress_bitstring,
    expand_bitstring,
)
from microcred.status.credential import (
    read_status_messages,
    status_entry,
    status_list_credential,
    status_messages,
)

DATA = Path(__file__).parent / "data" / "status"
URL = "https://issuer.example/status/1"


def _spec_example() -> dict[str, Any]:
    example: dict[str, Any] = json.loads((DATA / "bsl-spec-example.json").read_text("utf-8"))
    return example


def test_the_spec_example_decodes_to_16384_zero_bytes() -> None:
    example = _spec_example()
    status_list = StatusList.decode(example["encodedList"])
    assert status_list.bitstring() == bytes(example["expandedBytes"])
    assert status_list.length == MIN_ENTRIES
    assert status_list.get(int(example["entryIndex"])) == 0


def test_the_spec_example_bits_equal_our_encoding_of_an_empty_list() -> None:
    """Gzip headers differ between implementations: compare decoded bits, never strings."""
    ours = StatusList().encode()
    assert ours != _spec_example()["encodedList"]
    assert expand_bitstring(ours) == expand_bitstring(_spec_example()["encodedList"])


def test_bit_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    status_list = StatusList()
    status_list.set(0)
    status_list.set(9)
    status_list.set(MIN_ENTRIES - 1)
    bits = status_list.bitstring()
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert sum(bits) == 0x80 + 0x40 + 0x01


def test_multi_bit_entries_are_read_most_significant_first() -> None:
    status_list = StatusList(status_size=2)
    status_list.set(0, 1)
    status_list.set(3, 2)
    assert status_list.bitstring()[0] == 0b01_00_00_10
    assert (status_list.get(0), status_list.get(1), status_list.get(3)) == (1, 0, 2)
    assert len(status_list.bitstring()) == 2 * MIN_ENTRIES // 8


def test_set_clear_get() -> None:
    status_list = StatusList()
    status_list.set(42)
    assert status_list.get(42) == 1 and status_list.get(41) == 0
    status_list.clear(42)
    assert status_list.get(42) == 0
    assert status_list == StatusList()


def test_copy_is_independent() -> None:
    original = StatusList()
    copy = original.copy()
    copy.set(5)
    assert original.get(5) == 0 and copy.get(5) == 1


def test_encode_is_u_base64url_without_padding_of_gzip() -> None:
    status_list = StatusList()
    status_list.set(7)
    encoded = status_list.encode()
    assert encoded.startswith("u") and "=" not in encoded
    body = encoded[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert raw == status_list.bitstring()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"length": MIN_ENTRIES - 8}, StatusListLengthError),
        ({"length": 0}, StatusListLengthError),
        ({"status_size": 0}, MalformedDocumentError),
        ({"status_size": 17}, MalformedDocumentError),
        ({"length": MIN_ENTRIES + 3}, InvalidOptionError),
    ],
)
def test_bad_lists_are_refused(kwargs: dict[str, int], error: type[Exception]) -> None:
    with pytest.raises(error):
        StatusList(**kwargs)


def test_a_lower_minimum_can_be_set_by_an_ecosystem() -> None:
    assert StatusList(8, min_entries=8).length == 8


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, True, "3"])
def test_index_out_of_range(index: Any) -> None:
    with pytest.raises(StatusRangeError) as raised:
        StatusList().get(index)
    assert raised.value.code == "RANGE_ERROR"


@pytest.mark.parametrize("value", [-1, 2, 4])
def test_value_must_fit_the_status_size(value: int) -> None:
    with pytest.raises(StatusRangeError):
        StatusList().set(0, value)


def _gzip_b64(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(data)).decode().rstrip("=")


@pytest.mark.parametrize(
    ("encoded", "code"),
    [
        ("zabc", "MALFORMED_VALUE_ERROR"),  # wrong multibase header
        (12, "MALFORMED_VALUE_ERROR"),
        ("uH4s+IAAA", "MALFORMED_VALUE_ERROR"),  # not base64url
        (
            "u" + base64.urlsafe_b64encode(bytes(16384)).decode().rstrip("="),
            "MALFORMED_VALUE_ERROR",
        ),
        (_gzip_b64(bytes(16384))[:-8], "MALFORMED_VALUE_ERROR"),  # truncated
        (_gzip_b64(bytes(16383)), "STATUS_LIST_LENGTH_ERROR"),
    ],
)
def test_decode_refuses_malformed_or_short_lists(encoded: Any, code: str) -> None:
    with pytest.raises((MalformedDocumentError, StatusListLengthError)) as raised:
        StatusList.decode(encoded)
    assert raised.value.code == code


def test_decode_accepts_several_gzip_members() -> None:
    encoded = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(8192)) + gzip.compress(b"\x80" + bytes(8191))
    ).decode().rstrip("=")
    status_list = StatusList.decode(encoded)
    assert status_list.get(8192 * 8) == 1 and status_list.length == MIN_ENTRIES


def test_a_gzip_bomb_is_refused() -> None:
    with pytest.raises(MalformedDocumentError, match="expands beyond"):
        expand_bitstring(compress_bitstring(bytes((1 << 24) + 1)))


def test_status_length_is_per_status_size() -> None:
    """BSL §3.2 step 9: bitstring length ÷ statusSize, so 16 KB holds too few 2-bit entries."""
    encoded = StatusList().encode()
    with pytest.raises(StatusListLengthError):
        StatusList.decode(encoded, status_size=2)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=8),
    data=st.data(),
)
def test_encode_decode_round_trip(size: int, data: st.DataObject) -> None:
    status_list = StatusList(status_size=size)
    values = data.draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=MIN_ENTRIES - 1),
            st.integers(min_value=0, max_value=(1 << size) - 1),
            max_size=40,
        )
    )
    for index, value in values.items():
        status_list.set(index, value)
    decoded = StatusList.decode(status_list.encode(), status_size=size)
    assert decoded == status_list
    for index, value in values.items():
        assert decoded.get(index) == value


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=16),
    writes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), st.integers(min_value=0)),
        max_size=30,
    ),
)
def test_set_and_get_agree(size: int, writes: list[tuple[int, int]]) -> None:
    status_list = StatusList(status_size=size)
    expected: dict[int, int] = {}
    for index, raw in writes:
        value = raw % (1 << size)
        status_list.set(index, value)
        expected[index] = value
    probes = set(expected) | {0, MIN_ENTRIES - 1}
    for index in probes:
        assert status_list.get(index) == expected.get(index, 0)
    assert sum(bin(b).count("1") for b in status_list.bitstring()) == sum(
        bin(v).count("1") for v in expected.values()
    )


def test_status_entry() -> None:
    assert status_entry(URL, 94567, purpose="revocation") == {
        "id": f"{URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }


def test_status_entry_with_messages() -> None:
    entry = status_entry(
        URL, 3, purpose="message", status_size=2, messages=["pending", "accepted", "rejected", "-"]
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][2] == {"status": "0x2", "message": "rejected"}
    assert read_status_messages(entry["statusMessage"], 2) == {
        0: "pending",
        1: "accepted",
        2: "rejected",
        3: "-",
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"index": -1},
        {"index": True},
        {"purpose": ""},
        {"status_size": 2},  # needs messages
        {"status_size": 2, "messages": ["a", "b"]},  # needs 4
        {"list_url": ""},
    ],
)
def test_bad_entries_are_refused(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"list_url": URL, "index": 1, "purpose": "revocation", **kwargs}
    with pytest.raises((InvalidOptionError, MalformedDocumentError)):
        status_entry(args.pop("list_url"), args.pop("index"), **args)


@pytest.mark.parametrize(
    "messages",
    [
        None,
        [{"status": "0x0", "message": "a"}],
        [{"status": "0x0", "message": "a"}, {"status": "0x0", "message": "b"}],
        [{"status": "0x0", "message": "a"}, {"status": "0x2", "message": "b"}],
        [{"status": "1", "message": "a"}, {"status": "0x0", "message": "b"}],
        [{"status": "0x1", "message": 3}, {"status": "0x0", "message": "b"}],
        ["a", "b"],
    ],
)
def test_malformed_status_messages(messages: Any) -> None:
    with pytest.raises(MalformedDocumentError):
        read_status_messages(messages, 1)


def test_status_messages_are_hex() -> None:
    messages = status_messages([str(i) for i in range(16)])
    assert [m["status"] for m in messages[9:12]] == ["0x9", "0xa", "0xb"]


def test_status_list_credential_is_signed_like_any_credential() -> None:
    key = KeyPair.generate("Ed25519")
    status_list = StatusList()
    status_list.set(5)
    unsigned = status_list_credential(
        status_list,
        id=URL,
        issuer=key.did,
        purpose=["revocation", "suspension"],
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=datetime(2027, 1, 1, tzinfo=UTC),
        ttl=300000,
    )
    assert unsigned["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert unsigned["validFrom"] == "2026-01-01T00:00:00Z"
    subject = unsigned["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == ["revocation", "suspension"]
    assert subject["ttl"] == 300000
    assert StatusList.decode(subject["encodedList"]) == status_list
    signed = api.sign(unsigned, key=key, created=datetime(2026, 5, 1, tzinfo=UTC))
    result = api.verify(signed, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert result.verified, result.to_dict()


def test_status_list_credential_refuses_bad_options() -> None:
    with pytest.raises(InvalidOptionError):
        status_list_credential(StatusList(), id=URL, issuer="did:example:1", purpose=[])
    with pytest.raises(InvalidOptionError):
        status_list_credential(StatusList(), id=URL, issuer="did:example:1", purpose="x", ttl=-1)


def test_allocator_hands_out_every_index_once_then_refuses() -> None:
    allocator = IndexAllocator(64)
    drawn = [allocator.allocate() for _ in range(64)]
    assert sorted(drawn) == list(range(64))
    assert allocator.remaining == 0
    with pytest.raises(StatusListFullError) as raised:
        allocator.allocate()
    assert raised.value.code == "STATUS_LIST_FULL"


def test_allocator_restores_from_used_indexes() -> None:
    first = IndexAllocator(100)
    used = {first.allocate() for _ in range(60)}
    restored = IndexAllocator(100, first.used)
    assert restored.used == used
    rest = {restored.allocate() for _ in range(40)}
    assert rest == set(range(100)) - used


def test_allocator_refuses_used_indexes_outside_the_list() -> None:
    with pytest.raises(StatusRangeError):
        IndexAllocator(10, [10])


@settings(max_examples=50, deadline=None)
@given(
    length=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=2**32),
    used=st.sets(st.integers(min_value=0, max_value=299), max_size=200),
)
def test_allocator_never_reuses(length: int, seed: int, used: set[int]) -> None:
    rng = random.Random(seed)
    used = {i for i in used if i < length}
    allocator = IndexAllocator(length, used, randbelow=rng.randrange)
    drawn = [allocator.allocate() for _ in range(length - len(used))]
    assert len(set(drawn)) == len(drawn)
    assert not set(drawn) & used
    assert set(drawn) | used == set(range(length))
