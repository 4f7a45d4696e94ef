"""Fixed test keys (Ed25519, P-256, P-384): the same on every machine, and public.

Each secret is derived from a fixed string (data/keys.json says how), so tests, samples and
other projects' fixtures sign identically everywhere. Everyone has these secrets: a
credential they sign proves nothing outside a test.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from microcred.keys.keypair import KeyPair, KeyType, parse_key_type

__all__ = ["TEST_KEY_TYPES", "test_key"]

TEST_KEY_TYPES: tuple[KeyType, ...] = ("Ed25519", "P-256", "P-384")
"""The key types with a fixed test key."""


@cache
def _keys() -> dict[str, KeyPair]:
    text = (resources.files("microcred.testing") / "data" / "keys.json").read_text("utf-8")
    return {
        entry["keyType"]: KeyPair.from_multikey(
            entry["secretKeyMultibase"], entry["publicKeyMultibase"]
        )
        for entry in json.loads(text)["keys"]
    }


def test_key(key_type: KeyType | str = "Ed25519") -> KeyPair:
    """The fixed public test key of `key_type` ("Ed25519", "P-256", "P-384"; any spelling
    `parse_key_type` reads). Never sign anything real with it."""
    return _keys()[parse_key_type(key_type)]


test_key.__test__ = False  # type: ignore[attr-defined]  # not a test, whatever pytest guesses
