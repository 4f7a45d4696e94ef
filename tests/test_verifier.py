"""The Verifier: settings given once, then credentials, sealed EDCs and presentations verified
with them, with caches kept across calls — and the same results as `verify()`."""

from __future__ import annotations

import copy
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred import (
    SECURING_MECHANISMS,
    KeyPair,
    MicroCredential,
    SecuringMechanism,
    StatusList,
    Verifier,
    issue,
    present,
    sign,
    status_entry,
    status_list_credential,
    verify,
    verify_presentation,
)
from microcred.bindings.edc import EDCIssuer, issue_edc
from microcred.errors import InvalidOptionError
from microcred.result import Check, CheckStatus, VerificationResult
from microcred.status.cache import StatusListCache
from tests.jades.jades_pki import university_seal

ROOT = Path(__file__).resolve().parents[1]
DEMO = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
URL = "https://issuer.example/status/1"
SIGNED_AT = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEY = KeyPair.generate("Ed25519")


class Lists:
    """A status list loader that counts its loads."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents, self.calls = documents, 0

    def __call__(self, url: str) -> Any:
        self.calls += 1
        return self.documents[url]


def revocations(*indexes: int, key: KeyPair = KEY, **options: Any) -> dict[str, Any]:
    """The revocation list at URL with `indexes` set, issued and signed by `key`."""
    bits = StatusList()
    for index in indexes:
        bits.set(index)
    unsigned = status_list_credential(bits, id=URL, issuer=key.did, purpose="revocation", **options)
    return sign(unsigned, key=key, created=SIGNED_AT)


@pytest.fixture(scope="module")
def credentials() -> list[dict[str, Any]]:
    """1,000 credentials of one issuer, each with its own status index; 7 and 11 revoked."""
    first = issue(
        DEMO, key=KEY, status=status_entry(URL, 0, purpose="revocation"), created=SIGNED_AT
    )
    found = [first]
    for index in range(1, 1000):
        vc = {k: v for k, v in first.items() if k != "proof"}
        vc["id"] = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        vc["credentialStatus"] = status_entry(URL, index, purpose="revocation")
        found.append(sign(vc, key=KEY, created=SIGNED_AT))
    return found


def test_one_verifier_verifies_a_thousand_credentials_loading_the_list_once(
    credentials: list[dict[str, Any]],
) -> None:
    lists = Lists({URL: revocations(7, 11)})
    verifier = Verifier(status_loader=lists)
    results = [verifier.verify(vc, now=NOW) for vc in credentials]
    assert [i for i, r in enumerate(results) if not r.verified] == [7, 11]
    assert {c for r in results if not r.verified for c in r.codes} == {"CREDENTIAL_REVOKED"}
    assert lists.calls == 1  # kept within its ttl across 1,000 calls


def test_a_verifier_verifies_a_sealed_edc_and_a_presentation() -> None:
    seal_key = ec.generate_private_key(ec.SECP256R1())
    certificate = university_seal(seal_key, SIGNED_AT)
    edc = issue_edc(
        MicroCredential.parse(DEMO),
        issuer=EDCIssuer("VATIE-0000000Z", "IE"),
        key=seal_key,
        certificate_chain=[certificate],
        signing_time=SIGNED_AT,
    )
    verifier = Verifier(trust_anchors=[certificate])
    sealed = verifier.verify(edc, now=NOW)
    assert sealed.verified, sealed.to_dict()
    assert sealed.to_dict() == verify(edc, trust_anchors=[certificate], now=NOW).to_dict()
    holder = KeyPair.generate("P-256")
    vc = issue(DEMO, key=KEY, created=SIGNED_AT)
    vp = present(
        [vc], key=holder, challenge="c-1", created=SIGNED_AT, cryptosuite="ecdsa-rdfc-2019"
    )
    presented = verifier.verify_presentation(vp, challenge="c-1", now=NOW)
    assert presented.verified, presented.to_dict()
    assert presented.to_dict() == verify_presentation(vp, challenge="c-1", now=NOW).to_dict()
    assert not verifier.verify_presentation(vp, challenge="c-2", now=NOW).verified


SHARED = Verifier(status_loader=Lists({URL: revocations(3)}))


@st.composite
def tampered(draw: st.DrawFn, credentials: list[dict[str, Any]]) -> dict[str, Any]:
    """One of the issued credentials, as issued or with one JSON leaf or key changed."""
    vc = copy.deepcopy(draw(st.sampled_from(credentials[:8])))
    kind = draw(st.sampled_from(["as issued", "leaf", "removed", "status"]))
    if kind == "leaf":
        vc["credentialSubject"]["givenName"] = {"en": draw(st.text(max_size=5))}
    elif kind == "removed":
        del vc[draw(st.sampled_from(sorted(k for k in vc if k != "@context")))]
    elif kind == "status":
        vc["credentialStatus"]["statusListIndex"] = str(draw(st.integers(0, 5)))
    return vc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_shared_verifier_gives_what_verify_gives(
    data: st.DataObject, credentials: list[dict[str, Any]]
) -> None:
    document = data.draw(tampered(credentials))
    fresh = verify(document, status_loader=Lists({URL: revocations(3)}), now=NOW)
    assert SHARED.verify(document, now=NOW).to_dict() == fresh.to_dict()


def test_threads_sharing_a_verifier_get_what_one_thread_gets(
    credentials: list[dict[str, Any]],
) -> None:
    verifier = Verifier(status_loader=Lists({URL: revocations(5)}))
    sample = credentials[:40]
    alone = [verifier.verify(vc, now=NOW).to_dict() for vc in sample]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda vc: verifier.verify(vc, now=NOW).to_dict(), sample))
    assert together == alone


def test_a_verifier_is_immutable() -> None:
    verifier = Verifier()
    with pytest.raises(AttributeError):
        verifier.profile = "eu-microcredential"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "options",
    [
        {"profile": "lenient"},
        {"status_policy": "lenient"},
        {"status_authorities": "did:example:registry"},
        {"max_clock_skew": timedelta(minutes=-1)},
    ],
)
def test_unusable_settings_are_refused_once_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidOptionError):
        Verifier(**options)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(InvalidOptionError):
        Verifier().verify({}, now=datetime(2026, 1, 1))


def test_a_cached_list_is_still_verified_at_each_call(credentials: list[dict[str, Any]]) -> None:
    """A list kept by the cache that has since expired is indeterminate, not trusted."""
    lists = Lists({URL: revocations(valid_until=datetime(2026, 7, 1, tzinfo=UTC))})
    verifier = Verifier(status_loader=lists)
    assert verifier.verify(credentials[0], now=NOW).verified
    later = verifier.verify(credentials[0], now=datetime(2026, 8, 1, tzinfo=UTC))
    assert later.checks["status"].status == "indeterminate"


def test_the_status_cache_keeps_a_list_for_its_ttl_and_never_past_valid_until() -> None:
    clock = [0.0]
    lists = Lists(
        {
            URL: revocations(ttl=60_000),
            "https://issuer.example/status/2": {"validUntil": "2026-06-01T00:00:30Z"},
        }
    )
    cache = StatusListCache(
        lists, clock=lambda: clock[0], wall_clock=lambda: datetime(2026, 6, 1, tzinfo=UTC)
    )
    cache(URL)
    clock[0] = 59.0
    cache(URL)
    assert lists.calls == 1
    clock[0] = 61.0
    cache(URL)
    assert lists.calls == 2
    cache("https://issuer.example/status/2")
    clock[0] = 61.0 + 31.0
    cache("https://issuer.example/status/2")
    assert lists.calls == 4


def test_a_failed_load_is_not_kept() -> None:
    calls = []

    def flaky(url: str) -> Any:
        calls.append(url)
        raise OSError("offline")

    cache = StatusListCache(flaky)
    for _ in range(2):
        with pytest.raises(OSError):
            cache(URL)
    assert len(calls) == 2


def test_a_did_web_key_is_fetched_once_per_verifier() -> None:
    from microcred import DidWebResolver, did_web_document, signer_for

    did = "did:web:issuer.example"
    signer = signer_for(KEY, f"{did}#key-1")
    document = did_web_document(did, KEY.public_key)
    fetched = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return json.dumps(document).encode()

    vc = issue({**DEMO, "issuer": {**DEMO["issuer"], "id": did}}, key=signer, created=SIGNED_AT)
    verifier = Verifier(resolver=DidWebResolver(fetch))
    assert all(verifier.verify(vc, now=NOW).verified for _ in range(5))
    assert len(fetched) == 1


def test_text_goes_to_the_compact_jws_entry_and_fails_there_not_as_a_crash() -> None:
    jws = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.c2ln"  # payload {"iss": "did:key:z"}
    result = Verifier().verify(jws, now=NOW)
    assert not result.verified
    assert result.checks["structure"].status == CheckStatus.FAILED
    assert Verifier().verify("not a jws at all", now=NOW).codes == {"MALFORMED_JWS"}


def test_a_new_securing_mechanism_is_a_new_entry() -> None:
    """What the JWS issue will do: an entry ahead of the built-in ones, no dispatcher edit."""
    seen: list[Any] = []

    def verify_envelope(document: Any, call: Any) -> VerificationResult:
        seen.append((document, call.now))
        return VerificationResult.from_checks([Check.from_problems("envelope")], document)

    envelope = SecuringMechanism(
        "example-envelope", lambda d: isinstance(d, dict) and "envelope" in d, verify_envelope
    )
    verifier = Verifier(mechanisms=(envelope, *SECURING_MECHANISMS))
    assert verifier.verify({"envelope": "x"}, now=NOW).verified
    assert seen == [({"envelope": "x"}, NOW)]
    assert verifier.verify(issue(DEMO, key=KEY, created=SIGNED_AT), now=NOW).verified


def test_threads_do_not_share_a_call(credentials: list[dict[str, Any]]) -> None:
    """Each call has its own now and RDFC budget: calls at different moments in parallel
    threads each see their own moment."""
    verifier = Verifier(status_loader=Lists({URL: revocations()}))
    expired_at = datetime(2030, 1, 1, tzinfo=UTC)
    vc = issue({**DEMO, "validUntil": "2029-01-01T00:00:00Z"}, key=KEY, created=SIGNED_AT)
    barrier = threading.Barrier(2)

    def at(moment: datetime) -> bool:
        barrier.wait()
        return verifier.verify(vc, now=moment).verified

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(at, [NOW, expired_at])) == [True, False]
