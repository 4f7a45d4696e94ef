"""verify_seal on tampered, malformed and hostile input: each rule fails with its own code.

References: RFC 7515 §4.1.11 (crit), §7.2 (JSON serializations); RFC 7797 §3, §6 (b64, crit);
RFC 7518 §3 (allowed algorithms); ETSI TS 119 182-1 §5.1 (kid), §5.2.1 (sigT).
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jades_pki import CREDENTIAL, LATER, T0, certificate, protected, reseal

from microcred.errors import InvalidOptionError
from microcred.jades import is_jades, seal, verify_seal
from microcred.keys.multibase import base64url_encode as b64url_encode
from microcred.result import CheckStatus

FIXTURE_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def sealed(rsa_key: Any, issue_leaf: Any) -> dict[str, Any]:
    """A seal with the older `sigT` header, whose own rules most tests here break."""
    leaf = issue_leaf(rsa_key)
    return seal(
        CREDENTIAL,
        key=rsa_key,
        certificate_chain=[leaf],
        signing_time=T0,
        signing_time_header="sigT",
    )


def _status(result: Any, name: str) -> CheckStatus:
    status: CheckStatus = result.checks[name].status
    return status


def test_one_flipped_payload_character_fails_integrity(sealed: dict[str, Any]) -> None:
    tampered = dict(sealed, payload=sealed["payload"].replace("Zoé", "Zoë"))
    result = verify_seal(tampered, now=LATER)
    assert _status(result, "format") is CheckStatus.PASSED
    assert _status(result, "integrity") is CheckStatus.FAILED
    assert result.checks["integrity"].problems[0].code == "JADES_SIGNATURE_INVALID"
    assert result.checks["integrity"].problems[0].path == ("signatures", 0, "signature")


@FIXTURE_SETTINGS
@given(data=st.data())
def test_any_changed_payload_character_is_caught(
    sealed: dict[str, Any], data: st.DataObject
) -> None:
    text = sealed["payload"]
    index = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.characters(codec="utf-8").filter(lambda c: c != text[index]))
    result = verify_seal(dict(sealed, payload=text[:index] + char + text[index + 1 :]), now=LATER)
    assert not result.verified
    assert {"JADES_SIGNATURE_INVALID", "JADES_FORMAT_ERROR"} & result.codes


def test_reserialised_payload_is_not_what_was_signed(sealed: dict[str, Any]) -> None:
    pretty = json.dumps(json.loads(sealed["payload"]), indent=2, ensure_ascii=False)
    assert verify_seal(dict(sealed, payload=pretty), now=LATER).codes == {
        "JADES_SIGNATURE_INVALID",
        "CERTIFICATE_UNTRUSTED",
    }


def test_a_changed_protected_header_fails_integrity(sealed: dict[str, Any]) -> None:
    header = protected(sealed) | {"sigT": "2025-03-01T12:00:01Z"}
    encoded = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    tampered = copy.deepcopy(sealed)
    tampered["signatures"][0]["protected"] = encoded
    assert "JADES_SIGNATURE_INVALID" in verify_seal(tampered, now=LATER).codes


def test_another_certificate_for_the_same_key_breaks_the_x5t_binding(
    sealed: dict[str, Any], rsa_key: Any, issue_leaf: Any
) -> None:
    twin = issue_leaf(rsa_key, serial=99).public_bytes(Encoding.DER)
    edited = reseal(sealed, rsa_key, lambda h: h.update(x5c=[base64.b64encode(twin).decode()]))
    codes = verify_seal(edited, now=LATER).codes
    assert {"JADES_CERTIFICATE_DIGEST_MISMATCH", "JADES_KID_MISMATCH"} <= codes


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (
            lambda h: h.update(sigPl={"city": "Luxembourg"}, crit=["b64", "sigT", "sigPl"]),
            "JADES_CRIT_UNSUPPORTED",
        ),
        (lambda h: h.update(crit=["sigT"]), "JADES_FORMAT_ERROR"),  # b64 must be critical
        (lambda h: h.update(crit=["b64", "sigT", "alg"]), "JADES_FORMAT_ERROR"),
        (lambda h: h.update(crit=["b64", "sigT", "sigX5ts"]), "JADES_FORMAT_ERROR"),  # absent
        (lambda h: h.update(crit=[]), "JADES_FORMAT_ERROR"),
        (lambda h: h.update(crit="b64"), "JADES_FORMAT_ERROR"),
        (lambda h: h.pop("sigT") and h.update(crit=["b64"]), "JADES_FORMAT_ERROR"),
        (lambda h: h.update(sigT="2025-03-01T12:00:00+00:00"), "JADES_FORMAT_ERROR"),
        (lambda h: h.pop("x5t#S256"), "JADES_FORMAT_ERROR"),
        (lambda h: h.pop("x5c"), "JADES_FORMAT_ERROR"),
        (lambda h: h.update(x5c=["not base64!"]), "JADES_FORMAT_ERROR"),
        (lambda h: h.update(b64="false"), "JADES_FORMAT_ERROR"),
    ],
)
def test_header_rules_fail_the_format_check(
    sealed: dict[str, Any], rsa_key: Any, edit: Any, code: str
) -> None:
    result = verify_seal(reseal(sealed, rsa_key, edit), now=LATER)
    assert _status(result, "format") is CheckStatus.FAILED
    assert code in result.codes and not result.verified


@pytest.mark.parametrize("alg", ["none", "HS256", "RS1", ""])
def test_disallowed_algorithms_fail_integrity(sealed: dict[str, Any], alg: str) -> None:
    header = protected(sealed) | {"alg": alg}
    tampered = copy.deepcopy(sealed)
    tampered["signatures"][0]["protected"] = b64url_encode(json.dumps(header).encode())
    result = verify_seal(tampered, now=LATER)
    assert result.checks["integrity"].problems[0].code == "JADES_ALGORITHM_UNSUPPORTED"


def test_algorithm_that_does_not_fit_the_certificate_key(sealed: dict[str, Any]) -> None:
    header = protected(sealed) | {"alg": "ES256"}
    tampered = copy.deepcopy(sealed)
    tampered["signatures"][0]["protected"] = b64url_encode(json.dumps(header).encode())
    problem = verify_seal(tampered, now=LATER).checks["integrity"].problems[0]
    assert problem.code == "JADES_KEY_ALGORITHM_MISMATCH"
    assert problem.path == ("signatures", 0, "protected", "alg")


def test_iat_is_accepted_as_the_claimed_signing_time(sealed: dict[str, Any], rsa_key: Any) -> None:
    def to_iat(header: dict[str, Any]) -> None:
        del header["sigT"]
        header.update(iat=int(T0.timestamp()), crit=["b64"])

    result = verify_seal(reseal(sealed, rsa_key, to_iat), now=LATER)
    assert _status(result, "format") is CheckStatus.PASSED
    assert result.checks["certificate"].details["time_source"] == "iat"
    assert result.checks["certificate"].details["validated_at"] == "2025-03-01T12:00:00Z"


def test_unencoded_and_base64url_payloads_both_verify(sealed: dict[str, Any], rsa_key: Any) -> None:
    def encoded(header: dict[str, Any]) -> None:
        del header["b64"]
        header["crit"] = ["sigT"]

    payload = b64url_encode(sealed["payload"].encode())
    result = verify_seal(reseal(sealed, rsa_key, encoded, payload=payload), now=LATER)
    assert _status(result, "integrity") is CheckStatus.PASSED
    assert _status(result, "validity") is CheckStatus.PASSED


def test_flattened_serialization_verifies(sealed: dict[str, Any], root: Any) -> None:
    flat = {"payload": sealed["payload"], **sealed["signatures"][0]}
    assert is_jades(flat)
    result = verify_seal(flat, trust_anchors=[root[1]], now=LATER)
    assert result.verified
    broken = dict(flat, signature=flat["signature"][:-2])
    assert verify_seal(broken, now=LATER).checks["integrity"].problems[0].path == ("signature",)


def test_every_signature_of_a_general_serialization_must_verify(
    sealed: dict[str, Any], root: Any
) -> None:
    entry = sealed["signatures"][0]
    double = dict(sealed, signatures=[entry, dict(entry, signature=entry["signature"][::-1])])
    result = verify_seal(double, trust_anchors=[root[1]], now=LATER)
    assert not result.verified
    assert result.checks["integrity"].problems[0].path == ("signatures", 1, "signature")


def test_duplicate_header_members_are_rejected(sealed: dict[str, Any]) -> None:
    text = json.dumps(protected(sealed), separators=(",", ":"))
    duplicated = text[:-1] + ',"alg":"RS256"}'
    tampered = copy.deepcopy(sealed)
    tampered["signatures"][0]["protected"] = b64url_encode(duplicated.encode())
    assert _status(verify_seal(tampered, now=LATER), "format") is CheckStatus.FAILED


@pytest.mark.parametrize(
    ("dates", "code"),
    [
        ({"expirationDate": "2025-03-02T00:00:00Z"}, "CREDENTIAL_EXPIRED"),
        ({"validUntil": "2025-03-02T00:00:00+01:00"}, "CREDENTIAL_EXPIRED"),
        ({"validFrom": "2025-04-01T00:00:00Z"}, "CREDENTIAL_NOT_YET_VALID"),
        ({"issuanceDate": "2025-03-02T12:10:00"}, "CREDENTIAL_NOT_YET_VALID"),
        ({"validFrom": "yesterday"}, "MALFORMED_VALUE_ERROR"),
    ],
)
def test_the_credential_dates_are_checked(
    rsa_key: Any, issue_leaf: Any, root: Any, dates: dict[str, str], code: str
) -> None:
    document = CREDENTIAL | dates
    sealed = seal(document, key=rsa_key, certificate_chain=[issue_leaf(rsa_key)], signing_time=T0)
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    assert result.checks["validity"].problems[0].code == code
    assert result.checks["validity"].problems[0].path[0] == "payload"
    assert not result.verified


def test_clock_skew_is_tolerated_up_to_the_allowance(
    rsa_key: Any, issue_leaf: Any, root: Any
) -> None:
    document = CREDENTIAL | {"validFrom": "2025-03-02T12:03:00Z"}  # 3 minutes after LATER
    sealed = seal(document, key=rsa_key, certificate_chain=[issue_leaf(rsa_key)], signing_time=T0)
    assert verify_seal(sealed, trust_anchors=[root[1]], now=LATER).verified
    strict = verify_seal(sealed, trust_anchors=[root[1]], now=LATER, max_clock_skew=timedelta(0))
    assert strict.codes == {"CREDENTIAL_NOT_YET_VALID"}


def test_naive_now_is_misuse(sealed: dict[str, Any]) -> None:
    with pytest.raises(InvalidOptionError):
        verify_seal(sealed, now=LATER.replace(tzinfo=None))


GARBAGE: list[Any] = [
    None,
    0,
    "",
    "x",
    [],
    {},
    {"payload": 1},
    {"payload": "{}"},
    {"payload": "{}", "signatures": []},
    {"payload": "{}", "signatures": [1]},
    {"payload": "{}", "signatures": {}},
    {"payload": "{}", "signatures": [{"protected": "!!", "signature": "x"}]},
    {"payload": "{}", "signatures": [{"protected": "e30", "signature": "%%"}]},
    {"payload": "{}", "signatures": [{"protected": b64url_encode(b"[1]"), "signature": ""}]},
    {"payload": "{}", "protected": "e30", "signature": "", "signatures": []},
    {"payload": "[" * 100000, "signatures": [{"protected": "e30", "signature": ""}]},
]


@pytest.mark.parametrize("document", GARBAGE)
def test_garbage_never_raises(document: Any) -> None:
    result = verify_seal(document, now=LATER)
    assert not result.verified
    assert _status(result, "format") is CheckStatus.FAILED
    assert not is_jades(document)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON)
def test_any_json_value_is_a_failed_result_never_an_exception(document: Any) -> None:
    assert not verify_seal(document, now=LATER).verified


@FIXTURE_SETTINGS
@given(data=st.data())
def test_hostile_header_values_never_raise(
    sealed: dict[str, Any], rsa_key: Any, data: st.DataObject
) -> None:
    names = ["alg", "x5c", "x5t#S256", "kid", "sigT", "iat", "crit", "b64", "etsiU"]
    name, value = data.draw(st.sampled_from(names)), data.draw(JSON)
    if name == "alg":  # cannot re-sign with a hostile alg: replace it in place
        tampered = copy.deepcopy(sealed)
        header = protected(sealed) | {"alg": value}
        tampered["signatures"][0]["protected"] = b64url_encode(json.dumps(header).encode())
    elif name == "etsiU":  # the unprotected header
        tampered = copy.deepcopy(sealed)
        tampered["signatures"][0]["header"] = {"etsiU": value}
    else:  # validly re-signed, so only the header rules can object
        tampered = reseal(sealed, rsa_key, lambda h: h.update({name: value}))
    result = verify_seal(tampered, now=LATER)
    assert not result.verified


def test_a_leaf_of_an_unsupported_key_type_is_an_integrity_failure(
    sealed: dict[str, Any], root: Any
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    leaf = certificate("Ed25519 seal", key, root)  # type: ignore[arg-type]
    header = protected(sealed) | {
        "x5c": [base64.b64encode(leaf.public_bytes(Encoding.DER)).decode()]
    }
    tampered = copy.deepcopy(sealed)
    tampered["signatures"][0]["protected"] = b64url_encode(json.dumps(header).encode())
    assert "JADES_KEY_ALGORITHM_MISMATCH" in verify_seal(tampered, now=LATER).codes


def test_sig_t_alone_is_deprecated_for_seals_made_from_2025_05_15(
    rsa_key: Any, issue_leaf: Any, root: Any
) -> None:
    """EU DSS requires iat in baseline-B signatures from that date; a warning, not a failure."""
    leaf = issue_leaf(rsa_key, not_after=T0 + timedelta(days=3650))
    for when, warned in ((T0, False), (T0.replace(year=2025, month=5, day=15), True)):
        for header, expected in (("sigT", warned), ("iat", False)):
            sealed = seal(
                CREDENTIAL,
                key=rsa_key,
                certificate_chain=[leaf],
                signing_time=when,
                signing_time_header=header,  # type: ignore[arg-type]
            )
            result = verify_seal(sealed, trust_anchors=[root[1]], now=when + timedelta(days=1))
            codes = [w.code for w in result.checks["format"].warnings]
            assert codes == (["JADES_SIGT_DEPRECATED"] if expected else []), (when, header)
            assert result.verified
