"""keys.did_web: the did:web URL rules of the method spec, and resolving keys over a fetch."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred import api
from microcred.errors import InvalidDidError, InvalidKeyError, InvalidOptionError
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url, signer_for
from microcred.keys.keypair import KeyPair

SPEC_DOCUMENT = json.loads(
    (Path(__file__).parent / "data" / "did-web" / "spec-jws2020-document.json").read_text("utf-8")
)["didDocument"]
DID = "did:web:issuer.example"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ana Andromeda"},
    }


# Every DID -> URL example of the did:web Method Specification (W3C CCG draft), with its section.
SPEC_URL_EXAMPLES = [
    # §3.2.1 Create (Register), "Creating the DID" (the root DID, accept application/did+json)
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    # §3.2.1 Create (Register), "Creating the DID with optional path"
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    # §3.2.1 Create (Register), "Creating the DID with optional path and port"
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    # §4 Security and privacy considerations, "Optional Path Considerations"
    ("did:web:example.com:u:bob", "https://example.com/u/bob/did.json"),
    # §3.1 Method-specific identifier, "Example Web Method DIDs" (URL by the §3.2.2 Read steps)
    ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
]


@pytest.mark.parametrize(("did", "url"), SPEC_URL_EXAMPLES)
def test_spec_examples(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:",
        "did:web:1.2.3.4",  # §3.1: MUST NOT include IP addresses
        "did:web:localhost",  # a single label is no domain name
        "did:web:example.com:%5C",  # an encoded backslash
        "did:web:[::1]",
        "did:web:example.com:3000:",  # empty segment
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ahttp",
        "did:web:example.com:..",
        "did:web:example.com:%2E%2E",
        "did:web:example.com:a%2Fb",
        "did:web:exa_mple.com",
        "did:web:-example.com",
        "did:web:example.com#key-1",
        "did:web:example.com/path",
        "did:web:example.com?q=1",
        "did:web:example.com:a b",
        "did:web:" + "a" * 64 + ".com",
        "DID:WEB:example.com",
    ],
)
def test_bad_dids_raise(did: str) -> None:
    with pytest.raises(InvalidDidError):
        did_web_to_url(did)


def test_non_strings_raise() -> None:
    with pytest.raises(InvalidDidError):
        did_web_to_url(None)  # type: ignore[arg-type]


def test_lowercase_port_escape_and_percent_encoded_segments() -> None:
    assert (
        did_web_to_url("did:web:example.com%3a8443")
        == "https://example.com:8443/.well-known/did.json"
    )
    assert (
        did_web_to_url("did:web:example.com:caf%C3%A9") == "https://example.com/caf%C3%A9/did.json"
    )


_LABELS = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_HOSTS = (
    st.lists(_LABELS, min_size=2, max_size=4)
    .map(".".join)
    # not an IPv4 address to WHATWG URL parsers: the last label is no number (12, 0x1f)
    .filter(lambda host: re.fullmatch(r"[0-9]+|0x[0-9a-f]*", host.split(".")[-1]) is None)
    .filter(lambda host: host.split(".")[-1] != "localhost")
)
_SEGMENTS = st.lists(st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,8}", fullmatch=True), max_size=4)


@settings(max_examples=200, deadline=None)
@given(_HOSTS, st.none() | st.integers(1, 65535), _SEGMENTS)
def test_read_steps_for_any_did(host: str, port: int | None, segments: list[str]) -> None:
    """§3.2.2 steps 1-5: ':' -> '/', port colon decoded, https://, .well-known, /did.json."""
    segments = [s for s in segments if s not in (".", "..")]
    did = "did:web:" + host + (f"%3A{port}" if port else "") + "".join(":" + s for s in segments)
    authority = host + (f":{port}" if port else "")
    path = "/".join(segments) if segments else ".well-known"
    assert did_web_to_url(did) == f"https://{authority}/{path}/did.json"


# --- resolving ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


def site(*documents: Any) -> Callable[[str], bytes]:
    """An in-memory web: each DID document served at the URL of its id."""
    pages = {did_web_to_url(doc["id"]): json.dumps(doc).encode() for doc in documents}
    return lambda url: pages[url]


def serve(did: str, body: bytes) -> Callable[[str], bytes]:
    return {did_web_to_url(did): body}.__getitem__


def sign_as(key: KeyPair, verification_method: str, issuer: str = DID) -> dict[str, Any]:
    return api.sign(credential(issuer), key=signer_for(key, verification_method), created=CREATED)


