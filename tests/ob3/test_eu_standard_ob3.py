"""profile="eu-microcredential" judges Open Badges 3.0 credentials too: ours carry every
Annex I element (natively or in the record), others' OB3 lacks what OB3 has no place for."""

from __future__ import annotations

import json
from pathlib import Path

from microcred import KeyPair, MicroCredential, issue, verify
from microcred.verification.eu_standard import check_eu_standard

ROOT = Path(__file__).resolve().parents[2]


def test_our_ob3_meets_the_eu_standard() -> None:
    data = json.loads((ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8"))
    badge = issue(MicroCredential.parse(data), key=KeyPair.generate("Ed25519"), format="ob3")
    result = verify(badge, profile="eu-microcredential")
    assert result.verified, [str(p) for p in result.problems]
    check = result.checks["eu_standard"]
    assert check.details["binding"] == "ob3"
    assert {"M1", "M9", "M10", "M11", "O4"} <= set(check.details["present"])


def test_others_ob3_lacks_what_ob3_has_no_place_for(reference_dir: Path) -> None:
    path = reference_dir / "ob3" / "mynextid" / "open-badge-mc-example.json"
    check = check_eu_standard(json.loads(path.read_text("utf-8")), "eu-microcredential")
    missing = {p.message.split()[3] for p in check.problems}
    assert missing == {"M3", "M9", "M10", "M11"}  # no issuer address; no OB3 property
    assert check.status == "failed"
    assert check_eu_standard(json.loads(path.read_text("utf-8"))).status == "warning"


def test_an_ob3_record_that_is_not_json_counts_for_nothing() -> None:
    badge = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "euMicroCredential": "{not json",
    }  # fmt: skip
    check = check_eu_standard(badge, "eu-microcredential")
    assert "M9" in {p.message.split()[3] for p in check.problems}
