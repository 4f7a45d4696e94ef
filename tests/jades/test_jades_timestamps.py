"""JAdES baseline-B-T: seal with a caller's RFC 3161 time-stamper, verify the sigTst offline,
and use it as proof of existence when the seal certificate has expired since.

References: ETSI TS 119 182-1 §5.3.4 (sigTst covers ASCII(BASE64URL(signature))), RFC 3161
§2.4.2 (TSTInfo), RFC 5652 §5.4 (signed attributes), ETSI EN 319 102-1 (proof of existence).
The TSA is built here (tests/jades/jades_tsa.py): its tokens are real CMS SignedData.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jades_pki import CREDENTIAL, LATER, T0
from jades_tsa import TimeStampingAuthority

from microcred.errors import SealError
from microcred.jades import seal, verify_seal
from microcred.jades.jws import b64url_decode
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import Check, CheckStatus

STAMPED_AT = T0 + timedelta(seconds=3)


def _b_t(key: Any, leaf: Any, tsa: TimeStampingAuthority) -> dict[str, Any]:
    timestamper = tsa.timestamper(STAMPED_AT)
    return seal(
        CREDENTIAL, key=key, certificate_chain=[leaf], signing_time=T0, timestamper=timestamper
    )


def _sig_tst(sealed: dict[str, Any]) -> bytes:
    item = json.loads(b64url_decode(sealed["signatures"][0]["header"]["etsiU"][0]))
    return base64.b64decode(item["sigTst"]["tstTokens"][0]["val"])


def _with_token(sealed: dict[str, Any], token: bytes) -> dict[str, Any]:
    item = {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}}
    entry = dict(
        sealed["signatures"][0], header={"etsiU": [b64url_encode(json.dumps(item).encode())]}
    )
    return dict(sealed, signatures=[entry])


def test_b_t_round_trip_verifies_the_time_stamp(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority
) -> None:
    sealed = _b_t(p256_key, issue_leaf(p256_key), tsa)
    assert list(sealed["signatures"][0]) == ["protected", "signature", "header"]
    result = verify_seal(sealed, trust_anchors=[root[1]], timestamp_anchors=[tsa.root], now=LATER)
    assert result.verified, result.to_dict()
    stamps = result.checks["timestamps"]
    assert stamps.status is CheckStatus.PASSED
    assert stamps.details["present"] == {"sigTst": 1}
    assert stamps.details["tokens"] == [
        {
            "property": "sigTst",
            "genTime": "2025-03-01T12:00:03Z",
            "tsa": "CN=Test TSU,O=microcred test TSA,C=LU",
            "trust": "trusted",
        }
    ]
    assert stamps.details["proof_of_existence"] == "2025-03-01T12:00:03Z"


def test_the_seal_anchors_serve_for_time_stamps_unless_told_otherwise(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority
) -> None:
    sealed = _b_t(p256_key, issue_leaf(p256_key), tsa)
    both = verify_seal(sealed, trust_anchors=[root[1], tsa.root], now=LATER)
    assert both.checks["timestamps"].status is CheckStatus.PASSED
    only_seal = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert only_seal.verified  # the certificate is valid now: no proof of existence needed
    assert only_seal.checks["timestamps"].status is CheckStatus.WARNING
    assert [w.code for w in only_seal.checks["timestamps"].warnings] == ["TIMESTAMP_UNTRUSTED"]


@pytest.mark.parametrize("position", [-1, -40, -300])
def test_a_tampered_token_fails(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority, position: int
) -> None:
    """-1: the TSA's signature; -40 and -300: inside the signed attributes / certificate."""
    sealed = _b_t(p256_key, issue_leaf(p256_key), tsa)
    token = bytearray(_sig_tst(sealed))
    token[position] ^= 0x01
    result = verify_seal(
        _with_token(sealed, bytes(token)),
        trust_anchors=[root[1]],
        timestamp_anchors=[tsa.root],
        now=LATER,
    )
    stamps = result.checks["timestamps"]
    assert stamps.status is CheckStatus.FAILED and not result.verified
    assert stamps.problems[0].code in {"TIMESTAMP_SIGNATURE_INVALID", "TIMESTAMP_MALFORMED"}
    assert stamps.problems[0].path == (
        "signatures",
        0,
        "header",
        "etsiU",
        0,
        "sigTst",
        "tstTokens",
        0,
        "val",
    )


@pytest.fixture(scope="module")
def expiring_b_t(rsa_key: Any, issue_leaf: Any, tsa: TimeStampingAuthority) -> dict[str, Any]:
    """A B-T seal whose certificate expires two days after signing (made once: hypothesis
    needs the same token in every example)."""
    return _b_t(rsa_key, issue_leaf(rsa_key, not_after=T0 + timedelta(days=2)), tsa)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_flipped_token_byte_is_never_proof(
    expiring_b_t: dict[str, Any], root: Any, tsa: TimeStampingAuthority, data: st.DataObject
) -> None:
    original = _sig_tst(expiring_b_t)
    token = bytearray(original)
    index = data.draw(st.integers(0, len(token) - 1))
    token[index] ^= data.draw(st.integers(1, 255))
    result = verify_seal(
        _with_token(expiring_b_t, bytes(token)),
        trust_anchors=[root[1]],
        timestamp_anchors=[tsa.root],
        now=T0 + timedelta(days=30),
    )
    stamps = result.checks["timestamps"]
    if stamps.status is CheckStatus.PASSED:  # a byte nobody signs, e.g. the TSA certificate's
        # own unsigned padding: it must still say exactly what the TSA signed
        assert stamps.details["tokens"][0]["genTime"] == "2025-03-01T12:00:03Z"
        assert result.verified
    else:
        assert stamps.status is CheckStatus.FAILED and not result.verified
        assert result.checks["certificate"].status is CheckStatus.INDETERMINATE


