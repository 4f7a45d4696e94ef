"""keys.signing: a KMS/HSM signer's output is checked before anything is written, with a
typed error that names the fix; DER -> raw, signers from functions, suites from key types."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.errors import (
    InvalidOptionError,
    KeyTypeMismatchError,
    ProofGenerationError,
    SignerOutputError,
)
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url
from microcred.keys.keypair import KeyPair, KeyType, PublicKey
from microcred.keys.signing import check_signature, checked_signer, ecdsa_der_to_raw, signer_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "docs/examples/microcredential.json").read_text("utf-8"))
HASHES = {"P-256": hashes.SHA256, "P-384": hashes.SHA384}
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}


class KmsStyleSigner:
    """Like AWS KMS Sign with ECDSA_SHA_256: the key never leaves it, the answer is DER."""

    def __init__(self, key_type: KeyType) -> None:
        self._private = ec.generate_private_key(CURVES[key_type]())
        self.public_key = PublicKey.from_pem(KeyPair(self._private).public_key.to_pem())
        self.key_type = key_type
        self.verification_method = self.public_key.verification_method

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data, ec.ECDSA(HASHES[self.key_type]()))


def _issue(key: Any, form: str = "vc") -> Any:
    if form == "vc":
        return api.issue(SAMPLE, key=key)
    return api.issue(SAMPLE, key=key, format="vc+jwt")


@pytest.mark.parametrize("form", ["vc", "vc+jwt"])
@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_a_der_signature_is_refused_at_issue_with_the_fix(key_type: KeyType, form: str) -> None:
    kms = KmsStyleSigner(key_type)
    with pytest.raises(SignerOutputError) as caught:
        _issue(kms, form)
    message = str(caught.value)
    assert "DER-encoded ECDSA signature" in message and "return raw r||s" in message
    assert "ecdsa_der_to_raw" in message and "docs/keys.md" in message
    assert caught.value.code == "INVALID_SIGNER_OUTPUT"


@pytest.mark.parametrize("form", ["vc", "vc+jwt"])
@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_after_ecdsa_der_to_raw_it_issues_and_verifies(key_type: KeyType, form: str) -> None:
    kms = KmsStyleSigner(key_type)
    signer = signer_for(lambda data: ecdsa_der_to_raw(kms.sign(data), key_type), kms.public_key)
    issued = _issue(signer, form)
    assert api.verify(issued).verified
    if form == "vc":  # the suite followed the key type
        assert issued["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_a_three_byte_signature_is_refused(key_type: KeyType) -> None:
    key = KeyPair.generate(key_type)
    short = signer_for(lambda data: b"\x01\x02\x03", key.public_key)
    for form in ("vc", "vc+jwt"):
        with pytest.raises(SignerOutputError, match="returned 3 bytes"):
            _issue(short, form)
    with pytest.raises(SignerOutputError, match="returned 3 bytes"):
        api.sign({"@context": ["https://www.w3.org/ns/credentials/v2"]}, key=short)


def test_a_signature_that_does_not_verify_is_refused() -> None:
    key, other = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")
    wrong_key = signer_for(other.sign, key.public_key)
    with pytest.raises(SignerOutputError, match="does not verify with the public key"):
        _issue(wrong_key)
    flipped = signer_for(
        lambda data: bytes([key.sign(data)[0] ^ 1]) + key.sign(data)[1:], key.public_key
    )
    with pytest.raises(SignerOutputError, match="does not verify"):
        _issue(flipped, "vc+jwt")


def test_a_pkcs11_style_signer_that_is_given_the_digest_hashes_once() -> None:
    """CKM_ECDSA signs a digest it is given: hashing `data` first is right, hashing twice not."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = KeyPair(private).public_key

    def token_sign(digest: bytes) -> bytes:  # the token returns raw r||s for CKM_ECDSA
        r, s = decode_dss_signature(private.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    right = signer_for(lambda data: token_sign(hashlib.sha256(data).digest()), public)
    assert api.verify(_issue(right)).verified
    twice = signer_for(
        lambda data: token_sign(hashlib.sha256(hashlib.sha256(data).digest()).digest()), public
    )
    with pytest.raises(SignerOutputError, match="hashes it once"):
        _issue(twice)


def test_a_non_bytes_answer_is_refused() -> None:
    key = KeyPair.generate("P-256")
    hex_signer = signer_for(lambda data: key.sign(data).hex(), key.public_key)  # type: ignore[arg-type, return-value]
    with pytest.raises(SignerOutputError, match="returned a str, not bytes"):
        _issue(hex_signer)


def test_a_64_byte_der_signature_is_named_as_der() -> None:
    """A DER signature can be exactly as long as a raw one: it is still called DER."""
    key = KeyPair.generate("P-256")
    der = bytes([0x30, 62, 2, 29]) + b"\x11" * 29 + bytes([2, 29]) + b"\x22" * 29
    assert len(der) == 64
    with pytest.raises(SignerOutputError, match="DER-encoded"):
        check_signature(der, b"x", public_key=key.public_key, verification_method="did:x#1")


def test_a_signer_whose_key_cannot_be_known_is_refused_before_any_work() -> None:
    key = KeyPair.generate("Ed25519")

    class Hsm:
        key_type = "Ed25519"
        verification_method = "did:web:issuer.example#hsm-1"

        def sign(self, data: bytes) -> bytes:
            raise AssertionError("never asked to sign")

    with pytest.raises(ProofGenerationError, match="signer_for\\(sign, public_key"):
        _issue(Hsm())
    liar = signer_for(key.sign, KeyPair.generate("Ed25519").public_key, key.verification_method)
    with pytest.raises(ProofGenerationError, match="not the key its verification method"):
        _issue(liar)


def test_a_function_signer_for_did_web_issues_what_a_did_web_resolver_verifies() -> None:
    kms = KmsStyleSigner("P-256")
    did = "did:web:issuer.example"
    document = did_web_document(did, kms.public_key)
    signer = signer_for(
        lambda d: ecdsa_der_to_raw(kms.sign(d), "P-256"), kms.public_key, f"{did}#key-1"
    )
    issued = api.issue(SAMPLE, key=signer)
    pages = {did_web_to_url(did): json.dumps(document).encode()}
    assert issued["issuer"]["id"] == did
    assert api.verify(issued, resolver=DidWebResolver(pages.__getitem__)).verified


def test_the_wrapped_signer_still_signs_for_another_method() -> None:
    key = KeyPair.generate("Ed25519")
    signer = signer_for(key, "did:web:issuer.example#key-1")
    checked = checked_signer(signer)
    assert checked.public_key == key.public_key and checked.sign(b"x") == key.sign(b"x")
    with pytest.raises(InvalidOptionError):
        signer_for(key, "did:web:issuer.example")  # no fragment


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["P-256", "P-384"]), st.binary(max_size=64))
def test_der_to_raw_verifies_for_any_message(key_type: KeyType, message: bytes) -> None:
    private = ec.generate_private_key(CURVES[key_type]())
    public = KeyPair(private).public_key
    raw = ecdsa_der_to_raw(private.sign(message, ec.ECDSA(HASHES[key_type]())), key_type)
    assert len(raw) == (64 if key_type == "P-256" else 96) and public.verify(raw, message)


