"""Bitstring Status List expansion bounds its work (security review, finding 6).

An `encodedList` made of many empty GZIP members (RFC 1952 §2.2 allows several) took time
quadratic in its length to expand: each member copied the input left after it. Encoders write
one member, so expansion accepts at most 16, and refuses trailing bytes and cut-off members.
"""

from __future__ import annotations

import base64
import gzip

import pytest

from microcred.errors import MalformedDocumentError
from microcred.status.bitstring import MIN_ENTRIES, StatusList, expand_bitstring

EMPTY_MEMBER = gzip.compress(b"", mtime=0)  # 20 bytes that expand to nothing
MEMBER = gzip.compress(bytes(64), mtime=0)


def _encoded(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_hundred_thousand_empty_members_are_refused() -> None:
    with pytest.raises(MalformedDocumentError, match="more than 16 GZIP members") as raised:
        expand_bitstring(_encoded(EMPTY_MEMBER * 100_000), path=("credentialSubject",))
    assert raised.value.code == "MALFORMED_VALUE_ERROR"
    assert raised.value.path == ("credentialSubject",)


def test_sixteen_members_are_the_most_accepted() -> None:
    bits = bytes(MIN_ENTRIES // 8)
    sixteen = EMPTY_MEMBER * 15 + gzip.compress(bits)
    assert StatusList.decode(_encoded(sixteen)).bitstring() == bits
    with pytest.raises(MalformedDocumentError, match="more than 16 GZIP members"):
        expand_bitstring(_encoded(EMPTY_MEMBER + sixteen))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            MEMBER + b"garbage!", "after GZIP member 1 of encodedList is not GZIP", id="garbage"
        ),
        pytest.param(
            MEMBER + b"\x1f", "after GZIP member 1 of encodedList is truncated", id="1-byte"
        ),
        pytest.param(
            EMPTY_MEMBER * 3 + bytes(32),
            "after GZIP member 3 of encodedList is not GZIP",
            id="zeros",
        ),
        pytest.param(MEMBER[:-4], "encodedList is truncated GZIP data", id="no-ISIZE"),
        pytest.param(MEMBER[:12], "encodedList is truncated GZIP data", id="cut-in-data"),
        pytest.param(
            EMPTY_MEMBER + MEMBER[:-1], "after GZIP member 1 of encodedList is trunc", id="cut-2nd"
        ),
        pytest.param(b"", "encodedList is truncated GZIP data", id="empty"),
    ],
)
def test_trailing_bytes_and_truncated_members_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(MalformedDocumentError, match=message) as raised:
        expand_bitstring(_encoded(data))
    assert raised.value.code == "MALFORMED_VALUE_ERROR"
