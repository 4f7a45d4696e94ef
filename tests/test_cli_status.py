"""`microcred status create|set|clear|check` and `microcred verify --status-dir`, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.keys.keypair import KeyPair
from microcred.status.bitstring import StatusList
from microcred.status.check import status_file_name
from microcred.status.credential import status_entry
from tests.cli_run import run

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"
URL = "https://issuer.example/status/revocation/1"


def _key(path: Path) -> KeyPair:
    data = json.loads(path.read_text())
    return KeyPair.from_multikey(data["secretKeyMultibase"], data["publicKeyMultibase"])


def _issue(key_file: Path, folder: Path, index: int) -> Path:
    """A micro-credential issued with a revocation entry (the library's issue(status=...))."""
    credential = api.issue(
        json.loads(EXAMPLE.read_text()),
        key=_key(key_file),
        status=status_entry(URL, index, purpose="revocation"),
    )
    path = folder / "vc.json"
    path.write_text(json.dumps(credential))
    return path


def test_revoke_then_clear(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lists = tmp_path / "status"
    lists.mkdir()
    code, _, err = run(
        capsys, "status", "create", "--key", str(key_file), "--url", URL, "-o", str(lists)
    )
    assert code == 0, err
    list_file = lists / status_file_name(URL)
    assert json.loads(list_file.read_text())["id"] == URL
    vc = _issue(key_file, tmp_path, 1234)

    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 0, out
    assert out.startswith("VERIFIED")

    assert run(capsys, "status", "set", str(list_file), "1234", "--key", str(key_file))[0] == 0
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 1
    assert "CREDENTIAL_REVOKED" in out
    code, out, _ = run(capsys, "status", "check", str(vc), "--status-dir", str(lists))
    assert code == 1
    assert out.startswith("STATUS failed") and "revoked" in out
    code, out, _ = run(capsys, "status", "check", str(vc), "--status-dir", str(lists), "--json")
    assert json.loads(out)["details"]["entries"][0]["verdict"] == "revoked"

    assert run(capsys, "status", "clear", str(list_file), "1234", "--key", str(key_file))[0] == 0
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 0, out
    code, out, _ = run(capsys, "status", "check", str(vc), "--status-dir", str(lists))
    assert code == 0 and out.startswith("STATUS passed")


def test_set_writes_a_list_with_exactly_that_bit(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "list.json", tmp_path / "list2.json"
    argv = ["status", "create", "--key", str(key_file), "--url", URL, "--purpose", "suspension"]
    assert run(capsys, *argv, "--status-size", "2", "-o", str(first))[0] == 0
    argv = ["status", "set", str(first), "7", "--value", "3", "--status-size", "2"]
    assert run(capsys, *argv, "--key", str(key_file), "-o", str(second))[0] == 0
    document = json.loads(second.read_text())
    bits = StatusList.decode(document["credentialSubject"]["encodedList"], status_size=2)
    assert bits.get(7) == 3 and bits.get(6) == 0
    assert document["credentialSubject"]["statusPurpose"] == "suspension"
    assert api.verify(document).verified
    unchanged = json.loads(first.read_text())["credentialSubject"]["encodedList"]
    assert StatusList.decode(unchanged, status_size=2).get(7) == 0


def test_no_status_dir_means_indeterminate(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vc = _issue(key_file, tmp_path, 5)
    code, out, _ = run(capsys, "verify", str(vc))
    assert code == 1 and "STATUS_RETRIEVAL_ERROR" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(empty))
    assert code == 1 and status_file_name(URL) in out
    code, out, _ = run(
        capsys, "verify", str(vc), "--status-dir", str(empty), "--allow-indeterminate-status"
    )
    assert code == 0 and "STATUS_RETRIEVAL_ERROR" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "{vc}", "--status-dir", "{missing}"],
        ["status", "check", "{vc}", "--status-dir", "{missing}"],
        ["status", "set", "{vc}", "3", "--key", "{key}"],  # not a status list
        ["status", "set", "{array}", "3", "--key", "{key}"],  # JSON, but not an object
        ["status", "set", "{other_list}", "3", "--key", "{key}"],  # another issuer's list
        ["status", "create", "--key", "{key}", "--url", URL, "--size", "8"],
        ["status", "create", "--key", "{key}", "--url", URL, "--valid-until", "tomorrow"],
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_key = tmp_path / "other.json"
    assert run(capsys, "keygen", "-o", str(other_key))[0] == 0
    other_list = tmp_path / "other-list.json"
    create = ["status", "create", "--key", str(other_key), "--url", URL, "-o", str(other_list)]
    assert run(capsys, *create)[0] == 0
    names: dict[str, Any] = {
        "vc": _issue(key_file, tmp_path, 1),
        "missing": tmp_path / "nowhere",
        "key": key_file,
        "other_list": other_list,
        "array": tmp_path / "array.json",
    }
    names["array"].write_text("[1, 2]")
    code, _, err = run(capsys, *(a.format(**names) for a in argv))
    assert code == 2, err
    assert err.startswith("microcred: ")


def _create(capsys: pytest.CaptureFixture[str], key_file: Path, folder: Path, *more: str) -> Path:
    folder.mkdir(exist_ok=True)
    argv = ["status", "create", "--key", str(key_file), "--url", URL, "-o", str(folder), *more]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    return folder / status_file_name(URL)


def test_issue_with_a_status_list_end_to_end(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue --status-list: random indexes, never reused, recorded beside the list (not in
    the folder verify reads); revoking one index revokes exactly that credential."""
    lists = tmp_path / "status"
    list_file = _create(capsys, key_file, lists)
    issued = []
    for i in range(3):
        out_file = tmp_path / f"vc{i}.json"
        argv = ["issue", str(EXAMPLE), "--key", str(key_file), "--status-list", str(list_file)]
        assert run(capsys, *argv, "-o", str(out_file))[0] == 0
        issued.append(json.loads(out_file.read_text()))
    indexes = [int(vc["credentialStatus"]["statusListIndex"]) for vc in issued]
    assert len(set(indexes)) == 3
    assert all(vc["credentialStatus"]["statusListCredential"] == URL for vc in issued)
    record = json.loads(Path(f"{list_file}.allocated").read_text())
    assert record == {"statusListCredential": URL, "used": sorted(indexes)}

    argv = ["status", "set", str(list_file), str(indexes[1]), "--key", str(key_file)]
    assert run(capsys, *argv)[0] == 0
    for i in range(3):
        code, out, _ = run(
            capsys, "verify", str(tmp_path / f"vc{i}.json"), "--status-dir", str(lists)
        )
        assert code == (1 if i == 1 else 0), out
        assert ("CREDENTIAL_REVOKED" in out) is (i == 1)


def test_batch_issue_gives_every_line_its_own_index(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    list_file = _create(capsys, key_file, tmp_path / "status")
    lines = [
        json.dumps(
            {
                **json.loads(EXAMPLE.read_text()),
                "id": f"urn:uuid:{i:08d}-0000-4000-8000-000000000000",
            }
        )
        for i in range(5)
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    argv = ["issue", "--batch", str(tmp_path / "in.jsonl"), "--key", str(key_file)]
    argv += ["--status-list", str(list_file), "--workers", "1", "-o", str(tmp_path / "out.jsonl")]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    issued = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    indexes = {vc["credentialStatus"]["statusListIndex"] for vc in issued}
    assert len(indexes) == 5
    used = json.loads(Path(f"{list_file}.allocated").read_text())["used"]
    assert {str(i) for i in used} == indexes


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--status-index", "7"], None),  # an explicit index is taken once ...
        (["--status-purpose", "suspension"], "--status-purpose must be one of"),
        (["--status-index", "131072"], "outside 0 to 131071"),
        (["--format", "edc"], "--format vc"),
    ],
)
def test_issue_status_usage_errors(
    tmp_path: Path,
    key_file: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str | None,
) -> None:
    list_file = _create(capsys, key_file, tmp_path / "status")
    argv = ["issue", str(EXAMPLE), "--key", str(key_file), "--status-list", str(list_file), *extra]
    code, out, err = run(capsys, *argv)
    if message is None:
        assert code == 0 and json.loads(out)["credentialStatus"]["statusListIndex"] == "7"
        code, _, err = run(capsys, *argv)  # ... and refused the second time
        message = "--status-index 7 is taken"
    assert code == 2
    assert message in err


def test_a_list_from_another_issuer_is_refused(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    assert run(capsys, "keygen", "-o", str(other))[0] == 0
    list_file = _create(capsys, other, tmp_path / "status")
    argv = ["issue", str(EXAMPLE), "--key", str(key_file), "--status-list", str(list_file)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "trusts only a list from the credential's own issuer" in err
    assert not Path(f"{list_file}.allocated").exists()


def test_status_authority_option(
    tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list published by a registry counts only with --status-authority naming it."""
    registry = tmp_path / "registry.json"
    assert run(capsys, "keygen", "-o", str(registry))[0] == 0
    lists = tmp_path / "status"
    _create(capsys, registry, lists)
    vc = _issue(key_file, tmp_path, 99)
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 1 and "STATUS_VERIFICATION_ERROR" in out
    trusted = ["--status-authority", _key(registry).did]
    for command in (["verify"], ["status", "check"]):
        code, out, _ = run(capsys, *command, str(vc), "--status-dir", str(lists), *trusted)
        assert code == 0, out
