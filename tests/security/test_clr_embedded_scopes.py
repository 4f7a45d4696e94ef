"""A CLR reads each embedded credential as a scope of its own (one node may be described
differently by two issuers), which is safe only because each is verified by its own proof:
moving a signed value between the envelope and an embedded credential never verifies."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from microcred import KeyPair, MicroCredential, issue, stack, verify
from microcred.verification.embedded import verify_status_list
from microcred.verification.verifier import Verifier

ROOT = Path(__file__).resolve().parents[2]
KEY, STACKER = KeyPair.generate("Ed25519"), KeyPair.generate("Ed25519")


def _clr() -> dict[str, Any]:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    mc = MicroCredential.parse({**data, "id": f"urn:uuid:{uuid.uuid4()}"})
    return stack([issue(mc, key=KEY, format="ob3")], key=STACKER, name="Stack")


def test_the_untouched_clr_verifies() -> None:
    assert verify(_clr()).verified


def test_a_node_described_inside_an_embedded_credential_breaks_it() -> None:
    clr = _clr()
    moved = copy.deepcopy(clr)
    inner = moved["credentialSubject"]["verifiableCredential"][0]
    # the CLR's own node, described inside the embedded credential
    inner["credentialSubject"]["achievement"]["related"] = [
        {"id": moved["id"], "type": ["Related"], "version": "moved"}
    ]
    result = verify(moved)
    assert not result.verified
    assert "EMBEDDED_CREDENTIAL_NOT_VERIFIED" in result.codes


def test_the_clr_signature_never_vouches_for_what_is_inside() -> None:
    """The stacker signs the CLR after altering an issuer's credential: the CLR's proof
    verifies, the altered credential does not, and neither does the CLR."""
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    signed = issue(MicroCredential.parse({**data, "id": f"urn:uuid:{uuid.uuid4()}"}), key=KEY)
    altered = copy.deepcopy(signed)
    del altered["credentialSubject"]["dateOfBirth"]  # a learner-node triple, removed
    result = verify(stack([altered], key=STACKER, name="Stack"))
    assert result.checks["proof"].status == "passed"
    assert result.checks["credentials"].problems[0].path == (
        "credentialSubject",
        "verifiableCredential",
        0,
    )
    assert not result.verified


def test_an_embedded_credential_without_a_proof_never_counts() -> None:
    clr = _clr()
    inner = clr["credentialSubject"]["verifiableCredential"][0]
    del inner["proof"]
    result = verify(clr)
    assert not result.verified
    assert result.checks["credentials"].problems[0].path == (
        "credentialSubject",
        "verifiableCredential",
        0,
    )


def test_where_embedded_credentials_cannot_be_verified_they_fail() -> None:
    call = Verifier()._call(None)
    result = verify_status_list(_clr(), call)
    assert result.checks["credentials"].status == "failed"
