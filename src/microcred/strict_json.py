"""Strict JSON reading for untrusted input: one meaning per document, bounded nesting.

Python's `json` keeps the last of duplicate member names (so a forged member placed before
the signed one can be what another reader shows), accepts NaN and Infinity, and recurses
without a bound. `parse_json` refuses all three, plus text that is not UTF-8 or not Unicode
(unpaired surrogates) and numbers too large for a float, so every reader sees the same value.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from microcred.errors import MalformedDocumentError

__all__ = ["DEFAULT_MAX_DEPTH", "parse_json"]

DEFAULT_MAX_DEPTH = 256
"""Arrays and objects nested in one another; far above any credential, far below the stack."""

_Link = tuple["_Link", str | int] | None
"""Where a value sits, as (where its parent sits, key): a path built only when reported."""


def parse_json(text: str | bytes, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The JSON value of `text` (bytes must be UTF-8), refusing what makes JSON ambiguous.

    Raises `MalformedDocumentError` naming the problem (and, where it sits inside the value,
    its JSON path): not UTF-8, not JSON, a duplicate member name, NaN or Infinity, a number
    out of float range, an unpaired surrogate, or arrays and objects nested deeper than
    `max_depth` (found by an iterative walk: no input can exhaust the stack).
    """
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
    except UnicodeDecodeError as error:
        raise MalformedDocumentError(f"not UTF-8 text: {error}") from None
    try:
        value = json.loads(
            decoded,
            object_pairs_hook=_object,
            parse_constant=_no_constant,
            parse_float=_finite_float,
        )
    except RecursionError:
        raise MalformedDocumentError(_too_deep(max_depth)) from None
    except ValueError as error:
        raise MalformedDocumentError(f"not JSON: {error}") from None
    _check(value, max_depth)
    return value


class _Duplicated:
    """Stands in for an object with a repeated member name until `_check` reports its path."""

    def __init__(self, name: str) -> None:
        self.name = name


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any] | _Duplicated:
    members = dict(pairs)
    if len(members) == len(pairs):
        return members
    counts = Counter(name for name, _ in pairs)
    return _Duplicated(next(name for name, count in counts.items() if count > 1))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if math.isinf(number):
        raise ValueError(f"the number {literal[:40]} is out of range")
    return number


def _check(value: Any, max_depth: int) -> None:
    """Walk the parsed value without recursion: nesting depth, duplicates, Unicode text."""
    stack: list[tuple[Any, int, _Link]] = [(value, 1, None)]
    while stack:
        node, depth, where = stack.pop()
        if isinstance(node, str):
            _unicode(node, where)
            continue
        if isinstance(node, _Duplicated):
            raise MalformedDocumentError(f"duplicate member name {node.name!r}", path=_path(where))
        if isinstance(node, dict):
            members: Any = node.items()
        elif isinstance(node, list):
            members = enumerate(node)
        else:
            continue
        if depth > max_depth:
            raise MalformedDocumentError(_too_deep(max_depth))
        for key, item in members:
            if isinstance(key, str):
                _unicode(key, where)
            stack.append((item, depth + 1, (where, key)))


def _too_deep(max_depth: int) -> str:
    return f"JSON nested too deeply (arrays and objects: at most {max_depth} levels)"


def _unicode(text: str, where: _Link) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedDocumentError(
            "a string holds an unpaired surrogate (\\ud800-\\udfff): not Unicode text",
            path=_path(where),
        ) from None


def _path(where: _Link) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    while where is not None:
        where, key = where
        parts.append(key)
    return tuple(reversed(parts))
