"""Status list credentials for one verification: the loader seam, status directories, and
each list loaded, verified and expanded once (BSL §3.2 steps 4-8).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, Protocol, TypeVar

from microcred.errors import MalformedDocumentError, Path, StatusRetrievalError
from microcred.result import CheckStatus, VerificationResult
from microcred.status.bitstring import expand_bitstring
from microcred.strict_json import parse_json
from microcred.vcdm import as_list, issuer_id

__all__ = [
    "InvalidStatus",
    "ListCredential",
    "ListMemo",
    "ListVerifier",
    "StatusListLoader",
    "StatusLists",
    "UndecidedStatus",
    "status_dir_loader",
    "status_file_name",
]

ListVerifier = Callable[[Mapping[str, Any]], VerificationResult]
"""Verifies a status list credential (proof, validity, ...) but not its own status."""

_T = TypeVar("_T")
_LIST_TYPE = "BitstringStatusListCredential"
_SUBJECT_TYPE = "BitstringStatusList"
# The W3C CCG StatusList2021 that BSL replaced: same entry fields, same GZIP bitstring, but
# an encodedList of plain base64url without the multibase `u` (EDCs of some tools use it).
_LEGACY_LIST_TYPE = "StatusList2021Credential"
_LEGACY_SUBJECT_TYPE = "StatusList2021"
_LIST_CHECKS = ("structure", "contexts", "proof", "validity")  # what a usable list must pass
_RETRIEVAL = "STATUS_RETRIEVAL_ERROR"
_VERIFICATION = "STATUS_VERIFICATION_ERROR"
_MALFORMED = "MALFORMED_VALUE_ERROR"


class StatusListLoader(Protocol):
    """Status list credential URL → the list credential as parsed JSON. It may fetch, read a
    file or a cache, and may raise anything: a failure is STATUS_RETRIEVAL_ERROR. A loader
    that keeps lists across verifications has `forget(url)`: called when what it gave for
    `url` did not verify, so it keeps only lists that did."""

    def __call__(self, url: str, /) -> Any: ...


def status_file_name(url: str) -> str:
    """The file a status directory holds for `url`: SHA-256 of its UTF-8 bytes, hex, + ".json".

    A hash, not a slug: every URL gets a distinct, safe, fixed-length name on every OS.
    """
    return hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json"


def status_dir_loader(folder: str | os.PathLike[str]) -> StatusListLoader:
    """A loader reading each list credential from `folder / status_file_name(url)`, offline,
    as strict JSON (no duplicate members, bounded nesting)."""
    root = FilePath(folder)

    def load(url: str) -> Any:
        path = root / status_file_name(url)
        try:
            return parse_json(path.read_bytes())
        except FileNotFoundError:
            raise StatusRetrievalError(
                f"no status list for {url} in {root} ({path.name})"
            ) from None
        except (OSError, MalformedDocumentError) as error:
            raise StatusRetrievalError(f"cannot read the status list {path}: {error}") from None

    return load


class UndecidedStatus(Exception):
    """A status that cannot be known because a list could not be fetched or verified: a BSL
    error code, a message and, if known, a JSON path. A policy may accept it as a warning."""

    def __init__(self, code: str, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.code, self.message, self.path = code, message, path


class InvalidStatus(UndecidedStatus):
    """A status entry, or the verified list it points to, that cannot be read as written:
    always a failure, never an indeterminate status a policy could wave through."""


@dataclass(frozen=True, slots=True)
class ListCredential:
    """A verified status list credential: its URL, purposes and (still encoded) list."""

    url: str
    purposes: frozenset[str]
    encoded_list: Any
    issuer: Any = None
    problem: InvalidStatus | None = None  # a subject that cannot be read: raised once trusted
    legacy: bool = False  # a StatusList2021Credential


class ListMemo:
    """Status lists verified once for a whole run (`Verifier.verify_many`, one `now`): the
    verdict on the list document a loader gave for a URL, kept while the loader keeps
    giving that same document (a list it reloads is verified again). One run, one thread."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._max_entries = max_entries
        self._lists: dict[str, tuple[Any, ListCredential | UndecidedStatus]] = {}
        self._bitstrings: dict[str, tuple[ListCredential, bytes | UndecidedStatus]] = {}

    def list_for(self, url: str, document: Any) -> ListCredential | UndecidedStatus | None:
        """What verifying `document` as the list at `url` gave before, if it was this one."""
        found = self._lists.get(url)
        return found[1] if found is not None and found[0] is document else None

    def keep(self, url: str, document: Any, verdict: ListCredential | UndecidedStatus) -> None:
        if len(self._lists) >= self._max_entries:
            self._lists.clear()
            self._bitstrings.clear()
        self._lists[url] = (document, verdict)  # keeps `document` alive: its id stays its own

    def bitstring_for(self, listed: ListCredential) -> bytes | UndecidedStatus | None:
        found = self._bitstrings.get(listed.url)
        return found[1] if found is not None and found[0] is listed else None

    def keep_bitstring(self, listed: ListCredential, bits: bytes | UndecidedStatus) -> None:
        self._bitstrings[listed.url] = (listed, bits)


