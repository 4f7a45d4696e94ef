"""SD-JWT Disclosures (RFC 9901 §4.2): hiding claims behind salted digests, and bringing
back exactly the disclosed ones (§7.1 step 3), with every rule that stops a holder from
adding, repeating or re-placing a claim.

A Disclosure is `base64url(JSON [salt, name, value])` for an object property or
`base64url(JSON [salt, value])` for an array element; its digest is
`base64url(SHA-256(ASCII(disclosure)))`, listed in the object's `_sd` array or as
`{"...": digest}` in place of the array element. Only `sha-256` is accepted as `_sd_alg`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microcred.errors import InvalidJwsError, MalformedDocumentError, Path
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.strict_json import parse_json

__all__ = [
    "MAX_DEPTH",
    "SD_ALG",
    "ClaimPath",
    "Disclosure",
    "conceal",
    "decode_disclosure",
    "digest",
    "reveal",
]

SD_ALG = "sha-256"
MAX_DEPTH = 64
"""Deepest claim path revealed: a chain of disclosures inside disclosures cannot go further."""
_RESERVED = frozenset({"_sd", "..."})
_NEVER_DISCLOSABLE = frozenset({"_sd_alg"})
ClaimPath = tuple[str | int, ...]
"""A claim's place in the payload: ("learner", "dateOfBirth"), ("learningOutcomes", 0)."""


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One disclosure: its encoded form, the claim name (None for an array element) and
    value, and the path of the claim it reveals once placed."""

    encoded: str
    name: str | None
    value: Any
    path: ClaimPath = ()

    @property
    def digest(self) -> str:
        return digest(self.encoded)


def digest(encoded: str) -> str:
    """The `_sd` digest of an encoded disclosure (or of any ASCII text, e.g. `sd_hash`)."""
    return base64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())


def conceal(
    claims: Mapping[str, Any], disclosable: Sequence[ClaimPath], *, decoys: int = 0
) -> tuple[dict[str, Any], tuple[Disclosure, ...]]:
    """The payload with each claim at a `disclosable` path replaced by a digest (deepest
    first, so a disclosable claim inside a disclosable object is revealed only with its
    parent), plus `decoys` fake digests per `_sd` array; and the disclosures made."""
    payload = json.loads(json.dumps(claims))  # a deep copy of plain JSON
    made: list[Disclosure] = []
    for path in sorted({tuple(p) for p in disclosable}, key=len, reverse=True):
        made.append(_conceal_one(payload, path))
    if decoys:
        _add_decoys(payload, decoys)
    payload["_sd_alg"] = SD_ALG
    return payload, tuple(made)


def _conceal_one(payload: dict[str, Any], path: ClaimPath) -> Disclosure:
    if not path or path[0] in _NEVER_DISCLOSABLE:
        raise MalformedDocumentError("this claim cannot be selectively disclosed", path=path)
    parent: Any = payload
    for step in path[:-1]:
        parent = _child(parent, step, path)
    last = path[-1]
    salt = base64url_encode(secrets.token_bytes(16))
    if isinstance(parent, dict) and isinstance(last, str) and last in parent:
        if last in _RESERVED:
            raise MalformedDocumentError(f"{last!r} is reserved", path=path)
        value = parent.pop(last)
        encoded = _encode([salt, last, value])
        parent.setdefault("_sd", []).append(digest(encoded))
        parent["_sd"].sort()
        return Disclosure(encoded, last, value, path)
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        value = parent[last]
        encoded = _encode([salt, value])
        parent[last] = {"...": digest(encoded)}
        return Disclosure(encoded, None, value, path)
    raise MalformedDocumentError("no claim at this path to make disclosable", path=path)


def _child(parent: Any, step: str | int, path: ClaimPath) -> Any:
    if isinstance(parent, dict) and isinstance(step, str) and step in parent:
        return parent[step]
    if isinstance(parent, list) and isinstance(step, int) and 0 <= step < len(parent):
        return parent[step]
    raise MalformedDocumentError("no claim at this path to make disclosable", path=path)


def _add_decoys(value: Any, count: int) -> None:
    """Decoy digests (§4.2.5) in every `_sd` array, so their length hides how many are real."""
    if isinstance(value, dict):
        if "_sd" in value:
            value["_sd"].extend(digest(secrets.token_urlsafe(16)) for _ in range(count))
            value["_sd"].sort()
        for child in value.values():
            _add_decoys(child, count)
    elif isinstance(value, list):
        for child in value:
            _add_decoys(child, count)


def _encode(array: list[Any]) -> str:
    return base64url_encode(json.dumps(array, ensure_ascii=False).encode("utf-8"))


def decode_disclosure(encoded: str, index: int) -> Disclosure:
    """A disclosure as sent (§4.2.1, §4.2.2): a 3-element array [salt, name, value] or a
    2-element one [salt, value], salt and name strings; InvalidJwsError otherwise."""
    at: Path = ("disclosures", index)
    try:
        array = parse_json(base64url_decode(encoded), max_depth=64)
    except Exception as error:  # base64url or JSON: both mean "not a disclosure"
        raise InvalidJwsError(
            f"disclosure {index} is not base64url JSON: {error}", path=at
        ) from None
    if not isinstance(array, list) or len(array) not in (2, 3) or not isinstance(array[0], str):
        raise InvalidJwsError(
            f"disclosure {index} is not [salt, name, value] or [salt, value]", path=at
        )
    if len(array) == 3:
        if not isinstance(array[1], str):
            raise InvalidJwsError(f"disclosure {index}: the claim name must be a string", path=at)
        if array[1] in _RESERVED or array[1] in _NEVER_DISCLOSABLE:
            raise InvalidJwsError(f"disclosure {index} names the reserved {array[1]!r}", path=at)
        return Disclosure(encoded, array[1], array[2])
    return Disclosure(encoded, None, array[1])


def reveal(
    payload: Mapping[str, Any], disclosures: Sequence[str]
) -> tuple[dict[str, Any], tuple[Disclosure, ...]]:
    """RFC 9901 §7.1 step 3: the payload with the disclosed claims in place, `_sd` and
    `_sd_alg` removed and undisclosed array elements dropped; and the disclosures with the
    path each one revealed. Raises InvalidJwsError for a disclosure not referenced, a
    digest referenced twice, a claim disclosed over an existing one, an unknown `_sd_alg`."""
    alg = payload.get("_sd_alg", SD_ALG)
    if alg != SD_ALG:
        raise InvalidJwsError(
            f"_sd_alg {alg!r} is not supported (only {SD_ALG})", path=("_sd_alg",)
        )
    decoded = [decode_disclosure(d, i) for i, d in enumerate(disclosures)]
    by_digest: dict[str, Disclosure] = {}
    for d in decoded:
        if d.digest in by_digest:
            raise InvalidJwsError("the same disclosure is sent twice", path=("disclosures",))
        by_digest[d.digest] = d
    walk = _Walk(by_digest)
    revealed = walk.object({k: v for k, v in payload.items() if k != "_sd_alg"}, ())
    unused = set(by_digest) - walk.used
    if unused:
        raise InvalidJwsError(
            f"{len(unused)} disclosure(s) are not referenced by any digest", path=("disclosures",)
        )
    return revealed, tuple(walk.placed)


class _Walk:
    """One pass over the payload, replacing digests by disclosed claims (recursively, as a
    disclosed value may hold digests of its own)."""

    def __init__(self, disclosures: Mapping[str, Disclosure]) -> None:
        self.disclosures = disclosures
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.placed: list[Disclosure] = []

    def _claim(self, digest_value: Any, at: ClaimPath) -> Disclosure | None:
        if not isinstance(digest_value, str):
            raise InvalidJwsError("a digest is a string", path=at)
        if digest_value in self.seen:
            raise InvalidJwsError("a digest appears twice in the payload", path=at)
        self.seen.add(digest_value)
        found = self.disclosures.get(digest_value)
        if found is not None:
            self.used.add(digest_value)
        return found

    def value(self, value: Any, at: ClaimPath) -> Any:
        if len(at) > MAX_DEPTH:  # disclosures nest in disclosures: bound the walk
            raise InvalidJwsError(f"claims nested deeper than {MAX_DEPTH} levels", path=at)
        if isinstance(value, dict):
            return self.object(value, at)
        if isinstance(value, list):
            return self.array(value, at)
        return value

    def object(self, value: Mapping[str, Any], at: ClaimPath) -> dict[str, Any]:
        out = {k: self.value(v, (*at, k)) for k, v in value.items() if k != "_sd"}
        if "..." in out:
            raise InvalidJwsError("'...' is reserved for array elements", path=(*at, "..."))
        digests = value.get("_sd", [])
        if not isinstance(digests, list):
            raise InvalidJwsError("_sd is an array of digests", path=(*at, "_sd"))
        for item in digests:
            found = self._claim(item, (*at, "_sd"))
            if found is None:
                continue  # a decoy, or a claim the holder did not disclose
            if found.name is None:
                raise InvalidJwsError("an array-element disclosure used for a claim", path=at)
            if found.name in out:
                raise InvalidJwsError(
                    f"{found.name!r} is disclosed over an existing claim", path=at
                )
            path = (*at, found.name)
            out[found.name] = self.value(found.value, path)
            self.placed.append(Disclosure(found.encoded, found.name, found.value, path))
        return out

    def array(self, value: Sequence[Any], at: ClaimPath) -> list[Any]:
        out: list[Any] = []
        for element in value:
            if isinstance(element, dict) and "..." in element:
                if len(element) != 1:
                    raise InvalidJwsError("an array digest is {'...': digest} alone", path=at)
                found = self._claim(element["..."], at)
                if found is None:
                    continue  # not disclosed: the element is left out
                if found.name is not None:
                    raise InvalidJwsError("a claim disclosure used for an array element", path=at)
                path = (*at, len(out))
                out.append(self.value(found.value, path))
                self.placed.append(Disclosure(found.encoded, None, found.value, path))
            else:
                out.append(self.value(element, (*at, len(out))))
        return out
