"""`verified` means "what you read is what was signed" (security review, critical and high).

Every reproduction of the review, as it was written, on a revoked and expired credential:
rewrites that keep the RDF graph (so the untouched RDFC signature still holds) but move a
value away from where the checks read it; someone else's proof and status list; an inline
copy of our context with swapped terms; unreadable status entries under the lenient
policy; a purpose that turned the issuer check off. Each must give verified=False with a
specific code (exit 1 from the CLI).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from microcred import (
    KeyPair,
    StatusList,
    issue,
    present,
    sign,
    status_entry,
    status_list_credential,
    verify,
    verify_presentation,
)
from microcred.cli import main
from microcred.status.check import status_file_name

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
URL = "https://issuer.example/status/1"
OTHER_URL = "https://issuer.example/status/2"
CREDENTIALS = "https://www.w3.org/2018/credentials#"
SIGNED_AT = datetime(2025, 6, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def key() -> KeyPair:
    return KeyPair.generate("Ed25519")


@pytest.fixture(scope="module")
def mc() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def revoked(key: KeyPair, mc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The review's setup: a credential expired in 2025-07 whose index 7 is revoked."""
    vc = issue(
        {**mc, "validUntil": "2025-07-01T00:00:00Z"},
        key=key,
        status=status_entry(URL, 7, purpose="revocation"),
        created=SIGNED_AT,
    )
    bits = StatusList()
    bits.set(7)
    listed = sign(
        status_list_credential(bits, id=URL, issuer=key.did, purpose="revocation"),
        key=key,
        created=SIGNED_AT,
    )
    return vc, listed


def check(document: Any, listed: dict[str, Any], **options: Any) -> Any:
    return verify(document, status_loader={URL: listed}.__getitem__, now=NOW, **options)


def test_the_untouched_credential_is_expired_and_revoked(revoked: Any) -> None:
    vc, listed = revoked
    result = check(vc, listed)
    assert not result.verified
    assert {"CREDENTIAL_EXPIRED", "CREDENTIAL_REVOKED"} <= result.codes


def _nested(vc: dict[str, Any]) -> dict[str, Any]:
    moved = copy.deepcopy(vc)
    moved["@nest"] = {
        "credentialStatus": moved.pop("credentialStatus"),
        "validUntil": moved.pop("validUntil"),
    }
    return moved


def _iri_key(vc: dict[str, Any]) -> dict[str, Any]:
    moved = copy.deepcopy(vc)
    moved[CREDENTIALS + "credentialStatus"] = moved.pop("credentialStatus")
    return moved


def _proof_nest(vc: dict[str, Any]) -> dict[str, Any]:
    moved = copy.deepcopy(vc)
    moved["proof"]["@nest"] = {"expires": moved["proof"].pop("expires")}
    return moved


@pytest.mark.parametrize("rewrite", [_nested, _iri_key], ids=["@nest", "IRI key"])
def test_a_graph_preserving_rewrite_does_not_hide_status_or_expiry(
    revoked: Any, rewrite: Any
) -> None:
    vc, listed = revoked
    result = check(rewrite(vc), listed)
    assert not result.verified
    assert "NON_CANONICAL_FORM" in result.codes
    assert result.checks["status"].status == "skipped"  # never read from a rewritten form


def test_a_nested_expires_does_not_hide_an_expired_proof(key: KeyPair, mc: dict[str, Any]) -> None:
    vc = issue(mc, key=key, created=SIGNED_AT)
    expiring = sign(
        {k: v for k, v in vc.items() if k != "proof"},
        key=key,
        created=SIGNED_AT,
        expires=SIGNED_AT + timedelta(days=30),
    )
    assert "PROOF_EXPIRED" in verify(expiring, now=NOW).codes
    result = verify(_proof_nest(expiring), now=NOW)
    assert not result.verified
    assert "NON_CANONICAL_FORM" in result.codes


def test_the_cli_exits_1_on_the_nested_rewrite(
    revoked: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc, listed = revoked
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / status_file_name(URL)).write_text(json.dumps(listed), encoding="utf-8")
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(_nested(vc)), encoding="utf-8")
    code = main(["verify", str(path), "--status-dir", str(folder), "--now", NOW.isoformat()])
    assert code == 1
    assert "NON_CANONICAL_FORM" in capsys.readouterr().out


def test_a_rewrite_inside_a_presentation_is_refused(key: KeyPair, revoked: Any) -> None:
    vc, listed = revoked
    holder = KeyPair.generate("Ed25519")  # JCS: microcred signs no RDF of a rewritten form
    vp = present(
        [_nested(vc)],
        key=holder,
        challenge="c-1",
        created=SIGNED_AT,
        cryptosuite="eddsa-jcs-2022",
    )
    result = verify_presentation(
        vp, challenge="c-1", now=NOW, status_loader={URL: listed}.__getitem__
    )
    assert not result.verified
    [credential] = result.credentials
    assert "NON_CANONICAL_FORM" in credential.result.codes