def _memo(cache: dict[str, _T | UndecidedStatus], url: str, compute: Callable[[], _T]) -> _T:
    """`compute()` once per URL; a failure is remembered and raised again for the next entry."""
    if url not in cache:
        try:
            cache[url] = compute()
        except UndecidedStatus as undecided:
            cache[url] = undecided
    found = cache[url]
    if isinstance(found, UndecidedStatus):
        raise type(found)(found.code, found.message)
    return found


class StatusLists:
    """The status lists of one verification: each URL loaded, verified and expanded once.

    A list counts only when issued (its own proof verified and its issuer check passed) by
    the credential's `issuer` or by one of the `authorities` the verifier trusts to publish
    status for others: a proof someone else added to the credential gives no say."""

    def __init__(
        self,
        loader: StatusListLoader | None,
        verify_list: ListVerifier,
        issuer: Any,
        authorities: Collection[str] = (),
        memo: ListMemo | None = None,
    ) -> None:
        self._loader, self._verify_list, self._memo = loader, verify_list, memo
        self._issuers = frozenset([*authorities, *([issuer] if isinstance(issuer, str) else [])])
        self._lists: dict[str, ListCredential | UndecidedStatus] = {}
        self._bitstrings: dict[str, bytes | UndecidedStatus] = {}

    def credential(self, url: str) -> ListCredential:
        """The verified list credential at `url` (BSL §3.2 steps 4-5), loaded once, issued
        by the credential's issuer or a status authority."""
        listed = _memo(self._lists, url, lambda: self._load(url))
        if listed.issuer not in self._issuers:
            self._forget(url)
            raise UndecidedStatus(
                _VERIFICATION,
                f"the status list {url} is issued by {listed.issuer!r}, neither the "
                "credential's issuer nor a status authority you trust",
            )
        if listed.problem is not None:  # only a trusted list can make an entry invalid
            raise InvalidStatus(listed.problem.code, listed.problem.message)
        return listed

    def _forget(self, url: str) -> None:
        forget = getattr(self._loader, "forget", None)
        if callable(forget):  # one forged answer must not stand in for the list later
            forget(url)

    def bitstring(self, listed: ListCredential) -> bytes:
        """Bitstring Expansion of the list's encodedList (BSL §3.2 step 8, §3.4), once."""

        def expand() -> bytes:
            encoded = listed.encoded_list
            if listed.legacy and isinstance(encoded, str):
                encoded = "u" + encoded.rstrip("=")  # StatusList2021: base64url, no header
            try:
                return expand_bitstring(encoded)
            except MalformedDocumentError as error:
                message = f"status list {listed.url}: credentialSubject.{error.message}"
                raise InvalidStatus(_MALFORMED, message) from None

        return _memo(self._bitstrings, listed.url, lambda: self._run_memo(listed, expand))

    def _run_memo(self, listed: ListCredential, expand: Callable[[], bytes]) -> bytes:
        """`expand()`, or what it gave for this same verified list earlier in the run."""
        if self._memo is None:
            return expand()
        found = self._memo.bitstring_for(listed)
        if found is None:
            try:
                found = expand()
            except UndecidedStatus as undecided:
                found = undecided
            self._memo.keep_bitstring(listed, found)
        if isinstance(found, UndecidedStatus):
            raise type(found)(found.code, found.message)
        return found

    def _load(self, url: str) -> ListCredential:
        """Dereference and verify the list credential (BSL §3.2 step 4)."""
        if self._loader is None:
            raise UndecidedStatus(
                _RETRIEVAL, "no status list loader was given: the status is unknown"
            )
        try:
            document = self._loader(url)
        except Exception as error:  # the caller's loader may raise anything
            raise UndecidedStatus(_RETRIEVAL, f"loading {url} failed: {error}") from None
        try:
            if self._memo is None:
                return self._read(url, document)
            found = self._memo.list_for(url, document)
            if found is None:
                try:
                    found = self._read(url, document)
                except UndecidedStatus as undecided:
                    found = undecided
                self._memo.keep(url, document, found)
            if isinstance(found, UndecidedStatus):
                raise type(found)(found.code, found.message)
            return found
        except UndecidedStatus:
            self._forget(url)
            raise

    def _read(self, url: str, document: Any) -> ListCredential:
        """The list credential `document`, loaded for `url`, once it verified."""
        if not isinstance(document, Mapping):
            raise UndecidedStatus(_RETRIEVAL, f"the loader returned no JSON object for {url}")
        types = as_list(document.get("type"))
        legacy = _LEGACY_LIST_TYPE in types and _LIST_TYPE not in types
        if _LIST_TYPE not in types and not legacy:
            raise UndecidedStatus(_VERIFICATION, f"{url} is not a {_LIST_TYPE}")
        if document.get("id") != url:  # else one list of the issuer could stand for another
            found = repr(document["id"]) if "id" in document else "no id"
            raise UndecidedStatus(_VERIFICATION, f"the list loaded for {url} has {found}")
        self._verified(url, document)
        subject = document.get("credentialSubject")
        issuer = issuer_id(document)
        kind = _LEGACY_SUBJECT_TYPE if legacy else _SUBJECT_TYPE
        if not isinstance(subject, Mapping) or kind not in as_list(subject.get("type")):
            message = f"status list {url}: the subject is not one {kind}"
            return ListCredential(
                url, frozenset(), None, issuer, InvalidStatus(_MALFORMED, message), legacy
            )
        purposes = as_list(subject.get("statusPurpose"))
        if not all(isinstance(p, str) and p for p in purposes):
            message = f"status list {url}: statusPurpose must be strings"
            return ListCredential(
                url, frozenset(), None, issuer, InvalidStatus(_MALFORMED, message), legacy
            )
        return ListCredential(
            url, frozenset(purposes), subject.get("encodedList"), issuer, None, legacy
        )

    def _verified(self, url: str, document: Mapping[str, Any]) -> None:
        """Structure, contexts, every proof, the issuer binding and validity pass (who the
        issuer must be is `credential`'s check: it depends on the credential)."""
        try:
            result = self._verify_list(document)
        except Exception as error:  # a verifier should not raise; never let it decide "ok"
            raise UndecidedStatus(_VERIFICATION, f"verifying {url} failed: {error!r}") from None
        checks = result.checks
        passed = all(name in checks and checks[name].ok for name in _LIST_CHECKS)
        if not passed or checks["proof"].status not in (CheckStatus.PASSED, CheckStatus.WARNING):
            found = [
                str(p) for name in _LIST_CHECKS if name in checks for p in checks[name].problems
            ]
            reason = "; ".join(found) or "no verified proof"
            raise UndecidedStatus(_VERIFICATION, f"the status list {url} did not verify: {reason}")
        issuer = issuer_id(document)
        if checks.get("issuer") is None or checks["issuer"].status != CheckStatus.PASSED:
            raise UndecidedStatus(
                _VERIFICATION, f"the status list {url} is not signed by its issuer {issuer!r}"
            )
