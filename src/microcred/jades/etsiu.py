"""The unsigned JAdES properties in `etsiU` (ETSI TS 119 182-1 §5.3): what a seal carries.

`etsiU` is an array whose items are base64url-encoded JSON objects (or, in the clear form, the
objects themselves), each holding one property: `sigTst`, `xVals`, `rVals`, `arcTst`, ...
Nothing here is signed: certificates found in `xVals` only help build a path, whose every
signature is still checked, and time-stamps/revocation values are counted, not validated.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from microcred.errors import Path
from microcred.jades.certificates import certificate_defect
from microcred.jades.jws import b64url_decode, parse_json
from microcred.result import Problem

__all__ = ["UnsignedProperties", "UnsignedProperty", "read_unsigned_properties"]


@dataclass(frozen=True, slots=True)
class UnsignedProperty:
    """One `etsiU` item: its index, property name and value, and its base64url text (None
    when the item is written in the clear, as a JSON object)."""

    index: int
    name: str
    value: Any
    text: str | None


@dataclass(frozen=True, slots=True)
class UnsignedProperties:
    """What `etsiU` holds: property counts, `xVals` certificates, and unreadable items."""

    counts: Mapping[str, int] = field(default_factory=dict)
    certificates: tuple[x509.Certificate, ...] = ()
    warnings: tuple[Problem, ...] = ()
    items: tuple[UnsignedProperty, ...] = ()  # in document order


def read_unsigned_properties(header: Mapping[str, Any], path: Path) -> UnsignedProperties:
    """Read `etsiU` of one signature's unprotected header; never raises."""
    items = header.get("etsiU", [])
    at = (*path, "header", "etsiU")
    if not isinstance(items, list):
        return UnsignedProperties(warnings=(_warning("etsiU must be an array", at),))
    counts: dict[str, int] = {}
    certificates: list[x509.Certificate] = []
    warnings: list[Problem] = []
    found: list[UnsignedProperty] = []
    for i, item in enumerate(items):
        prop = _decode_item(item)
        if prop is None:
            warnings.append(_warning("etsiU item is not a (base64url) JSON object", (*at, i)))
            continue
        for name, value in prop.items():
            found.append(UnsignedProperty(i, name, value, item if isinstance(item, str) else None))
            counts[name] = counts.get(name, 0) + _count(name, value)
            if name == "xVals":
                certificates.extend(_x_vals(value, (*at, i, name), warnings))
    return UnsignedProperties(counts, tuple(certificates), tuple(warnings), tuple(found))


def _decode_item(item: object) -> Mapping[str, Any] | None:
    try:
        value = parse_json(b64url_decode(item)) if isinstance(item, str) else item
    except ValueError:
        return None
    return value if isinstance(value, Mapping) else None


def _count(name: str, value: object) -> int:
    """Tokens in a time-stamp property, values in xVals/rVals lists, else 1."""
    if isinstance(value, Mapping) and isinstance(value.get("tstTokens"), list):
        return len(value["tstTokens"])
    if isinstance(value, Mapping) and name == "rVals":
        return sum(len(v) for v in value.values() if isinstance(v, list))
    return len(value) if isinstance(value, list) else 1


def _x_vals(value: object, at: Path, warnings: list[Problem]) -> list[x509.Certificate]:
    """Readable certificates of `xVals` entries `{"x509Cert": {"val": base64 DER}}` (§5.3)."""
    out = []
    for i, entry in enumerate(value if isinstance(value, list) else []):
        cert = entry.get("x509Cert") if isinstance(entry, Mapping) else None
        if cert is None:
            continue  # other kinds of value (e.g. attribute certificates) are not ours
        try:
            der = base64.b64decode(cert["val"], validate=True)
            certificate = x509.load_der_x509_certificate(der)
        except (KeyError, TypeError, ValueError, binascii.Error, x509.InvalidVersion):
            warnings.append(_warning("xVals certificate is not base64 DER", (*at, i, "x509Cert")))
            continue
        defect = certificate_defect(certificate)
        if defect is None:
            out.append(certificate)
        else:  # left out, so neither path building nor a validator trips over it
            warnings.append(
                _warning(f"xVals certificate is unreadable: {defect}", (*at, i, "x509Cert"))
            )
    return out


def _warning(message: str, path: Path) -> Problem:
    return Problem("JADES_UNSIGNED_PROPERTY_INVALID", message, path)
