"""sign -> verify holds for generated micro-credentials under every suite and key type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred import api
from microcred.keys.keypair import KeyPair
from microcred.model import MicroCredential

PAIRS = [
    ("eddsa-rdfc-2022", "Ed25519"),
    ("eddsa-jcs-2022", "Ed25519"),
    ("ecdsa-rdfc-2019", "P-256"),
    ("ecdsa-rdfc-2019", "P-384"),
    ("ecdsa-jcs-2019", "P-256"),
    ("ecdsa-jcs-2019", "P-384"),
]
KEYS = {key_type: KeyPair.generate(key_type) for key_type in ("Ed25519", "P-256", "P-384")}


@pytest.mark.parametrize(("suite", "key_type"), PAIRS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mc=micro_credentials())
def test_issued_credentials_verify(suite: str, key_type: str, mc: MicroCredential) -> None:
    key = KEYS[key_type]
    credential = api.issue(
        mc.with_issuer_id(key.did), key=key, cryptosuite=suite, created=mc.date_of_issuing
    )
    moment = max(mc.date_of_issuing, datetime.now(UTC))
    if mc.valid_until is not None:
        moment = mc.date_of_issuing
    result = api.verify(credential, now=moment)
    assert result.verified, result.to_dict()
    assert result.checks["eu_standard"].status == "passed", result.warnings
