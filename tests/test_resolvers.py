"""microcred.keys.resolvers: the caching wrapper and the resolver chain (did:key + did:web)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from microcred import api
from microcred.errors import InvalidOptionError
from microcred.keys.did_key import ResolutionFailure, VerificationMethod, resolve_did_key
from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url, signer_for
from microcred.keys.keypair import KeyPair
from microcred.keys.resolvers import CachingResolver, chain_resolvers

DID = "did:web:issuer.example"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at


class CountingWeb:
    """An in-memory web that counts requests and can be switched off."""

    def __init__(self, *documents: dict[str, object]) -> None:
        self.pages = {did_web_to_url(str(d["id"])): json.dumps(d).encode() for d in documents}
        self.requests: list[str] = []
        self.down = False

    def __call__(self, url: str) -> bytes:
        self.requests.append(url)
        if self.down:
            raise ConnectionError("down")
        return self.pages[url]


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


def test_cache_fetches_once(key: KeyPair) -> None:
    web = CountingWeb(did_web_document(DID, key.public_key))
    resolver = CachingResolver(DidWebResolver(web))
    first, second = resolver(f"{DID}#key-1"), resolver(f"{DID}#key-1")
    assert isinstance(first, VerificationMethod)
    assert first is second
    assert len(web.requests) == 1
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "credentialSubject": {"name": "Ana"},
    }
    signed = api.sign(credential, key=signer_for(key, f"{DID}#key-1"), created=CREATED)
    assert all(api.verify(signed, resolver=resolver, now=NOW) for _ in range(3))
    assert len(web.requests) == 1


def test_failures_are_not_cached(key: KeyPair) -> None:
    web = CountingWeb(did_web_document(DID, key.public_key))
    resolver = CachingResolver(DidWebResolver(web))
    web.down = True
    assert isinstance(resolver(f"{DID}#key-1"), ResolutionFailure)
    web.down = False
    assert isinstance(resolver(f"{DID}#key-1"), VerificationMethod)
    assert len(web.requests) == 2


def test_least_recently_used_entries_go_first(key: KeyPair) -> None:
    calls: list[str] = []

    def counting(url: str) -> VerificationMethod | ResolutionFailure:
        calls.append(url)
        return resolve_did_key(url)

    keys = [KeyPair.generate("Ed25519").verification_method for _ in range(3)]
    resolver = CachingResolver(counting, max_entries=2)
    for i in (0, 1, 0, 2, 0, 1):  # asking for keys[2] evicts keys[1], used least recently
        resolver(keys[i])
    assert calls == [keys[0], keys[1], keys[2], keys[1]]
    resolver.clear()
    resolver(keys[0])
    assert calls[-1] == keys[0] and len(calls) == 5


def test_time_to_live(key: KeyPair) -> None:
    now = [0.0]
    web = CountingWeb(did_web_document(DID, key.public_key))
    resolver = CachingResolver(DidWebResolver(web), ttl=60, clock=lambda: now[0])
    resolver(f"{DID}#key-1")
    now[0] = 59.0
    resolver(f"{DID}#key-1")
    assert len(web.requests) == 1
    now[0] = 61.0
    resolver(f"{DID}#key-1")
    assert len(web.requests) == 2


def test_cache_passes_non_strings_through() -> None:
    resolver = CachingResolver(resolve_did_key)
    result = resolver(["not", "a", "url"])  # type: ignore[arg-type]
    assert isinstance(result, ResolutionFailure)
    assert result.code == "INVALID_VERIFICATION_METHOD_URL"


@pytest.mark.parametrize("options", [{"max_entries": 0}, {"ttl": 0}, {"ttl": -1.0}])
def test_cache_options(options: dict[str, float]) -> None:
    with pytest.raises(InvalidOptionError):
        CachingResolver(resolve_did_key, **options)  # type: ignore[arg-type]


def test_chain_handles_did_key_and_did_web(key: KeyPair) -> None:
    web = CountingWeb(did_web_document(DID, key.public_key))
    resolver = chain_resolvers(resolve_did_key, DidWebResolver(web))
    by_key = resolver(key.verification_method)
    by_web = resolver(f"{DID}#key-1")
    assert isinstance(by_key, VerificationMethod) and by_key.controller == key.did
    assert isinstance(by_web, VerificationMethod) and by_web.controller == DID
    assert by_key.public_key == by_web.public_key
    # the order does not matter: each resolver declines what it does not handle
    reversed_chain = chain_resolvers(DidWebResolver(web), resolve_did_key)
    assert isinstance(reversed_chain(key.verification_method), VerificationMethod)


def test_chain_stops_at_a_real_failure(key: KeyPair) -> None:
    web = CountingWeb(did_web_document(DID, key.public_key))
    answered: list[str] = []

    def fallback(url: str) -> VerificationMethod | ResolutionFailure:
        answered.append(url)
        return resolve_did_key(url)

    resolver = chain_resolvers(DidWebResolver(web), fallback)
    missing = resolver(f"{DID}#key-9")
    assert isinstance(missing, ResolutionFailure)
    assert missing.code == "INVALID_VERIFICATION_METHOD"
    assert answered == []
    unknown = resolver("did:example:123#key")
    assert isinstance(unknown, ResolutionFailure)
    assert unknown.code == "METHOD_NOT_SUPPORTED"
    assert answered == ["did:example:123#key"]


def test_chain_needs_callables() -> None:
    with pytest.raises(InvalidOptionError):
        chain_resolvers()
    with pytest.raises(InvalidOptionError):
        chain_resolvers("did:key")  # type: ignore[arg-type]
