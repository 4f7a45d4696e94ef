"""SD-JWT VC issuer keys from JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc §5) through
a fetch fixture: the well-known URL, `jwks` or `jwks_uri`, `kid` selection, and refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from microcred import JwtVcIssuerResolver, KeyPair, Verifier, chain_resolvers, resolve_offline
from microcred.jose.compact import payload_json, serialize_compact
from microcred.jose.disclosures import conceal
from microcred.keys.did_key import ResolutionFailure, VerificationMethod
from microcred.keys.jwt_vc_issuer import metadata_url

ISSUER = "https://issuer.example/tenant"
KEY = KeyPair.generate("P-256")


def _token(kid: str | None, key: KeyPair = KEY, iss: str = ISSUER) -> str:
    payload, disclosures = conceal(
        {"iss": iss, "vct": "https://credentials.example/degree", "grade": "Pass"}, [("grade",)]
    )
    header: dict[str, Any] = {"alg": "ES256", "typ": "dc+sd-jwt", **({"kid": kid} if kid else {})}
    jwt = serialize_compact(header, payload_json(payload), key.sign)
    return jwt + "~" + "".join(d.encoded + "~" for d in disclosures)


def _served(documents: dict[str, Any]) -> JwtVcIssuerResolver:
    def fetch(url: str) -> bytes:
        if url not in documents:
            raise LookupError(url)
        return json.dumps(documents[url]).encode()

    return JwtVcIssuerResolver(fetch)


def _jwk(key: KeyPair, kid: str) -> dict[str, str]:
    return {**key.public_key.to_jwk(), "kid": kid}


def test_the_well_known_url_goes_before_the_issuers_path() -> None:
    assert metadata_url(ISSUER) == "https://issuer.example/.well-known/jwt-vc-issuer/tenant"
    assert (
        metadata_url("https://issuer.example") == "https://issuer.example/.well-known/jwt-vc-issuer"
    )


@pytest.mark.parametrize("by_uri", [False, True])
def test_an_sd_jwt_vc_verifies_with_its_issuers_metadata(by_uri: bool) -> None:
    keys = {"keys": [_jwk(KeyPair.generate("P-256"), "old"), _jwk(KEY, "key-1")]}
    metadata: dict[str, Any] = {"issuer": ISSUER}
    documents: dict[str, Any] = {metadata_url(ISSUER): metadata}
    if by_uri:
        metadata["jwks_uri"] = "https://issuer.example/jwks.json"
        documents["https://issuer.example/jwks.json"] = keys
    else:
        metadata["jwks"] = keys
    verifier = Verifier(resolver=chain_resolvers(resolve_offline, _served(documents)))
    result = verifier.verify(_token("key-1"))
    assert result.verified, result.problems
    assert result.checks["issuer"].details["controllers"] == [ISSUER]
    assert not verifier.verify(_token("old")).verified  # the key that did not sign


@pytest.mark.parametrize(
    ("metadata", "url", "code"),
    [
        (
            {"issuer": "https://other.example", "jwks": {"keys": []}},
            ISSUER + "#key-1",
            "INVALID_DID_DOCUMENT",
        ),
        (
            {"issuer": ISSUER, "jwks": {"keys": [_jwk(KEY, "a")]}},
            ISSUER + "#key-1",
            "INVALID_VERIFICATION_METHOD",
        ),
        (
            {"issuer": ISSUER, "jwks": {"keys": [_jwk(KEY, "a"), _jwk(KEY, "b")]}},
            ISSUER,
            "INVALID_VERIFICATION_METHOD",
        ),
        (
            {"issuer": ISSUER, "jwks_uri": "http://issuer.example/k"},
            ISSUER + "#a",
            "INVALID_DID_DOCUMENT",
        ),
        ({"issuer": ISSUER}, ISSUER + "#a", "INVALID_DID_DOCUMENT"),
        (None, ISSUER + "#a", "NOT_FOUND"),
        (None, "http://issuer.example#a", "METHOD_NOT_SUPPORTED"),
    ],
)
def test_metadata_refusals(metadata: Any, url: str, code: str) -> None:
    documents = {metadata_url(ISSUER): metadata} if metadata is not None else {}
    failure = _served(documents)(url)
    assert isinstance(failure, ResolutionFailure) and failure.code == code


def test_a_token_without_kid_uses_the_only_key() -> None:
    documents = {metadata_url(ISSUER): {"issuer": ISSUER, "jwks": {"keys": [_jwk(KEY, "k")]}}}
    method = _served(documents)(ISSUER)
    assert isinstance(method, VerificationMethod) and method.public_key == KEY.public_key
    verifier = Verifier(resolver=chain_resolvers(resolve_offline, _served(documents)))
    assert verifier.verify(_token(None)).verified
