"""Status as Open Badges 3.0 writes it: an integer statusListIndex (read, with a warning)
and the legacy 1EdTech Revocation List (an unsigned list of revoked credential ids)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred import api
from microcred.keys.keypair import KeyPair
from microcred.result import CheckStatus
from microcred.status.bitstring import StatusList
from microcred.status.credential import status_entry, status_list_credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)
URL = "https://issuer.example/status/1"
REVOCATIONS = "https://issuer.example/revocations"
ID = "urn:uuid:00000000-0000-4000-8000-000000000001"


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


def _credential(key: KeyPair, status: Any) -> dict[str, Any]:
    unsigned = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ],
        "id": ID,
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": status,
    }
    return api.sign(unsigned, key=key, created=CREATED)


def _list(key: KeyPair, bits: StatusList) -> dict[str, Any]:
    unsigned = status_list_credential(bits, id=URL, issuer=key.did, purpose="revocation")
    return api.sign(unsigned, key=key, created=CREATED)


@pytest.mark.parametrize("revoked", [False, True])
def test_an_integer_index_is_read_with_a_warning(key: KeyPair, revoked: bool) -> None:
    bits = StatusList()
    if revoked:
        bits.set(23)
    entry = {**status_entry(URL, 23, purpose="revocation"), "statusListIndex": 23}
    result = api.verify(
        _credential(key, entry), now=NOW, status_loader={URL: _list(key, bits)}.__getitem__
    )
    status = result.checks["status"]
    assert "STATUS_INDEX_NOT_STRING" in {w.code for w in status.warnings}
    assert result.verified is not revoked
    assert ("CREDENTIAL_REVOKED" in result.codes) is revoked


@pytest.mark.parametrize("index", [-1, True, 1.5])
def test_other_numbers_are_still_malformed(key: KeyPair, index: Any) -> None:
    entry = {**status_entry(URL, 1, purpose="revocation"), "statusListIndex": index}
    lists = {URL: _list(key, StatusList())}
    result = api.verify(_credential(key, entry), now=NOW, status_loader=lists.__getitem__)
    assert "MALFORMED_VALUE_ERROR" in result.codes
    assert not result.verified


def _revocations(key: KeyPair, *revoked: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"id": REVOCATIONS, "issuer": key.did, "revokedCredential": list(revoked), **changes}


LEGACY = {"id": REVOCATIONS, "type": "1EdTechRevocationList"}


def test_a_listed_id_is_revoked(key: KeyPair) -> None:
    served = {REVOCATIONS: _revocations(key, {"id": ID})}
    result = api.verify(_credential(key, LEGACY), now=NOW, status_loader=served.__getitem__)
    assert result.checks["status"].status is CheckStatus.FAILED
    assert "CREDENTIAL_REVOKED" in result.codes


def test_revoked_false_and_other_ids_are_not_revoked_but_unsigned(key: KeyPair) -> None:
    listed = _revocations(key, {"id": ID, "revoked": False}, {"id": "urn:uuid:other"})
    result = api.verify(
        _credential(key, LEGACY), now=NOW, status_loader={REVOCATIONS: listed}.__getitem__
    )
    assert result.verified
    assert result.checks["status"].status is CheckStatus.WARNING
    assert {w.code for w in result.checks["status"].warnings} == {"UNSIGNED_STATUS_LIST"}


@pytest.mark.parametrize(
    "served",
    [
        None,  # no loader
        {},  # the loader cannot fetch it
        {REVOCATIONS: _revocations(KeyPair.generate("Ed25519"))},  # another issuer's list
        {REVOCATIONS: {"id": "https://elsewhere.example/list", "revokedCredential": []}},
        {REVOCATIONS: {"revokedCredential": "not a list of objects"}},
    ],
)
def test_a_list_that_cannot_be_had_is_indeterminate(key: KeyPair, served: Any) -> None:
    loader = None if served is None else served.__getitem__
    result = api.verify(_credential(key, LEGACY), now=NOW, status_loader=loader)
    assert result.checks["status"].status is CheckStatus.INDETERMINATE
    assert not result.verified
