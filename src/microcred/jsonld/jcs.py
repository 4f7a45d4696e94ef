"""RFC 8785 JSON Canonicalization Scheme (JCS): the transformation of eddsa-jcs-2022 and
ecdsa-jcs-2019 (EdDSA Cryptosuites §3.3, ECDSA Cryptosuites §3.3).

Input is the data model of `json.loads` (dict with str keys, list/tuple, str, int, float,
bool, None) and must be I-JSON (RFC 8785 §3.1, RFC 7493): NaN/Infinity, strings with lone
surrogates, non-string keys, other types and cycles raise CanonicalizationError with the JSON
path. JSON numbers are IEEE 754 doubles (§3.2.2.3): a large integer is accepted when its
digits are how its double prints (ES prints 1e20 as "100000000000000000000", which Python
reads back as an int, so canonicalize(json.loads(out)) == out), and refused with
CanonicalizationError otherwise (9007199254740993 would be signed as ...992, so two JSON
texts would share one signature); carry exact big numbers as strings. The serializer is
iterative, so nesting depth is bounded only by memory.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from microcred.errors import CanonicalizationError, Path

__all__ = ["MAX_SAFE_INTEGER", "canonicalize"]

MAX_SAFE_INTEGER = 2**53 - 1  # ECMAScript Number.MAX_SAFE_INTEGER: larger ints may be inexact
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
_SURROGATE = re.compile("[\ud800-\udfff]")
_FAST_DEPTH = 64  # deeper values (and cycles) go to the iterative serializer


class _Value(NamedTuple):
    """A value still to be written, with its JSON path."""

    value: Any
    path: Path


class _Leave(NamedTuple):
    """Marks the end of a container (for cycle detection)."""

    ident: int


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value (sorted keys, ES number format)."""
    if _json_module_agrees(value, 0):
        try:
            return json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the serializer below names its path
    return _serialize(value)


def _json_module_agrees(value: Any, depth: int) -> bool:
    """Whether `json.dumps` (in C) writes exactly the JCS form: plain dicts, lists, strings,
    booleans, null and safe integers, and no key outside the BMP (where code point order and
    UTF-16 order differ). Its string escapes are JSON.stringify's. Floats, big integers,
    other types, cycles and deep nesting take the serializer below."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if depth > _FAST_DEPTH:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                return False
            if not _json_module_agrees(item, depth + 1):
                return False
        return True
    if kind is list:
        return all(_json_module_agrees(item, depth + 1) for item in value)
    return False


def _serialize(value: Any) -> bytes:
    """The general serializer: iterative, any nesting, every I-JSON rule with its path."""
    out: list[str] = []
    open_containers: set[int] = set()
    stack: list[_Value | _Leave | str] = [_Value(value, ())]
    while stack:
        task = stack.pop()
        if isinstance(task, str):
            out.append(task)
        elif isinstance(task, _Leave):
            open_containers.discard(task.ident)
        elif isinstance(task.value, Mapping | list | tuple):
            if id(task.value) in open_containers:
                raise CanonicalizationError("circular reference in JSON value", path=task.path)
            open_containers.add(id(task.value))
            stack.append(_Leave(id(task.value)))
            stack.extend(reversed(_container_tasks(task.value, task.path)))
        else:
            out.append(_serialize_primitive(task.value, task.path))
    return "".join(out).encode("utf-8")


def _container_tasks(container: Any, path: Path) -> list[_Value | str]:
    """The output pieces of an object (members sorted by UTF-16 code units, §3.2.3) or array."""
    tasks: list[_Value | str]
    if isinstance(container, Mapping):
        for key in container:
            if not isinstance(key, str):
                raise CanonicalizationError(f"object key {key!r} is not a string", path=path)
            _check_string(key, (*path, key))
        tasks = ["{"]
        for index, key in enumerate(sorted(container, key=lambda k: k.encode("utf-16-be"))):
            tasks += [","] if index else []
            tasks += [_quote(key) + ":", _Value(container[key], (*path, key))]
        return [*tasks, "}"]
    tasks = ["["]
    for index, item in enumerate(container):
        tasks += [","] if index else []
        tasks.append(_Value(item, (*path, index)))
    return [*tasks, "]"]


def _serialize_primitive(value: Any, path: Path) -> str:
    """Serialise null, booleans, numbers and strings (RFC 8785 §3.2.2)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) <= MAX_SAFE_INTEGER:
            return str(int(value))
        try:
            text = _serialize_number(float(value))
        except OverflowError:
            text = ""
        if text != str(value):
            raise CanonicalizationError(
                f"integer {value} is not how any IEEE 754 double prints: a JSON reader would "
                "round it (write it as a string)",
                path=path,
            )
        return text
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CanonicalizationError(f"{value!r} is not a JSON number", path=path)
        return _serialize_number(float(value))
    if isinstance(value, str):
        _check_string(value, path)
        return _quote(value)
    raise CanonicalizationError(f"{type(value).__name__} is not a JSON type", path=path)


def _serialize_number(value: float) -> str:
    """ECMAScript Number::toString of a finite double (RFC 8785 §3.2.2.3, ECMA-262 §6.1.6.1.20).

    repr() gives the shortest round-tripping digits (the same choice ECMAScript makes); only
    the placement of the decimal point and the exponent style differ.
    """
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = (whole + fraction).lstrip("0")
    digits = all_digits.rstrip("0")
    # value = int(digits) * 10**(n - k), with k digits
    k = len(digits)
    n = int(exponent or 0) - len(fraction) + len(all_digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = (
            digits if k == 1 else digits[0] + "." + digits[1:]
        ) + f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def _check_string(text: str, path: Path) -> None:
    """I-JSON strings are Unicode scalar values: a lone surrogate has no UTF-8 form (§3.2.2.2)."""
    if _SURROGATE.search(text) is not None:
        raise CanonicalizationError("string holds a lone UTF-16 surrogate (not I-JSON)", path=path)


def _quote(text: str) -> str:
    """A JSON string literal as ECMAScript JSON.stringify writes it (§3.2.2.2)."""
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m[0], f"\\u{ord(m[0]):04x}"), text) + '"'
