"""The SD-JWT VC binding: our vct round-trips every micro-credential through issue, present
(everything disclosed) and verify; the EUDI Learning Credential mapping and its loss report."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred import KeyPair, MicroCredential, verify
from microcred.bindings.eudi import (
    EUDI_LEARNING_VCT,
    MICROCRED_VCT,
    from_sd_jwt_vc,
    to_sd_jwt_vc,
    to_sd_jwt_vc_claims,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = MicroCredential.parse(
    json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
)
KEY = KeyPair.generate("Ed25519")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(micro_credentials())
def test_a_fully_disclosed_sd_jwt_vc_gives_the_model_back(mc: MicroCredential) -> None:
    mc = mc.with_issuer_id(KEY.did)
    result = verify(to_sd_jwt_vc(mc, key=KEY))
    assert result.verified, result.problems
    assert result.document is not None and from_sd_jwt_vc(result.document) == mc


def test_our_vct_loses_nothing_and_hides_the_learner_by_default() -> None:
    claims, disclosable, report = to_sd_jwt_vc_claims(DEMO, vct=MICROCRED_VCT)
    assert report.lost == () and claims == DEMO.dump()
    top = {path[0] for path in disclosable if len(path) == 1}
    assert {"learner", "grade", "assessment", "supervision"} <= top
    assert not top & {"title", "issuer", "level", "workload", "qualityAssurance"}


def test_the_eudi_learning_credential_carries_text_and_reports_the_rest() -> None:
    claims, disclosable, report = to_sd_jwt_vc_claims(DEMO, vct=EUDI_LEARNING_VCT, language="de")
    assert claims["achievement_title"] == "Erstellung digitaler Microcredentials"
    assert claims["level_of_learning_experience"] == "EQF 6"
    assert claims["expected_study_time"] == "2 ECTS / 60 hours"
    assert claims["issuing_country"] == "IE"  # alpha-2, as EUDI rulebooks write countries
    lost = {"assessment", "participation", "supervision", "learningOpportunityType"}
    assert set(report.lost) == lost
    assert ("family_name",) in disclosable and ("achievement_title",) not in disclosable
    result = verify(to_sd_jwt_vc(DEMO.with_issuer_id(KEY.did), key=KEY, vct=EUDI_LEARNING_VCT))
    assert result.verified
    missing = {w.message.split()[3] for w in result.checks["eu_standard"].warnings}
    assert missing == {"M9", "M10"}  # the type has no claim for them