def test_der_to_raw_refuses_what_is_not_der() -> None:
    raw = KeyPair.generate("P-256").sign(b"x")
    for bad in (raw if raw[0] != 0x30 else b"\x00" + raw[1:], b"", b"\x30\x00", b"abc"):
        with pytest.raises(SignerOutputError, match="not a DER-encoded"):
            ecdsa_der_to_raw(bad, "P-256")
    with pytest.raises(InvalidOptionError, match="no DER form"):
        ecdsa_der_to_raw(raw, "Ed25519")
    too_big = encode_dss_signature((1 << 256) + 1, 1)  # r needs 33 bytes
    with pytest.raises(SignerOutputError, match="does not fit P-256"):
        ecdsa_der_to_raw(too_big, "P-256")
    assert len(ecdsa_der_to_raw(too_big, "P-384")) == 96


def test_a_p256_key_with_an_eddsa_suite_names_the_fix() -> None:
    key = KeyPair.generate("P-256")
    with pytest.raises(KeyTypeMismatchError) as caught:
        api.issue(SAMPLE, key=key, cryptosuite="eddsa-rdfc-2022")
    message = str(caught.value)
    assert "ecdsa-rdfc-2019" in message and "ecdsa-jcs-2019" in message
    assert "follows the key type" in message
    assert api.issue(SAMPLE, key=key)["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert api.issue(SAMPLE, key=KeyPair.generate("Ed25519"))["proof"]["cryptosuite"] == (
        "eddsa-rdfc-2022"
    )


def test_a_faulty_seal_signature_writes_no_seal(monkeypatch: pytest.MonkeyPatch) -> None:
    from microcred.errors import SealError
    from microcred.jades import algorithms

    private = ec.generate_private_key(ec.SECP256R1())
    good = algorithms.sign("ES256", private, b"data")
    assert algorithms.verify_signature("ES256", private.public_key(), good, b"data")
    real = algorithms.decode_dss_signature
    monkeypatch.setattr(algorithms, "decode_dss_signature", lambda der: (real(der)[0], 1))
    with pytest.raises(SealError, match="does not verify"):
        algorithms.sign("ES256", private, b"data")
