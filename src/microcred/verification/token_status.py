"""The "status" check of a JWT-secured credential that points into an IETF Token Status List
(`status.status_list.{idx, uri}`): the list token is loaded through the caller's status
loader, verified (signature, `typ`, `sub` = uri, `exp`), and counts only when its key is
the credential issuer's (or a named status authority's). Never fail-open: a list that
cannot be loaded or verified is indeterminate, a bad reference invalid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import MicrocredError, Path
from microcred.jose.vc_jwt import time_claim
from microcred.result import Check, CheckStatus, Problem
from microcred.status.check import EntryStatus, StatusVerdict, aggregate_entries, decide_entry
from microcred.status.token_status_list import TokenStatusList
from microcred.verification.call import Call
from microcred.verification.jose import jws_proof, read_jws

__all__ = ["LIST_TYPES", "check_token_status"]

LIST_TYPES = frozenset({"statuslist+jwt", "application/statuslist+jwt"})
_PURPOSES = {1: "revocation", 2: "suspension"}
_AT: Path = ("status", "status_list")


class _Undecided(Exception):
    def __init__(self, verdict: StatusVerdict, code: str, message: str, path: Path) -> None:
        self.verdict, self.problem = verdict, Problem(code, message, path)


def check_token_status(claims: Mapping[str, Any], call: Call, issuer: str | None) -> Check:
    """The status check for `claims` (an authentic token's payload) issued by `issuer`."""
    if "status" not in claims:
        return Check("status", CheckStatus.SKIPPED, details={"reason": "no status claim"})
    uri, index = None, None
    try:
        uri, index = _reference(claims["status"])
        value = _listed(uri, index, call, issuer)
    except _Undecided as undecided:
        entry = EntryStatus(_AT, undecided.verdict, None, uri, index, problem=undecided.problem)
        return aggregate_entries([entry], call.settings.status_policy)
    purpose = _PURPOSES.get(value, "application-specific" if value else "revocation")
    entry = decide_entry(EntryStatus(_AT, StatusVerdict.OK, purpose, uri, index, value))
    return aggregate_entries([entry], call.settings.status_policy)


def _reference(status: Any) -> tuple[str, int]:
    reference = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(reference, Mapping):
        raise _Undecided(
            StatusVerdict.INVALID,
            "MALFORMED_VALUE_ERROR",
            "status needs a status_list",
            ("status",),
        )
    uri, index = reference.get("uri"), reference.get("idx")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise _Undecided(
            StatusVerdict.INVALID, "MALFORMED_VALUE_ERROR", "uri is a URL", (*_AT, "uri")
        )
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise _Undecided(
            StatusVerdict.INVALID, "MALFORMED_VALUE_ERROR", "idx is an index from 0", (*_AT, "idx")
        )
    return uri, index


def _listed(uri: str, index: int, call: Call, issuer: str | None) -> int:
    """The status value at `index` of the verified list at `uri`."""
    undecided, retrieval = StatusVerdict.INDETERMINATE, "STATUS_RETRIEVAL_ERROR"
    loader = call.settings.status_loader
    if loader is None:
        raise _Undecided(undecided, retrieval, "no status list loader was given", _AT)
    try:
        token = loader(uri)
    except Exception as error:  # the caller's loader: any failure means "not retrieved"
        raise _Undecided(undecided, retrieval, f"loading {uri} failed: {error!r}", _AT) from None
    try:
        jws, payload = read_jws(token, LIST_TYPES)
    except MicrocredError as error:
        raise _Undecided(undecided, retrieval, f"{uri}: {error.message}", _AT) from None
    proof, found = jws_proof(jws, payload.get("iss"), "assertionMethod", call)
    verification = "STATUS_VERIFICATION_ERROR"
    if found is None:
        reasons = "; ".join(p.message for p in proof.problems)
        raise _Undecided(
            undecided, verification, f"the list at {uri} does not verify: {reasons}", _AT
        )
    trusted = {issuer, *call.settings.status_authorities} - {None}
    if found.controller not in trusted:
        raise _Undecided(
            undecided,
            verification,
            f"the list at {uri} is signed by {found.controller!r}, not the issuer",
            _AT,
        )
    if payload.get("sub") != uri:
        raise _Undecided(undecided, verification, f"the list's sub is not {uri}", _AT)
    try:
        expires = time_claim(payload, "exp")
    except ValueError as error:
        raise _Undecided(undecided, verification, str(error), _AT) from None
    if expires is not None and call.now - call.settings.max_clock_skew > expires:
        raise _Undecided(undecided, verification, f"the list at {uri} expired at {expires}", _AT)
    try:
        listed = TokenStatusList.decode(payload.get("status_list"))
    except MicrocredError as error:
        raise _Undecided(
            StatusVerdict.INVALID, "MALFORMED_VALUE_ERROR", error.message, _AT
        ) from None
    if index >= len(listed):
        raise _Undecided(
            StatusVerdict.INVALID, "RANGE_ERROR", f"idx {index} is beyond the list", (*_AT, "idx")
        )
    return listed[index]