def test_expired_after_the_time_stamp_is_verified_with_the_time_stamp_as_proof(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority
) -> None:
    leaf = issue_leaf(p256_key, not_after=T0 + timedelta(days=2))
    sealed = _b_t(p256_key, leaf, tsa)
    later = T0 + timedelta(days=30)
    result = verify_seal(sealed, trust_anchors=[root[1]], timestamp_anchors=[tsa.root], now=later)
    assert result.verified, result.to_dict()
    certificate = result.checks["certificate"]
    assert certificate.status is CheckStatus.PASSED
    assert certificate.details["proof_of_existence"] == "2025-03-01T12:00:03Z"
    assert certificate.details["time_source"] == "iat"


def test_expired_without_a_time_stamp_is_indeterminate(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority
) -> None:
    leaf = issue_leaf(p256_key, not_after=T0 + timedelta(days=2))
    later = T0 + timedelta(days=30)
    b_b = seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], signing_time=T0)
    for sealed, anchors in ((b_b, [tsa.root]), (_b_t(p256_key, leaf, tsa), [])):
        result = verify_seal(sealed, trust_anchors=[root[1]], timestamp_anchors=anchors, now=later)
        check = result.checks["certificate"]
        assert check.status is CheckStatus.INDETERMINATE and not result.verified
        assert [p.code for p in check.problems] == ["CERTIFICATE_EXPIRED_SINCE_SIGNING"]
    assert result.checks["timestamps"].warnings[0].code == "TIMESTAMP_UNTRUSTED"


def test_a_b_b_seal_has_no_time_stamp_and_says_so(
    p256_key: Any, issue_leaf: Any, root: Any
) -> None:
    sealed = seal(
        CREDENTIAL, key=p256_key, certificate_chain=[issue_leaf(p256_key)], signing_time=T0
    )
    assert "header" not in sealed["signatures"][0]
    stamps = verify_seal(sealed, trust_anchors=[root[1]], now=LATER).checks["timestamps"]
    assert stamps.status is CheckStatus.SKIPPED and stamps.details == {"present": {}}


def test_seal_refuses_a_token_that_does_not_cover_the_signature(
    p256_key: Any, issue_leaf: Any, tsa: TimeStampingAuthority
) -> None:
    leaf = issue_leaf(p256_key)
    with pytest.raises(SealError, match="imprint"):
        seal(
            CREDENTIAL,
            key=p256_key,
            certificate_chain=[leaf],
            timestamper=lambda data: tsa.token(data, at=T0, imprint_of=b"other bytes"),
        )
    with pytest.raises(SealError, match="not DER bytes"):
        seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], timestamper=lambda _: "token")  # type: ignore[arg-type,return-value]
    with pytest.raises(SealError, match="unusable"):
        seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], timestamper=lambda _: b"\x30\x00")


def test_the_timestamper_gets_the_base64url_signature(
    p256_key: Any, issue_leaf: Any, tsa: TimeStampingAuthority
) -> None:
    seen: list[bytes] = []

    def timestamper(data: bytes) -> bytes:
        seen.append(data)
        return tsa.token(data, at=STAMPED_AT)

    sealed = seal(
        CREDENTIAL, key=p256_key, certificate_chain=[issue_leaf(p256_key)], timestamper=timestamper
    )
    assert seen == [sealed["signatures"][0]["signature"].encode("ascii")]


def test_asn1crypto_loads_only_for_time_stamps() -> None:
    """Cold start: `import microcred`, verify() of a plain credential and of a B-B seal never
    import asn1crypto (docs/performance.md)."""
    code = (
        "import sys, microcred\n"
        "from microcred.jades import verify_seal\n"
        "verify_seal({'payload': '{}', 'signatures': [{'protected': 'e30', 'signature': ''}]})\n"
        "print('asn1crypto' in sys.modules)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "False"


def test_a_validator_learns_the_proven_time(
    p256_key: Any, issue_leaf: Any, root: Any, tsa: TimeStampingAuthority
) -> None:
    """An online revocation validator needs the time to ask about: the proof of existence."""
    seen: list[Any] = []

    def validator(context: Any) -> Check:
        seen.append((context.signing_time, context.proof_of_existence))
        return Check("revocation", CheckStatus.PASSED, details={"source": "test"})

    sealed = _b_t(p256_key, issue_leaf(p256_key), tsa)
    result = verify_seal(
        sealed, trust_anchors=[root[1], tsa.root], now=LATER, validators=[validator]
    )
    assert seen == [(T0, STAMPED_AT)]
    assert result.checks["revocation"].details == {"source": "test"}  # replaced the SKIPPED one