def test_credential_signed_by_a_did_web_key_verifies(key: KeyPair) -> None:
    signed = sign_as(key, f"{DID}#key-1")
    resolver = DidWebResolver(site(did_web_document(DID, key.public_key)))
    result = api.verify(signed, resolver=resolver, now=NOW)
    assert result.verified, result.to_dict()
    assert result.checks["issuer"].details["controllers"] == [DID]


def test_key_not_listed_under_assertion_method_does_not_verify(key: KeyPair) -> None:
    document = did_web_document(DID, key.public_key, relationships=["authentication"])
    result = api.verify(
        sign_as(key, f"{DID}#key-1"), resolver=DidWebResolver(site(document)), now=NOW
    )
    assert not result.verified
    assert result.codes == {"INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"}


def test_relative_ids_and_embedded_methods(key: KeyPair) -> None:
    method = {
        "id": "#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": key.public_multikey,
    }
    document = {"id": DID, "assertionMethod": [method], "authentication": ["#key-1"]}
    resolved = DidWebResolver(site(document))(f"{DID}#key-1")
    assert isinstance(resolved, VerificationMethod)
    assert resolved.relationships == {"assertionMethod", "authentication"}
    assert resolved.public_key == key.public_key
    assert resolved.controller == DID
    assert api.verify(
        sign_as(key, f"{DID}#key-1"), resolver=DidWebResolver(site(document)), now=NOW
    )


def test_the_spec_jws2020_document() -> None:
    """The spec's example DID document: JsonWebKey2020 keys and their relationships."""
    resolver = DidWebResolver(site(SPEC_DOCUMENT))
    ed25519 = resolver("did:web:example.com#key-0")
    assert isinstance(ed25519, VerificationMethod)
    assert ed25519.public_key.key_type == "Ed25519"
    assert ed25519.relationships == {"authentication", "assertionMethod"}
    p256 = resolver("did:web:example.com#key-2")
    assert isinstance(p256, VerificationMethod)
    assert p256.public_key.key_type == "P-256"
    assert p256.relationships == {"authentication", "assertionMethod", "keyAgreement"}
    x25519 = resolver("did:web:example.com#key-1")  # a key-agreement key cannot sign
    assert isinstance(x25519, ResolutionFailure)
    assert x25519.code == "INVALID_PUBLIC_KEY"


def test_json_web_key_signs_and_verifies() -> None:
    p256 = KeyPair.generate("P-256")
    method = {"id": f"{DID}#jwk", "type": "JsonWebKey", "controller": DID}
    document = {
        "id": DID,
        "verificationMethod": [{**method, "publicKeyJwk": p256.public_key.to_jwk()}],
        "assertionMethod": [f"{DID}#jwk"],
    }
    signed = api.sign(
        credential(DID),
        key=signer_for(p256, f"{DID}#jwk"),
        cryptosuite="ecdsa-rdfc-2019",
        created=CREATED,
    )
    assert api.verify(signed, resolver=DidWebResolver(site(document)), now=NOW)


def test_issuer_must_be_the_did(key: KeyPair) -> None:
    signed = sign_as(key, f"{DID}#key-1", issuer="did:web:other.example")
    result = api.verify(
        signed, resolver=DidWebResolver(site(did_web_document(DID, key.public_key))), now=NOW
    )
    assert result.codes == {"ISSUER_MISMATCH"}


def failure(resolver: DidWebResolver, url: str = f"{DID}#key-1") -> str:
    result = resolver(url)
    assert isinstance(result, ResolutionFailure), result
    return result.code


def test_document_id_mismatch_fails(key: KeyPair) -> None:
    document = did_web_document("did:web:elsewhere.example", key.public_key)
    assert (
        failure(DidWebResolver(serve(DID, json.dumps(document).encode()))) == "INVALID_DID_DOCUMENT"
    )
    signed = sign_as(key, f"{DID}#key-1")
    result = api.verify(
        signed, resolver=DidWebResolver(serve(DID, json.dumps(document).encode())), now=NOW
    )
    assert not result.verified
    assert result.codes == {"INVALID_DID_DOCUMENT"}


def test_fetch_raising_is_a_failure_not_an_exception(key: KeyPair) -> None:
    def offline(url: str) -> bytes:
        raise OSError(f"no route to {url}")

    assert failure(DidWebResolver(offline)) == "NOT_FOUND"
    result = api.verify(sign_as(key, f"{DID}#key-1"), resolver=DidWebResolver(offline), now=NOW)
    assert not result.verified
    assert result.codes == {"NOT_FOUND"}
    assert "no route to https://issuer.example/.well-known/did.json" in result.problems[0].message


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not found</html>",
        b"[]",
        b'{"id": "did:web:issuer.example", "x": NaN}',
        b"[" * 100_000,
        b"\xff\xfe\x00",
    ],
)
def test_unusable_documents(body: bytes) -> None:
    assert failure(DidWebResolver(serve(DID, body))) == "INVALID_DID_DOCUMENT"


