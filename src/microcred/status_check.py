"""The "status" check of `verify()`: each credentialStatus entry gets a tri-state verdict.

Bitstring Status List Validate Algorithm (BSL §3.2): load the list credential through the
caller's `StatusListLoader`, verify it, match the purpose, expand the bitstring, check its
length and the index, read the status. A verdict is ok, revoked, suspended, message, or
indeterminate with the BSL error code; indeterminate is never ok (a list that cannot be
loaded must not read as "not revoked"). Under the "allow-indeterminate" policy the check
is a WARNING carrying the indeterminate findings as warnings; revoked and suspended always fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path as FilePath
from typing import Any, Literal, Protocol, TypeVar

from microcred.errors import (
    MalformedDocumentError,
    Path,
    StatusListLengthError,
    StatusRangeError,
    StatusRetrievalError,
)
from microcred.proofs import ProofResult
from microcred.result import Check, CheckStatus, Problem, VerificationResult
from microcred.status import StatusList, expand_bitstring, read_status_size
from microcred.status_credential import read_status_messages

__all__ = [
    "STATUS_POLICIES",
    "EntryStatus",
    "ListVerifier",
    "StatusListLoader",
    "StatusPolicy",
    "StatusVerdict",
    "check_status",
    "status_dir_loader",
    "status_file_name",
]

StatusPolicy = Literal["strict", "allow-indeterminate"]
STATUS_POLICIES: tuple[StatusPolicy, ...] = ("strict", "allow-indeterminate")

ListVerifier = Callable[[Mapping[str, Any]], VerificationResult]
"""Verifies a status list credential (proof, validity, ...) but not its own status."""

_T = TypeVar("_T")
_ENTRY_TYPE = "BitstringStatusListEntry"
_LIST_TYPE = "BitstringStatusListCredential"
_SUBJECT_TYPE = "BitstringStatusList"
_LIST_CHECKS = ("structure", "contexts", "proof", "validity")  # what a usable list must pass
_INDEX = re.compile(r"[0-9]+")
_MAX_INDEX_DIGITS = 30  # a longer index lies beyond any list we would expand
_RETRIEVAL = "STATUS_RETRIEVAL_ERROR"
_VERIFICATION = "STATUS_VERIFICATION_ERROR"
_MALFORMED = "MALFORMED_VALUE_ERROR"


class StatusListLoader(Protocol):
    """Status list credential URL → the list credential as parsed JSON. It may fetch, read a
    file or a cache, and may raise anything: a failure is STATUS_RETRIEVAL_ERROR."""

    def __call__(self, url: str, /) -> Any: ...


class StatusVerdict(StrEnum):
    """What one credentialStatus entry says. Only OK and MESSAGE leave a credential valid."""

    OK = "ok"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    MESSAGE = "message"  # another purpose (message, refresh, ...) with a non-zero status
    INDETERMINATE = "indeterminate"  # could not be decided: never read as ok


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


def status_file_name(url: str) -> str:
    """The file a status directory holds for `url`: SHA-256 of its UTF-8 bytes, hex, + ".json".

    A hash, not a slug: every URL gets a distinct, safe, fixed-length name on every OS.
    """
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json"


def status_dir_loader(folder: str | os.PathLike[str]) -> StatusListLoader:
    """A loader reading each list credential from `folder / status_file_name(url)`, offline."""
    root = FilePath(folder)

    def load(url: str) -> Any:
        path = root / status_file_name(url)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StatusRetrievalError(
                f"no status list for {url} in {root} ({path.name})"
            ) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise StatusRetrievalError(f"cannot read the status list {path}: {error}") from None

    return load


class _Undecided(Exception):
    """An entry whose status cannot be known: a BSL code, a message, a path."""

    def __init__(self, code: str, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.code, self.message, self.path = code, message, path


@dataclass(frozen=True, slots=True)
class _ListCredential:
    url: str
    purposes: frozenset[str]
    encoded_list: Any


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _issuer(document: Mapping[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _memo(cache: dict[str, _T | _Undecided], url: str, compute: Callable[[], _T]) -> _T:
    """`compute()` once per URL; a failure is remembered and raised again for the next entry."""
    if url not in cache:
        try:
            cache[url] = compute()
        except _Undecided as undecided:
            cache[url] = undecided
    found = cache[url]
    if isinstance(found, _Undecided):
        raise _Undecided(found.code, found.message)
    return found


class _Lists:
    """The status lists of one verification: each URL loaded, verified and expanded once."""

    def __init__(
        self,
        loader: StatusListLoader | None,
        verify_list: ListVerifier,
        signers: Collection[str],
        issuer: Any,
    ) -> None:
        self._loader, self._verify_list = loader, verify_list
        self._signers, self._issuer = frozenset(signers), issuer
        self._lists: dict[str, _ListCredential | _Undecided] = {}
        self._bitstrings: dict[str, bytes | _Undecided] = {}

    def credential(self, url: str) -> _ListCredential:
        """The verified list credential at `url` (BSL §3.2 steps 4-5), loaded once."""
        return _memo(self._lists, url, lambda: self._load(url))

    def bitstring(self, listed: _ListCredential) -> bytes:
        """Bitstring Expansion of the list's encodedList (BSL §3.2 step 8, §3.4), once."""

        def expand() -> bytes:
            try:
                return expand_bitstring(listed.encoded_list)
            except MalformedDocumentError as error:
                message = f"status list {listed.url}: credentialSubject.{error.message}"
                raise _Undecided(_MALFORMED, message) from None

        return _memo(self._bitstrings, listed.url, expand)

    def _load(self, url: str) -> _ListCredential:
        """Dereference and verify the list credential (BSL §3.2 step 4)."""
        if self._loader is None:
            raise _Undecided(_RETRIEVAL, "no status list loader was given: the status is unknown")
        try:
            document = self._loader(url)
        except Exception as error:  # the caller's loader may raise anything
            raise _Undecided(_RETRIEVAL, f"loading {url} failed: {error}") from None
        if not isinstance(document, Mapping):
            raise _Undecided(_RETRIEVAL, f"the loader returned no JSON object for {url}")
        if _LIST_TYPE not in _types(document.get("type")):
            raise _Undecided(_VERIFICATION, f"{url} is not a {_LIST_TYPE}")
        if "id" in document and document["id"] != url:
            raise _Undecided(_VERIFICATION, f"the list loaded for {url} has id {document['id']!r}")
        self._verified(url, document)
        subject = document.get("credentialSubject")
        if not isinstance(subject, Mapping) or _SUBJECT_TYPE not in _types(subject.get("type")):
            raise _Undecided(
                _MALFORMED, f"status list {url}: the subject is not one {_SUBJECT_TYPE}"
            )
        purposes = _types(subject.get("statusPurpose"))
        if not all(isinstance(p, str) and p for p in purposes):
            raise _Undecided(_MALFORMED, f"status list {url}: statusPurpose must be strings")
        return _ListCredential(url, frozenset(purposes), subject.get("encodedList"))

    def _verified(self, url: str, document: Mapping[str, Any]) -> None:
        """All proofs, structure, contexts and validity pass, and the list is authoritative:
        signed by a signer of the credential, or issued (issuer check passed) by its issuer."""
        try:
            result = self._verify_list(document)
        except Exception as error:  # a verifier should not raise; never let it decide "ok"
            raise _Undecided(_VERIFICATION, f"verifying {url} failed: {error!r}") from None
        checks = result.checks
        passed = all(name in checks and checks[name].ok for name in _LIST_CHECKS)
        if not passed or checks["proof"].status not in (CheckStatus.PASSED, CheckStatus.WARNING):
            found = [
                str(p) for name in _LIST_CHECKS if name in checks for p in checks[name].problems
            ]
            reason = "; ".join(found) or "no verified proof"
            raise _Undecided(_VERIFICATION, f"the status list {url} did not verify: {reason}")
        proofs = checks["proof"].details.get("proofs", ())
        list_signers = {p.controller for p in proofs if isinstance(p, ProofResult) and p.verified}
        issued_by_issuer = (
            "issuer" in checks
            and checks["issuer"].status == CheckStatus.PASSED
            and _issuer(document) == self._issuer
        )
        if not (list_signers & self._signers or issued_by_issuer):
            raise _Undecided(
                _VERIFICATION,
                f"the status list {url} is signed by neither the credential's signer nor issuer",
            )


