"""verify_seal under the security review's JAdES findings: each reproduction, kept.

1. sigT in non-ASCII digits, and credential dates beyond year 9999 (OverflowError before);
2. a claimed signing time in the future, a certificate not yet valid (TS 119 182-1 §5.2.1);
3. an unencoded payload exactly when `b64: false` is listed in `crit` (RFC 7797 §3, §6);
4. a sealing certificate that is a CA, or lacks keyUsage digitalSignature/nonRepudiation;
5. certificates whose names or extensions cryptography only fails on when read, in x5c,
   in the unsigned etsiU xVals, or given as trust anchors.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.errors import InvalidCertificateError, InvalidOptionError
from microcred.jades import seal, verify_seal
from microcred.jades.algorithms import sign
from microcred.jades.jws import b64url_decode, signing_input
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import CheckStatus, VerificationResult
from tests.jades.jades_pki import CREDENTIAL as BOUND
from tests.jades.jades_pki import LATER, T0, certificate

BOUND_ISSUER = BOUND["issuer"]

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/2018/credentials/v1"],
    "type": ["VerifiableCredential"],
    "issuer": BOUND_ISSUER,  # the organisation the test PKI names (jades.issuer binding)
    "issuanceDate": "2025-03-01T12:00:00Z",
    "credentialSubject": {"id": "urn:example:subject"},
}
CA = {"key_cert_sign": True, "crl_sign": True}


def _certificate(
    common_name: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None,
    **options: Any,
) -> x509.Certificate:
    """A certificate of the test PKI with a random serial and the seal key usage unless
    `usage` says otherwise; `ca=None` / `usage=None` leave basicConstraints / keyUsage out."""
    options.setdefault("usage", "seal")
    return certificate(common_name, key, issuer, serial=x509.random_serial_number(), **options)


KEY = ec.generate_private_key(ec.SECP256R1())
ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
ROOT = _certificate("Review Root CA", ROOT_KEY, ca=True, usage=CA)
CA_KEY = ec.generate_private_key(ec.SECP256R1())
ISSUING_CA = _certificate("Review Issuing CA", CA_KEY, (ROOT_KEY, ROOT), ca=True, usage=CA)
LEAF = _certificate("Review e-seal", KEY, (CA_KEY, ISSUING_CA))


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.DER)


def _sealed(
    leaf: x509.Certificate = LEAF,
    *,
    signing_time: datetime = T0,
    document: dict[str, Any] = CREDENTIAL,
) -> dict[str, Any]:
    return seal(  # sigT: these rules are about the sigT header
        document,
        key=KEY,
        certificate_chain=[leaf],
        signing_time=signing_time,
        signing_time_header="sigT",
    )


def _reseal(
    sealed: dict[str, Any], edit: Callable[[dict[str, Any]], object], payload: str | None = None
) -> dict[str, Any]:
    """`sealed` with its protected header edited and validly signed again by KEY."""
    header = json.loads(b64url_decode(sealed["signatures"][0]["protected"]))
    edit(header)
    protected = b64url_encode(json.dumps(header).encode())
    text = sealed["payload"] if payload is None else payload
    signature = sign(header["alg"], KEY, signing_input(protected, text))
    return {
        "payload": text,
        "signatures": [{"protected": protected, "signature": b64url_encode(signature)}],
    }


def _with_x5c(sealed: dict[str, Any], der: bytes, *, keep_kid: bool = False) -> dict[str, Any]:
    """`sealed` re-signed with `der` as its only x5c certificate, referenced by x5t#S256
    (and by the `kid` of the original certificate if `keep_kid`)."""

    def edit(header: dict[str, Any]) -> None:
        if not keep_kid:
            del header["kid"]
        header["x5c"] = [base64.b64encode(der).decode()]
        header["x5t#S256"] = b64url_encode(hashlib.sha256(der).digest())

    return _reseal(sealed, edit)


def _with_x_vals(sealed: dict[str, Any], *ders: bytes) -> dict[str, Any]:
    """`sealed` carrying `ders` in the unsigned etsiU xVals (needs no new signature)."""
    out = copy.deepcopy(sealed)
    values = [{"x509Cert": {"val": base64.b64encode(der).decode()}} for der in ders]
    out["signatures"][0]["header"] = {"etsiU": [{"xVals": values}]}
    return out


def _problems(result: VerificationResult, check: str) -> list[tuple[str, tuple[Any, ...]]]:
    return [(p.code, p.path) for p in result.checks[check].problems]


AT_LEAF = ("signatures", 0, "protected", "x5c", 0)


def test_the_review_pki_verifies() -> None:
    sealed = _with_x_vals(_sealed(), _der(ISSUING_CA))
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert result.verified, result.to_dict()
    assert len(result.checks["certificate"].details["path"]) == 3


# 1. ASCII digits only; dates that overflow datetime are problems, not exceptions


@pytest.mark.parametrize(
    "sig_t",
    [
        "٢٠٢٥-03-01T12:00:00Z",  # an Arabic-Indic year: \d and strptime's %Y took it
        "٢٠٢٥-٠٣-٠١T١٢:٠٠:٠٠Z",
        "２０２５-03-01T12:00:00Z",  # fullwidth digits
        "2025-03-01T12:00:0٠Z",  # one Arabic-Indic digit in the seconds
    ],
)
def test_sig_t_in_non_ascii_digits_is_a_format_error(sig_t: str) -> None:
    result = verify_seal(_reseal(_sealed(), lambda h: h.update(sigT=sig_t)), now=LATER)
    assert result.checks["format"].status is CheckStatus.FAILED
    assert ("JADES_FORMAT_ERROR", ("signatures", 0, "protected", "sigT")) in _problems(
        result, "format"
    )


@pytest.mark.parametrize(
    "dates",
    [
        {"expirationDate": "9999-12-31T24:00:00Z"},
        {"expirationDate": "9999-12-31T23:00:00-14:00"},
        {"issuanceDate": "0001-01-01T00:00:00+14:00"},
        {"issuanceDate": "1" + "0" * 5000 + "-01-01T00:00:00Z"},
    ],
)
def test_credential_dates_outside_datetime_are_problems(dates: dict[str, str]) -> None:
    sealed = _sealed(document=CREDENTIAL | dates)
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert not result.verified
    assert [code for code, _ in _problems(result, "validity")] == ["MALFORMED_VALUE_ERROR"]


@pytest.mark.parametrize(
    "now", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)]
)
def test_a_now_at_the_end_of_time_is_a_typed_option_error(now: datetime) -> None:
    with pytest.raises(InvalidOptionError, match="max_clock_skew"):
        verify_seal(_sealed(), now=now)


# 2. the claimed signing time may not lie in the future; the certificate must be valid at it


def test_a_sig_t_after_now_plus_the_skew_fails() -> None:
    sealed = _sealed(signing_time=LATER + timedelta(hours=1))
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert not result.verified
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert _problems(result, "certificate") == [
        ("JADES_SIGNING_TIME_IN_FUTURE", ("signatures", 0, "protected", "sigT"))
    ]


def test_a_sig_t_within_the_skew_is_accepted() -> None:
    sealed = _with_x_vals(_sealed(signing_time=LATER + timedelta(minutes=4)), _der(ISSUING_CA))
    assert verify_seal(sealed, trust_anchors=[ROOT], now=LATER).verified
    strict = verify_seal(sealed, trust_anchors=[ROOT], now=LATER, max_clock_skew=timedelta(0))
    assert "JADES_SIGNING_TIME_IN_FUTURE" in strict.codes and not strict.verified


def test_a_future_iat_fails_like_a_future_sig_t() -> None:
    def to_iat(header: dict[str, Any]) -> None:
        del header["sigT"]
        header.update(iat=int((LATER + timedelta(days=2)).timestamp()), crit=["b64"])

    result = verify_seal(_reseal(_sealed(), to_iat), trust_anchors=[ROOT], now=LATER)
    assert ("JADES_SIGNING_TIME_IN_FUTURE", ("signatures", 0, "protected", "iat")) in _problems(
        result, "certificate"
    )


def test_a_certificate_not_yet_valid_at_sig_t_fails() -> None:
    leaf = _certificate("Review e-seal", KEY, (CA_KEY, ISSUING_CA), not_before=T0 + timedelta(1))
    result = verify_seal(_sealed(leaf), trust_anchors=[ROOT], now=LATER)
    assert _problems(result, "certificate") == [("CERTIFICATE_NOT_YET_VALID", AT_LEAF)]


def test_a_certificate_not_yet_valid_now_cannot_hide_behind_a_future_sig_t() -> None:
    """Valid from next week and claimed signed then: the claim is in the future, so it fails."""
    next_week = LATER + timedelta(days=7)
    leaf = _certificate("Review e-seal", KEY, (CA_KEY, ISSUING_CA), not_before=next_week)
    sealed = _sealed(leaf, signing_time=next_week + timedelta(hours=1))
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert "JADES_SIGNING_TIME_IN_FUTURE" in result.codes and not result.verified


# 3. payload unencoded <=> b64: false, listed in crit


def _drop(*names: str) -> Callable[[dict[str, Any]], None]:
    def edit(header: dict[str, Any]) -> None:
        for name in names:
            header.pop(name)

    return edit


@pytest.mark.parametrize(
    ("edit", "encode", "message"),
    [
        (_drop("b64", "crit"), False, "only a header with b64: false"),
        (lambda h: h.update(b64=True), False, "only a header with b64: false"),
        (_drop("crit"), False, "b64 must be listed in crit"),
        (lambda h: h.update(crit=["sigT"]), False, "b64 must be listed in crit"),
        (lambda h: h.update(b64="false"), False, "b64 must be true or false"),
        (lambda h: h.update(b64=0), False, "b64 must be true or false"),
        (lambda h: None, True, "payload is not JSON"),  # b64: false with an encoded payload
    ],
)
def test_an_inconsistent_payload_encoding_fails_the_format_check(
    edit: Callable[[dict[str, Any]], None], encode: bool, message: str
) -> None:
    sealed = _sealed()
    payload = b64url_encode(sealed["payload"].encode()) if encode else None
    result = verify_seal(_reseal(sealed, edit, payload), trust_anchors=[ROOT], now=LATER)
    assert result.checks["format"].status is CheckStatus.FAILED
    assert any(message in p.message for p in result.checks["format"].problems)
    assert not result.verified


@pytest.mark.parametrize(
    "edit",
    [
        _drop("b64", "crit"),  # RFC 7515 default: an encoded payload
        lambda h: h.update(b64=True),  # b64: true, listed in crit
        lambda h: h.update(b64=None, crit=["sigT"]) or h.pop("b64"),  # no b64, sigT critical
    ],
)
def test_a_base64url_payload_without_b64_false_is_the_jws_default(
    edit: Callable[[dict[str, Any]], None],
) -> None:
    sealed = _sealed()
    payload = b64url_encode(sealed["payload"].encode())
    resealed = _with_x_vals(_reseal(sealed, edit, payload), _der(ISSUING_CA))
    result = verify_seal(resealed, trust_anchors=[ROOT], now=LATER)
    assert result.verified, result.to_dict()
    assert result.document == CREDENTIAL


# 4. the sealing certificate is an end-entity certificate with a sealing key usage


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ({"usage": None}, ["CERTIFICATE_KEY_USAGE_INVALID"]),
        ({"usage": {"key_encipherment": True}}, ["CERTIFICATE_KEY_USAGE_INVALID"]),
        ({"usage": CA}, ["CERTIFICATE_KEY_USAGE_INVALID"]),
        ({"ca": True}, ["CERTIFICATE_NOT_END_ENTITY"]),
        (
            {"ca": True, "usage": None},
            ["CERTIFICATE_NOT_END_ENTITY", "CERTIFICATE_KEY_USAGE_INVALID"],
        ),
    ],
)
def test_a_certificate_unfit_for_sealing_is_refused(
    options: dict[str, Any], codes: list[str]
) -> None:
    leaf = _certificate("Review e-seal", KEY, (CA_KEY, ISSUING_CA), **options)
    result = verify_seal(_sealed(leaf), trust_anchors=[ROOT, ISSUING_CA], now=LATER)
    assert result.checks["certificate"].status is CheckStatus.FAILED
    assert _problems(result, "certificate") == [(code, AT_LEAF) for code in codes]


def test_a_self_signed_ca_pinned_as_its_own_anchor_still_cannot_seal() -> None:
    own = _certificate("Review self-signed seal", KEY, ca=True, usage=None)
    result = verify_seal(_sealed(own), trust_anchors=[own], now=LATER)
    assert not result.verified
    assert {"CERTIFICATE_NOT_END_ENTITY", "CERTIFICATE_KEY_USAGE_INVALID"} == result.codes


@pytest.mark.parametrize(
    "options",
    [
        {"usage": {"digital_signature": True}},
        {"usage": {"content_commitment": True}},
        {"ca": None},  # no basicConstraints: an end-entity certificate (RFC 5280 §4.2.1.9)
    ],
)
def test_end_entity_certificates_with_a_sealing_usage_verify(options: dict[str, Any]) -> None:
    leaf = _certificate("Review e-seal", KEY, (CA_KEY, ISSUING_CA), **options)
    result = verify_seal(_sealed(leaf), trust_anchors=[ROOT, ISSUING_CA], now=LATER)
    assert result.verified, result.to_dict()


# 5. certificates that parse but cannot be read: a problem of the result, never an exception


def _bad_name(certificate: x509.Certificate, common_name: str, tag: int = 0x02) -> bytes:
    """The DER of `certificate` with the UTF8String tag of `common_name` turned into `tag`
    (INTEGER: ValueError, BIT STRING: TypeError): it still parses, and cryptography raises
    only when the Name is read."""
    der = bytearray(_der(certificate))
    value = common_name.encode()
    index = bytes(der).index(bytes([0x0C, len(value)]) + value)
    der[index] = tag
    return bytes(der)


def _duplicate_extension(certificate: x509.Certificate) -> bytes:
    """The DER of `certificate` with its authorityKeyIdentifier OID changed into the
    subjectKeyIdentifier OID: it parses, and `extensions` raises DuplicateExtension."""
    der = bytearray(_der(certificate))
    index = bytes(der).index(bytes([0x06, 0x03, 0x55, 0x1D, 0x23]))
    der[index + 4] = 0x0E
    return bytes(der)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda: _bad_name(LEAF, "Review Issuing CA"),
        lambda: _bad_name(LEAF, "Review e-seal", 0x03),
        lambda: _duplicate_extension(LEAF),
    ],
    ids=["integer-issuer", "bit-string-subject", "duplicate-extension"],
)
def test_an_unreadable_x5c_leaf_is_certificate_malformed(corrupt: Callable[[], bytes]) -> None:
    der = corrupt()
    x509.load_der_x509_certificate(der)  # it does parse: the trap is in reading it
    for anchors in ([ROOT], None):
        result = verify_seal(_with_x5c(_sealed(), der), trust_anchors=anchors, now=LATER)
        assert result.checks["integrity"].status is CheckStatus.PASSED
        assert [code for code, _ in _problems(result, "certificate")] == ["CERTIFICATE_MALFORMED"]
        assert _problems(result, "certificate")[0][1] == AT_LEAF and not result.verified


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda: _bad_name(ISSUING_CA, "Review Issuing CA"),  # the subject
        lambda: _bad_name(ISSUING_CA, "Review Root CA"),  # the issuer
        lambda: _bad_name(ISSUING_CA, "Review Issuing CA", 0x03),
        lambda: _duplicate_extension(ISSUING_CA),
    ],
)
def test_an_unreadable_certificate_in_x_vals_is_left_out_with_a_warning(
    corrupt: Callable[[], bytes],
) -> None:
    sealed = _with_x_vals(_sealed(), corrupt())
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert _problems(result, "certificate") == [("CERTIFICATE_UNTRUSTED", AT_LEAF)]
    warnings = result.checks["format"].warnings
    assert [(w.code, w.path[-3:]) for w in warnings] == [
        ("JADES_UNSIGNED_PROPERTY_INVALID", ("xVals", 0, "x509Cert"))
    ]
    both = _with_x_vals(_sealed(), corrupt(), _der(ISSUING_CA))
    assert verify_seal(both, trust_anchors=[ROOT], now=LATER).verified


def _unknown_version(certificate: x509.Certificate) -> bytes:
    """The DER of `certificate` claiming X.509 version 6: cryptography raises InvalidVersion,
    which is not a ValueError, when loading it."""
    der = bytearray(_der(certificate))
    index = bytes(der).index(bytes([0xA0, 0x03, 0x02, 0x01, 0x02]))
    der[index + 4] = 0x05
    return bytes(der)


def test_a_certificate_of_an_unknown_version_is_not_a_certificate() -> None:
    in_x5c = verify_seal(_with_x5c(_sealed(), _unknown_version(LEAF)), now=LATER)
    assert _problems(in_x5c, "format") == [("JADES_FORMAT_ERROR", AT_LEAF)]
    in_x_vals = verify_seal(_with_x_vals(_sealed(), _unknown_version(ISSUING_CA)), now=LATER)
    assert [w.code for w in in_x_vals.checks["format"].warnings] == [
        "JADES_UNSIGNED_PROPERTY_INVALID"
    ]
    with pytest.raises(InvalidCertificateError, match=r"not an X\.509 certificate"):
        verify_seal(_sealed(), trust_anchors=_unknown_version(ROOT), now=LATER)


def test_an_unreadable_trust_anchor_is_a_typed_option_error() -> None:
    with pytest.raises(InvalidCertificateError, match="unreadable"):
        verify_seal(_sealed(), trust_anchors=[_bad_name(ROOT, "Review Root CA")], now=LATER)


MUTATIONS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=3)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mutate(der: bytes, mutations: list[tuple[int, int]]) -> bytes:
    out = bytearray(der)
    for index, value in mutations:
        out[index % len(out)] = value
    return bytes(out)


@SETTINGS
@given(mutations=MUTATIONS, which=st.sampled_from(["leaf", "issuing CA"]))
def test_corrupted_certificates_in_x_vals_never_raise(
    mutations: list[tuple[int, int]], which: str
) -> None:
    der = _mutate(_der(LEAF if which == "leaf" else ISSUING_CA), mutations)
    result = verify_seal(_with_x_vals(_sealed(), der), trust_anchors=[ROOT], now=LATER)
    assert result.verified is (der == _der(ISSUING_CA))


@SETTINGS
@given(mutations=MUTATIONS, keep_kid=st.booleans())
def test_corrupted_x5c_leaves_never_raise(mutations: list[tuple[int, int]], keep_kid: bool) -> None:
    der = _mutate(_der(LEAF), mutations)
    sealed = _with_x_vals(_with_x5c(_sealed(), der, keep_kid=keep_kid), _der(ISSUING_CA))
    result = verify_seal(sealed, trust_anchors=[ROOT], now=LATER)
    assert result.verified is (der == _der(LEAF))
