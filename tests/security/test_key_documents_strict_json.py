"""Key documents fetched for verification (https controller documents, did:web documents,
JWT VC Issuer Metadata) are read strictly: a duplicate member, whose value depends on which
JSON reader looks, never decides a key; NaN and oversize documents are refused too."""

from __future__ import annotations

import json

import pytest

from microcred import DidWebResolver, HttpsControllerResolver, JwtVcIssuerResolver, KeyPair
from microcred.keys.did_key import ResolutionFailure
from microcred.keys.did_web import did_web_document, did_web_to_url
from microcred.keys.jwt_vc_issuer import metadata_url

REAL, OTHER = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")
DID = "did:web:issuer.example"


def _duplicated(document: dict[str, object], key: str, forged: object) -> bytes:
    """`document` as JSON text whose member `key` appears twice: forged first, then real."""
    text = json.dumps(document)
    inner = json.dumps({key: forged})[1:-1]
    return ("{" + inner + ", " + text[1:]).encode()


def _did_document(key: KeyPair) -> dict[str, object]:
    return did_web_document(DID, key.public_key)


@pytest.mark.parametrize("member", ["verificationMethod", "id", "assertionMethod"])
def test_a_did_web_document_with_a_duplicate_member_resolves_no_key(member: str) -> None:
    real, forged = _did_document(REAL), _did_document(OTHER)
    served = {did_web_to_url(DID): _duplicated(real, member, forged[member])}
    found = DidWebResolver(served.__getitem__)(f"{DID}#key-1")
    assert isinstance(found, ResolutionFailure) and "duplicate" in found.message


def test_an_https_controller_document_with_a_duplicate_member_resolves_no_key() -> None:
    url = "https://issuer.example/keys"
    document = {
        "id": url,
        "verificationMethod": [
            {
                "id": f"{url}#k",
                "type": "Multikey",
                "controller": url,
                "publicKeyMultibase": REAL.public_multikey,
            }
        ],
        "assertionMethod": [f"{url}#k"],
    }
    forged = [{**document["verificationMethod"][0], "publicKeyMultibase": OTHER.public_multikey}]  # type: ignore[index]
    served = {url: _duplicated(document, "verificationMethod", forged)}
    found = HttpsControllerResolver(served.__getitem__)(f"{url}#k")
    assert isinstance(found, ResolutionFailure) and "duplicate" in found.message


def test_jwt_vc_issuer_metadata_with_a_duplicate_member_resolves_no_key() -> None:
    issuer = "https://issuer.example"
    metadata = {"issuer": issuer, "jwks": {"keys": [{**REAL.public_key.to_jwk(), "kid": "k"}]}}
    forged = {"keys": [{**OTHER.public_key.to_jwk(), "kid": "k"}]}
    served = {metadata_url(issuer): _duplicated(metadata, "jwks", forged)}
    found = JwtVcIssuerResolver(served.__getitem__)(f"{issuer}#k")
    assert isinstance(found, ResolutionFailure) and "duplicate" in found.message


@pytest.mark.parametrize("text", [b'{"issuer": NaN}', b"[" * 100_000, b"{" + b" " * 300_000 + b"}"])
def test_hostile_metadata_is_a_failure_never_an_exception(text: bytes) -> None:
    issuer = "https://issuer.example"
    found = JwtVcIssuerResolver({metadata_url(issuer): text}.__getitem__)(f"{issuer}#k")
    assert isinstance(found, ResolutionFailure)
