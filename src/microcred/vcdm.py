"""VC Data Model terms every layer reads the same way: the base context URLs, a value that
may be one item or an array, and the issuer's id (VCDM 2.0 §4.3, §4.7; VCDM 1.1 §4.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["CREDENTIALS_V1", "CREDENTIALS_V2", "as_list", "is_url", "issuer_id"]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or an array, as a list."""
    return value if isinstance(value, list) else [value]


def is_url(value: Any) -> bool:
    """A string with a scheme and no white space: what VCDM calls a URL in `id`, `issuer`..."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The issuer's identifier: the `issuer` URL or the `id` of the issuer object."""
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None
