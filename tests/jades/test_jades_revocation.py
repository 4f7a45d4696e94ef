"""Revocation decided offline from the CRLs and OCSP responses a seal embeds (etsiU rVals),
at the best signature time (ETSI EN 319 102-1 §5.2.6). CRLs and OCSP responses are built
here with cryptography's builders and signed by the test root, as a CA would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from jades_pki import CREDENTIAL, LATER, T0, certificate, crl, ocsp_response, with_r_vals
from jades_tsa import TimeStampingAuthority

from microcred.jades import seal, verify_seal
from microcred.result import CheckStatus

STAMPED_AT = T0 + timedelta(seconds=3)


@pytest.fixture
def leaf(p256_key: Any, issue_leaf: Any) -> x509.Certificate:
    return issue_leaf(p256_key, serial=0x5EA1)


def _sealed(
    key: Any, leaf: x509.Certificate, tsa: TimeStampingAuthority | None = None
) -> dict[str, Any]:
    timestamper = tsa.timestamper(STAMPED_AT) if tsa else None
    return seal(
        CREDENTIAL, key=key, certificate_chain=[leaf], signing_time=T0, timestamper=timestamper
    )


def _revocation(sealed: dict[str, Any], root: Any, tsa: TimeStampingAuthority | None = None) -> Any:
    anchors = [root[1], *([tsa.root] if tsa else [])]
    return verify_seal(sealed, trust_anchors=anchors, now=LATER)


def test_a_crl_of_the_issuer_that_does_not_list_the_seal_certificate_is_good(
    p256_key: Any, leaf: x509.Certificate, root: Any
) -> None:
    result = _revocation(with_r_vals(_sealed(p256_key, leaf), crls=[crl(root)]), root)
    check = result.checks["revocation"]
    assert check.status is CheckStatus.PASSED and result.verified
    assert check.details["certificates"] == [
        {"certificate": leaf.subject.rfc4514_string(), "status": "good", "sources": ["CRL"]}
    ]
    assert check.details["time_source"] == "claimed"


def test_an_ocsp_response_of_the_ca_decides_too(
    p256_key: Any, leaf: x509.Certificate, root: Any
) -> None:
    good = with_r_vals(_sealed(p256_key, leaf), responses=[ocsp_response(leaf, root)])
    assert _revocation(good, root).checks["revocation"].details["certificates"][0]["sources"] == [
        "OCSP"
    ]
    revoked = with_r_vals(
        _sealed(p256_key, leaf),
        responses=[ocsp_response(leaf, root, revoked_at=T0 - timedelta(days=1))],
    )
    result = _revocation(revoked, root)
    assert result.checks["revocation"].problems[0].code == "CERTIFICATE_REVOKED"
    assert result.checks["revocation"].problems[0].path == ("signatures", 0, "protected", "x5c", 0)
    assert not result.verified


def test_a_delegated_ocsp_responder_needs_the_ocsp_signing_purpose(
    p256_key: Any, leaf: x509.Certificate, root: Any
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    for purpose, counts in (
        (ExtendedKeyUsageOID.OCSP_SIGNING, True),
        (ExtendedKeyUsageOID.CODE_SIGNING, False),
    ):
        delegate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Test OCSP")]))
            .issuer_name(root[1].subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(T0 - timedelta(days=1))
            .not_valid_after(T0 + timedelta(days=3650))  # covers producedAt (the real now)
            .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
            .sign(root[0], hashes.SHA256())
        )
        response = ocsp_response(leaf, root, responder=(key, delegate))
        check = _revocation(
            with_r_vals(_sealed(p256_key, leaf), responses=[response]), root
        ).checks["revocation"]
        assert (check.status is CheckStatus.PASSED) is counts
        assert (check.status is CheckStatus.SKIPPED) is not counts


def test_revoked_before_signing_fails(p256_key: Any, leaf: x509.Certificate, root: Any) -> None:
    sealed = with_r_vals(
        _sealed(p256_key, leaf), crls=[crl(root, {0x5EA1: T0 - timedelta(days=1)})]
    )
    result = _revocation(sealed, root)
    assert result.checks["revocation"].status is CheckStatus.FAILED
    assert result.codes == {"CERTIFICATE_REVOKED"} and not result.verified


def test_revoked_after_a_time_stamped_signature_is_a_warning_only_with_the_proof(
    p256_key: Any, leaf: x509.Certificate, root: Any, tsa: TimeStampingAuthority
) -> None:
    later = {0x5EA1: T0 + timedelta(hours=2)}
    proven = with_r_vals(
        _sealed(p256_key, leaf, tsa), crls=[crl(root, later, last_update=T0 + timedelta(hours=3))]
    )
    result = _revocation(proven, root, tsa)
    check = result.checks["revocation"]
    assert check.status is CheckStatus.WARNING and result.verified
    assert [w.code for w in check.warnings] == ["CERTIFICATE_REVOKED_SINCE_SIGNING"]
    assert (
        check.details["time_source"] == "time-stamp"
        and check.details["at"] == "2025-03-01T12:00:03Z"
    )
    claimed = with_r_vals(
        _sealed(p256_key, leaf), crls=[crl(root, later, last_update=T0 + timedelta(hours=3))]
    )
    assert _revocation(claimed, root).codes == {"CERTIFICATE_REVOKED"}  # iat alone proves nothing


def test_without_embedded_data_revocation_is_unchecked(
    p256_key: Any, leaf: x509.Certificate, root: Any
) -> None:
    result = _revocation(_sealed(p256_key, leaf), root)
    check = result.checks["revocation"]
    assert check.status is CheckStatus.SKIPPED and result.verified
    assert [w.code for w in check.warnings] == ["REVOCATION_UNCHECKED"]


def test_a_crl_that_expired_before_the_signing_time_decides_nothing(
    p256_key: Any, leaf: x509.Certificate, root: Any
) -> None:
    stale = crl(root, last_update=T0 - timedelta(days=9), next_update=T0 - timedelta(days=2))
    check = _revocation(with_r_vals(_sealed(p256_key, leaf), crls=[stale]), root).checks[
        "revocation"
    ]
    assert check.status is CheckStatus.SKIPPED and check.details["certificates"] == []


def test_the_path_s_ca_certificates_are_checked_too(p256_key: Any, root: Any) -> None:
    intermediate_key = ec.generate_private_key(ec.SECP256R1())
    intermediate = certificate("Test Issuing CA", intermediate_key, root, ca=True, serial=77)
    leaf = certificate("Test e-seal 2", p256_key, (intermediate_key, intermediate), serial=78)
    sealed = seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf, intermediate], signing_time=T0)
    leaf_only = with_r_vals(sealed, crls=[crl((intermediate_key, intermediate))])
    check = _revocation(leaf_only, root).checks["revocation"]
    assert check.status is CheckStatus.WARNING
    assert check.details["unchecked"] == [intermediate.subject.rfc4514_string()]
    revoked_ca = with_r_vals(
        sealed,
        crls=[crl((intermediate_key, intermediate)), crl(root, {77: T0 - timedelta(days=1)})],
    )
    assert _revocation(revoked_ca, root).codes == {"CERTIFICATE_REVOKED"}
