"""`microcred keygen --did-web`: a key file that signs for a did:web verification method, and
the DID document to publish; every command that signs honours the file's `id`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred import DidWebResolver, did_web_to_url, verify
from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "docs" / "examples" / "microcredential.json")
DID = "did:web:university.example"


@pytest.fixture
def web_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    key, document = tmp_path / "web-key.json", tmp_path / "did.json"
    code, _, err = run(
        capsys, "keygen", "--did-web", DID, "--did-document", str(document), "-o", str(key)
    )
    assert code == 0 and f"to {document}" in err
    return key, document


def test_the_key_file_names_the_did_web_method_its_document_lists(
    web_key: tuple[Path, Path],
) -> None:
    key, document = (json.loads(path.read_text()) for path in web_key)
    assert key["id"] == f"{DID}#key-1" and key["controller"] == DID
    [method] = document["verificationMethod"]
    assert method["id"] == key["id"] and method["publicKeyMultibase"] == key["publicKeyMultibase"]
    assert "secretKeyMultibase" not in json.dumps(document)
    assert document["assertionMethod"] == [key["id"]]


def test_issue_signs_for_the_did_web_method_and_verifies_with_the_document(
    web_key: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, document = web_key
    vc = tmp_path / "vc.json"
    assert run(capsys, "issue", EXAMPLE, "--key", str(key), "-o", str(vc))[0] == 0
    credential = json.loads(vc.read_text())
    assert credential["issuer"]["id"] == DID
    assert credential["proof"]["verificationMethod"] == f"{DID}#key-1"
    assert run(capsys, "verify", str(vc))[0] == 1  # did:web is not resolved without its document
    assert run(capsys, "verify", str(vc), "--did-document", str(document))[0] == 0
    served = {did_web_to_url(DID): document.read_bytes()}  # the library agrees
    assert verify(credential, resolver=DidWebResolver(served.__getitem__)).verified


def test_another_did_web_document_does_not_verify_it(
    web_key: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, _ = web_key
    other_key, other_document = tmp_path / "other.json", tmp_path / "other-did.json"
    run(
        capsys,
        "keygen",
        "--did-web",
        DID,
        "--did-document",
        str(other_document),
        "-o",
        str(other_key),
    )
    vc = tmp_path / "vc.json"
    run(capsys, "issue", EXAMPLE, "--key", str(key), "-o", str(vc))
    code, out, _ = run(capsys, "verify", str(vc), "--did-document", str(other_document))
    assert code == 1 and "PROOF_VERIFICATION_ERROR" in out


def test_status_lists_of_a_did_web_key_are_issued_by_its_did(
    web_key: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, document = web_key
    url = "https://university.example/status/1"
    folder = tmp_path / "status"
    assert (
        run(capsys, "status", "create", "--key", str(key), "--url", url, "-o", f"{folder}/")[0] == 0
    )
    [listed] = folder.glob("*.json")
    assert json.loads(listed.read_text())["issuer"] == DID
    vc = tmp_path / "vc.json"
    run(capsys, "issue", EXAMPLE, "--key", str(key), "--status-list", str(listed), "-o", str(vc))
    argv = ["verify", str(vc), "--did-document", str(document), "--status-dir", str(folder)]
    assert run(capsys, *argv)[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--did-document", "did.json"], "--did-document needs --did-web"),
        (["--did-web", "did:key:z6Mk"], "--did-web:"),
        (["--did-web", "did:web:"], "--did-web:"),
    ],
)
def test_bad_did_web_options_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "keygen", *argv, "-o", str(tmp_path / "k.json"))
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "k.json").exists()


def test_a_key_file_whose_id_is_no_verification_method_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.json"
    run(capsys, "keygen", "-o", str(key))
    data = json.loads(key.read_text())
    key.write_text(json.dumps({**data, "id": "did:web:university.example"}))
    code, _, err = run(capsys, "issue", EXAMPLE, "--key", str(key))
    assert code == 2 and "id must be a verification method" in err
