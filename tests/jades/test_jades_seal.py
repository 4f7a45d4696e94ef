"""seal → verify_seal round trips with a throwaway CA, and the shape of what seal() emits.

References: ETSI TS 119 182-1 §5.1–5.2 (JAdES header), RFC 7515 §7.2.1 (General JSON),
RFC 7797 §3 (unencoded payload), RFC 7518 §3 (algorithms).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding
from cryptography.hazmat.primitives.serialization import Encoding
from jades_pki import CREDENTIAL, LATER, T0, certificate, protected

from microcred.errors import (
    InvalidCertificateError,
    InvalidOptionError,
    KeyTypeMismatchError,
    MalformedDocumentError,
    SealError,
)
from microcred.jades import seal, verify_seal
from microcred.jades.jws import b64url_decode, signing_input
from microcred.result import CheckStatus

KEYS_AND_ALGORITHMS = [
    ("rsa_key", None, "RS256"),
    ("rsa_key", "PS256", "PS256"),
    ("p256_key", None, "ES256"),
    ("p384_key", None, "ES384"),
]


@pytest.mark.parametrize(("key_name", "requested", "expected"), KEYS_AND_ALGORITHMS)
def test_round_trip_is_trusted_with_the_root_as_anchor(
    request: pytest.FixtureRequest,
    issue_leaf: Any,
    root: Any,
    key_name: str,
    requested: str | None,
    expected: str,
) -> None:
    key = request.getfixturevalue(key_name)
    sealed = seal(
        CREDENTIAL,
        key=key,
        certificate_chain=[issue_leaf(key)],
        signing_time=T0,
        algorithm=requested,
    )
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert protected(sealed)["alg"] == expected
    assert result.verified, result.to_dict()
    assert [c.name for c in result] == [
        "format",
        "integrity",
        "certificate",
        "issuer",
        "validity",
        "timestamps",
        "revocation",
    ]
    assert result.checks["certificate"].status is CheckStatus.PASSED
    assert result.checks["certificate"].details["trust"] == "trusted"
    assert result.document == CREDENTIAL


def test_without_anchors_integrity_passes_but_the_seal_is_untrusted(
    rsa_key: Any, issue_leaf: Any
) -> None:
    sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=[issue_leaf(rsa_key)], signing_time=T0)
    result = verify_seal(sealed, now=LATER)
    assert result.checks["integrity"].status is CheckStatus.PASSED
    certificate_check = result.checks["certificate"]
    assert certificate_check.status is CheckStatus.INDETERMINATE
    assert certificate_check.details["trust"] == "untrusted"
    assert "CERTIFICATE_UNTRUSTED" in result.codes
    assert not result.verified and result.document is None


def test_an_unrelated_anchor_does_not_make_the_seal_trusted(
    p256_key: Any, issue_leaf: Any, other_root: Any
) -> None:
    sealed = seal(
        CREDENTIAL, key=p256_key, certificate_chain=[issue_leaf(p256_key)], signing_time=T0
    )
    result = verify_seal(sealed, trust_anchors=[other_root[1]], now=LATER)
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert result.codes == {"CERTIFICATE_UNTRUSTED"}


@pytest.mark.parametrize(
    ("validity", "code"),
    [
        ({"not_after": T0 - timedelta(days=1)}, "CERTIFICATE_EXPIRED"),
        ({"not_before": T0 + timedelta(days=1)}, "CERTIFICATE_NOT_YET_VALID"),
    ],
)
def test_certificate_must_be_valid_at_the_signing_time(
    rsa_key: Any, issue_leaf: Any, root: Any, validity: dict[str, datetime], code: str
) -> None:
    leaf = issue_leaf(rsa_key, **validity)
    sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=[leaf], signing_time=T0)
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.checks["integrity"].status is CheckStatus.PASSED
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert code in result.codes and not result.verified


def test_expiry_after_signing_is_indeterminate_because_sigT_is_only_claimed(
    p256_key: Any, issue_leaf: Any, root: Any
) -> None:
    """ETSI EN 319 102-1: without a verified time-stamp there is no proof of existence
    before the certificate expired, so the seal is not verified (issue 15)."""
    leaf = issue_leaf(p256_key, not_after=T0 + timedelta(days=2))
    sealed = seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], signing_time=T0)
    assert verify_seal(sealed, trust_anchors=[root[1]], now=T0 + timedelta(days=1)).verified
    result = verify_seal(sealed, trust_anchors=[root[1]], now=T0 + timedelta(days=30))
    check = result.checks["certificate"]
    assert check.status is CheckStatus.INDETERMINATE and not result.verified
    assert [p.code for p in check.problems] == ["CERTIFICATE_EXPIRED_SINCE_SIGNING"]


def test_a_certificate_only_for_signing_certificates_cannot_seal(
    p256_key: Any, issue_leaf: Any, root: Any
) -> None:
    leaf = issue_leaf(p256_key, usage="ca")
    sealed = seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], signing_time=T0)
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.codes == {"CERTIFICATE_KEY_USAGE_INVALID"}


def test_path_through_an_intermediate_carried_in_x5c(p256_key: Any, root: Any) -> None:
    intermediate_key = p256_key
    intermediate = certificate("Test Issuing CA", intermediate_key, root, ca=True, serial=7)
    leaf_key = root[0]  # any other key: the root's P-384 key doubles as a seal key here
    leaf = certificate("Test e-seal 2", leaf_key, (intermediate_key, intermediate))
    sealed = seal(CREDENTIAL, key=leaf_key, certificate_chain=[leaf, intermediate], signing_time=T0)
    assert len(protected(sealed)["x5c"]) == 2
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.verified, result.to_dict()
    assert len(result.checks["certificate"].details["path"]) == 3
    without = seal(CREDENTIAL, key=leaf_key, certificate_chain=[leaf], signing_time=T0)
    assert verify_seal(without, trust_anchors=[root[1]], now=LATER).codes == {
        "CERTIFICATE_UNTRUSTED"
    }


def test_an_issuer_that_is_not_a_ca_breaks_the_chain(
    p256_key: Any, p384_key: Any, root: Any
) -> None:
    not_a_ca = certificate("Test Issuing CA", p256_key, root, serial=8)  # basicConstraints CA false
    leaf = certificate("Test e-seal 3", p384_key, (p256_key, not_a_ca))
    sealed = seal(CREDENTIAL, key=p384_key, certificate_chain=[leaf, not_a_ca], signing_time=T0)
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.codes == {"CERTIFICATE_CHAIN_INVALID"}


def test_the_pinned_leaf_itself_can_be_the_anchor(rsa_key: Any, issue_leaf: Any) -> None:
    leaf = issue_leaf(rsa_key)
    pem = leaf.public_bytes(Encoding.PEM)
    sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=pem, signing_time=T0)
    assert verify_seal(sealed, trust_anchors=[leaf], now=LATER).verified


def test_header_and_payload_follow_the_edc_seal_shape(rsa_key: Any, issue_leaf: Any) -> None:
    leaf = issue_leaf(rsa_key, serial=0x00FF_0102)
    sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=[leaf], signing_time=T0)
    header = protected(sealed)
    assert list(sealed) == ["payload", "signatures"]
    assert list(header) == ["alg", "cty", "kid", "x5t#S256", "x5c", "typ", "b64", "iat", "crit"]
    assert header["b64"] is False and header["crit"] == ["b64"]  # iat is a JWT claim
    assert header["iat"] == int(T0.timestamp()) == 1740830400
    assert header["typ"] == "jose+json" and header["cty"] == "octet-stream"
    der = leaf.public_bytes(Encoding.DER)
    assert base64.b64decode(header["x5c"][0]) == der
    assert header["x5t#S256"] == base64.urlsafe_b64encode(
        hashlib.sha256(der).digest()
    ).decode().rstrip("=")
    # payload: the credential as compact UTF-8 JSON, not base64url (RFC 7797 §5.2)
    assert sealed["payload"] == json.dumps(CREDENTIAL, separators=(",", ":"), ensure_ascii=False)
    assert "Zoé" in sealed["payload"]
    # kid: DER IssuerSerial = SEQUENCE { SEQUENCE { [4] issuer Name }, INTEGER serial }
    kid = base64.b64decode(header["kid"])
    issuer = leaf.issuer.public_bytes()
    assert kid.endswith(bytes([0x02, 0x04, 0x00, 0xFF, 0x01, 0x02]))
    assert issuer in kid and kid[0] == 0x30


def test_the_signature_covers_exactly_the_protected_header_and_payload_text(
    rsa_key: Any, issue_leaf: Any
) -> None:
    sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=[issue_leaf(rsa_key)], signing_time=T0)
    entry = sealed["signatures"][0]
    data = signing_input(entry["protected"], sealed["payload"])
    assert data == entry["protected"].encode() + b"." + sealed["payload"].encode("utf-8")
    rsa_key.public_key().verify(
        b64url_decode(entry["signature"]), data, padding.PKCS1v15(), hashes.SHA256()
    )


def test_rs256_seals_are_deterministic(rsa_key: Any, issue_leaf: Any) -> None:
    leaf = issue_leaf(rsa_key)
    first = seal(CREDENTIAL, key=rsa_key, certificate_chain=[leaf], signing_time=T0)
    assert seal(dict(CREDENTIAL), key=rsa_key, certificate_chain=[leaf], signing_time=T0) == first


def test_default_signing_time_is_now_at_second_precision(p256_key: Any, issue_leaf: Any) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    sealed = seal(CREDENTIAL, key=p256_key, certificate_chain=[issue_leaf(p256_key)])
    iat = protected(sealed)["iat"]
    assert isinstance(iat, int)
    assert before <= datetime.fromtimestamp(iat, UTC) <= datetime.now(UTC)


def test_sigT_is_written_only_on_request_for_older_verifiers(
    p256_key: Any, issue_leaf: Any, root: Any
) -> None:
    """TS 119 182-1 V1.2.1 deprecates sigT; EDC's own DSS verifier reads both."""
    leaf = issue_leaf(p256_key)
    sealed = seal(
        CREDENTIAL,
        key=p256_key,
        certificate_chain=[leaf],
        signing_time=T0,
        signing_time_header="sigT",
    )
    header = protected(sealed)
    assert header["sigT"] == "2025-03-01T12:00:00Z" and "iat" not in header
    assert header["crit"] == ["b64", "sigT"]
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.verified and result.checks["certificate"].details["time_source"] == "sigT"
    default = verify_seal(
        seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], signing_time=T0),
        trust_anchors=[root[1]],
        now=LATER,
    )
    assert default.verified and default.checks["certificate"].details["time_source"] == "iat"
    with pytest.raises(InvalidOptionError):
        seal(CREDENTIAL, key=p256_key, certificate_chain=[leaf], signing_time_header="sigt")  # type: ignore[arg-type]


