"""ECDSA malleability (security review, finding 3): (r, n - s) is a second valid signature.

Decision: verification accepts high S (WebCrypto and many JavaScript issuers do not normalise,
and the W3C ECDSA vectors hold high-S RFC 6979 signatures, which we reproduce byte for byte);
a proofValue is therefore never used as an identifier (docs/security.md).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from microcred.keys.keypair import KeyPair

# Group orders (SEC 2 v2 §2.4.2 secp256r1, §2.5.1 secp384r1).
ORDERS = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}
CURVES = {"P-256": (ec.SECP256R1, hashes.SHA256), "P-384": (ec.SECP384R1, hashes.SHA384)}
SIZES = {"P-256": 32, "P-384": 48}


def split(key_type: str, signature: bytes) -> tuple[int, int]:
    size = SIZES[key_type]
    assert len(signature) == 2 * size
    return int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")


def join(key_type: str, r: int, s: int) -> bytes:
    return r.to_bytes(SIZES[key_type], "big") + s.to_bytes(SIZES[key_type], "big")


@pytest.mark.parametrize("key_type", sorted(ORDERS))
def test_a_high_s_signature_from_another_signer_verifies(key_type: str) -> None:
    """A signer that does not normalise (random k): whichever half s falls in, it verifies."""
    private = ec.generate_private_key(CURVES[key_type][0]())
    pair = KeyPair(private)
    n = ORDERS[key_type]
    r, s = decode_dss_signature(private.sign(b"message", ec.ECDSA(CURVES[key_type][1]())))
    high = max(s, n - s)
    assert high > n // 2
    assert pair.public_key.verify(join(key_type, r, high), b"message")
    assert pair.public_key.verify(join(key_type, r, n - high), b"message")
    assert not pair.public_key.verify(join(key_type, r, high), b"other message")