def _entry_status(entry: Any, at: Path, lists: _Lists) -> EntryStatus:
    """BSL §3.2 for one entry; every failure becomes an INDETERMINATE verdict with its code."""
    purpose = url = index = None
    try:
        if not isinstance(entry, Mapping):
            raise _Undecided(_MALFORMED, "a credentialStatus entry must be an object", at)
        if _ENTRY_TYPE not in _types(entry.get("type")):
            raise _Undecided(
                "UNSUPPORTED_STATUS_TYPE",
                f"status type {entry.get('type')!r} is not supported (only {_ENTRY_TYPE}): "
                "the status is unknown",
                (*at, "type"),
            )
        purpose, index, size, messages, url = _read_entry(entry, at)
        listed = lists.credential(url)
        if purpose not in listed.purposes:
            raise _Undecided(
                _VERIFICATION,
                f"statusPurpose {purpose!r} is not a purpose of the list "
                f"({', '.join(sorted(listed.purposes))})",
                (*at, "statusPurpose"),
            )
        try:
            status_list = StatusList.from_bitstring(lists.bitstring(listed), status_size=size)
        except StatusListLengthError as error:
            raise _Undecided(error.code, error.message, (*at, "statusListCredential")) from None
        try:
            status = status_list.get(index)
        except StatusRangeError as error:
            raise _Undecided(error.code, error.message, (*at, "statusListIndex")) from None
    except _Undecided as undecided:
        where = undecided.path or (*at, "statusListCredential")
        problem = Problem(undecided.code, undecided.message, where)
        return EntryStatus(at, StatusVerdict.INDETERMINATE, purpose, url, index, problem=problem)
    message = messages.get(status) if messages else ("set" if status else "unset")
    return _verdict(EntryStatus(at, StatusVerdict.OK, purpose, url, index, status, message))


