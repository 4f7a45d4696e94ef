"""A time-stamp is proof of existence only when it is genuine, covers this signature, comes
from a TSA the caller trusts and predates the seal certificate's expiry (issue 15).

Each case below is a seal whose certificate expired after signing: without a valid proof it
must stay INDETERMINATE (ETSI EN 319 102-1), never verified.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from microcred.jades import seal, verify_seal
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import CheckStatus
from tests.jades.jades_pki import CREDENTIAL, T0, certificate, crl, with_r_vals
from tests.jades.jades_tsa import TimeStampingAuthority, tsa_certificate, tsa_root

STAMPED_AT = T0 + timedelta(seconds=3)
EXPIRY = T0 + timedelta(days=2)
NOW = T0 + timedelta(days=30)
ROOT_KEY = ec.generate_private_key(ec.SECP384R1())
ROOT = certificate("Test Root CA", ROOT_KEY, ca=True, not_after=T0 + timedelta(days=3650))
SEAL_KEY = ec.generate_private_key(ec.SECP256R1())
LEAF = certificate("Test e-seal", SEAL_KEY, (ROOT_KEY, ROOT), not_after=EXPIRY)
TSA_ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
TSA_ROOT = tsa_root(TSA_ROOT_KEY)
TSA_KEY = ec.generate_private_key(ec.SECP256R1())
TSA = TimeStampingAuthority(TSA_KEY, tsa_certificate(TSA_KEY, (TSA_ROOT_KEY, TSA_ROOT)), TSA_ROOT)


def _sealed(timestamper: Any = None) -> dict[str, Any]:
    return seal(
        CREDENTIAL, key=SEAL_KEY, certificate_chain=[LEAF], signing_time=T0, timestamper=timestamper
    )


def _with_sig_tst(sealed: dict[str, Any], token: bytes) -> dict[str, Any]:
    """`sealed` carrying `token` as its sigTst (etsiU is unsigned: anyone can put one there)."""
    item = {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}}
    etsi_u = [b64url_encode(json.dumps(item).encode())]
    return dict(sealed, signatures=[dict(sealed["signatures"][0], header={"etsiU": etsi_u})])


def _verify(sealed: dict[str, Any]) -> Any:
    return verify_seal(sealed, trust_anchors=[ROOT], timestamp_anchors=[TSA_ROOT], now=NOW)


def _unproven(result: Any) -> None:
    certificate_check = result.checks["certificate"]
    assert certificate_check.status is CheckStatus.INDETERMINATE
    assert "proof_of_existence" not in certificate_check.details
    assert [p.code for p in certificate_check.problems] == ["CERTIFICATE_EXPIRED_SINCE_SIGNING"]
    assert not result.verified


def test_the_genuine_case_is_proven() -> None:
    """The control: the same seal with a genuine, trusted, timely sigTst verifies."""
    result = _verify(_sealed(TSA.timestamper(STAMPED_AT)))
    assert result.verified, result.to_dict()


def test_a_sig_tst_over_other_bytes_is_no_proof() -> None:
    sealed = _sealed()
    signature = sealed["signatures"][0]["signature"]
    for other in (sealed["payload"].encode(), base64.urlsafe_b64decode(signature + "==")):
        result = _verify(_with_sig_tst(sealed, TSA.token(other, at=STAMPED_AT)))
        assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_IMPRINT_MISMATCH"
        _unproven(result)


def test_a_sig_tst_copied_from_another_seal_is_no_proof() -> None:
    other = seal(
        CREDENTIAL | {"id": "urn:other"},
        key=SEAL_KEY,
        certificate_chain=[LEAF],
        signing_time=T0,
        timestamper=TSA.timestamper(STAMPED_AT),
    )
    sealed = _sealed()
    sealed = dict(
        sealed, signatures=[dict(sealed["signatures"][0], header=other["signatures"][0]["header"])]
    )
    result = _verify(sealed)
    assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_IMPRINT_MISMATCH"
    _unproven(result)


def test_a_tsa_that_does_not_chain_to_the_anchors_is_no_proof() -> None:
    rogue_root_key = ec.generate_private_key(ec.SECP256R1())
    rogue_root = tsa_root(rogue_root_key, "Rogue TSA Root")
    key = ec.generate_private_key(ec.SECP256R1())
    rogue = TimeStampingAuthority(
        key, tsa_certificate(key, (rogue_root_key, rogue_root)), rogue_root
    )
    result = _verify(_sealed(rogue.timestamper(STAMPED_AT)))
    stamps = result.checks["timestamps"]
    assert stamps.status is CheckStatus.WARNING
    assert [w.code for w in stamps.warnings] == ["TIMESTAMP_UNTRUSTED"]
    assert stamps.details["tokens"][0]["trust"] == "untrusted"
    _unproven(result)


def test_a_self_signed_tsa_certificate_the_token_carries_is_no_anchor() -> None:
    """Certificates in the token (or in xVals) help build a path; they never end one."""
    key = ec.generate_private_key(ec.SECP256R1())
    self_signed = tsa_certificate(key, (key, TSA.certificate))  # issuer = subject = Test TSU
    assert self_signed.issuer == self_signed.subject
    made = TimeStampingAuthority(key, self_signed, self_signed)
    result = _verify(_sealed(made.timestamper(STAMPED_AT)))
    assert result.checks["timestamps"].warnings[0].code == "TIMESTAMP_UNTRUSTED"
    _unproven(result)


def test_a_time_stamp_after_the_certificate_expired_is_no_proof() -> None:
    result = _verify(_sealed(TSA.timestamper(EXPIRY + timedelta(seconds=1))))
    assert result.checks["timestamps"].status is CheckStatus.PASSED  # a genuine token ...
    _unproven(result)  # ... that proves only that the seal existed after the expiry
    assert "is later" in result.checks["certificate"].problems[0].message


@pytest.mark.parametrize(
    ("purpose", "why"),
    [(None, "no extendedKeyUsage"), (ExtendedKeyUsageOID.CODE_SIGNING, "only id-kp-timeStamping")],
)
def test_a_signer_that_is_no_tsa_is_no_proof(purpose: Any, why: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    not_a_tsa = tsa_certificate(key, (TSA_ROOT_KEY, TSA_ROOT), purpose=purpose)
    sealed = _sealed()  # seal() itself refuses such a token, so it is added afterwards
    data = sealed["signatures"][0]["signature"].encode()
    token = TSA.token(data, at=STAMPED_AT, embed=not_a_tsa, signer_key=key)
    result = _verify(_with_sig_tst(sealed, token))
    problem = result.checks["timestamps"].problems[0]
    assert problem.code == "TIMESTAMP_CERTIFICATE_INVALID" and why in problem.message
    _unproven(result)


def test_a_token_naming_the_real_tsa_but_signed_by_another_key_is_no_proof() -> None:
    impostor = ec.generate_private_key(ec.SECP256R1())
    sealed = _sealed()
    data = sealed["signatures"][0]["signature"].encode()
    result = _verify(_with_sig_tst(sealed, TSA.token(data, at=STAMPED_AT, signer_key=impostor)))
    assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_SIGNATURE_INVALID"
    _unproven(result)


def test_a_time_stamp_before_the_claimed_signing_time_fails() -> None:
    """The token covers the signature, whose header claims a later time: the claim is false."""
    result = _verify(_sealed(TSA.timestamper(T0 - timedelta(hours=1))))
    assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_BEFORE_SIGNING_TIME"
    _unproven(result)


def test_a_sha1_imprint_is_refused() -> None:
    sealed = _sealed()
    data = sealed["signatures"][0]["signature"].encode()
    result = _verify(_with_sig_tst(sealed, TSA.token(data, at=STAMPED_AT, hash_name="sha1")))
    assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_MALFORMED"
    _unproven(result)


@pytest.mark.parametrize(
    "etsi_u",
    [
        [b64url_encode(b'{"sigTst": 1}')],
        [b64url_encode(b'{"sigTst": {"tstTokens": [{"val": "%%%"}]}}')],
        [b64url_encode(b'{"sigTst": {"tstTokens": [{"val": "MAA="}]}}')],
        [b64url_encode(b'{"sigTst": {"tstTokens": [{"val": "MAA=", "encoding": "x"}]}}')],
        [{"sigTst": {"tstTokens": [{"val": "MAA="}] * 40}}],
        [{"arcTst": {"tstTokens": [{"val": "MAA="}]}}],
        [b64url_encode(b'{"sigRTst": {"tstTokens": []}}')],
    ],
)
def test_hostile_time_stamp_properties_never_raise_and_never_prove(etsi_u: list[Any]) -> None:
    sealed = _sealed()
    sealed = dict(sealed, signatures=[dict(sealed["signatures"][0], header={"etsiU": etsi_u})])
    _unproven(_verify(sealed))


def test_a_tsa_revoked_before_its_gen_time_is_no_proof() -> None:
    """The seal's own rVals may carry the TSA CA's CRL (the EC samples do): a TSA key
    revoked by the genTime proves nothing; revoked only later, the token still counts."""
    sealed = _sealed(TSA.timestamper(STAMPED_AT))
    serial = TSA.certificate.serial_number
    before = crl((TSA_ROOT_KEY, TSA_ROOT), {serial: T0 - timedelta(days=1)})
    result = _verify(with_r_vals(sealed, crls=[before]))
    assert result.checks["timestamps"].problems[0].code == "TIMESTAMP_TSA_REVOKED"
    _unproven(result)
    after = crl(
        (TSA_ROOT_KEY, TSA_ROOT),
        {serial: T0 + timedelta(days=1)},
        last_update=T0 + timedelta(days=2),
    )
    assert _verify(with_r_vals(sealed, crls=[after])).verified
