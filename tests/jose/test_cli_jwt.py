"""`microcred issue --format vc+jwt`, `verify file.jwt`, `inspect file.jwt`."""

from __future__ import annotations

from pathlib import Path

import pytest

from microcred.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"


def test_issue_verify_and_inspect_a_vc_jwt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, token = tmp_path / "key.json", tmp_path / "vc.jwt"
    assert main(["keygen", "-o", str(key)]) == 0
    assert (
        main(["issue", str(EXAMPLE), "--key", str(key), "--format", "vc+jwt", "-o", str(token)])
        == 0
    )
    text = token.read_text("ascii")
    assert text.count(".") == 2 and text.endswith("\n")
    capsys.readouterr()
    assert main(["verify", str(token)]) == 0
    assert capsys.readouterr().out.startswith("VERIFIED")
    assert main(["inspect", str(token)]) == 0
    assert "Digital micro-credential creation" in capsys.readouterr().out
    header, payload, signature = text.strip().split(".")
    token.write_text(f"{header}.{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}")
    assert main(["verify", str(token)]) == 1
    assert "PROOF_VERIFICATION_ERROR" in capsys.readouterr().out


def test_a_file_that_is_neither_json_nor_a_token_is_not_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.jwt"
    junk.write_text("hello world")
    assert main(["verify", str(junk)]) == 1
    assert "MALFORMED_JWS" in capsys.readouterr().out


def test_present_a_vc_jwt_as_a_vp_jwt_and_verify_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer, holder = tmp_path / "issuer.json", tmp_path / "holder.json"
    token, vp = tmp_path / "vc.jwt", tmp_path / "vp.jwt"
    assert main(["keygen", "-o", str(issuer)]) == 0
    assert main(["keygen", "--type", "p256", "-o", str(holder)]) == 0
    assert (
        main(["issue", str(EXAMPLE), "--key", str(issuer), "--format", "vc+jwt", "-o", str(token)])
        == 0
    )
    present = [
        "present",
        str(token),
        "--key",
        str(holder),
        "--challenge",
        "N",
        "--domain",
        "https://v.example",
    ]
    assert main([*present, "--format", "vp+jwt", "-o", str(vp)]) == 0
    capsys.readouterr()
    check = ["verify-presentation", str(vp), "--challenge", "N", "--domain", "https://v.example"]
    assert main(check) == 0
    assert main(["verify-presentation", str(vp), "--challenge", "other"]) == 1
    assert "INVALID_CHALLENGE_ERROR" in capsys.readouterr().out


def test_issue_present_and_verify_an_sd_jwt_vc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issuer, holder = tmp_path / "issuer.json", tmp_path / "holder.json"
    token, shown = tmp_path / "vc.sdjwt", tmp_path / "vp.sdjwt"
    assert main(["keygen", "-o", str(issuer)]) == 0
    assert main(["keygen", "--type", "p256", "-o", str(holder)]) == 0
    issue = ["issue", str(EXAMPLE), "--key", str(issuer), "--format", "dc+sd-jwt"]
    assert main([*issue, "--holder-key", str(holder), "-o", str(token)]) == 0
    present = ["present", str(token), "--key", str(holder), "--challenge", "N", "--domain", "A"]
    assert (
        main([*present, "--disclose", "learningOutcomes,learner.fullName", "-o", str(shown)]) == 0
    )
    capsys.readouterr()
    assert main(["verify", str(shown), "--nonce", "N", "--audience", "A"]) == 0
    assert main(["verify", str(shown), "--nonce", "other", "--audience", "A"]) == 1
    assert "INVALID_CHALLENGE_ERROR" in capsys.readouterr().out
    assert main(["verify", str(token)]) == 1  # bound to the holder: no Key Binding JWT
    assert "KEY_BINDING_MISSING" in capsys.readouterr().out
    assert main(["inspect", str(shown)]) == 0
    out = capsys.readouterr().out
    assert "Ana Andromeda" in out and "dateOfBirth" not in out and "grade" not in out
