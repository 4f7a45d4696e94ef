"""The SD-JWT VC Type Metadata we ship (draft-ietf-oauth-sd-jwt-vc §6) is well formed, says
what the binding does, covers every model field, and the verifier enforces its `sd`."""

from __future__ import annotations

import json
from pathlib import Path

from microcred import KeyPair, MicroCredential, verify
from microcred.bindings.eudi import MICROCRED_VCT, to_sd_jwt_vc, to_sd_jwt_vc_claims
from microcred.jose.type_metadata import TYPE_METADATA_FILES, type_metadata
from microcred.model import Learner

ROOT = Path(__file__).resolve().parents[2]
DEMO = MicroCredential.parse(
    json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
)


def test_every_shipped_document_is_well_formed() -> None:
    for vct in TYPE_METADATA_FILES:
        metadata = type_metadata(vct)
        assert metadata is not None and metadata["vct"] == vct
        assert all({"locale", "name"} <= d.keys() for d in metadata["display"])
        for claim in metadata["claims"]:
            assert claim["path"] and all(isinstance(p, str | int) for p in claim["path"])
            assert claim["sd"] in ("always", "allowed", "never")
            assert all({"locale", "label"} <= d.keys() for d in claim["display"])


def test_our_metadata_says_what_the_binding_does_for_every_model_field() -> None:
    metadata = type_metadata(MICROCRED_VCT)
    assert metadata is not None
    sd = {tuple(c["path"]): c["sd"] for c in metadata["claims"]}
    fields = {f.alias or n for n, f in MicroCredential.model_fields.items()}
    learner = {f.alias or n for n, f in Learner.model_fields.items()}
    assert {p[0] for p in sd if len(p) == 1} == fields
    assert {p[1] for p in sd if p[0] == "learner" and len(p) == 2} == learner
    _, disclosable, _ = to_sd_jwt_vc_claims(DEMO)
    for path in disclosable:
        assert sd[path] == "allowed", path
    clear = {p for p, rule in sd.items() if rule == "never"}
    assert clear.isdisjoint(disclosable) and ("title",) in clear


def test_the_verifier_refuses_a_never_disclosable_claim_in_a_disclosure() -> None:
    key = KeyPair.generate("Ed25519")
    token = to_sd_jwt_vc(DEMO, key=key, disclosable=[("title",), ("grade",)])
    result = verify(token)
    assert not result.verified
    assert ("TYPE_METADATA_MISMATCH", ("title",)) in {(p.code, p.path) for p in result.problems}
