"""rVals is unsigned: anyone can add CRLs or OCSP responses to a seal. Only data signed by the
certificate's issuer (or an OCSP responder it delegated to) may decide its status, and a
verified revocation is never outweighed by another source's "good" (issue 15)."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from microcred.jades import seal, verify_seal
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import CheckStatus
from tests.jades.jades_pki import (
    CREDENTIAL,
    LATER,
    T0,
    certificate,
    crl,
    ocsp_response,
    with_r_vals,
)

ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
ROOT = (
    ROOT_KEY,
    certificate("Test Root CA", ROOT_KEY, ca=True, not_after=T0 + timedelta(days=3650)),
)
FORGER_KEY = ec.generate_private_key(ec.SECP256R1())
# same name as the real root, another key: what a forger can make
FORGED_ROOT = (FORGER_KEY, certificate("Test Root CA", FORGER_KEY, ca=True))
KEY = ec.generate_private_key(ec.SECP256R1())
LEAF = certificate("Test e-seal", KEY, ROOT, serial=0xBAD)
SEALED = seal(CREDENTIAL, key=KEY, certificate_chain=[LEAF], signing_time=T0)
REVOKED = {0xBAD: T0 - timedelta(days=1)}


def _check(sealed: dict[str, Any]) -> Any:
    return verify_seal(sealed, trust_anchors=[ROOT[1]], now=LATER).checks["revocation"]


def test_a_forged_crl_or_ocsp_good_never_counts() -> None:
    for forged in (
        with_r_vals(SEALED, crls=[crl(FORGED_ROOT)]),
        with_r_vals(SEALED, responses=[ocsp_response(LEAF, FORGED_ROOT)]),
        with_r_vals(SEALED, responses=[ocsp_response(LEAF, ROOT, responder=FORGED_ROOT)]),
    ):
        check = _check(forged)
        assert check.status is CheckStatus.SKIPPED and check.details["certificates"] == []


def test_a_verified_revocation_wins_over_any_good() -> None:
    mixed = with_r_vals(
        SEALED,
        crls=[crl(ROOT, REVOKED), crl(FORGED_ROOT)],
        responses=[ocsp_response(LEAF, ROOT)],  # a genuine but older-looking "good"
    )
    assert _check(mixed).problems[0].code == "CERTIFICATE_REVOKED"


def test_a_forged_revocation_does_not_fail_a_good_seal() -> None:
    """Denial of service: a forged CRL listing the certificate is ignored, not believed."""
    check = _check(with_r_vals(SEALED, crls=[crl(FORGED_ROOT, REVOKED), crl(ROOT)]))
    assert check.status is CheckStatus.PASSED


@pytest.mark.parametrize(
    "r_vals",
    [
        b'{"rVals": 1}',
        b'{"rVals": {"crlVals": 1, "ocspVals": [1, {"val": 2}, {"val": "%%"}, {"val": "MAA="}]}}',
        b'{"rVals": {"crlVals": [{"val": "MAA="}], "ocspVals": [{"val": "MAMKAQE="}]}}',
    ],
)
def test_hostile_revocation_values_never_raise(r_vals: bytes) -> None:
    entry = dict(SEALED["signatures"][0], header={"etsiU": [b64url_encode(r_vals)]})
    check = _check(dict(SEALED, signatures=[entry]))
    assert check.status is CheckStatus.SKIPPED


def test_revocation_values_are_bounded() -> None:
    many = [base64.b64encode(crl(ROOT, REVOKED)).decode()] * 40
    item = b64url_encode(
        ('{"rVals": {"crlVals": [' + ",".join(f'{{"val": "{v}"}}' for v in many) + "]}}").encode()
    )
    check = _check(
        dict(SEALED, signatures=[dict(SEALED["signatures"][0], header={"etsiU": [item]})])
    )
    assert check.problems[0].code == "CERTIFICATE_REVOKED"  # the first 32 are read
    assert "REVOCATION_DATA_INVALID" in {w.code for w in check.warnings}
