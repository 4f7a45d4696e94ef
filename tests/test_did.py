"""keys.did_key: did:key vectors, DID documents, the offline resolver and its failure codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import InvalidDidError
from microcred.keys.did_key import (
    DID_KEY_RELATIONSHIPS,
    KeyResolver,
    ResolutionFailure,
    VerificationMethod,
    did_key_document,
    resolve_did_key,
)
from microcred.keys.keypair import KeyPair, PublicKey
from microcred.keys.multibase import decode_base58btc

DATA = Path(__file__).parent / "data" / "keys"
DID_KEY = json.loads((DATA / "did-key.json").read_text("utf-8"))
REC = json.loads((DATA / "rec-key-pairs.json").read_text("utf-8"))["keyPairs"]
ED_MB = REC[0]["publicKeyMultibase"]
ED_DID = "did:key:" + ED_MB


def public_jwk(jwk: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in jwk.items() if name != "d"}


# --- did:key vectors ------------------------------------------------------------------------


@pytest.mark.parametrize("vector", DID_KEY["ed25519Seeds"], ids=lambda v: v["did"][-8:])
def test_ed25519_seed_to_did_key(vector: dict[str, str]) -> None:
    seed = bytes.fromhex(vector["seed"])
    assert KeyPair(ed25519.Ed25519PrivateKey.from_private_bytes(seed)).did == vector["did"]


@pytest.mark.parametrize("vector", DID_KEY["jwks"], ids=lambda v: v["privateKeyJwk"]["crv"])
def test_jwk_to_did_key(vector: dict[str, Any]) -> None:
    private_jwk = vector["privateKeyJwk"]
    pair = KeyPair.from_jwk(private_jwk)
    assert pair.did == vector["did"]
    assert PublicKey.from_jwk(public_jwk(private_jwk)).did == vector["did"]
    assert pair.to_jwk() == public_jwk(private_jwk)
    assert pair.to_jwk(include_secret=True) == private_jwk
    method = resolve_did_key(vector["did"])
    assert isinstance(method, VerificationMethod)
    assert method.public_key.to_jwk() == public_jwk(private_jwk)


def test_every_did_key_vector_in_reference_folder(reference_dir: Path) -> None:
    """Supported keys reproduce their DID; every other did:key resolves to a failure result."""
    folder = reference_dir / "vectors" / "did-key"
    seeds = json.loads((folder / "ed25519-x25519.json").read_text("utf-8"))
    for did, vector in seeds.items():
        private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed"]))
        assert KeyPair(private).did == did
        assert _resolves_to_vector_id(did, vector["didDocument"])
    nist = json.loads((folder / "nist-curves.json").read_text("utf-8"))
    supported = 0
    for did, vector in nist.items():
        method = vector["verificationMethod"]
        if "privateKeyJwk" in method and method["privateKeyJwk"]["crv"] in ("P-256", "P-384"):
            assert KeyPair.from_jwk(method["privateKeyJwk"]).did == did
            assert PublicKey.from_jwk(method["publicKeyJwk"]).did == did
            supported += 1
        elif "publicKeyBase58" in method:  # P256Key2021: raw compressed point
            raw = decode_base58btc("z" + method["publicKeyBase58"])
            assert PublicKey("P-256", raw).did == did
            supported += 1
        else:  # P-521
            failure = resolve_did_key(did)
            assert isinstance(failure, ResolutionFailure)
            assert failure.code == "INVALID_PUBLIC_KEY"
            continue
        assert _resolves_to_vector_id(did, vector["didDocument"])
    assert supported == 5
    unsupported = []
    for name in ("bls12381.json", "rsa.json", "secp256k1.json", "x25519.json"):
        document = json.loads((folder / name).read_text("utf-8"))
        for did in document.get("didDocument", document):  # x25519.json nests one level deeper
            failure = resolve_did_key(did)
            assert isinstance(failure, ResolutionFailure), did
            assert failure.code == "INVALID_PUBLIC_KEY", did
            unsupported.append(did)
    assert len(unsupported) == 18


def _resolves_to_vector_id(did: str, document: dict[str, Any]) -> bool:
    vm_id = document["assertionMethod"][0]
    method = resolve_did_key(vm_id)
    return (
        isinstance(method, VerificationMethod) and method.id == vm_id and method.controller == did
    )


# --- DID document ---------------------------------------------------------------------------


@pytest.mark.parametrize("vector", REC, ids=[v["keyType"] for v in REC])
def test_did_key_document(vector: dict[str, Any]) -> None:
    mb = vector["publicKeyMultibase"]
    did, vm_id = f"did:key:{mb}", f"did:key:{mb}#{mb}"
    assert did_key_document(did) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


@pytest.mark.parametrize(
    "did",
    [
        f"{ED_DID}#{ED_MB}",
        "did:web:issuer.example",
        "did:key:",
        "https://issuer.example/keys/1",
        "did:key:" + REC[0]["secretKeyMultibase"],
        "",
    ],
)
def test_did_key_document_refuses_what_is_not_a_did_key(did: str) -> None:
    with pytest.raises(InvalidDidError) as caught:
        did_key_document(did)
    assert caught.value.code == "INVALID_DID"


# --- resolver -------------------------------------------------------------------------------


def test_bare_did_and_did_url_resolve_to_the_same_method() -> None:
    bare = resolve_did_key(ED_DID)
    full = resolve_did_key(f"{ED_DID}#{ED_MB}")
    assert isinstance(full, VerificationMethod)
    assert bare == full
    assert full.id == f"{ED_DID}#{ED_MB}"
    assert full.type == "Multikey"
    assert full.controller == ED_DID
    assert full.public_key == PublicKey.from_multikey(ED_MB)
    assert full.relationships == DID_KEY_RELATIONSHIPS
    assert "assertionMethod" in full.relationships and "keyAgreement" not in full.relationships
    assert full.to_dict()["publicKeyMultibase"] == ED_MB


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"{ED_DID}#key-1", "INVALID_VERIFICATION_METHOD"),
        (f"{ED_DID}#", "INVALID_VERIFICATION_METHOD"),
        (f"{ED_DID}#{ED_MB}#{ED_MB}", "INVALID_VERIFICATION_METHOD"),
        (f"{ED_DID}#{REC[1]['publicKeyMultibase']}", "INVALID_VERIFICATION_METHOD"),
        ("did:web:issuer.example#key-1", "METHOD_NOT_SUPPORTED"),
        ("did:example:123", "METHOD_NOT_SUPPORTED"),
        ("https://issuer.example/keys#1", "METHOD_NOT_SUPPORTED"),
        ("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "METHOD_NOT_SUPPORTED"),
        ("", "INVALID_VERIFICATION_METHOD_URL"),
        ("not a url", "INVALID_VERIFICATION_METHOD_URL"),
        (f" {ED_DID}", "INVALID_VERIFICATION_METHOD_URL"),
        (f"{ED_DID}\n", "INVALID_VERIFICATION_METHOD_URL"),
        (f"{ED_DID}/path", "INVALID_VERIFICATION_METHOD_URL"),
        (f"{ED_DID}?versionId=1", "INVALID_VERIFICATION_METHOD_URL"),
        ("x" * 3000, "INVALID_VERIFICATION_METHOD_URL"),
        ("did:", "INVALID_DID"),
        ("did:KEY:" + ED_MB, "INVALID_DID"),
        ("did:key:1:" + ED_MB, "INVALID_DID"),
        ("did:key:" + ED_MB[1:], "INVALID_DID"),
        ("did:key:z6Mk0OIl", "INVALID_DID"),
        ("did:key:" + REC[0]["secretKeyMultibase"], "INVALID_PUBLIC_KEY"),
        ("did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc", "INVALID_PUBLIC_KEY"),
        ("did:key:z6Mk", "INVALID_PUBLIC_KEY"),
    ],
)
def test_resolution_failures_are_results_with_stable_codes(url: str, code: str) -> None:
    result = resolve_did_key(url)
    assert isinstance(result, ResolutionFailure)
    assert result.code == code
    assert result.url == url
    assert result.message


def test_non_string_input_is_a_failure_too() -> None:
    for value in (None, 42, b"did:key:z6Mk", ["did:key"]):
        result = resolve_did_key(value)  # type: ignore[arg-type]
        assert isinstance(result, ResolutionFailure)
        assert result.code == "INVALID_VERIFICATION_METHOD_URL"


def test_verification_method_serves_other_resolvers() -> None:
    """A did:web resolver returns the same value type, e.g. with a JsonWebKey method."""
    key = PublicKey.from_multikey(REC[2]["publicKeyMultibase"])
    method = VerificationMethod(
        id="did:web:issuer.example#key-1",
        type="JsonWebKey",
        controller="did:web:issuer.example",
        public_key=key,
        relationships=frozenset({"assertionMethod"}),
    )
    assert method.to_dict()["publicKeyJwk"] == key.to_jwk()
    with pytest.raises(AttributeError):
        method.id = "changed"  # type: ignore[misc]
    resolver: KeyResolver = resolve_did_key  # the default resolver fits the protocol (mypy)
    assert resolver(ED_DID) != method


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(key_type=st.sampled_from(["Ed25519", "P-256", "P-384"]), data=st.data())
def test_generated_keys_resolve_from_both_forms(key_type: str, data: st.DataObject) -> None:
    pair = KeyPair.generate(key_type)
    for url in (pair.did, pair.verification_method):
        method = resolve_did_key(url)
        assert isinstance(method, VerificationMethod)
        assert method.public_key == pair.public_key
        assert method.id == pair.verification_method
        assert method.controller == pair.did
    document = did_key_document(pair.did)
    assert document["verificationMethod"][0]["publicKeyMultibase"] == pair.public_multikey
    message = data.draw(st.binary(max_size=64))
    method = resolve_did_key(pair.verification_method)
    assert isinstance(method, VerificationMethod)
    assert method.public_key.verify(pair.sign(message), message)


@settings(max_examples=300, deadline=None)
@given(
    url=st.text(max_size=120)
    | st.builds(lambda s: "did:key:" + s, st.text(max_size=80))
    | st.builds(
        lambda s: "did:key:z" + s, st.from_regex(r"[1-9A-HJ-NP-Za-km-z#]{0,90}", fullmatch=True)
    )
    | st.builds(lambda s: f"{ED_DID}#{s}", st.text(max_size=60))
)
def test_any_string_resolves_or_fails_without_raising(url: str) -> None:
    result = resolve_did_key(url)
    assert isinstance(result, VerificationMethod | ResolutionFailure)
    if isinstance(result, ResolutionFailure):
        assert result.url == url
        assert result.code in {
            "INVALID_VERIFICATION_METHOD_URL",
            "METHOD_NOT_SUPPORTED",
            "INVALID_DID",
            "INVALID_PUBLIC_KEY",
            "INVALID_VERIFICATION_METHOD",
        }
