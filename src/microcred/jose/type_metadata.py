"""SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §6) shipped for our credential types:
display names per language and, per claim, whether it may be selectively disclosed.

The verifier enforces it for a type we ship: a claim marked `"sd": "never"` that arrives
through a disclosure fails, so a holder cannot pass off a hidden-then-revealed value as one
the issuer always shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["TYPE_METADATA_FILES", "never_disclosable", "type_metadata"]

TYPE_METADATA_FILES = {
    "https://w3id.org/microcred/vct/microcredential/v1": "microcredential-v1.json"
}


@cache
def type_metadata(vct: str) -> Mapping[str, Any] | None:
    """The shipped Type Metadata document of `vct`, or None for a type we do not ship."""
    name = TYPE_METADATA_FILES.get(vct) if isinstance(vct, str) else None
    if name is None:
        return None
    text = (resources.files("microcred") / "data" / "vct" / name).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def never_disclosable(vct: object) -> frozenset[tuple[str | int, ...]]:
    """The claim paths the type's metadata marks `"sd": "never"`."""
    metadata = type_metadata(vct) if isinstance(vct, str) else None  # a list is unhashable
    if metadata is None:
        return frozenset()
    return frozenset(tuple(c["path"]) for c in metadata["claims"] if c.get("sd") == "never")