def test_fetch_must_return_bytes(key: KeyPair) -> None:
    text = json.dumps(did_web_document(DID, key.public_key))
    assert failure(DidWebResolver(lambda url: text)) == "INVALID_DID_DOCUMENT"  # type: ignore[arg-type,return-value]


def test_size_limit(key: KeyPair) -> None:
    body = json.dumps(did_web_document(DID, key.public_key)).encode()
    assert isinstance(DidWebResolver(serve(DID, body))(f"{DID}#key-1"), VerificationMethod)
    limited = DidWebResolver(serve(DID, body), max_document_bytes=len(body) - 1)
    assert failure(limited) == "INVALID_DID_DOCUMENT"


@pytest.mark.parametrize(
    "secret",
    [
        {"secretKeyMultibase": "z3u2..."},
        {"privateKeyJwk": {"kty": "OKP"}},
        {"publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}},
    ],
)
def test_a_published_secret_key_is_refused(key: KeyPair, secret: dict[str, Any]) -> None:
    document = did_web_document(DID, key.public_key)
    other = {"id": f"{DID}#leak", "type": "Multikey", "controller": DID, **secret}
    document["verificationMethod"].append(other)
    assert failure(DidWebResolver(site(document))) == "INVALID_DID_DOCUMENT"


def test_method_lookup_failures(key: KeyPair) -> None:
    document = did_web_document(DID, key.public_key)
    resolver = DidWebResolver(site(document))
    assert failure(resolver, f"{DID}#key-2") == "INVALID_VERIFICATION_METHOD"
    assert failure(resolver, DID) == "INVALID_VERIFICATION_METHOD_URL"
    assert failure(resolver, f"{DID}/path#key-1") == "INVALID_VERIFICATION_METHOD_URL"
    assert failure(resolver, "did:web:1.2.3.4#key-1") == "INVALID_DID"
    assert failure(resolver, f"{key.did}#{key.public_multikey}") == "METHOD_NOT_SUPPORTED"
    assert failure(resolver, "https://issuer.example/keys/1") == "METHOD_NOT_SUPPORTED"
    assert failure(resolver, 42) == "INVALID_VERIFICATION_METHOD_URL"  # type: ignore[arg-type]


def test_controller_type_and_duplicates(key: KeyPair) -> None:
    def with_method(**changes: Any) -> DidWebResolver:
        document = did_web_document(DID, key.public_key)
        document["verificationMethod"][0].update(changes)
        return DidWebResolver(site(document))

    assert failure(with_method(controller="did:web:other.example")) == "INVALID_VERIFICATION_METHOD"
    assert failure(with_method(type="Ed25519VerificationKey2020")) == "INVALID_PUBLIC_KEY"
    assert failure(with_method(publicKeyMultibase="z6Mk")) == "INVALID_PUBLIC_KEY"
    other = KeyPair.generate("Ed25519").public_multikey
    document = did_web_document(DID, key.public_key)
    document["assertionMethod"] = [
        {**document["verificationMethod"][0], "publicKeyMultibase": other}
    ]
    assert failure(DidWebResolver(site(document))) == "INVALID_DID_DOCUMENT"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_MEMBERS = st.sampled_from(
    [
        "id",
        "type",
        "controller",
        "publicKeyMultibase",
        "publicKeyJwk",
        "verificationMethod",
        "assertionMethod",
        "authentication",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_MEMBERS, _JSON | st.just(DID) | st.just("#key-1"), max_size=6))
def test_any_document_gives_a_result(document: dict[str, Any]) -> None:
    document.setdefault("id", DID)
    result = DidWebResolver(serve(DID, json.dumps(document).encode()))(f"{DID}#key-1")
    assert isinstance(result, (VerificationMethod, ResolutionFailure))


def test_did_web_document_and_signer_for_refuse_misuse(key: KeyPair) -> None:
    with pytest.raises(InvalidDidError):
        did_web_document("did:web:1.2.3.4", key.public_key)
    with pytest.raises(InvalidOptionError):
        did_web_document(DID, key.public_key, relationships=["assertion"])
    with pytest.raises(InvalidKeyError):
        did_web_document(DID, key)  # type: ignore[arg-type]
    with pytest.raises(InvalidOptionError):
        signer_for(key, DID)
    signer = signer_for(key, f"{DID}#key-1")
    assert (signer.key_type, signer.verification_method) == ("Ed25519", f"{DID}#key-1")
    assert key.public_key.verify(signer.sign(b"data"), b"data")
