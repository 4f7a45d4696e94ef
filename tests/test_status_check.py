"""Status in verify(): BSL §3.2 Validate Algorithm with a tri-state verdict per entry.

Every indeterminate cause has its code and leaves `verified` false under the default policy;
"allow-indeterminate" turns only those into warnings, never a revocation.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import random
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.errors import InvalidOptionError, StatusRetrievalError
from microcred.jsonld.loader import DocumentLoader
from microcred.keys.keypair import KeyPair
from microcred.result import Check, CheckStatus, VerificationResult
from microcred.status.bitstring import MIN_ENTRIES, IndexAllocator, StatusList
from microcred.status.check import (
    EntryStatus,
    StatusVerdict,
    check_status,
    status_dir_loader,
    status_file_name,
)
from microcred.status.credential import status_entry, status_list_credential

V2 = "https://www.w3.org/ns/credentials/v2"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = NOW - timedelta(hours=1)  # proofs are made before the moment they are verified at
URL = "https://issuer.example/status/1"
SUSPENSIONS = "https://issuer.example/status/2"


class Lists:
    """A StatusListLoader over a dict that counts how often each URL is loaded."""

    def __init__(self) -> None:
        self.lists: dict[str, Any] = {}
        self.calls: Counter[str] = Counter()

    def __call__(self, url: str) -> Any:
        self.calls[url] += 1
        return self.lists[url]


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


def credential(key: KeyPair, status: Any, number: int = 0) -> dict[str, Any]:
    return api.sign(
        {
            "@context": [V2],
            "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
            "type": ["VerifiableCredential"],
            "issuer": key.did,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:learner", "name": "Ana"},
            "credentialStatus": status,
        },
        key=key,
        created=CREATED,
    )


def status_list(
    key: KeyPair, bits: StatusList, url: str = URL, purpose: Any = "revocation", **changes: Any
) -> dict[str, Any]:
    unsigned = status_list_credential(
        bits, id=url, issuer=key.did, purpose=purpose, valid_from=datetime(2026, 1, 1, tzinfo=UTC)
    )
    unsigned.update(changes)
    return api.sign(unsigned, key=key, created=CREATED)


def verify(document: Any, lists: Any = None, **options: Any) -> VerificationResult:
    return api.verify(document, now=NOW, status_loader=lists, **options)


def entries(result: VerificationResult) -> list[EntryStatus]:
    return list(result.checks["status"].details["entries"])


# --- the W3C Recommendation's signed examples -------------------------------------------


def _example(reference: Path, name: str) -> dict[str, Any]:
    path = reference / "vectors" / "spec-examples" / name
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_rec_example_a2_reads_index_94567_as_not_revoked(suite: str, reference_dir: Path) -> None:
    a1 = _example(reference_dir, f"bsl-A1-revocable-vc-{suite}.json")
    a2 = _example(reference_dir, f"bsl-A2-status-list-vc-{suite}.json")
    assert a1["credentialStatus"]["statusListIndex"] == "94567"
    bits = StatusList.decode(a2["credentialSubject"]["encodedList"])
    assert bits.length >= MIN_ENTRIES
    assert bits.get(94567) == 0


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_rec_examples_are_not_authentic_so_no_list_is_fetched(
    suite: str, reference_dir: Path, reference_loader: DocumentLoader
) -> None:
    """did:example issuer, did:key signer: the issuer binding fails as for every REC example,
    so the credential's status is never read and its list never loaded."""
    a1 = _example(reference_dir, f"bsl-A1-revocable-vc-{suite}.json")
    a2 = _example(reference_dir, f"bsl-A2-status-list-vc-{suite}.json")
    lists = Lists()
    lists.lists[a2["id"]] = a2
    result = verify(a1, lists, loader=reference_loader)
    assert result.checks["proof"].status == CheckStatus.PASSED
    assert result.codes == {"ISSUER_MISMATCH"}
    assert result.checks["status"].status == CheckStatus.SKIPPED
    assert lists.calls == {}


# --- round trip ---------------------------------------------------------------------------


