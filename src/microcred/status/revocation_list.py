"""The legacy 1EdTech Revocation List status method (Open Badges 3.0 / CLR 2.0): an
unsigned JSON list, at the URL the signed `credentialStatus.id` names, of revoked ids.

1EdTech Revocation List Status Method 1.0: fetch the list; the credential is revoked when
its `id` is listed in `revokedCredential` with `revoked` true or absent. The list carries no
proof, so only the issuer's signed choice of URL makes it the issuer's: a list that names
another issuer or another URL is not read, and a "not revoked" answer comes with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.errors import Path
from microcred.status.lists import InvalidStatus, UndecidedStatus
from microcred.vcdm import as_list

__all__ = ["REVOCATION_LIST_TYPE", "revoked_in_list"]

REVOCATION_LIST_TYPE = "1EdTechRevocationList"
_RETRIEVAL = "STATUS_RETRIEVAL_ERROR"
_VERIFICATION = "STATUS_VERIFICATION_ERROR"
_MAX_LISTED = 100_000  # revoked entries read from one list


def revoked_in_list(
    entry: Mapping[str, Any], at: Path, credential_id: Any, issuer: Any, loader: Any
) -> tuple[str, bool]:
    """(list URL, revoked?) for a 1EdTechRevocationList entry; UndecidedStatus when the list
    cannot be had, InvalidStatus when the entry or the credential cannot be looked up."""
    url = entry.get("id")
    if not isinstance(url, str) or not url.startswith("https://"):
        message = "the list id must be an https URL"
        raise InvalidStatus("MALFORMED_VALUE_ERROR", message, (*at, "id"))
    if not isinstance(credential_id, str) or not credential_id:
        message = "a 1EdTechRevocationList lists credential ids: this credential has no id"
        raise InvalidStatus("MALFORMED_VALUE_ERROR", message, ("id",))
    if loader is None:
        raise UndecidedStatus(_RETRIEVAL, "no status list loader was given: the status is unknown")
    try:
        document = loader(url)
    except Exception as error:  # the caller's loader may raise anything
        raise UndecidedStatus(_RETRIEVAL, f"loading {url} failed: {error}", (*at, "id")) from None
    if not isinstance(document, Mapping):
        raise UndecidedStatus(_RETRIEVAL, f"the loader returned no JSON object for {url}")
    for key, wanted in (("id", url), ("issuer", issuer)):
        found = document.get(key)
        found = found.get("id") if isinstance(found, Mapping) else found
        if key in document and found != wanted:
            message = f"the revocation list at {url} has {key} {found!r}, not {wanted!r}"
            raise UndecidedStatus(_VERIFICATION, message, (*at, "id"))
    listed = as_list(document.get("revokedCredential"))
    if len(listed) > _MAX_LISTED or not all(isinstance(item, Mapping) for item in listed):
        message = f"the revocation list at {url} is not a list of revoked credentials"
        raise UndecidedStatus(_VERIFICATION, message, (*at, "id"))
    revoked = any(
        item.get("id") == credential_id and item.get("revoked", True) is not False
        for item in listed
    )
    return url, revoked
