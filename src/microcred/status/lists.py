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
    legacy: bool = False  # a StatusList2021Credential


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
    ) -> None:
        self._loader, self._verify_list = loader, verify_list
        self._issuers = frozenset([*authorities, *([issuer] if isinstance(issuer, str) else [])])
        self._lists: dict[str, ListCredential | UndecidedStatus] = {}
        self._bitstrings: dict[str, bytes | UndecidedStatus] = {}

    def credential(self, url: str) -> ListCredential:
        """The verified list credential at `url` (BSL §3.2 steps 4-5), loaded once."""
        return _memo(self._lists, url, lambda: self._load(url))

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

        return _memo(self._bitstrings, listed.url, expand)

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
            return self._read(url, document)
        except UndecidedStatus:
            forget = getattr(self._loader, "forget", None)
            if callable(forget):  # one forged answer must not stand in for the list later
                forget(url)
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
        kind = _LEGACY_SUBJECT_TYPE if legacy else _SUBJECT_TYPE
        if not isinstance(subject, Mapping) or kind not in as_list(subject.get("type")):
            raise InvalidStatus(_MALFORMED, f"status list {url}: the subject is not one {kind}")
        purposes = as_list(subject.get("statusPurpose"))
        if not all(isinstance(p, str) and p for p in purposes):
            raise InvalidStatus(_MALFORMED, f"status list {url}: statusPurpose must be strings")
        return ListCredential(url, frozenset(purposes), subject.get("encodedList"), legacy)

    def _verified(self, url: str, document: Mapping[str, Any]) -> None:
        """Structure, contexts, every proof, the issuer binding and validity pass, and the
        list's issuer is the credential's issuer or a status authority."""
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
        if issuer not in self._issuers:
            raise UndecidedStatus(
                _VERIFICATION,
                f"the status list {url} is issued by {issuer!r}, neither the credential's "
                "issuer nor a status authority you trust",
            )
