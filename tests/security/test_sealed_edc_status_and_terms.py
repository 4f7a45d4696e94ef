"""Regression (issue 15): MyNextID's sealed EDC carries terms outside the edc-ap context
(`cnf`, StatusList2021Entry fields) and two status entries under `status`. Its contexts
check failed with DATA_LOSS_DETECTION_ERROR although the seal signs the JSON bytes, and its
status said "no credentialStatus": a revoked EDC of that issuer would have passed. Now the
undefined terms are a warning for sealed payloads only (still a failure for RDFC), every
status entry is found, and one we cannot check is indeterminate; StatusList2021 lists are
read (base64url GZIP without the multibase header)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography import x509

from microcred import api, verify
from microcred.keys.keypair import KeyPair
from microcred.result import Check, CheckStatus, VerificationResult
from microcred.status.check import StatusVerdict, check_status

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
SAMPLE = "elm/samples/mynextid/edc-mc-signed.jsonld"
LIST = "https://app.velocert.com/status/68997788-64f7-448e-9aad-b8c273ede15b"


def _sealed(reference_dir: Path) -> tuple[dict[str, Any], x509.Certificate]:
    sealed = json.loads((reference_dir / SAMPLE).read_text("utf-8"))
    header = json.loads(base64.urlsafe_b64decode(sealed["signatures"][0]["protected"] + "=="))
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    return sealed, leaf


def test_the_sealed_payloads_undefined_terms_are_a_warning(reference_dir: Path) -> None:
    sealed, leaf = _sealed(reference_dir)
    contexts = verify(sealed, trust_anchors=[leaf]).checks["contexts"]
    assert contexts.status is CheckStatus.WARNING
    assert [p.code for p in contexts.warnings] == ["DATA_LOSS_DETECTION_ERROR"]


def test_an_rdfc_signed_credentials_undefined_term_still_fails() -> None:
    credential = api.issue(json.loads(EXAMPLE.read_text("utf-8")), key=KeyPair.generate("Ed25519"))
    credential["cnf"] = {"jwk": {"kty": "EC"}}
    contexts = verify(credential).checks["contexts"]
    assert contexts.status is CheckStatus.FAILED
    assert contexts.problems[0].code == "NON_CANONICAL_FORM"  # a term the graph drops


def test_status_entries_under_status_are_never_silently_skipped(reference_dir: Path) -> None:
    """The leaf pinned as the anchor (a test-only trust decision) makes the seal authentic,
    so its status is read: both StatusList2021 entries, indeterminate without a loader."""
    sealed, leaf = _sealed(reference_dir)
    result = verify(sealed, trust_anchors=[leaf])
    status = result.checks["status"]
    assert status.status is CheckStatus.INDETERMINATE
    assert [p.path for p in status.problems] == [
        ("payload", "status", 0, "statusListCredential"),
        ("payload", "status", 1, "statusListCredential"),
    ]
    assert not result.verified


def _legacy_list(url: str, revoked: int | None) -> dict[str, Any]:
    """A StatusList2021Credential encoded by hand: base64url(GZIP(16 KiB bitstring))."""
    bits = bytearray(16 * 1024)
    if revoked is not None:
        bits[revoked // 8] |= 0x80 >> (revoked % 8)
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": url,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:velocert",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


def _list_verified(_document: Mapping[str, Any]) -> VerificationResult:
    """The seam's answer for a list that verified (the list's proof is not what is tested)."""
    names = ("structure", "contexts", "proof", "issuer", "validity")
    return VerificationResult.from_checks([Check(n, CheckStatus.PASSED) for n in names])


def _edc(where: str) -> dict[str, Any]:
    entry = {
        "id": f"{LIST}#194",
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "194",
        "statusListCredential": LIST,
    }
    return {"issuer": {"id": "did:example:velocert"}, where: [entry]}


def test_a_statuslist2021_entry_decides_revocation() -> None:
    for where in ("status", "credentialStatus"):
        for revoked, verdict in ((194, StatusVerdict.REVOKED), (None, StatusVerdict.OK)):
            check = check_status(
                _edc(where),
                status_loader={LIST: _legacy_list(LIST, revoked)}.get,
                verify_list=_list_verified,
            )
            assert [e.verdict for e in check.details["entries"]] == [verdict], (where, revoked)
            assert check.ok is (verdict is StatusVerdict.OK)