def test_an_old_list_with_its_validity_nested_away_is_refused(
    key: KeyPair, mc: dict[str, Any]
) -> None:
    """The issuer revoked index 7 after publishing an earlier list that expired; a holder
    serves the old list with its validUntil moved under @nest."""
    vc = issue(mc, key=key, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT)
    old = sign(
        status_list_credential(
            StatusList(),
            id=URL,
            issuer=key.did,
            purpose="revocation",
            valid_until=SIGNED_AT + timedelta(days=30),
        ),
        key=key,
        created=SIGNED_AT,
    )
    assert verify(vc, status_loader={URL: old}.__getitem__, now=NOW).checks["status"].status == (
        "indeterminate"
    )
    stale = copy.deepcopy(old)
    stale["@nest"] = {"validUntil": stale.pop("validUntil")}
    result = verify(vc, status_loader={URL: stale}.__getitem__, now=NOW)
    assert not result.verified
    assert result.checks["status"].status == "indeterminate"
    assert "NON_CANONICAL_FORM" in str(result.checks["status"].problems)


@pytest.mark.parametrize("spelling", ["@nest", "@id"])
def test_another_list_of_the_issuer_cannot_stand_for_this_url(
    key: KeyPair, revoked: Any, spelling: str
) -> None:
    vc, _ = revoked
    clean = sign(
        status_list_credential(StatusList(), id=OTHER_URL, issuer=key.did, purpose="revocation"),
        key=key,
        created=SIGNED_AT,
    )
    moved = copy.deepcopy(clean)
    if spelling == "@nest":
        moved["@nest"] = {"id": moved.pop("id")}
    else:
        moved["@id"] = moved.pop("id")
    result = verify(vc, status_loader={URL: moved}.__getitem__, now=NOW + timedelta(days=400))
    assert not result.verified
    assert result.checks["status"].status == "indeterminate"


def test_a_list_without_id_is_not_any_list(key: KeyPair, revoked: Any) -> None:
    vc, _ = revoked
    anonymous = status_list_credential(StatusList(), id=URL, issuer=key.did, purpose="revocation")
    del anonymous["id"]
    result = verify(
        vc, status_loader={URL: sign(anonymous, key=key, created=SIGNED_AT)}.__getitem__, now=NOW
    )
    assert result.checks["status"].status == "indeterminate"
    assert "has no id" in str(result.checks["status"].problems)


def test_anyone_s_proof_does_not_make_their_status_list_count(revoked: Any) -> None:
    vc, _ = revoked
    mallory = KeyPair.generate("Ed25519")
    fake = sign(
        status_list_credential(StatusList(), id=URL, issuer=mallory.did, purpose="revocation"),
        key=mallory,
        created=SIGNED_AT,
    )
    with_mallory = sign(vc, key=mallory, created=SIGNED_AT)  # a second proof, hers
    result = verify(
        with_mallory, status_loader={URL: fake}.__getitem__, now=SIGNED_AT + timedelta(days=1)
    )
    assert not result.verified
    assert result.checks["status"].status == "indeterminate"
    assert "neither the credential's issuer nor a status authority" in str(result.problems)


def test_a_bogus_proof_naming_mallory_does_not_make_her_list_count(
    revoked: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc, _ = revoked
    mallory = KeyPair.generate("Ed25519")
    fake = sign(
        status_list_credential(StatusList(), id=URL, issuer=mallory.did, purpose="revocation"),
        key=mallory,
        created=SIGNED_AT,
    )
    bogus = dict(vc["proof"], verificationMethod=mallory.verification_method)
    tampered = {**vc, "proof": [vc["proof"], bogus]}
    result = verify(tampered, status_loader={URL: fake}.__getitem__, now=NOW)
    assert not result.verified
    assert result.checks["status"].status == "skipped"  # its proof set did not verify
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / status_file_name(URL)).write_text(json.dumps(fake), encoding="utf-8")
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(tampered), encoding="utf-8")
    code = main(["status", "check", str(path), "--status-dir", str(folder)])
    assert code != 0
    assert "ok" not in capsys.readouterr().out.split()


def _swapped_context() -> dict[str, Any]:
    """An inline copy of contexts/microcred-v1.jsonld with givenName and familyName swapped."""
    text = (resources.files("microcred.contexts") / "microcred-v1.jsonld").read_text("utf-8")
    body = json.loads(text)["@context"]
    body["givenName"], body["familyName"] = body["familyName"], body["givenName"]
    return dict(body)


