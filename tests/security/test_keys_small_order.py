"""Ed25519 public keys of small order are refused (security review, finding 2).

Under the identity point as public key, R = identity and S = 0 is a valid RFC 8032 signature
of every message. The 8 torsion points are computed here independently, with plain Edwards
arithmetic on edwards25519 (RFC 8032 §5.1), not taken from microcred's constants.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.errors import InvalidKeyError, ProofGenerationError
from microcred.keys.did_key import ResolutionFailure, VerificationMethod, resolve_did_key
from microcred.keys.did_web import signer_for
from microcred.keys.keypair import KeyPair, PublicKey
from microcred.keys.multibase import base64url_encode, encode_base58btc

P = 2**255 - 19
D = -121665 * pow(121666, -1, P) % P
L = 2**252 + 27742317777372353535851937790883648493  # order of the base point
SQRT_M1 = pow(2, (P - 1) // 4, P)
Point = tuple[int, int]
IDENTITY: Point = (0, 1)


def add(a: Point, b: Point) -> Point:
    """Affine addition on -x^2 + y^2 = 1 + d x^2 y^2 (complete for this curve)."""
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, -1, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P
    return x3, y3


def multiply(k: int, point: Point) -> Point:
    result = IDENTITY
    while k:
        if k & 1:
            result = add(result, point)
        point = add(point, point)
        k >>= 1
    return result


def decompress(y: int, sign: int) -> Point | None:
    """RFC 8032 §5.1.3 steps 2-4: the x of y with the given sign bit, or None."""
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == -u % P:
        x = x * SQRT_M1 % P
    if v * x * x % P != u:
        return None
    if x == 0 and sign:
        return None
    return (P - x if x & 1 != sign else x), y


def encode(y: int, sign: int) -> bytes:
    return (y | sign << 255).to_bytes(32, "little")


@cache
def torsion_points() -> frozenset[Point]:
    """The 8 points of order dividing 8: multiples of [L]Q for the first Q where that has
    order 8 (the curve group is Z/8 x Z/L, so [L]Q lies in the torsion subgroup)."""
    for y in range(2, 100):
        point = decompress(y, 0)
        if point is None:
            continue
        torsion = multiply(L, point)
        if multiply(4, torsion) != IDENTITY:
            points = frozenset(multiply(k, torsion) for k in range(8))
            assert len(points) == 8 and all(multiply(8, t) == IDENTITY for t in points)
            return points
    raise AssertionError("no point of order 8L among the first y values")


@cache
def small_order_encodings() -> list[bytes]:
    """Every 32-byte encoding whose y is a torsion point's, canonical or y + p, both signs."""
    ys = {y for _, y in torsion_points()}
    return sorted(
        encode(value, sign) for y in ys for value in (y, y + P) if value < 2**255 for sign in (0, 1)
    )


def test_the_torsion_points_are_the_expected_eight() -> None:
    points = torsion_points()
    assert IDENTITY in points and (0, P - 1) in points  # order 1 and 2
    assert {(SQRT_M1, 0), (P - SQRT_M1, 0)} <= points  # order 4
    assert len({y for _, y in points}) == 5
    # y = 0 and y = 1 also have y + p forms below 2^255: 5 y values, 2 more, both sign bits
    assert len(small_order_encodings()) == 14


def ed25519_multikey(raw: bytes) -> str:
    return encode_base58btc(b"\xed\x01" + raw)


@pytest.mark.parametrize("raw", small_order_encodings(), ids=lambda raw: raw.hex()[:8])
def test_every_small_order_encoding_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidKeyError):
        PublicKey("Ed25519", raw)
    with pytest.raises(InvalidKeyError):
        PublicKey.from_multikey(ed25519_multikey(raw))
    with pytest.raises(InvalidKeyError):
        PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(raw)})
    failure = resolve_did_key("did:key:" + ed25519_multikey(raw))
    assert isinstance(failure, ResolutionFailure) and failure.code == "INVALID_PUBLIC_KEY"


IDENTITY_KEY = encode(1, 0)
FORGED_SIGNATURE = encode(1, 0) + bytes(32)  # R = identity, S = 0
IDENTITY_DID = "did:key:" + ed25519_multikey(IDENTITY_KEY)


def test_the_identity_key_forgery_is_refused() -> None:
    """The library alone accepts the forgery for any message; our keys refuse its key."""
    library_key = ed25519.Ed25519PublicKey.from_public_bytes(IDENTITY_KEY)
    library_key.verify(FORGED_SIGNATURE, b"any message at all")  # raises if ever refused
    with pytest.raises(InvalidKeyError, match="small order"):
        PublicKey("Ed25519", IDENTITY_KEY)
    for url in (IDENTITY_DID, f"{IDENTITY_DID}#{IDENTITY_DID.removeprefix('did:key:')}"):
        failure = resolve_did_key(url)
        assert isinstance(failure, ResolutionFailure)
        assert failure.code == "INVALID_PUBLIC_KEY"


def test_a_forged_credential_does_not_verify() -> None:
    """A credential 'signed' by the identity did:key with R = identity, S = 0."""
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": IDENTITY_DID,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Forged"},
    }
    method = f"{IDENTITY_DID}#{IDENTITY_DID.removeprefix('did:key:')}"
    with pytest.raises(ProofGenerationError, match="small order"):  # never signed for it
        api.sign(credential, key=signer_for(KeyPair.generate("Ed25519"), method))
    signed = api.sign(
        credential,
        key=KeyPair.generate("Ed25519"),
        cryptosuite="eddsa-jcs-2022",
        created=datetime(2026, 1, 1, tzinfo=UTC),
    )
    signed["proof"]["verificationMethod"] = method  # the forger writes the proof by hand
    signed["proof"]["proofValue"] = encode_base58btc(FORGED_SIGNATURE)
    result = api.verify(signed, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert not result.verified
    assert "INVALID_PUBLIC_KEY" in str(result.to_dict())


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(min_size=32, max_size=32) | st.sampled_from(small_order_encodings()))
def test_exactly_small_order_and_non_canonical_encodings_are_refused(raw: bytes) -> None:
    """Any 32 bytes load unless y >= p (RFC 8032 §5.1.3) or y is a torsion point's."""
    y = int.from_bytes(raw, "little") & ~(1 << 255)
    refused = y >= P or y in {ty for _, ty in torsion_points()}
    try:
        PublicKey("Ed25519", raw)
    except InvalidKeyError:
        assert refused
    else:
        assert not refused


@settings(max_examples=100, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32))
def test_random_valid_keys_still_load(seed: bytes) -> None:
    pair = KeyPair(ed25519.Ed25519PrivateKey.from_private_bytes(seed))
    public = pair.public_key
    assert PublicKey.from_multikey(public.multikey) == public
    assert PublicKey.from_jwk(public.to_jwk()) == public
    resolved = resolve_did_key(public.verification_method)
    assert isinstance(resolved, VerificationMethod) and resolved.public_key == public
    assert public.verify(pair.sign(b"message"), b"message")
