"""Test helpers for projects that issue or verify micro-credentials with microcred.

- `microcred.testing.keys`: fixed, public test keys (`test_key("P-256")`), never for real use.
- `microcred.testing.corpus`: signed sample credentials with their expected verdicts, a
  conformance corpus any verifier can run (`microcred conformance`).
- `microcred.testing.strategies`: hypothesis strategies (needs `microcred[testing]`).
- `microcred.testing.plugin`: pytest fixtures `microcred_key`, `microcred_credential`,
  `microcred_verifier`, registered through the `pytest11` entry point.

Importing this package loads neither hypothesis nor pytest.
"""

from microcred.testing.keys import TEST_KEY_TYPES, test_key

__all__ = ["TEST_KEY_TYPES", "test_key"]