def test_thousand_credentials_ten_revoked(key: KeyPair) -> None:
    allocator = IndexAllocator()
    issued = [
        credential(key, status_entry(URL, allocator.allocate(), purpose="revocation"), n)
        for n in range(1000)
    ]
    revoked = set(random.sample(range(1000), 10))
    bits = StatusList()
    for n in revoked:
        bits.set(int(issued[n]["credentialStatus"]["statusListIndex"]))
    lists = Lists()
    lists.lists[URL] = status_list(key, bits)
    verdicts = [verify(vc, lists) for vc in issued]
    assert {n for n, r in enumerate(verdicts) if not r.verified} == revoked
    for n in revoked:
        assert verdicts[n].codes == {"CREDENTIAL_REVOKED"}
        assert entries(verdicts[n])[0].verdict == StatusVerdict.REVOKED
    assert lists.calls[URL] == 1000  # once per verify() call


def test_a_suspended_credential_set_back_is_ok(key: KeyPair) -> None:
    vc = credential(key, status_entry(SUSPENSIONS, 77, purpose="suspension"))
    bits = StatusList()
    bits.set(77)
    lists = Lists()
    lists.lists[SUSPENSIONS] = status_list(key, bits, SUSPENSIONS, "suspension")
    suspended = verify(vc, lists)
    assert not suspended.verified
    assert suspended.codes == {"CREDENTIAL_SUSPENDED"}
    assert entries(suspended)[0].verdict == StatusVerdict.SUSPENDED
    bits.clear(77)
    lists.lists[SUSPENSIONS] = status_list(key, bits, SUSPENSIONS, "suspension")
    assert verify(vc, lists).verified


def test_several_entries_each_list_loaded_once(key: KeyPair) -> None:
    vc = credential(
        key,
        [
            status_entry(URL, 5, purpose="revocation"),
            status_entry(SUSPENSIONS, 6, purpose="suspension"),
            status_entry(URL, 7, purpose="suspension"),
        ],
    )
    bits = StatusList()
    bits.set(7)
    lists = Lists()
    lists.lists[URL] = status_list(key, bits, URL, ["revocation", "suspension"])
    lists.lists[SUSPENSIONS] = status_list(key, StatusList(), SUSPENSIONS, "suspension")
    result = verify(vc, lists)
    assert [e.verdict for e in entries(result)] == [
        StatusVerdict.OK,
        StatusVerdict.OK,
        StatusVerdict.SUSPENDED,
    ]
    assert [p.path for p in result.problems] == [("credentialStatus", 2)]
    assert lists.calls == {URL: 1, SUSPENSIONS: 1}


def test_status_messages(key: KeyPair) -> None:
    messages = ["pending_review", "accepted", "rejected", "undefined"]
    vc = credential(key, status_entry(URL, 9, purpose="message", status_size=2, messages=messages))
    bits = StatusList(status_size=2)
    lists = Lists()
    lists.lists[URL] = status_list(key, bits, purpose="message")
    pending = verify(vc, lists)
    assert pending.checks["status"].status == CheckStatus.PASSED
    assert entries(pending)[0].message == "pending_review"
    bits.set(9, 2)
    lists.lists[URL] = status_list(key, bits, purpose="message")
    rejected = verify(vc, lists)
    assert rejected.verified  # a message informs; only revocation and suspension invalidate
    assert rejected.checks["status"].status == CheckStatus.WARNING
    assert [w.code for w in rejected.warnings] == ["STATUS_MESSAGE"]
    entry = entries(rejected)[0]
    assert (entry.verdict, entry.status, entry.message) == (StatusVerdict.MESSAGE, 2, "rejected")


def test_no_credential_status_is_skipped(key: KeyPair) -> None:
    document = credential(key, [])
    assert verify(document).checks["status"].status == CheckStatus.SKIPPED


# --- indeterminate (a list not fetched or verified) or invalid (unreadable), each with its code


def _tampered(document: dict[str, Any]) -> dict[str, Any]:
    """The signed list with index 1 revoked afterwards: a forgery that would revoke."""
    changed = copy.deepcopy(document)
    bits = StatusList()
    bits.set(1)
    changed["credentialSubject"]["encodedList"] = bits.encode()
    return changed