def test_seal_does_not_change_its_input(p256_key: Any, issue_leaf: Any) -> None:
    document = json.loads(json.dumps(CREDENTIAL))
    seal(document, key=p256_key, certificate_chain=[issue_leaf(p256_key)], signing_time=T0)
    assert document == CREDENTIAL


@pytest.mark.parametrize(
    ("key_name", "options", "error"),
    [
        ("rsa_key", {"algorithm": "ES256"}, KeyTypeMismatchError),
        ("p256_key", {"algorithm": "ES384"}, KeyTypeMismatchError),
        ("p256_key", {"algorithm": "HS256"}, SealError),
        ("p256_key", {"algorithm": "none"}, SealError),
        ("p256_key", {"signing_time": datetime(2025, 1, 1)}, InvalidOptionError),
    ],
)
def test_misuse_raises_typed_errors(
    request: pytest.FixtureRequest,
    issue_leaf: Any,
    key_name: str,
    options: dict[str, Any],
    error: type[Exception],
) -> None:
    key = request.getfixturevalue(key_name)
    with pytest.raises(error):
        seal(CREDENTIAL, key=key, certificate_chain=[issue_leaf(key)], **options)


def test_key_and_certificate_must_belong_together(
    rsa_key: Any, p256_key: Any, issue_leaf: Any
) -> None:
    with pytest.raises(SealError, match="does not belong"):
        seal(CREDENTIAL, key=rsa_key, certificate_chain=[issue_leaf(p256_key)])
    with pytest.raises(SealError, match="empty"):
        seal(CREDENTIAL, key=rsa_key, certificate_chain=[])
    ed_key = ed25519.Ed25519PrivateKey.generate()
    with pytest.raises(SealError):
        seal(CREDENTIAL, key=ed_key, certificate_chain=[issue_leaf(p256_key)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "document", [{"bad": {1, 2}}, {"n": float("nan")}, {"s": "\ud800"}, ["list"]]
)
def test_a_document_that_is_not_a_json_object_cannot_be_sealed(
    p256_key: Any, issue_leaf: Any, document: Any
) -> None:
    with pytest.raises(MalformedDocumentError):
        seal(document, key=p256_key, certificate_chain=[issue_leaf(p256_key)])


def test_certificates_may_be_given_as_der_or_pem_bytes(rsa_key: Any, issue_leaf: Any) -> None:
    leaf = issue_leaf(rsa_key)
    der = leaf.public_bytes(Encoding.DER)
    for chain in (der, [der], leaf.public_bytes(Encoding.PEM)):
        sealed = seal(CREDENTIAL, key=rsa_key, certificate_chain=chain, signing_time=T0)
        assert base64.b64decode(protected(sealed)["x5c"][0]) == der
    with pytest.raises(InvalidCertificateError):
        seal(CREDENTIAL, key=rsa_key, certificate_chain=b"not a certificate")
