"""The command-line traps of issue 17, one test each: folders made, list files found by URL,
verify --did-document/--profile, `-` for standard input, one name per flag, one code for a
missing proof, a confirmation line, hints that name flags, exit codes in --help, no trailing
spaces, and model errors in our words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microcred import KeyPair, api, did_web_document, signer_for
from microcred.bindings.elm import to_credential
from microcred.cli import main
from microcred.model import MicroCredential
from microcred.status.check import status_file_name
from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "microcredential.json"
URL = "https://issuer.example/status/1"


def test_status_create_into_a_new_folder_makes_it(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "status"
    code, out, err = run(
        capsys, "status", "create", "--key", str(key_file), "--url", URL, "-o", f"{folder}/"
    )
    written = folder / status_file_name(URL)
    assert code == 0 and out == "" and folder.is_dir() and written.is_file()
    assert err == f"microcred: wrote the status list of {URL} to {written}\n"


def test_status_path_maps_each_url_to_its_file_with_two_lists(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "status"
    second = "https://issuer.example/status/2"
    for url in (URL, second):
        run(capsys, "status", "create", "--key", str(key_file), "--url", url, "-o", f"{folder}/")
    code, out, _ = run(capsys, "status", "path", second, "--status-dir", str(folder))
    assert code == 0 and out == f"{folder / status_file_name(second)}\n"
    vc = tmp_path / "vc.json"
    args = ("issue", str(EXAMPLE), "--key", str(key_file), "--status-list", out.strip())
    assert run(capsys, *args, "-o", str(vc))[0] == 0
    entry = json.loads(vc.read_text())["credentialStatus"]
    assert entry["statusListCredential"] == second
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(folder))
    assert code == 0, out


def test_verify_did_document_verifies_a_did_web_credential_and_hints_without_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, did = KeyPair.generate("Ed25519"), "did:web:university.example"
    sample = json.loads(EXAMPLE.read_text("utf-8"))
    credential = api.issue(sample, key=signer_for(key, f"{did}#key-1"))
    (tmp_path / "vc.json").write_text(json.dumps(credential))
    (tmp_path / "did.json").write_text(json.dumps(did_web_document(did, key.public_key)))
    vc, document = str(tmp_path / "vc.json"), str(tmp_path / "did.json")
    code, out, _ = run(capsys, "verify", vc, "--did-document", document)
    assert code == 0 and out.startswith("VERIFIED\n")
    code, out, _ = run(capsys, "verify", vc)
    assert code == 1 and "METHOD_NOT_SUPPORTED" in out
    assert "did:web does not resolve offline" in out and "KeyResolver" not in out
    assert "  hint: give the issuer's DID document with --did-document FILE\n" in out


def test_verify_profile_makes_a_missing_annex_i_element_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = KeyPair.generate("Ed25519")
    model = MicroCredential.parse(json.loads(EXAMPLE.read_text("utf-8"))).with_issuer_id(key.did)
    unsigned = to_credential(model)
    specification = unsigned["credentialSubject"]["hasClaim"]["specifiedBy"]
    for name in ("learningOutcome", "learningOutcomeSummary"):  # Annex I M6
        specification.pop(name, None)
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(api.sign(unsigned, key=key)))
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0 and "EU_ELEMENT_MISSING" in out
    code, out, _ = run(capsys, "verify", str(path), "--profile", "eu-microcredential")
    assert code == 1 and out.startswith("NOT VERIFIED") and "EU_ELEMENT_MISSING" in out


def _microcred(*argv: str, stdin: bytes = b"", cwd: Path | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "microcred", *argv],
        input=stdin,
        capture_output=True,
        check=False,
        cwd=cwd,
    )


def test_a_dash_reads_standard_input_and_writes_standard_output(key_file: Path) -> None:
    issued = _microcred("issue", "-", "--key", str(key_file), "-o", "-", stdin=EXAMPLE.read_bytes())
    assert issued.returncode == 0 and issued.stderr == b"", issued.stderr
    assert json.loads(issued.stdout)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    checked = _microcred("verify", "-", stdin=issued.stdout)
    assert checked.returncode == 0 and checked.stdout.startswith(b"VERIFIED\n")
    token = _microcred(
        "issue", "-", "--key", str(key_file), "--format", "vc+jwt", stdin=EXAMPLE.read_bytes()
    )
    assert _microcred("verify", "-", stdin=token.stdout).returncode == 0


def test_one_name_per_flag_the_old_one_still_read(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    empty = tmp_path / "lists"
    empty.mkdir()
    for flag in ("--allow-indeterminate-status", "--allow-indeterminate"):
        code, out, _ = run(capsys, "status", "check", str(vc), "--status-dir", str(empty), flag)
        assert code == 0, out
    for command in (["verify"], ["status", "check"], ["verify-presentation"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        shown = capsys.readouterr().out
        assert "--allow-indeterminate-status" in shown
        assert "--allow-indeterminate " not in shown and "--allow-indeterminate\n" not in shown


def test_a_missing_proof_is_proof_missing_everywhere(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    document = json.loads(vc.read_text())
    del document["proof"]
    vc.write_text(json.dumps(document))
    code, out, _ = run(capsys, "verify", str(vc))
    assert code == 1 and "PROOF_MISSING" in out and "PROOF_VERIFICATION_ERROR" not in out


def test_each_writing_command_confirms_in_one_line_and_tables_have_no_trailing_spaces(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = tmp_path / "out" / "vc.json"
    code, out, err = run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    assert code == 0 and out == "" and err == f"microcred: wrote the credential to {vc}\n"
    code, out, err = run(capsys, "issue", str(EXAMPLE), "--key", str(key_file))
    assert code == 0 and err == "" and json.loads(out)["proof"]
    lists = tmp_path / "status"
    run(capsys, "status", "create", "--key", str(key_file), "--url", URL, "-o", f"{lists}/")
    code, _, err = run(
        capsys, "status", "set", str(lists / status_file_name(URL)), "7", "--key", str(key_file)
    )
    assert code == 0 and err.startswith("microcred: set entry 7 to 1 and signed the list again")
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 0  # it has no status entry: the status row is "skipped" with no note
    assert all(line == line.rstrip() for line in out.splitlines()), out
    assert "  status       skipped\n" in out


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ([], ["verify"], ["issue"], ["status"], ["verify-presentation"]):
        with pytest.raises(SystemExit) as stopped:
            main([*command, "--help"])
        assert stopped.value.code == 0
        shown = " ".join(capsys.readouterr().out.split())
        assert "exit codes: 0 success (verified), 1 not verified" in shown, command
        assert "2 usage error or unreadable input" in shown


def test_sign_on_model_json_says_to_issue(
    key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "sign", str(EXAMPLE), "--key", str(key_file))
    assert code == 2
    assert err == (
        f"microcred: {EXAMPLE} has no @context: it is micro-credential input: use "
        "`microcred issue FILE --key KEY`\n"
    )


def test_issue_of_a_credential_and_model_errors_are_one_readable_line(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    code, _, err = run(capsys, "issue", str(vc), "--key", str(key_file))
    assert code == 2 and err.count("\n") == 1
    assert "this is a credential, not micro-credential input" in err
    bad = json.loads(EXAMPLE.read_text("utf-8"))
    bad["learner"]["fullName"] = "Ana"
    bad["learningOutcomes"] = []
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    code, _, err = run(capsys, "issue", str(tmp_path / "bad.json"), "--key", str(key_file))
    assert code == 2
    assert 'such as {"en": "Ana"} (lang_text_type)' in err
    assert "$.learningOutcomes: needs at least 1 entry; this list is empty (too_short)" in err
    assert "Input should" not in err and "Tuple should" not in err


class _Terminal:
    """A stand-in stream that says it is a terminal and keeps what is written."""

    def __init__(self, tty: bool) -> None:
        self.text, self.tty = "", tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.tty


def test_verify_batch_draws_a_progress_bar_on_a_terminal(
    tmp_path: Path,
    key_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vc = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    line = json.dumps(json.loads(vc.read_text())) + "\n"
    batch = tmp_path / "all.jsonl"
    batch.write_text(line * 3)
    err, out = _Terminal(tty=True), _Terminal(tty=False)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["verify", "--batch", str(batch)]) == 0
    assert "\r[" + "#" * 30 + "] 3/3\n" in err.text and out.text.count("\n") == 3
    quiet = _Terminal(tty=False)
    monkeypatch.setattr(sys, "stderr", quiet)
    monkeypatch.setattr(sys, "stdout", _Terminal(tty=False))
    assert main(["verify", "--batch", str(batch)]) == 0
    assert "[" not in quiet.text  # not a terminal: only the count line


def test_an_unknown_context_is_named_once_with_the_flag_that_serves_it(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = tmp_path / "vc.json"
    run(capsys, "issue", str(EXAMPLE), "--key", str(key_file), "-o", str(vc))
    document = json.loads(vc.read_text())
    document["@context"].append("https://example.org/ctx")
    vc.write_text(json.dumps(document))
    code, out, _ = run(capsys, "verify", str(vc))
    assert code == 1 and out.count("unknown JSON-LD context") == 1
    assert (
        "problem: UNKNOWN_CONTEXT at $.@context[2]: unknown JSON-LD context "
        "'https://example.org/ctx': not bundled and no loader serves it\n" in out
    )
    assert "  hint: serve the context from a file with --context URL=FILE\n" in out


def test_a_pem_key_file_signs_with_its_password_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = KeyPair.generate("P-256")
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(key.to_pem(password="s3cret"))
    vc = tmp_path / "vc.json"
    monkeypatch.delenv("MICROCRED_KEY_PASSWORD", raising=False)
    code, _, err = run(capsys, "issue", str(EXAMPLE), "--key", str(pem), "-o", str(vc))
    assert code == 2
    assert err == (
        f"microcred: {pem}: this PEM private key is encrypted: give its password"
        " (set MICROCRED_KEY_PASSWORD)\n"
    )
    monkeypatch.setenv("MICROCRED_KEY_PASSWORD", "s3cret")
    assert run(capsys, "issue", str(EXAMPLE), "--key", str(pem), "-o", str(vc))[0] == 0
    issued = json.loads(vc.read_text())
    assert issued["issuer"]["id"] == key.did  # the suite followed the key: ecdsa-rdfc-2019
    assert issued["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert run(capsys, "verify", str(vc))[0] == 0
