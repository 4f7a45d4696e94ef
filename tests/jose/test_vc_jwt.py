"""vc+jwt issue and verify: round trips, an independent JOSE library (joserfc) both ways,
claims that must agree with the credential, keys bound (or not) to the issuer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws as oracle
from joserfc.jwk import ECKey, OKPKey, RSAKey

from microcred import KeyPair, Verifier, did_jwk, issue, sign_jwt, verify
from microcred.keys.https_controller import HttpsControllerResolver
from microcred.keys.multibase import base64url_decode, base64url_encode
from microcred.keys.resolvers import chain_resolvers, resolve_offline
from microcred.result import CheckStatus, VerificationResult

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEYS = {kind: KeyPair.generate(kind) for kind in ("Ed25519", "P-256", "P-384")}
ALG = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}
SUITE = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}
# joserfc follows RFC 9864 in calling the polymorphic "EdDSA" deprecated; VC-JOSE-COSE and
# today's verifiers use it, so we sign with it and accept "Ed25519" too (docs/jose.md).
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _segments(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(base64url_decode(header)), json.loads(base64url_decode(payload))


def _verdicts(result: VerificationResult) -> dict[str, str]:
    return {name: check.status.value for name, check in result.checks.items() if name != "proof"}


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_issued_vc_jwt_verifies_with_the_same_verdicts_as_data_integrity(kind: str) -> None:
    key = KEYS[kind]
    token = issue(DEMO, key=key, format="vc+jwt")
    header, payload = _segments(token)
    assert header == {
        "alg": ALG[kind],
        "kid": key.verification_method,
        "typ": "vc+jwt",
        "cty": "vc",
    }
    assert payload["issuer"]["id"] == key.did and "proof" not in payload
    jwt_result = verify(token, now=NOW)
    signed_at = datetime(2026, 1, 1, tzinfo=UTC)
    di_result = verify(issue(DEMO, key=key, cryptosuite=SUITE[kind], created=signed_at), now=NOW)
    assert jwt_result.verified and di_result.verified
    assert _verdicts(jwt_result) == _verdicts(di_result)
    assert jwt_result.document == payload


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_an_independent_jose_library_verifies_ours(kind: str) -> None:
    key = KEYS[kind]
    token = issue(DEMO, key=key, format="vc+jwt")
    public = key.public_key.to_jwk()
    oracle_key = OKPKey.import_key(public) if kind == "Ed25519" else ECKey.import_key(public)
    checked = oracle.deserialize_compact(token, oracle_key, algorithms=[ALG[kind]])
    assert json.loads(checked.payload) == _segments(token)[1]


def _their_token(credential: dict[str, Any], key: Any, alg: str, kid: str) -> str:
    header = {"alg": alg, "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    return oracle.serialize_compact(header, json.dumps(credential), key, algorithms=[alg])


@pytest.mark.parametrize(
    ("alg", "make"),
    [
        ("EdDSA", lambda: OKPKey.generate_key("Ed25519")),
        ("ES256", lambda: ECKey.generate_key("P-256")),
        ("ES384", lambda: ECKey.generate_key("P-384")),
        ("RS256", lambda: RSAKey.generate_key(2048)),
        ("PS256", lambda: RSAKey.generate_key(2048)),
    ],
)
def test_ours_verifies_an_independent_jose_librarys_tokens(alg: str, make: Any) -> None:
    their_key = make()
    issuer = "did:jwk:" + base64url_encode(json.dumps(their_key.as_dict(private=False)).encode())
    credential = {**_credential(), "issuer": issuer}
    token = _their_token(credential, their_key, alg, issuer + "#0")
    result = verify(token, now=NOW)
    assert result.verified, result.problems
    forged = token.rsplit(".", 1)[0] + "." + base64url_encode(b"\0" * 64)
    assert not verify(forged, now=NOW).verified


def _credential(**changes: Any) -> dict[str, Any]:
    base = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b4d3c1e-3c1e-4d0b-8c1e-0b4d3c1e3c1e",
        "type": ["VerifiableCredential"],
        "issuer": KEYS["Ed25519"].did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ana"},
    }
    return {**base, **changes}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_changing_any_signed_value_fails(data: st.DataObject) -> None:
    token = sign_jwt(_credential(), key=KEYS["Ed25519"])
    header, payload, signature = token.split(".")
    claims = json.loads(base64url_decode(payload))
    name = data.draw(st.sampled_from(sorted(claims)))
    claims[name] = data.draw(st.one_of(st.text(max_size=5), st.integers(), st.none()))
    forged = f"{header}.{base64url_encode(json.dumps(claims).encode())}.{signature}"
    result = verify(forged, now=NOW)
    assert not result.verified
    assert result.checks["proof"].status == CheckStatus.FAILED or (
        result.checks["structure"].status == CheckStatus.FAILED
    )


@pytest.mark.parametrize(
    ("claims", "code", "path"),
    [
        ({"iss": "did:example:someone-else"}, "JWT_CLAIM_MISMATCH", ("iss",)),
        ({"jti": "urn:uuid:another"}, "JWT_CLAIM_MISMATCH", ("jti",)),
        ({"sub": "did:example:another"}, "JWT_CLAIM_MISMATCH", ("sub",)),
        ({"exp": 1_700_000_000}, "CREDENTIAL_EXPIRED", ("exp",)),
        ({"nbf": 4_000_000_000}, "CREDENTIAL_NOT_YET_VALID", ("nbf",)),
        ({"exp": "tomorrow"}, "MALFORMED_VALUE_ERROR", ("exp",)),
    ],
)
def test_claims_that_disagree_with_the_credential_fail(
    claims: dict[str, Any], code: str, path: tuple[str, ...]
) -> None:
    result = verify(sign_jwt(_credential(), key=KEYS["Ed25519"], claims=claims), now=NOW)
    assert not result.verified
    assert (code, path) in {(p.code, p.path) for p in result.problems}


def test_agreeing_claims_pass() -> None:
    claims = {"iss": KEYS["Ed25519"].did, "sub": "did:example:learner", "iat": 1_767_225_600}
    assert verify(sign_jwt(_credential(), key=KEYS["Ed25519"], claims=claims), now=NOW).verified


def _jwk_token(key: KeyPair, credential: dict[str, Any]) -> str:
    """A token that carries its own key in a `jwk` header and names none with `kid`."""
    header = {"alg": "EdDSA", "jwk": key.public_key.to_jwk(), "typ": "vc+jwt"}
    encoded = (
        base64url_encode(json.dumps(header).encode())
        + "."
        + base64url_encode(json.dumps(credential).encode())
    )
    return encoded + "." + base64url_encode(key.sign(encoded.encode()))


def test_a_self_asserted_jwk_proves_nothing_about_the_issuer() -> None:
    attacker = KeyPair.generate("Ed25519")
    token = _jwk_token(attacker, _credential(issuer="https://university.example/issuer"))
    result = verify(token, now=NOW)
    assert result.checks["proof"].status == CheckStatus.PASSED  # the bytes are signed...
    assert not result.verified  # ...by a key nothing ties to the university
    assert "ISSUER_KEY_UNBOUND" in result.codes


def test_a_jwk_is_bound_by_did_jwk_or_by_the_issuers_own_document() -> None:
    key = KeyPair.generate("Ed25519")
    assert verify(_jwk_token(key, _credential(issuer=did_jwk(key.public_key))), now=NOW).verified
    profile = "https://university.example/issuer"
    document = {
        "id": profile,
        "verificationMethod": [
            {
                "id": profile + "#key-1",
                "type": "JsonWebKey",
                "controller": profile,
                "publicKeyJwk": key.public_key.to_jwk(),
            }
        ],
        "assertionMethod": ["#key-1"],
    }
    resolver = chain_resolvers(
        resolve_offline, HttpsControllerResolver(lambda url: json.dumps(document).encode())
    )
    verifier = Verifier(resolver=resolver)
    assert verifier.verify(_jwk_token(key, _credential(issuer=profile)), now=NOW).verified
    named = sign_jwt(_credential(issuer=profile), key=_named(key, profile + "#key-1"))
    assert verifier.verify(named, now=NOW).verified
    other = KeyPair.generate("Ed25519")
    assert not verifier.verify(_jwk_token(other, _credential(issuer=profile)), now=NOW).verified


def _named(key: KeyPair, method: str) -> Any:
    from microcred import signer_for

    return signer_for(key, method)


def test_a_key_named_by_another_controller_is_an_issuer_mismatch() -> None:
    token = sign_jwt(_credential(issuer="did:example:university"), key=KEYS["Ed25519"])
    result = verify(token, now=NOW)
    assert result.checks["proof"].status == CheckStatus.PASSED
    assert "ISSUER_MISMATCH" in result.codes and not result.verified


@pytest.mark.parametrize("typ", ["vp+jwt", "kb+jwt", "dc+sd-jwt", "statuslist+jwt", 7])
def test_other_kinds_of_token_never_pass_as_a_credential(typ: Any) -> None:
    key = KEYS["Ed25519"]
    header = {"alg": "EdDSA", "kid": key.verification_method, "typ": typ}
    encoded = (
        base64url_encode(json.dumps(header).encode())
        + "."
        + base64url_encode(json.dumps(_credential()).encode())
    )
    token = encoded + "." + base64url_encode(key.sign(encoded.encode()))
    result = verify(token, now=NOW)
    assert not result.verified
    assert ("MALFORMED_JWS", ("header", "typ")) in {(p.code, p.path) for p in result.problems}
