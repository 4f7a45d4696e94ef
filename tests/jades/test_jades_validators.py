"""The SealValidator hook: what a caller's online check can and cannot change."""

from __future__ import annotations

from typing import Any

import pytest
from jades_pki import CREDENTIAL, LATER, T0

from microcred.jades import SealContext, seal, verify_seal
from microcred.result import Check, CheckStatus, Problem


@pytest.fixture
def sealed(p256_key: Any, issue_leaf: Any) -> dict[str, Any]:
    return seal(CREDENTIAL, key=p256_key, certificate_chain=[issue_leaf(p256_key)], signing_time=T0)


def test_placeholders_say_what_was_not_checked(sealed: dict[str, Any], root: Any) -> None:
    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER)
    revocation, timestamps = result.checks["revocation"], result.checks["timestamps"]
    assert revocation.status is CheckStatus.SKIPPED
    assert [w.code for w in revocation.warnings] == ["REVOCATION_UNCHECKED"]
    assert timestamps.status is CheckStatus.SKIPPED and timestamps.details["present"] == {}
    assert result.verified  # skipped network checks are reported, not fatal


def test_a_revocation_validator_replaces_the_placeholder(sealed: dict[str, Any], root: Any) -> None:
    seen: list[SealContext] = []

    def ocsp(context: SealContext) -> Check:
        seen.append(context)
        return Check("revocation", CheckStatus.PASSED, details={"responder": "test"})

    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER, validators=[ocsp])
    assert result.checks["revocation"].status is CheckStatus.PASSED
    assert result.verified
    (context,) = seen
    assert context.certificates[0].subject.rfc4514_string().startswith("CN=Test e-seal,")
    assert context.signing_time == T0 and context.path == ("signatures", 0)
    assert context.credential == CREDENTIAL and context.payload == sealed["payload"]


def test_a_revoked_certificate_fails_the_result(sealed: dict[str, Any], root: Any) -> None:
    def revoked(context: SealContext) -> Check:
        problem = Problem("CERTIFICATE_REVOKED", "revoked", (*context.path, "protected", "x5c", 0))
        return Check.from_problems("revocation", [problem])

    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER, validators=[revoked])
    assert not result.verified and result.codes == {"CERTIFICATE_REVOKED"}


def test_a_validator_cannot_upgrade_a_built_in_check(sealed: dict[str, Any]) -> None:
    def trust_everything(context: SealContext) -> Check:
        return Check("certificate", CheckStatus.PASSED, details={"trust": "trusted"})

    result = verify_seal(sealed, now=LATER, validators=[trust_everything])
    assert result.checks["certificate"].status is CheckStatus.INDETERMINATE
    assert result.checks["certificate"].details["trust"] == "untrusted"
    assert not result.verified


def test_a_new_check_name_is_added(sealed: dict[str, Any], root: Any) -> None:
    def trusted_list(context: SealContext) -> Check:
        return Check("qualification", CheckStatus.WARNING, warnings=(Problem("NOT_QC", "x"),))

    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER, validators=[trusted_list])
    assert list(result.checks)[-1] == "qualification" and result.verified


@pytest.mark.parametrize("behaviour", ["raise", "junk"])
def test_a_broken_validator_makes_the_result_indeterminate(
    sealed: dict[str, Any], root: Any, behaviour: str
) -> None:
    def broken(context: SealContext) -> Any:
        if behaviour == "raise":
            raise RuntimeError("OCSP responder unreachable")
        return "ok"

    result = verify_seal(sealed, trust_anchors=[root[1]], now=LATER, validators=[broken])
    assert result.checks["validators"].status is CheckStatus.INDETERMINATE
    assert result.codes == {"JADES_VALIDATOR_ERROR"} and not result.verified


def test_validators_do_not_run_on_a_broken_signature(sealed: dict[str, Any]) -> None:
    calls: list[SealContext] = []

    def record(context: SealContext) -> Check:
        calls.append(context)
        return Check("recorded", CheckStatus.PASSED)

    tampered = dict(sealed, payload=sealed["payload"].replace("Süd", "Nord"))
    result = verify_seal(tampered, now=LATER, validators=[record])
    assert calls == [] and "recorded" not in result.checks
    assert verify_seal(sealed, now=LATER, validators=[record]).checks["recorded"].ok
