"""IETF Token Status List: the list encoding (bit order of draft-ietf-oauth-status-list §4.1,
its example), the signed list token, and the status check of SD-JWT VCs: revoke one of
three, and an unreadable or foreign list is indeterminate, never valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred import KeyPair, Verifier
from microcred.bindings.eudi import to_sd_jwt_vc
from microcred.errors import MalformedDocumentError, StatusRangeError
from microcred.status.token_status_list import (
    INVALID,
    SUSPENDED,
    TokenStatusList,
    status_list_token,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
ISSUER = KeyPair.generate("Ed25519")
URI = "https://issuer.example/statuslists/1"
NOW = datetime.now(UTC)

# draft-ietf-oauth-status-list §4.1: 16 one-bit statuses [1,0,0,1,1,1,0,1,1,1,0,0,0,1,0,1]
# are the bytes 0xB9 0xA3, whose compressed list is "eNrbuRgAAhcBXQ".
SPEC_BITS = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
SPEC_LST = "eNrbuRgAAhcBXQ"


def test_the_drafts_one_bit_example() -> None:
    listed = TokenStatusList(16)
    for index, value in enumerate(SPEC_BITS):
        listed[index] = value
    assert listed.encode() == {"bits": 1, "lst": SPEC_LST}
    decoded = TokenStatusList.decode({"bits": 1, "lst": SPEC_LST})
    assert [decoded[i] for i in range(16)] == SPEC_BITS


@given(
    bits=st.sampled_from([1, 2, 4, 8]),
    values=st.lists(st.integers(min_value=0, max_value=255), min_size=1, max_size=200),
)
def test_any_list_round_trips(bits: int, values: list[int]) -> None:
    listed = TokenStatusList(len(values), bits=bits)
    for index, value in enumerate(values):
        listed[index] = value % (1 << bits)
    decoded = TokenStatusList.decode(listed.encode())
    assert [decoded[i] for i in range(len(values))] == [v % (1 << bits) for v in values]


def test_out_of_range_and_bombs_are_refused() -> None:
    listed = TokenStatusList(8, bits=2)
    with pytest.raises(StatusRangeError):
        listed[8] = 1
    with pytest.raises(StatusRangeError):
        listed[0] = 4
    import zlib

    from microcred.keys.multibase import base64url_encode

    bomb = base64url_encode(zlib.compress(b"\0" * (3 * 1024 * 1024), 9))
    with pytest.raises(MalformedDocumentError, match="more than"):
        TokenStatusList.decode({"bits": 1, "lst": bomb})
    with pytest.raises(MalformedDocumentError):
        TokenStatusList.decode({"bits": 3, "lst": SPEC_LST})
    with pytest.raises(MalformedDocumentError):
        TokenStatusList.decode({"bits": 1, "lst": "not zlib"})


def _credentials() -> list[str]:
    return [
        to_sd_jwt_vc(DEMO, key=ISSUER, status={"status_list": {"idx": i, "uri": URI}})
        for i in range(3)
    ]


def _list_token(*, revoked: int | None = None, key: KeyPair = ISSUER, **options: Any) -> str:
    listed = TokenStatusList(1024, bits=2)
    if revoked is not None:
        listed[revoked] = INVALID
    listed[7] = SUSPENDED
    return status_list_token(listed, uri=URI, key=key, issued_at=NOW, **options)


def test_revoke_one_of_three() -> None:
    lists = {URI: _list_token(revoked=1)}
    verifier = Verifier(status_loader=lists.__getitem__)
    verdicts = [verifier.verify(c) for c in _credentials()]
    assert [r.verified for r in verdicts] == [True, False, True]
    assert "CREDENTIAL_REVOKED" in verdicts[1].codes


@pytest.mark.parametrize(
    ("loaded", "code"),
    [
        (lambda: (_ for _ in ()).throw(OSError("offline")), "STATUS_RETRIEVAL_ERROR"),
        (lambda: "not a token", "STATUS_RETRIEVAL_ERROR"),
        (lambda: _list_token(key=KeyPair.generate("Ed25519")), "STATUS_VERIFICATION_ERROR"),
        (lambda: _list_token(expires=NOW - timedelta(days=1)), "STATUS_VERIFICATION_ERROR"),
    ],
    ids=["unreachable", "garbage", "another-signer", "expired"],
)
def test_an_unreadable_or_foreign_list_is_indeterminate_not_valid(loaded: Any, code: str) -> None:
    verifier = Verifier(status_loader=lambda url: loaded())
    result = verifier.verify(_credentials()[0])
    assert not result.verified
    assert result.checks["status"].status.value == "indeterminate" and code in result.codes
    lenient = Verifier(status_loader=lambda url: loaded(), status_policy="allow-indeterminate")
    assert lenient.verify(_credentials()[0]).checks["status"].status.value == "warning"


def test_a_list_published_at_another_uri_does_not_count() -> None:
    other = status_list_token(
        TokenStatusList(8), uri="https://issuer.example/2", key=ISSUER, issued_at=NOW
    )
    result = Verifier(status_loader=lambda url: other).verify(_credentials()[0])
    assert not result.verified and "STATUS_VERIFICATION_ERROR" in result.codes


def test_no_loader_is_indeterminate() -> None:
    result = Verifier().verify(_credentials()[0])
    assert not result.verified and result.checks["status"].status.value == "indeterminate"
