"""The sealed EDC samples verify offline: the EC's two JAdES-LTA samples and MyNextID's.

Expected values: tests/data/jades/samples.json (read from the samples; see its `_source`).
Trust is never taken from the sample on its own: the test, as the caller, pins one of the
certificates the sample carries by its SHA-256 and passes it as the trust anchor.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from microcred.jades import is_jades, verify_seal
from microcred.jades.etsiu import read_unsigned_properties
from microcred.jades.header import certificate_digest, issuer_serial_kid, read_x5c
from microcred.jades.jws import b64url_decode, parse_json
from microcred.jades.tsp import verify_token
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import CheckStatus, Problem

EXPECTED = json.loads((Path(__file__).parents[1] / "data" / "jades" / "samples.json").read_text())
SAMPLES = EXPECTED["samples"]
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # fixed, so "expired since signing" is stable


def _load(reference_dir: Path, sample: dict[str, Any]) -> dict[str, Any]:
    raw = (reference_dir / sample["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == sample["sha256"], "not the pinned sample file"
    document: dict[str, Any] = json.loads(raw)
    return document


def _carried(document: dict[str, Any], sha256: str) -> x509.Certificate:
    """The certificate with this DER SHA-256 among those the sample carries in etsiU xVals."""
    found = read_unsigned_properties(document["signatures"][0]["header"], ("signatures", 0))
    for cert in found.certificates:
        if hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest() == sha256:
            return cert
    raise AssertionError(f"no certificate {sha256} in the sample")


@pytest.fixture(params=SAMPLES, ids=lambda s: s["file"].rsplit("/", 1)[-1])
def sample(request: pytest.FixtureRequest, reference_dir: Path) -> tuple[dict[str, Any], Any]:
    return request.param, _load(reference_dir, request.param)


def test_integrity_ok_and_untrusted_without_anchors(sample: tuple[Any, Any]) -> None:
    expected, document = sample
    assert is_jades(document)
    result = verify_seal(document, now=NOW)
    # MyNextID sealed in 2026 with sigT only, which EU DSS no longer takes as baseline-B
    late = expected["sigT"] >= "2025-05-15"
    assert [w.code for w in result.checks["format"].warnings] == (
        ["JADES_SIGT_DEPRECATED"] if late else []
    )
    assert result.checks["format"].ok
    assert result.checks["integrity"].status is CheckStatus.PASSED
    certificate = result.checks["certificate"]
    assert certificate.status is CheckStatus.INDETERMINATE
    assert certificate.details["trust"] == "untrusted"
    assert certificate.details["validated_at"] == expected["sigT"]
    assert result.codes == {"CERTIFICATE_UNTRUSTED"}
    assert not result.verified


def test_trusted_when_the_pinned_anchor_is_given(sample: tuple[Any, Any]) -> None:
    expected, document = sample
    anchor = _carried(document, expected["anchor"]["sha256"])
    assert expected["anchor"]["subject_cn"] in anchor.subject.rfc4514_string()
    result = verify_seal(document, trust_anchors=[anchor], now=NOW)
    certificate = result.checks["certificate"]
    assert certificate.details["trust"] == "trusted"
    assert len(certificate.details["path"]) == expected["path_length"]
    # the EC seal certificates expired on 2025-05-10 and the samples' TSAs do not chain to
    # this anchor, so only the claimed sigT is left, which is no proof of existence:
    # indeterminate, not verified (see the time-stamp tests below for the proven case)
    expired = [p.code for p in certificate.problems] == ["CERTIFICATE_EXPIRED_SINCE_SIGNING"]
    assert expired is expected["expired_since_signing"]
    assert result.verified is not expired, result.to_dict()
    assert result.checks["timestamps"].details["present"] == expected["timestamps"]
    if expired:
        return
    assert result.document is not None and result.document["type"][0] == "VerifiableCredential"


def test_an_anchor_that_did_not_issue_the_seal_is_not_trusted(sample: tuple[Any, Any]) -> None:
    expected, document = sample
    foreign = _carried(document, expected["foreign_anchor"]["sha256"])
    result = verify_seal(document, trust_anchors=[foreign], now=NOW)
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert result.codes == {"CERTIFICATE_UNTRUSTED"}


def test_one_flipped_payload_byte_fails_integrity(sample: tuple[Any, Any]) -> None:
    expected, document = sample
    payload = document["payload"]
    index = payload.index('"id":"') + len('"id":"')  # inside the credential id: still valid JSON
    flipped = payload[:index] + chr(ord(payload[index]) ^ 0x01) + payload[index + 1 :]
    anchor = _carried(document, expected["anchor"]["sha256"])
    result = verify_seal(dict(document, payload=flipped), trust_anchors=[anchor], now=NOW)
    assert result.checks["format"].ok
    assert result.checks["integrity"].problems[0].code == "JADES_SIGNATURE_INVALID"
    assert not result.verified


def test_signing_certificate_references_match_our_encoding(sample: tuple[Any, Any]) -> None:
    """x5t#S256 and the IssuerSerial `kid` computed here equal what EU DSS wrote."""
    expected, document = sample
    header = parse_json(b64url_decode(document["signatures"][0]["protected"]))
    chain = read_x5c(header, ())
    assert not isinstance(chain, Problem) and len(chain) == 1  # x5c holds only the leaf
    leaf = chain[0]
    assert header["x5t#S256"] == certificate_digest(leaf) == expected["x5t#S256"]
    assert header["kid"] == issuer_serial_kid(leaf)
    assert header["sigT"] == expected["sigT"]


