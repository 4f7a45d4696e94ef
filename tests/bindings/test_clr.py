"""stack(): a CLR 2.0 of signed micro-credentials (ours and OB3) verifies, each embedded
credential by its own proof; tampering with one names its path."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from microcred import KeyPair, MicroCredential, issue, stack, verify
from microcred.errors import InvalidOptionError, MalformedDocumentError

ROOT = Path(__file__).resolve().parents[2]
ISSUER, OTHER, LEARNER = (KeyPair.generate("Ed25519") for _ in range(3))


@pytest.fixture(scope="module")
def three() -> list[dict[str, Any]]:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    mc = MicroCredential.parse(data)
    made = []
    for key, fmt in ((ISSUER, "vc"), (OTHER, "ob3"), (ISSUER, "ob3")):
        each = mc.model_copy(update={"id": f"urn:uuid:{uuid.uuid4()}"})
        made.append(issue(each, key=key, format=fmt))
    return made


def test_a_clr_of_three_verifies_each_inside(three: list[dict[str, Any]]) -> None:
    clr = stack(three, key=LEARNER, name="My stack",
                associations=[(three[0]["id"], "precedes", three[1]["id"])])  # fmt: skip
    result = verify(clr)
    assert result.verified, [str(p) for p in result.problems]
    assert [c["verified"] for c in result.checks["credentials"].details["credentials"]] == [
        True,
        True,
        True,
    ]
    assert clr["credentialSubject"]["id"] == three[0]["credentialSubject"]["id"]
    assert clr["credentialSubject"]["association"][0]["associationType"] == "precedes"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_tampering_with_one_names_its_path(three: list[dict[str, Any]], index: int) -> None:
    clr = stack(three, key=LEARNER, name="My stack")
    clr["credentialSubject"]["verifiableCredential"][index]["validFrom"] = "2001-01-01T00:00:00Z"
    result = verify(clr)
    assert not result.verified
    failed = [p.path for p in result.checks["credentials"].problems
              if p.code == "EMBEDDED_CREDENTIAL_NOT_VERIFIED"]  # fmt: skip
    assert failed == [("credentialSubject", "verifiableCredential", index)]


def test_an_embedded_credential_that_fails_on_its_own_fails_the_clr(
    three: list[dict[str, Any]],
) -> None:
    expired = issue(
        MicroCredential.parse(
            {
                **json.loads((ROOT / "docs/examples/microcredential.json").read_text("utf-8")),
                "id": f"urn:uuid:{uuid.uuid4()}",
                "validUntil": "2025-07-01T00:00:00Z",
            }
        ),
        key=ISSUER,
    )
    clr = stack([three[0], expired], key=LEARNER, name="With an expired one")
    result = verify(clr)  # the CLR's own proof is fine: the inside decides
    assert result.checks["proof"].status == "passed"
    assert "CREDENTIAL_EXPIRED" in result.codes
    assert not result.verified


@pytest.mark.parametrize(
    ("credentials", "error"),
    [
        ([], InvalidOptionError),
        ("not a list", InvalidOptionError),
        ([{"issuer": "did:example:x"}], MalformedDocumentError),
    ],
)
def test_bad_input_is_a_typed_error(credentials: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        stack(credentials, key=LEARNER, name="x")


def test_an_unknown_association_type_is_refused(three: list[dict[str, Any]]) -> None:
    with pytest.raises(InvalidOptionError):
        stack(three, key=LEARNER, name="x", associations=[("urn:a", "contains", "urn:b")])  # type: ignore[list-item]
