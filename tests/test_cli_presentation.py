"""`microcred present` and `microcred verify-presentation`: exit codes, tables, JSON, did:web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred import api
from microcred.keys.did_web import did_web_document, signer_for
from microcred.keys.keypair import KeyPair
from tests.cli_run import run

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"


@pytest.fixture
def files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """An issuer key, a holder key and two issued micro-credentials."""
    paths = {name: tmp_path / f"{name}.json" for name in ("issuer", "holder", "vc1", "vc2")}
    for name in ("issuer", "holder"):
        assert run(capsys, "keygen", "-o", str(paths[name]))[0] == 0
    for name in ("vc1", "vc2"):
        argv = ["issue", str(EXAMPLE), "--key", str(paths["issuer"]), "-o", str(paths[name])]
        assert run(capsys, *argv)[0] == 0
    return paths


def present(capsys: pytest.CaptureFixture[str], files: dict[str, Path], *extra: str) -> Path:
    output = files["vc1"].parent / "vp.json"
    argv = ["present", str(files["vc1"]), str(files["vc2"]), "--key", str(files["holder"])]
    code, _, err = run(capsys, *argv, "--challenge", "c-123", "-o", str(output), *extra)
    assert code == 0, err
    return output


def test_present_then_verify(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    vp = present(capsys, files, "--domain", "verifier.example")
    document = json.loads(vp.read_text())
    holder = json.loads(files["holder"].read_text())["controller"]
    assert document["holder"] == holder
    assert document["proof"]["challenge"] == "c-123"
    code, out, _ = run(
        capsys,
        "verify-presentation",
        str(vp),
        "--challenge",
        "c-123",
        "--domain",
        "verifier.example",
    )
    assert code == 0, out
    assert out.startswith("VERIFIED\n")
    assert "  holder       passed" in out
    assert out.count("credential verifiableCredential[") == 2
    argv = ["verify-presentation", str(vp), "--challenge", "c-123", "--json"]
    code, out, _ = run(capsys, *argv, "--domain", "evil.example")
    assert code == 1
    assert {p["code"] for p in json.loads(out)["problems"]} == {"INVALID_DOMAIN_ERROR"}
    code, out, _ = run(capsys, *argv)  # DI §4.4: the domain is checked when the verifier asks
    assert code == 0 and json.loads(out)["verified"] is True


def test_wrong_challenge_exits_1(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    vp = present(capsys, files)
    code, out, _ = run(capsys, "verify-presentation", str(vp), "--challenge", "other")
    assert code == 1
    assert out.startswith("NOT VERIFIED\n")
    assert "INVALID_CHALLENGE_ERROR" in out


def test_tampered_credential_is_named(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    vc2 = json.loads(files["vc2"].read_text())
    vc2["validFrom"] = "2020-01-01T00:00:00Z"
    files["vc2"].write_text(json.dumps(vc2))
    vp = present(capsys, files)
    code, out, _ = run(capsys, "verify-presentation", str(vp), "--challenge", "c-123", "--json")
    assert code == 1
    result = json.loads(out)
    assert [c["verified"] for c in result["credentials"]] == [True, False]
    [problem] = result["problems"]
    assert problem["code"] == "CREDENTIAL_NOT_VERIFIED"
    assert problem["pointer"] == "/verifiableCredential/1"


def test_did_web_holder_from_a_document_file(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    holder = KeyPair.generate("Ed25519")
    did = "did:web:wallet.example%3A8443:ana"
    credential = json.loads(files["vc1"].read_text())
    vp = api.sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": did,
            "verifiableCredential": [credential],
        },
        key=signer_for(holder, f"{did}#key-1"),
        proof_purpose="authentication",
        challenge="c-123",
    )
    (tmp_path / "vp.json").write_text(json.dumps(vp))
    document = tmp_path / "did.json"
    document.write_text(json.dumps(did_web_document(did, holder.public_key)))
    argv = ["verify-presentation", str(tmp_path / "vp.json"), "--challenge", "c-123"]
    code, out, _ = run(capsys, *argv)
    assert code == 1 and "METHOD_NOT_SUPPORTED" in out
    code, out, _ = run(capsys, *argv, "--did-document", str(document))
    assert code == 0, out


@pytest.mark.parametrize(
    "argv",
    [
        ["verify-presentation", "missing.json", "--challenge", "c"],
        ["verify-presentation", "{vp}", "--challenge", "c", "--now", "yesterday"],
        ["verify-presentation", "{vp}", "--challenge", ""],
        ["verify-presentation", "{vp}", "--challenge", "c", "--status-dir", "missing"],
        ["verify-presentation", "{vp}", "--challenge", "c", "--did-document", "{vp}"],
        ["present", "{vp}", "--key", "{holder}", "--challenge", "c"],  # a VP is no credential
        ["present", "{vc1}", "--key", "{vc1}", "--challenge", "c"],  # not a key file
    ],
)
def test_usage_errors_exit_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    vp = present(capsys, files)
    names = {"vp": vp, **files}
    code, _, err = run(capsys, *(a.format(**{k: str(v) for k, v in names.items()}) for a in argv))
    assert code == 2
    assert err.startswith("microcred: ")


def test_unsigned_presentation_exits_1(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    vp = present(capsys, files)
    document = json.loads(vp.read_text())
    del document["proof"]
    vp.write_text(json.dumps(document))
    code, out, _ = run(capsys, "verify-presentation", str(vp), "--challenge", "c-123")
    assert code == 1
    assert "PROOF_MISSING" in out and "unsigned" in out
