"""pytest fixtures for projects that use microcred, loaded through the `pytest11` entry point.

`microcred_key` (the fixed Ed25519 test key), `microcred_credential` (the sample
micro-credential issued with it) and `microcred_verifier` (a `Verifier` with the defaults).
microcred itself is imported only when a test asks for one of them, so the plugin costs
nothing to a test session that does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from microcred.keys.keypair import KeyPair
    from microcred.verification.verifier import Verifier

__all__ = ["microcred_credential", "microcred_key", "microcred_verifier"]


@pytest.fixture
def microcred_key() -> KeyPair:
    """The fixed, public Ed25519 test key (`microcred.testing.test_key`); never for real use."""
    from microcred.testing.keys import test_key

    return test_key("Ed25519")


@pytest.fixture
def microcred_credential(microcred_key: KeyPair) -> dict[str, Any]:
    """The sample micro-credential (docs/examples) issued with `microcred_key`: a fresh dict
    for each test, verified by `microcred_verifier` as of now."""
    from microcred.api import issue
    from microcred.testing.corpus import sample_micro_credential

    return issue(sample_micro_credential(), key=microcred_key)


@pytest.fixture
def microcred_verifier() -> Verifier:
    """A `Verifier` with microcred's defaults: bundled contexts, did:key and did:jwk keys."""
    from microcred.verification.verifier import Verifier

    return Verifier()