def _cases(key: KeyPair, other: KeyPair) -> dict[str, tuple[Any, Any, str]]:
    """name → (credentialStatus value, loader, expected code)."""
    entry = status_entry(URL, 1, purpose="revocation")
    good = status_list(key, StatusList())
    short = status_list(key, StatusList(MIN_ENTRIES // 2, min_entries=8))

    def serve(document: Any) -> Any:
        return {URL: document}.__getitem__

    def refuse(url: str) -> Any:
        raise OSError(f"HTTP 500 for {url}")

    malformed = status_list(
        key,
        StatusList(),
        credentialSubject={**good["credentialSubject"], "encodedList": "zNotBase64url"},
    )
    unsigned = {k: v for k, v in good.items() if k != "proof"}
    return {
        "no loader": (entry, None, "STATUS_RETRIEVAL_ERROR"),
        "loader raises": (entry, refuse, "STATUS_RETRIEVAL_ERROR"),
        "loader lacks the url": (entry, {}.__getitem__, "STATUS_RETRIEVAL_ERROR"),
        "loader returns no object": (entry, lambda url: "[]", "STATUS_RETRIEVAL_ERROR"),
        "bad proof": (entry, serve(_tampered(good)), "STATUS_VERIFICATION_ERROR"),
        "unsigned list": (entry, serve(unsigned), "STATUS_VERIFICATION_ERROR"),
        "expired list": (
            entry,
            serve(status_list(key, StatusList(), validUntil="2026-02-01T00:00:00Z")),
            "STATUS_VERIFICATION_ERROR",
        ),
        "signed by another key": (
            entry,
            serve(status_list(other, StatusList())),
            "STATUS_VERIFICATION_ERROR",
        ),
        "not a status list": (
            entry,
            serve(status_list(key, StatusList(), type=["VerifiableCredential"])),
            "STATUS_VERIFICATION_ERROR",
        ),
        "another list's id": (
            entry,
            serve(status_list(key, StatusList(), SUSPENSIONS)),
            "STATUS_VERIFICATION_ERROR",
        ),
        "purpose mismatch": (
            entry,
            serve(status_list(key, StatusList(), purpose="suspension")),
            "STATUS_VERIFICATION_ERROR",
        ),
        "list too short": (entry, serve(short), "STATUS_LIST_LENGTH_ERROR"),
        "index out of range": (
            status_entry(URL, MIN_ENTRIES, purpose="revocation"),
            serve(good),
            "RANGE_ERROR",
        ),
        "index beyond any list": (
            {**entry, "statusListIndex": "9" * 40},
            serve(good),
            "RANGE_ERROR",
        ),
        "malformed encodedList": (entry, serve(malformed), "MALFORMED_VALUE_ERROR"),
        "index neither a string nor an integer": (
            {**entry, "statusListIndex": 1.0},
            serve(good),
            "MALFORMED_VALUE_ERROR",
        ),
        "statusSize without messages": (
            {**entry, "statusSize": 2},
            serve(good),
            "MALFORMED_VALUE_ERROR",
        ),
        "unknown status type": (
            {
                "id": "https://issuer.example/status/9#1",
                "type": "https://issuer.example/vocab#Entry",
            },
            serve(good),
            "UNSUPPORTED_STATUS_TYPE",
        ),
    }


@pytest.fixture(scope="module")
def cases(key: KeyPair) -> dict[str, tuple[Any, Any, str]]:
    return _cases(key, KeyPair.generate("Ed25519"))


CASES = [  # the list could not be fetched or verified: indeterminate
    "no loader",
    "loader raises",
    "loader lacks the url",
    "loader returns no object",
    "bad proof",
    "unsigned list",
    "expired list",
    "signed by another key",
    "not a status list",
    "another list's id",
]
INVALID_CASES = [  # the entry, or the verified list, cannot be read as written: invalid
    "purpose mismatch",
    "list too short",
    "index out of range",
    "index beyond any list",
    "malformed encodedList",
    "index neither a string nor an integer",
    "statusSize without messages",
    "unknown status type",
]


@pytest.mark.parametrize("name", CASES)
def test_indeterminate_is_never_verified(
    name: str, key: KeyPair, cases: dict[str, tuple[Any, Any, str]]
) -> None:
    status, loader, code = cases[name]
    vc = credential(key, status)
    result = verify(vc, loader)
    assert result.checks["proof"].status == CheckStatus.PASSED
    assert result.checks["status"].status == CheckStatus.INDETERMINATE, result.to_dict()
    assert not result.checks["status"].ok
    assert not result.verified
    assert [p.code for p in result.problems] == [code]
    [entry] = entries(result)
    assert entry.verdict == StatusVerdict.INDETERMINATE
    assert entry.problem is not None and entry.problem.code == code


@pytest.mark.parametrize("name", CASES)
def test_allow_indeterminate_makes_it_a_warning(
    name: str, key: KeyPair, cases: dict[str, tuple[Any, Any, str]]
) -> None:
    status, loader, code = cases[name]
    result = verify(credential(key, status), loader, status_policy="allow-indeterminate")
    assert result.verified, result.to_dict()
    assert result.checks["status"].status == CheckStatus.WARNING
    assert [w.code for w in result.warnings] == [code]


@pytest.mark.parametrize("policy", ["strict", "allow-indeterminate"])
@pytest.mark.parametrize("name", INVALID_CASES)
def test_an_unreadable_status_fails_under_every_policy(
    name: str, policy: str, key: KeyPair, cases: dict[str, tuple[Any, Any, str]]
) -> None:
    """A status that cannot be read as written is a failure no policy waves through (the
    security review revoked a credential, then wrote its index {"@value": "7"})."""
    status, loader, code = cases[name]
    result = verify(credential(key, status), loader, status_policy=policy)
    assert not result.verified
    assert result.checks["status"].status == CheckStatus.FAILED, result.to_dict()
    assert [p.code for p in result.problems] == [code]
    [entry] = entries(result)
    assert entry.verdict == StatusVerdict.INVALID


def test_allow_indeterminate_never_excuses_a_revocation(key: KeyPair) -> None:
    vc = credential(
        key,
        [status_entry(URL, 3, purpose="revocation"), status_entry(SUSPENSIONS, 3, purpose="x")],
    )
    bits = StatusList()
    bits.set(3)
    lists = Lists()
    lists.lists[URL] = status_list(key, bits)
    result = verify(vc, lists, status_policy="allow-indeterminate")
    assert not result.verified
    assert result.checks["status"].status == CheckStatus.FAILED
    assert [p.code for p in result.problems] == ["CREDENTIAL_REVOKED"]
    assert [w.code for w in result.warnings] == ["STATUS_RETRIEVAL_ERROR"]


def test_unknown_policy_is_refused(key: KeyPair) -> None:
    with pytest.raises(InvalidOptionError):
        api.verify({}, status_policy="lenient")  # type: ignore[arg-type]


def test_a_list_own_status_is_not_followed(key: KeyPair) -> None:
    """The list's own credentialStatus would point back at itself: loaded once, no recursion."""
    vc = credential(key, status_entry(URL, 2, purpose="revocation"))
    lists = Lists()
    lists.lists[URL] = status_list(
        key, StatusList(), credentialStatus=status_entry(URL, 0, purpose="revocation")
    )
    result = verify(vc, lists)
    assert result.verified, result.to_dict()
    assert lists.calls == {URL: 1}


def test_a_raising_list_verifier_is_indeterminate(key: KeyPair) -> None:
    vc = credential(key, status_entry(URL, 2, purpose="revocation"))

    def explode(document: Mapping[str, Any]) -> VerificationResult:
        raise RuntimeError("boom")

    check = check_status(
        vc, status_loader=lambda url: {"type": "BitstringStatusListCredential"}, verify_list=explode
    )
    assert check.status == CheckStatus.INDETERMINATE
    assert [p.code for p in check.problems] == ["STATUS_VERIFICATION_ERROR"]


def test_a_list_by_the_issuer_with_another_key_is_accepted(key: KeyPair) -> None:
    """Not the credential's signing key, but issued (issuer check passed) by its issuer."""

    def verify_list(document: Mapping[str, Any]) -> VerificationResult:
        result = api.verify(document, now=NOW)
        issuer = Check("issuer", CheckStatus.PASSED)
        return VerificationResult.from_checks([*result.checks.values(), issuer])

    other = KeyPair.generate("Ed25519")
    listed = status_list(other, StatusList(), issuer=key.did)
    vc = credential(key, status_entry(URL, 2, purpose="revocation"))
    check = check_status(vc, status_loader={URL: listed}.__getitem__, verify_list=verify_list)
    assert check.status == CheckStatus.PASSED, check.to_dict()


def test_a_status_authority_you_name_publishes_for_other_issuers(key: KeyPair) -> None:
    """BSL leaves the list's issuer to the verifier: e.g. a national registry publishing the
    lists of its universities counts only when the verifier names it."""
    registry = KeyPair.generate("Ed25519")
    bits = StatusList()
    bits.set(7)
    lists = {URL: status_list(registry, bits)}.__getitem__
    ok = credential(key, status_entry(URL, 6, purpose="revocation"))
    revoked = credential(key, status_entry(URL, 7, purpose="revocation"), number=1)

    untrusted = verify(ok, lists)
    assert untrusted.checks["status"].status == CheckStatus.INDETERMINATE
    assert "nor a status authority you trust" in str(untrusted.problems)
    assert verify(ok, lists, status_authorities=[registry.did]).verified
    result = verify(revoked, lists, status_authorities={registry.did})
    assert result.codes == {"CREDENTIAL_REVOKED"}
    # naming an authority does not accept a list whose proof its issuer did not make
    forged = {URL: status_list(KeyPair.generate("Ed25519"), bits, issuer=registry.did)}
    forged_result = verify(ok, forged.__getitem__, status_authorities=[registry.did])
    assert forged_result.checks["status"].status == CheckStatus.INDETERMINATE
    with pytest.raises(InvalidOptionError):
        verify(ok, lists, status_authorities=registry.did)  # a string is not a collection


# --- status directories --------------------------------------------------------------------


def test_status_file_name_is_the_sha256_of_the_url() -> None:
    name = status_file_name("https://example.com/credentials/status/3")
    assert name == hashlib.sha256(b"https://example.com/credentials/status/3").hexdigest() + ".json"
    assert status_file_name(URL) != status_file_name(URL + "/")


def test_status_dir_loader(key: KeyPair, tmp_path: Path) -> None:
    bits = StatusList()
    bits.set(4)
    (tmp_path / status_file_name(URL)).write_text(json.dumps(status_list(key, bits)), "utf-8")
    (tmp_path / status_file_name(SUSPENSIONS)).write_text("{not json", "utf-8")
    load = status_dir_loader(tmp_path)
    assert verify(credential(key, status_entry(URL, 3, purpose="revocation")), load).verified
    revoked = verify(credential(key, status_entry(URL, 4, purpose="revocation")), load)
    assert revoked.codes == {"CREDENTIAL_REVOKED"}
    with pytest.raises(StatusRetrievalError, match=status_file_name("https://x.example/")):
        load("https://x.example/")
    with pytest.raises(StatusRetrievalError, match="cannot read"):
        load(SUSPENSIONS)


def test_the_docs_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/status.md tells the truth: its first example issues, verifies and revokes."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "status.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)[0]
    monkeypatch.chdir(root)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "docs/status.md", "exec"), {})
    assert out.getvalue() == "True passed\nFalse ['CREDENTIAL_REVOKED']\n"


def test_vc_1_1_credential_and_list(key: KeyPair) -> None:
    """VC 1.1 needs the bundled status/v1 context for the BSL terms; the check is the same."""
    v1 = ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/status/v1"]
    bits = StatusList()
    bits.set(3)
    envelope = {"@context": v1, "issuer": key.did, "issuanceDate": "2026-01-01T00:00:00Z"}
    listed = api.sign(
        {
            **envelope,
            "id": URL,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "credentialSubject": {
                "id": f"{URL}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": bits.encode(),
            },
        },
        key=key,
        created=CREATED,
    )
    lists = Lists()
    lists.lists[URL] = listed
    for index, verified in ((3, False), (4, True)):
        vc = api.sign(
            {
                **envelope,
                "id": "urn:uuid:5a0c4f4e-3e8e-4c55-9d53-8d1a1e1f0b11",
                "type": ["VerifiableCredential"],
                "credentialSubject": {"id": "did:example:learner"},
                "credentialStatus": status_entry(URL, index, purpose="revocation"),
            },
            key=key,
            created=CREATED,
        )
        result = verify(vc, lists)
        assert result.verified is verified, result.to_dict()
        assert result.checks["status"].ok is verified
