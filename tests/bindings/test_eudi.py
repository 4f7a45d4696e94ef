"""The SD-JWT VC binding: our vct round-trips every micro-credential through issue, present
(everything disclosed) and verify; the EUDI Learning Credential mapping and its loss report."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from strategies import micro_credentials

from microcred import KeyPair, MicroCredential, verify
from microcred.bindings.eudi import (
    DC4EU_MICROCREDENTIAL_VCT,
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


def test_the_dc4eu_micro_credential_type_carries_what_its_metadata_reads() -> None:
    """DC4EU's urn:eudi:micro_credential:1: an OB3 achievement with the Edubadges fields,
    every claim in the clear (its type metadata marks them all "sd": "never")."""
    claims, disclosable, report = to_sd_jwt_vc_claims(DEMO, vct=DC4EU_MICROCREDENTIAL_VCT)
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Digital micro-credential creation"
    assert achievement["ECTS"] == 2.0 and achievement["participationType"] == "blended"
    assert claims["issuer"]["address"]["addressCountryCodename"] == "IE"
    assert claims["credentialSubject"]["result"] == [{"value": "Pass"}]
    assert disclosable == () and "learner" in report.lost
    result = verify(
        to_sd_jwt_vc(DEMO.with_issuer_id(KEY.did), key=KEY, vct=DC4EU_MICROCREDENTIAL_VCT)
    )
    assert result.verified and result.document is not None
    missing = {w.message.split()[3] for w in result.checks["eu_standard"].warnings}
    assert missing == {"M1", "M9", "M11"}  # the type has no claim for them (M8 is optional)