def test_an_inline_copy_of_our_context_with_swapped_terms_is_refused(
    key: KeyPair, mc: dict[str, Any]
) -> None:
    vc = issue(mc, key=key, created=SIGNED_AT)
    swapped = copy.deepcopy(vc)
    swapped["@context"] = [swapped["@context"][0], _swapped_context()]
    person = swapped["credentialSubject"]
    person["givenName"], person["familyName"] = person["familyName"], person["givenName"]
    result = verify(swapped, now=NOW)
    assert not result.verified
    assert "NON_CANONICAL_FORM" in result.codes
    assert any(p.path[:1] == ("@context",) for p in result.problems)


def test_an_exact_inline_copy_of_a_pinned_context_is_not_canonical(
    key: KeyPair, mc: dict[str, Any]
) -> None:
    """Readers (the eu_standard check, the bindings) look for the context's URL: canonical
    form names a pinned context by its URL, though the copy gives the same graph."""
    text = (resources.files("microcred.contexts") / "microcred-v1.jsonld").read_text("utf-8")
    vc = issue(mc, key=key, created=SIGNED_AT)
    copied = {**vc, "@context": [vc["@context"][0], json.loads(text)["@context"]]}
    result = verify(copied, now=NOW)
    assert not result.verified
    assert [p.path for p in result.problems if p.code == "NON_CANONICAL_FORM"] == [("@context", 1)]


@pytest.mark.parametrize(
    ("field", "value"),
    [("statusListIndex", {"@value": "7"}), ("statusPurpose", ["revocation"])],
)
def test_allow_indeterminate_never_excuses_an_unreadable_entry(
    key: KeyPair, mc: dict[str, Any], field: str, value: Any
) -> None:
    """The review revoked index 7 and rewrote the entry so it read as malformed: that was
    'indeterminate', which allow-indeterminate turned into a warning."""
    vc = issue(mc, key=key, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT)
    bits = StatusList()
    bits.set(7)
    listed = sign(
        status_list_credential(bits, id=URL, issuer=key.did, purpose="revocation"),
        key=key,
        created=SIGNED_AT,
    )
    rewritten = copy.deepcopy(vc)
    rewritten["credentialStatus"][field] = value
    result = check(rewritten, listed, status_policy="allow-indeterminate")
    assert not result.verified
    assert result.codes & {"NON_CANONICAL_FORM", "MALFORMED_VALUE_ERROR", "CREDENTIAL_REVOKED"}


def test_a_purpose_never_turns_the_issuer_check_off(key: KeyPair, mc: dict[str, Any]) -> None:
    """Anyone can sign a credential that names another issuer with an authentication proof."""
    forger = KeyPair.generate("Ed25519")
    claimed = {**issue(mc, key=key, created=SIGNED_AT)}
    forged = sign(
        {k: v for k, v in claimed.items() if k != "proof"},
        key=forger,
        proof_purpose="authentication",
        created=SIGNED_AT,
    )
    result = verify(forged, expected_proof_purpose="authentication", now=NOW)
    assert not result.verified
    assert "ISSUER_MISMATCH" in result.codes
    holder = KeyPair.generate("Ed25519")
    vp = present([forged], key=holder, challenge="c-2", created=SIGNED_AT)
    presented = verify_presentation(
        vp, challenge="c-2", now=NOW, expected_proof_purpose="authentication"
    )
    assert not presented.verified
    assert "ISSUER_MISMATCH" in presented.credentials[0].result.codes


def test_a_self_asserted_credential_still_has_its_status_read(mc: dict[str, Any]) -> None:
    """Secured by the presentation's proof instead of its own, a self-asserted credential
    is authentic: its revoked status must not be skipped (found reading the change again)."""
    holder = KeyPair.generate("Ed25519")
    unsigned = issue(
        mc, key=holder, status=status_entry(URL, 7, purpose="revocation"), created=SIGNED_AT
    )
    own = {k: v for k, v in unsigned.items() if k != "proof"}
    bits = StatusList()
    bits.set(7)
    listed = sign(
        status_list_credential(bits, id=URL, issuer=holder.did, purpose="revocation"),
        key=holder,
        created=SIGNED_AT,
    )
    vp = present([own], key=holder, challenge="c-3", created=SIGNED_AT)
    result = verify_presentation(
        vp, challenge="c-3", now=NOW, status_loader={URL: listed}.__getitem__
    )
    assert not result.verified
    [credential] = result.credentials
    assert credential.result.checks["proof"].details["securedBy"] == "presentation"
    assert "CREDENTIAL_REVOKED" in credential.result.codes
