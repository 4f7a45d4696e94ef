"""Bitstring Status List v1.0 documents: credentialStatus entries, status messages and the
status list credential an issuer signs and publishes (BSL §2.1, §2.2, §3.1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from microcred.errors import InvalidOptionError, MalformedDocumentError, Path
from microcred.status.bitstring import StatusList, read_status_size
from microcred.timestamps import format_timestamp

__all__ = [
    "read_status_messages",
    "status_entry",
    "status_list_credential",
    "status_messages",
]

_CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]+")


def status_messages(messages: Sequence[str]) -> list[dict[str, str]]:
    """`statusMessage` from one message per status value, in order: 0x0, 0x1, ... (BSL §2.1)."""
    if isinstance(messages, str) or not all(isinstance(m, str) for m in messages):
        raise InvalidOptionError("status messages must be a sequence of strings")
    return [{"status": f"0x{value:x}", "message": text} for value, text in enumerate(messages)]


def read_status_messages(value: object, status_size: int, *, path: Path = ()) -> dict[int, str]:
    """Status value → message from a `statusMessage` array: 2**statusSize objects, each with a
    `0x` hex `status` and a `message` string (BSL §2.1); MALFORMED_VALUE_ERROR otherwise."""
    count = 1 << read_status_size(status_size)
    if not isinstance(value, list) or len(value) != count:
        raise MalformedDocumentError(
            f"statusMessage must be an array of {count} objects for statusSize {status_size}",
            path=path,
        )
    found: dict[int, str] = {}
    for i, item in enumerate(value):
        status = item.get("status") if isinstance(item, Mapping) else None
        message = item.get("message") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or _HEX_STATUS.fullmatch(status) is None:
            raise MalformedDocumentError(
                "a status message needs a status like '0x1'", path=(*path, i, "status")
            )
        if not isinstance(message, str):
            raise MalformedDocumentError(
                "a status message needs a message string", path=(*path, i, "message")
            )
        number = int(status, 16)
        if number >= count or number in found:
            raise MalformedDocumentError(
                f"status {status} is repeated or does not fit statusSize {status_size}",
                path=(*path, i, "status"),
            )
        found[number] = message
    return found


def status_entry(
    list_url: str,
    index: int,
    *,
    purpose: str,
    status_size: int = 1,
    messages: Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
) -> dict[str, Any]:
    """A `credentialStatus` entry (BSL §2.1): BitstringStatusListEntry, index as a base-10
    string, id `<list_url>#<index>`; `messages` (one per status value) when statusSize > 1."""
    if not isinstance(list_url, str) or not list_url:
        raise InvalidOptionError("list_url must be the status list credential's URL")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidOptionError(f"a status list index is an integer ≥ 0, got {index!r}")
    if not isinstance(purpose, str) or not purpose:
        raise InvalidOptionError("purpose must be a non-empty string such as 'revocation'")
    size = read_status_size(status_size)
    if size > 1 and messages is None:
        raise InvalidOptionError("statusSize above 1 needs one status message per value")
    entry: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if size > 1:
        entry["statusSize"] = size
    if messages is not None:
        entry["statusMessage"] = status_messages(messages)
        read_status_messages(entry["statusMessage"], size)  # 2**size messages, or raise
    if reference is not None:
        entry["statusReference"] = reference if isinstance(reference, str) else list(reference)
    return entry


def status_list_credential(
    status_list: StatusList,
    *,
    id: str,
    issuer: str,
    purpose: str | Sequence[str],
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    ttl: int | None = None,
    subject_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (VC 2.0, BSL §2.2); sign it with
    `microcred.sign` like any credential and publish it at `id`.

    `statusSize`/`statusMessage` belong to each entry (BSL §2.1): the v2 context defines only
    `statusPurpose`, `encodedList` and `ttl` on the BitstringStatusList subject.
    """
    purposes = [purpose] if isinstance(purpose, str) else list(purpose)
    if not purposes or not all(isinstance(p, str) and p for p in purposes):
        raise InvalidOptionError("purpose must be one or more non-empty strings")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 0):
        raise InvalidOptionError("ttl is a number of milliseconds ≥ 0")
    subject: dict[str, Any] = {
        "id": subject_id or f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purposes[0] if len(purposes) == 1 else purposes,
        "encodedList": status_list.encode(),
    }
    if ttl is not None:
        subject["ttl"] = ttl
    credential: dict[str, Any] = {
        "@context": [_CREDENTIALS_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if valid_from is not None:
        credential["validFrom"] = format_timestamp(valid_from)
    if valid_until is not None:
        credential["validUntil"] = format_timestamp(valid_until)
    credential["credentialSubject"] = subject
    return credential