def _tsa_anchor(expected: dict[str, Any], document: dict[str, Any]) -> x509.Certificate:
    """The samples' TSAs are test TSAs whose root (EC: Nowina's "root-ca") or self-signed
    certificate (MyNextID: DSS's "self-signed-tsa") the sample carries in xVals. Trusting it
    is a test-only decision, pinned by SHA-256: a real verifier takes TSA anchors from a
    trusted list."""
    return _carried(document, expected["foreign_anchor"]["sha256"])


def test_time_stamps_verify_offline_and_prove_existence(sample: tuple[Any, Any]) -> None:
    """adoTst, sigTst and arcTst: imprint recomputed, CMS signature and ESS binding checked,
    TSA path built to the pinned anchor. The trusted sigTst proves the seal existed before
    the EC certificates expired, so those samples verify too."""
    expected, document = sample
    anchor = _carried(document, expected["anchor"]["sha256"])
    result = verify_seal(
        document,
        trust_anchors=[anchor],
        timestamp_anchors=[_tsa_anchor(expected, document)],
        now=NOW,
    )
    stamps = result.checks["timestamps"]
    assert stamps.status is CheckStatus.PASSED, result.to_dict()
    assert {t["property"]: t["genTime"] for t in stamps.details["tokens"]} == expected["genTime"]
    assert {t["trust"] for t in stamps.details["tokens"]} == {"trusted"}
    assert stamps.details["proof_of_existence"] == expected["genTime"]["sigTst"]
    assert result.verified, result.to_dict()
    certificate = result.checks["certificate"]
    if expected["expired_since_signing"]:
        assert certificate.details["proof_of_existence"] == expected["genTime"]["sigTst"]


def test_the_sig_tst_imprint_is_the_base64url_signature_text(sample: tuple[Any, Any]) -> None:
    """TS 119 182-1 §5.3.4: ASCII(BASE64URL(JWS Signature)), not the raw signature bytes."""
    expected, document = sample
    entry = document["signatures"][0]
    item = parse_json(b64url_decode(entry["header"]["etsiU"][0]))
    token = base64.b64decode(item["sigTst"]["tstTokens"][0]["val"])
    anchors = [_tsa_anchor(expected, document)]
    good = verify_token(token, entry["signature"].encode("ascii"), anchors)
    assert good.problem is None and good.trusted
    raw = verify_token(token, b64url_decode(entry["signature"]), anchors)
    assert raw.problem is not None and raw.problem[0] == "TIMESTAMP_IMPRINT_MISMATCH"


def test_the_arc_tst_covers_every_etsi_u_item_before_it(sample: tuple[Any, Any]) -> None:
    """Re-encoding the xVals item (same JSON, other base64url text) breaks only the arcTst."""
    expected, document = sample
    entry = document["signatures"][0]
    items = list(entry["header"]["etsiU"])
    value = parse_json(b64url_decode(items[1]))
    assert "xVals" in value
    items[1] = b64url_encode(json.dumps(value, indent=1).encode())
    changed = dict(document, signatures=[dict(entry, header={"etsiU": items})])
    result = verify_seal(
        changed,
        trust_anchors=[_carried(document, expected["anchor"]["sha256"])],
        timestamp_anchors=[_tsa_anchor(expected, document)],
        now=NOW,
    )
    stamps = result.checks["timestamps"]
    assert [(p.code, p.path[-4:]) for p in stamps.problems] == [
        ("TIMESTAMP_IMPRINT_MISMATCH", ("arcTst", "tstTokens", 0, "val"))
    ]
    assert not result.verified


def test_embedded_revocation_values_decide_revocation_offline(sample: tuple[Any, Any]) -> None:
    """The seal certificate's status at the sigTst time comes from the sample's own rVals:
    the OCSP response's and the CRL's signatures are verified against the issuing CA (or the
    responder it delegated to), never taken on trust."""
    expected, document = sample
    result = verify_seal(
        document,
        trust_anchors=[_carried(document, expected["anchor"]["sha256"])],
        timestamp_anchors=[_tsa_anchor(expected, document)],
        now=NOW,
    )
    check = result.checks["revocation"]
    assert check.status.value == expected["revocation"]["status"], check
    assert check.details["time_source"] == "time-stamp"
    assert check.details["at"] == expected["genTime"]["sigTst"]
    (leaf,) = check.details["certificates"]
    assert leaf["status"] == "good" and leaf["sources"] == expected["revocation"]["sources"]
    assert check.details["unchecked"] == expected["revocation"]["unchecked"]
    without = dict(document["signatures"][0]["header"])
    without["etsiU"] = [i for i in without["etsiU"] if "rVals" not in parse_json(b64url_decode(i))]
    stripped = dict(document, signatures=[dict(document["signatures"][0], header=without)])
    bare = verify_seal(
        stripped, trust_anchors=[_carried(document, expected["anchor"]["sha256"])], now=NOW
    )
    assert "REVOCATION_UNCHECKED" in {w.code for w in bare.checks["revocation"].warnings}
