"""The eddsa-rdfc-2022 test vectors of the OB 3.0 and CLR 2.0 Implementation Guides
(../shared/reference/ob3/1edtech-spec/test-vectors): our direct path over the bundled
contexts gives their canonical form byte for byte, and the signed credentials verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred import Verifier
from microcred.jsonld.compacted import to_rdf
from microcred.jsonld.loader import default_loader
from microcred.jsonld.rdfc import canonicalize


@pytest.mark.parametrize("name", ["obv3p0", "clrv2p0"])
def test_the_canonical_form_is_the_guides(samples: Path, name: str) -> None:
    folder = samples / "1edtech-spec" / "test-vectors" / name
    signed = json.loads((folder / "signed-credential.json").read_text("utf-8"))
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    expected = (folder / "document-canon.txt").read_text("utf-8")
    assert canonicalize(to_rdf(unsigned, default_loader())) == expected


@pytest.mark.parametrize("name", ["obv3p0", "clrv2p0"])
def test_the_signed_vector_verifies(samples: Path, ob3_verifier: Verifier, name: str) -> None:
    folder = samples / "1edtech-spec" / "test-vectors" / name
    result = ob3_verifier.verify(json.loads((folder / "signed-credential.json").read_text()))
    assert result.verified, [str(p) for p in result.problems]
    if name == "clrv2p0":
        assert result.checks["credentials"].details["credentials"] == [
            {"path": ["credentialSubject", "verifiableCredential", 0], "verified": True}
        ]


def test_a_tampered_embedded_credential_is_named_by_path(
    samples: Path, ob3_verifier: Verifier
) -> None:
    folder = samples / "1edtech-spec" / "test-vectors" / "clrv2p0"
    clr = json.loads((folder / "signed-credential.json").read_text("utf-8"))
    clr["credentialSubject"]["verifiableCredential"][0]["name"] = "Forged"
    result = ob3_verifier.verify(clr)
    assert not result.verified
    assert result.checks["credentials"].problems[0].path == (
        "credentialSubject",
        "verifiableCredential",
        0,
    )