def _read_entry(
    entry: Mapping[str, Any], at: Path
) -> tuple[str, int, int, dict[int, str] | None, str]:
    """statusPurpose, statusListIndex, statusSize, statusMessage, statusListCredential."""
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _Undecided(_MALFORMED, "statusPurpose must be a string", (*at, "statusPurpose"))
    text = entry.get("statusListIndex")
    if not isinstance(text, str) or _INDEX.fullmatch(text) is None:
        raise _Undecided(
            _MALFORMED,
            "statusListIndex must be a non-negative integer written as a base-10 string",
            (*at, "statusListIndex"),
        )
    if len(text) > _MAX_INDEX_DIGITS:
        message = "statusListIndex lies beyond any status list"
        raise _Undecided("RANGE_ERROR", message, (*at, "statusListIndex"))
    try:
        size = read_status_size(entry.get("statusSize", 1), path=(*at, "statusSize"))
        messages = (
            read_status_messages(entry.get("statusMessage"), size, path=(*at, "statusMessage"))
            if "statusMessage" in entry or size > 1
            else None
        )
    except MalformedDocumentError as error:
        raise _Undecided(_MALFORMED, error.message, error.path) from None
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise _Undecided(
            _MALFORMED, "statusListCredential must be a URL", (*at, "statusListCredential")
        )
    return purpose, int(text), size, messages, url


def _verdict(entry: EntryStatus) -> EntryStatus:
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
    signers: Collection[str] = (),
) -> Check:
    """The "status" check: one `EntryStatus` per credentialStatus entry (details["entries"]).

    `verify_list` verifies each list credential (api passes `verify` without the status
    check, so a list's own status is never followed). A list counts only when signed by one
    of `signers` (the credential's proof controllers) or issued by the credential's issuer.
    """
    if "credentialStatus" not in document or document["credentialStatus"] in ([], None):
        return Check("status", CheckStatus.SKIPPED, details={"reason": "no credentialStatus"})
    value = document["credentialStatus"]
    located = (
        [(item, ("credentialStatus", i)) for i, item in enumerate(value)]
        if isinstance(value, list)
        else [(value, ("credentialStatus",))]
    )
    lists = _Lists(status_loader, verify_list, signers, _issuer(document))
    entries = [_entry_status(item, at, lists) for item, at in located]
    return _aggregate(entries, policy)


def _aggregate(entries: list[EntryStatus], policy: StatusPolicy) -> Check:
    def problems(*verdicts: StatusVerdict) -> list[Problem]:
        return [e.problem for e in entries if e.verdict in verdicts and e.problem is not None]

    failed = problems(StatusVerdict.REVOKED, StatusVerdict.SUSPENDED)
    undecided = problems(StatusVerdict.INDETERMINATE)
    notes = problems(StatusVerdict.MESSAGE)
    details = {"policy": policy, "entries": entries}
    if policy == "allow-indeterminate":
        notes, undecided = undecided + notes, []
    if failed:
        return Check("status", CheckStatus.FAILED, (*failed, *undecided), tuple(notes), details)
    if undecided:
        return Check("status", CheckStatus.INDETERMINATE, tuple(undecided), tuple(notes), details)
    return Check.from_problems("status", (), notes, details)
