"""The "status" check of `verify()`: each credentialStatus entry gets a verdict.

Bitstring Status List Validate Algorithm (BSL §3.2): read the entry, get the verified list
(`microcred.status.lists`), match the purpose, check the length and the index, read the
status. A verdict is ok, revoked, suspended, message, invalid (the entry or its verified
list cannot be read as written) or indeterminate (the list could not be fetched or
verified), each failure with the BSL error code. Indeterminate is never ok (a list that
cannot be loaded must not read as "not revoked"); under the "allow-indeterminate" policy the
check is a WARNING carrying those findings as warnings. Revoked, suspended and invalid always
fail. At most `max_entries` entries are read, so a document cannot make many list loads.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Literal

from microcred.errors import (
    MalformedDocumentError,
    Path,
    StatusLimitError,
    StatusListLengthError,
    StatusRangeError,
)
from microcred.result import Check, CheckStatus, Problem
from microcred.status.bitstring import StatusList, read_status_size
from microcred.status.credential import read_status_messages
from microcred.status.lists import (
    InvalidStatus,
    ListMemo,
    ListVerifier,
    StatusListLoader,
    StatusLists,
    UndecidedStatus,
    status_dir_loader,
    status_file_name,
)
from microcred.status.revocation_list import REVOCATION_LIST_TYPE, revoked_in_list
from microcred.vcdm import as_list, issuer_id

__all__ = [  # the loader seam is re-exported from microcred.status.lists
    "MAX_STATUS_ENTRIES",
    "STATUS_POLICIES",
    "EntryStatus",
    "ListVerifier",
    "StatusListLoader",
    "StatusPolicy",
    "StatusVerdict",
    "aggregate_entries",
    "check_status",
    "decide_entry",
    "status_dir_loader",
    "status_entries",
    "status_file_name",
]

StatusPolicy = Literal["strict", "allow-indeterminate"]
STATUS_POLICIES: tuple[StatusPolicy, ...] = ("strict", "allow-indeterminate")

MAX_STATUS_ENTRIES = 16
"""Most credentialStatus entries one credential may carry (each may load a list)."""

_ENTRY_TYPE = "BitstringStatusListEntry"
_ENTRY_TYPES = frozenset({_ENTRY_TYPE, "StatusList2021Entry"})  # StatusList2021: its precursor
_INDEX = re.compile(r"[0-9]+")
_MAX_INDEX_DIGITS = 30  # a longer index lies beyond any list we would expand
_VERIFICATION = "STATUS_VERIFICATION_ERROR"
_MALFORMED = "MALFORMED_VALUE_ERROR"


class StatusVerdict(StrEnum):
    """What one credentialStatus entry says. Only OK and MESSAGE leave a credential valid."""

    OK = "ok"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    MESSAGE = "message"  # another purpose (message, refresh, ...) with a non-zero status
    INVALID = "invalid"  # the entry or its verified list cannot be read as written: fails
    INDETERMINATE = "indeterminate"  # the list could not be fetched or verified: never ok


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """The verdict on one entry, with the BSL result (status, purpose, message) or the problem."""

    path: Path
    verdict: StatusVerdict
    purpose: str | None = None
    status_list: str | None = None
    index: int | None = None
    status: int | None = None
    message: str | None = None
    problem: Problem | None = None
    warning: Problem | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "verdict": self.verdict.value,
            "purpose": self.purpose,
            "statusListCredential": self.status_list,
            "statusListIndex": self.index,
            "status": None if self.status is None else f"0x{self.status:x}",
            "message": self.message,
            "code": None if self.problem is None else self.problem.code,
        }


def _entry_status(entry: Any, at: Path, lists: StatusLists, legacy: _Legacy) -> EntryStatus:
    """BSL §3.2 for one entry; a failure becomes an INVALID or INDETERMINATE verdict."""
    purpose = url = index = None
    warning = None
    try:
        if not isinstance(entry, Mapping):
            raise InvalidStatus(_MALFORMED, "a credentialStatus entry must be an object", at)
        types = {t for t in as_list(entry.get("type")) if isinstance(t, str)}
        if REVOCATION_LIST_TYPE in types:
            return _revocation_list_entry(entry, at, legacy)
        if not _ENTRY_TYPES & types:
            raise InvalidStatus(
                "UNSUPPORTED_STATUS_TYPE",
                f"status type {entry.get('type')!r} is not supported (only "
                f"{' or '.join(sorted(_ENTRY_TYPES))}): the status is unknown",
                (*at, "type"),
            )
        purpose, index, size, messages, url = _read_entry(entry, at)
        if type(entry.get("statusListIndex")) is int:
            warning = Problem(
                "STATUS_INDEX_NOT_STRING",
                "statusListIndex is a JSON number (as Open Badges 3.0 writes it); the "
                "Bitstring Status List spec writes a base-10 string",
                (*at, "statusListIndex"),
            )
        listed = lists.credential(url)
        if purpose not in listed.purposes:
            raise InvalidStatus(
                _VERIFICATION,
                f"statusPurpose {purpose!r} is not a purpose of the list "
                f"({', '.join(sorted(listed.purposes))})",
                (*at, "statusPurpose"),
            )
        try:
            status_list = StatusList.from_bitstring(lists.bitstring(listed), status_size=size)
        except StatusListLengthError as error:
            raise InvalidStatus(error.code, error.message, (*at, "statusListCredential")) from None
        try:
            status = status_list.get(index)
        except StatusRangeError as error:
            raise InvalidStatus(error.code, error.message, (*at, "statusListIndex")) from None
    except UndecidedStatus as failure:
        where = failure.path or (*at, "statusListCredential")
        problem = Problem(failure.code, failure.message, where)
        verdict = (
            StatusVerdict.INVALID
            if isinstance(failure, InvalidStatus)
            else StatusVerdict.INDETERMINATE
        )
        return EntryStatus(at, verdict, purpose, url, index, problem=problem, warning=warning)
    message = messages.get(status) if messages else ("set" if status else "unset")
    found = EntryStatus(at, StatusVerdict.OK, purpose, url, index, status, message)
    return replace(decide_entry(found), warning=warning)


@dataclass(frozen=True, slots=True)
class _Legacy:
    """What the 1EdTech Revocation List method reads besides the entry."""

    credential_id: Any
    issuer: Any
    loader: StatusListLoader | None


def _revocation_list_entry(entry: Mapping[str, Any], at: Path, legacy: _Legacy) -> EntryStatus:
    """A 1EdTechRevocationList entry (microcred.status.revocation_list)."""
    try:
        url, revoked = revoked_in_list(
            entry, at, legacy.credential_id, legacy.issuer, legacy.loader
        )
    except UndecidedStatus as failure:
        problem = Problem(failure.code, failure.message, failure.path or (*at, "id"))
        kind = isinstance(failure, InvalidStatus)
        verdict = StatusVerdict.INVALID if kind else StatusVerdict.INDETERMINATE
        return EntryStatus(at, verdict, "revocation", problem=problem)
    if revoked:
        text = f"the credential is revoked (1EdTech revocation list {url})"
        problem = Problem("CREDENTIAL_REVOKED", text, at)
        return EntryStatus(at, StatusVerdict.REVOKED, "revocation", url, problem=problem)
    note = Problem(
        "UNSIGNED_STATUS_LIST",
        f"not revoked according to {url}, an unsigned 1EdTech revocation list",
        (*at, "id"),
    )
    return EntryStatus(at, StatusVerdict.OK, "revocation", url, message="unset", warning=note)


def _read_entry(
    entry: Mapping[str, Any], at: Path
) -> tuple[str, int, int, dict[int, str] | None, str]:
    """statusPurpose, statusListIndex, statusSize, statusMessage, statusListCredential."""
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise InvalidStatus(_MALFORMED, "statusPurpose must be a string", (*at, "statusPurpose"))
    text = entry.get("statusListIndex")
    if type(text) is int and text >= 0:  # Open Badges 3.0 examples write a number
        text = str(text)
    if not isinstance(text, str) or _INDEX.fullmatch(text) is None:
        raise InvalidStatus(
            _MALFORMED,
            "statusListIndex must be a non-negative integer written as a base-10 string",
            (*at, "statusListIndex"),
        )
    if len(text) > _MAX_INDEX_DIGITS:
        message = "statusListIndex lies beyond any status list"
        raise InvalidStatus("RANGE_ERROR", message, (*at, "statusListIndex"))
    try:
        size = read_status_size(entry.get("statusSize", 1), path=(*at, "statusSize"))
        messages = (
            read_status_messages(entry.get("statusMessage"), size, path=(*at, "statusMessage"))
            if "statusMessage" in entry or size > 1
            else None
        )
    except MalformedDocumentError as error:
        raise InvalidStatus(_MALFORMED, error.message, error.path) from None
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise InvalidStatus(
            _MALFORMED, "statusListCredential must be a URL", (*at, "statusListCredential")
        )
    return purpose, int(text), size, messages, url


def decide_entry(entry: EntryStatus) -> EntryStatus:
    """Revocation and suspension decide validity; other purposes only carry a message."""
    if not entry.status:
        return entry
    kind, code = {
        "revocation": (StatusVerdict.REVOKED, "CREDENTIAL_REVOKED"),
        "suspension": (StatusVerdict.SUSPENDED, "CREDENTIAL_SUSPENDED"),
    }.get(entry.purpose or "", (StatusVerdict.MESSAGE, "STATUS_MESSAGE"))
    text = (
        f"the credential is {kind.value} (status list {entry.status_list}, index {entry.index})"
        if kind is not StatusVerdict.MESSAGE
        else f"{entry.purpose} status 0x{entry.status:x}: {entry.message}"
    )
    return EntryStatus(
        entry.path,
        kind,
        entry.purpose,
        entry.status_list,
        entry.index,
        entry.status,
        entry.message,
        Problem(code, text, entry.path),
    )


def check_status(
    document: Mapping[str, Any],
    *,
    status_loader: StatusListLoader | None,
    verify_list: ListVerifier,
    policy: StatusPolicy = "strict",
    authorities: Collection[str] = (),
    max_entries: int = MAX_STATUS_ENTRIES,
    memo: ListMemo | None = None,
) -> Check:
    """The "status" check: one `EntryStatus` per credentialStatus entry (details["entries"]).

    Call it only for a credential whose proof and issuer binding verified. `verify_list`
    verifies each list credential (api passes `verify` without the status check, so a list's
    own status is never followed). A list counts only when issued by the credential's
    issuer or by one of `authorities`. `memo` keeps verified lists across one run.
    """
    located = status_entries(document)
    if not located:
        return Check("status", CheckStatus.SKIPPED, details={"reason": "no credentialStatus"})
    if len(located) > max_entries:
        message = f"{len(located)} status entries: one verification reads at most {max_entries}"
        problem = Problem(StatusLimitError.code, message, ("credentialStatus",))
        return Check.from_problems("status", [problem], details={"policy": policy})
    lists = StatusLists(status_loader, verify_list, issuer_id(document), authorities, memo)
    legacy = _Legacy(document.get("id"), issuer_id(document), status_loader)
    entries = [_entry_status(item, at, lists, legacy) for item, at in located]
    return aggregate_entries(entries, policy)


def status_entries(document: Mapping[str, Any]) -> list[tuple[Any, Path]]:
    """Every status entry with its path: all of `credentialStatus`, and the entries some
    EDC tools put under `status` (objects typed as a status list entry or naming a
    statusListCredential), so that no entry the credential carries is silently skipped."""
    found: list[tuple[Any, Path]] = []
    for key in ("credentialStatus", "status"):
        value = document.get(key)
        if value in ([], None):
            continue
        items = (
            [(item, (key, i)) for i, item in enumerate(value)]
            if isinstance(value, list)
            else [(value, (key,))]
        )
        found += [
            (item, at) for item, at in items if key == "credentialStatus" or _looks_like_entry(item)
        ]
    return found


def _looks_like_entry(item: Any) -> bool:
    if not isinstance(item, Mapping):
        return False
    types = [t for t in as_list(item.get("type")) if isinstance(t, str)]
    return "statusListCredential" in item or any(
        t.endswith("StatusListEntry") or t in _ENTRY_TYPES for t in types
    )


def aggregate_entries(entries: list[EntryStatus], policy: StatusPolicy) -> Check:
    """The status check from the entries' verdicts under `policy` (failed, indeterminate,
    warnings for messages)."""

    def problems(*verdicts: StatusVerdict) -> list[Problem]:
        return [e.problem for e in entries if e.verdict in verdicts and e.problem is not None]

    failed = problems(StatusVerdict.REVOKED, StatusVerdict.SUSPENDED, StatusVerdict.INVALID)
    undecided = problems(StatusVerdict.INDETERMINATE)
    notes = problems(StatusVerdict.MESSAGE) + [e.warning for e in entries if e.warning]
    details = {"policy": policy, "entries": entries}
    if policy == "allow-indeterminate":
        notes, undecided = undecided + notes, []
    if failed:
        return Check("status", CheckStatus.FAILED, (*failed, *undecided), tuple(notes), details)
    if undecided:
        return Check("status", CheckStatus.INDETERMINATE, tuple(undecided), tuple(notes), details)
    return Check.from_problems("status", (), notes, details)
