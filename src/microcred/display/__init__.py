"""Showing a credential to a person: `describe()` builds one format-neutral
`CredentialView` in the reader's languages (needs the `render` extra: Babel for CLDR names
and dates); renderers draw that view. Names load on first use."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from microcred.display.describing import describe
    from microcred.display.localisation import EU_LANGUAGES
    from microcred.display.view import (
        CAPTION_KEYS,
        CheckView,
        CredentialView,
        Entry,
        Text,
        Verdict,
    )

_LAZY = {
    "describe": "microcred.display.describing",
    "EU_LANGUAGES": "microcred.display.localisation",
    **{
        name: "microcred.display.view"
        for name in ("CAPTION_KEYS", "CheckView", "CredentialView", "Entry", "Text", "Verdict")
    },
}

__all__ = [
    "CAPTION_KEYS",
    "EU_LANGUAGES",
    "CheckView",
    "CredentialView",
    "Entry",
    "Text",
    "Verdict",
    "describe",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'microcred.display' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
