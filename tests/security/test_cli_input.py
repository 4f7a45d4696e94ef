"""Hostile input to every `microcred` command: one line on stderr, exit code 2, no traceback.

Reproductions from the security review: files that are not JSON, not UTF-8, 200,000 levels
deep, with duplicate members (a forged subject before the signed one), of the wrong JSON type,
missing or folders; `--now` values that overflow; malformed secret keys (never echoed); and
`keygen -o` over an existing file, a folder or into a missing folder.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.cli import main
from microcred.status.check import status_file_name
from tests.cli_run import run

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
LIST_URL = "https://issuer.example/status/1"

HOSTILE: dict[str, str | bytes | None] = {
    "not-json": "{not json",
    "not-utf8": b'{"title": "caf\xe9"}',
    "deep": "[" * 200_000 + "]" * 200_000,
    "duplicate": '{"id": "urn:uuid:1", "id": "urn:uuid:2"}',
    "nan": '{"a": NaN}',
    "array": "[{}]",
    "string": '"a credential"',
    "missing": None,
    "folder": "",
}

SLOTS = [
    ["verify", "{bad}"],
    ["verify", "{vc}", "--context", "https://example.org/context={bad}"],
    ["inspect", "{bad}"],
    ["issue", "{bad}", "--key", "{key}"],
    ["issue", "{example}", "--key", "{bad}"],
    ["issue", "{example}", "--key", "{key}", "--status-list", "{bad}"],
    ["sign", "{bad}", "--key", "{key}"],
    ["sign", "{vc}", "--key", "{bad}"],
    ["status", "create", "--key", "{bad}", "--url", LIST_URL],
    ["status", "set", "{bad}", "1", "--key", "{key}"],
    ["status", "check", "{bad}", "--status-dir", "{folder}"],
    ["present", "{bad}", "--key", "{key}", "--challenge", "c"],
    ["present", "{vc}", "--key", "{bad}", "--challenge", "c"],
    ["verify-presentation", "{bad}", "--challenge", "c"],
    ["verify-presentation", "{vc}", "--challenge", "c", "--did-document", "{bad}"],
]


def fails_cleanly(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    """Run a command that must fail: exit 2, exactly one `microcred: ...` line on stderr."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.startswith("microcred: ") and err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in out + err
    return out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A key file, an issued credential, an empty folder, and one file of each hostile kind."""
    folder = tmp_path_factory.mktemp("hostile")
    paths = {"example": EXAMPLE, "folder": folder / "empty", "key": folder / "key.json"}
    paths["folder"].mkdir()
    assert main(["keygen", "-o", str(paths["key"])]) == 0
    paths["vc"] = folder / "vc.json"
    assert main(["issue", str(EXAMPLE), "--key", str(paths["key"]), "-o", str(paths["vc"])]) == 0
    for kind, content in HOSTILE.items():
        path = paths[kind] = folder / f"{kind}.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content == "":
            path.mkdir()
        elif content is not None:
            path.write_text(content, encoding="utf-8")
    return paths


def argv_for(slot: list[str], files: dict[str, Path], bad: str) -> list[str]:
    names = {name: str(path) for name, path in files.items()}
    return [part.format(**names, bad=names[bad]) for part in slot]


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: " ".join(slot))
def test_every_json_input_refuses_hostile_files_in_one_line(
    slot: list[str], kind: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, err = fails_cleanly(capsys, *argv_for(slot, files, kind))
    assert str(files[kind]) in err  # the message names the file at fault


def test_a_forged_subject_before_the_signed_one_is_refused(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With last-wins parsing a verifier checks the signed subject while another reader of
    the same file shows the forged one first: the file is refused instead."""
    signed = files["vc"].read_text(encoding="utf-8").strip()
    forged = tmp_path / "forged.json"
    forged.write_text('{"credentialSubject": {"id": "did:example:mallory"},' + signed[1:])
    for command in ("verify", "inspect"):
        _, err = fails_cleanly(capsys, command, str(forged))
        assert "duplicate member name 'credentialSubject'" in err


def test_a_status_list_with_a_duplicate_member_does_not_decide_the_status(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    key = str(files["key"])
    assert (
        run(capsys, "status", "create", "--key", key, "--url", LIST_URL, "-o", str(lists))[0] == 0
    )
    list_file = lists / status_file_name(LIST_URL)
    vc = tmp_path / "vc.json"
    argv = ["issue", str(EXAMPLE), "--key", key, "--status-list", str(list_file), "-o", str(vc)]
    assert run(capsys, *argv)[0] == 0
    assert run(capsys, "verify", str(vc), "--status-dir", str(lists))[0] == 0
    signed = list_file.read_text(encoding="utf-8").strip()
    list_file.write_text('{"credentialSubject": {"encodedList": "forged"},' + signed[1:])
    code, out, _ = run(capsys, "verify", str(vc), "--status-dir", str(lists))
    assert code == 1
    assert "STATUS_RETRIEVAL_ERROR" in out and "duplicate member name 'credentialSubject'" in out


@pytest.mark.parametrize(
    "context",
    [[{"@vocab": "https://example.org/"}], [["https://w3id.org/microcred/v1"]], {"a": "b"}, 5],
)
def test_inspect_a_context_that_is_not_a_url(
    context: Any, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credential = json.loads(files["vc"].read_text(encoding="utf-8"))
    credential["@context"] = context
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    _, err = fails_cleanly(capsys, "inspect", str(path), "--json")
    assert "INVALID_MICROCREDENTIAL" in err and "$.@context" in err
    code, out, _ = run(capsys, "inspect", str(path))  # shown leniently, the refusal named
    assert code == 0
    assert "INVALID_MICROCREDENTIAL" in out and "$.@context" in out


def test_status_check_of_a_credential_it_cannot_read_is_a_usage_error(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = tmp_path / "sealed.json"
    sealed.write_text('{"payload": "!", "protected": "eyJhbGciOiJFUzI1NiJ9", "signature": "x"}')
    _, err = fails_cleanly(
        capsys, "status", "check", str(sealed), "--status-dir", str(files["folder"])
    )
    assert "cannot check the status" in err


NOW_SLOTS = [
    ["verify", "{example}", "--now", "{time}"],
    ["verify-presentation", "{example}", "--challenge", "c", "--now", "{time}"],
    ["status", "check", "{example}", "--status-dir", "{folder}", "--now", "{time}"],
    ["status", "create", "--key", "{key}", "--url", LIST_URL, "--valid-until", "{time}"],
]


@pytest.mark.parametrize(
    "time",
    [
        "9999-12-31T24:00:00Z",  # end of the last day: past datetime.max
        "9999-12-31T23:59:59-23:59",  # in UTC, after datetime.max
        "0001-01-01T00:00:00+14:00",  # in UTC, before datetime.min
        "yesterday",
    ],
)
@pytest.mark.parametrize("slot", NOW_SLOTS, ids=lambda slot: slot[0] + " " + slot[-2])
def test_a_date_time_option_that_cannot_be_read_is_one_line(
    slot: list[str], time: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    names = {name: str(path) for name, path in files.items()}
    _, err = fails_cleanly(capsys, *(part.format(**names, time=time) for part in slot))
    assert slot[-2] in err and repr(time) in err


def test_a_date_time_parser_that_raises_is_still_a_usage_error(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def overflowing(value: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("microcred.cli.common.parse_timestamp", overflowing)
    _, err = fails_cleanly(capsys, "verify", str(EXAMPLE), "--now", "2030-01-01T00:00:00Z")
    assert err.startswith("microcred: --now must be a date-time")


def _secret(key_file: Path) -> str:
    secret: str = json.loads(key_file.read_text(encoding="utf-8"))["secretKeyMultibase"]
    return secret


def _six_character_pieces(text: str) -> set[str]:
    return {text[i : i + 6] for i in range(len(text) - 5)}


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda s: s[:20] + "0" + s[21:],  # a character outside base58btc
        lambda s: s + " ",
        lambda s: "u" + s[1:],  # another multibase header
        lambda s: s[:-3],  # the wrong number of key bytes
        lambda s: s + s,  # too long
        lambda s: s[: len(s) // 2] + "\n" + s[len(s) // 2 :],
    ],
    ids=["alphabet", "space", "header", "short", "long", "newline"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["issue", "{example}", "--key", "{key}"],
        ["sign", "{vc}", "--key", "{key}"],
        ["present", "{vc}", "--key", "{key}", "--challenge", "c"],
        ["status", "create", "--key", "{key}", "--url", LIST_URL],
    ],
    ids=lambda command: command[0],
)
def test_a_malformed_secret_key_is_never_printed(
    corrupt: Any,
    command: list[str],
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = _secret(files["key"])
    bad = corrupt(secret)
    key = json.loads(files["key"].read_text(encoding="utf-8"))
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({**key, "secretKeyMultibase": bad}), encoding="utf-8")
    names = {name: str(path) for name, path in files.items()}
    out, err = fails_cleanly(
        capsys, *(p.format(**{**names, "key": str(key_file)}) for p in command)
    )
    assert "secretKeyMultibase" in err
    pieces = _six_character_pieces(secret) | _six_character_pieces(bad)
    assert not [piece for piece in pieces if piece in out + err]


@pytest.mark.parametrize(
    "wrap",
    [
        lambda s: s,  # the bare secret, not JSON
        lambda s: json.dumps(s),  # a JSON string, not an object
        lambda s: json.dumps({"secretKeyMultibase": [s]}),
        lambda s: '{"secretKeyMultibase": "' + s + '", "secretKeyMultibase": "z"}',
        lambda s: '{"secretKeyMultibase": "' + s + '\x01"}',  # a raw control character
    ],
    ids=["bare", "string", "in-array", "duplicate", "control"],
)
def test_a_key_file_that_is_not_a_key_file_never_shows_the_secret(
    wrap: Any, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = _secret(files["key"])
    key_file = tmp_path / "key.json"
    key_file.write_text(wrap(secret), encoding="utf-8")
    out, err = fails_cleanly(capsys, "issue", str(EXAMPLE), "--key", str(key_file))
    assert str(key_file) in err
    assert not [piece for piece in _six_character_pieces(secret) if piece in out + err]


def test_a_public_key_of_another_key_is_refused_without_the_secret(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    assert run(capsys, "keygen", "-o", str(other))[0] == 0
    key = json.loads(files["key"].read_text(encoding="utf-8"))
    key["publicKeyMultibase"] = json.loads(other.read_text())["publicKeyMultibase"]
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps(key), encoding="utf-8")
    out, err = fails_cleanly(capsys, "issue", str(EXAMPLE), "--key", str(mixed))
    assert "INVALID_KEY" in err
    assert not [p for p in _six_character_pieces(key["secretKeyMultibase"]) if p in out + err]


def test_keygen_does_not_overwrite_a_key_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "key.json"
    assert run(capsys, "keygen", "-o", str(path))[0] == 0
    before = path.read_bytes()
    _, err = fails_cleanly(capsys, "keygen", "-o", str(path))
    assert "--force" in err and path.read_bytes() == before

    assert run(capsys, "keygen", "-o", str(path), "--force")[0] == 0
    assert _secret(path) != json.loads(before)["secretKeyMultibase"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_keygen_help_documents_force(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["keygen", "--help"])
    assert done.value.code == 0
    assert "--force" in capsys.readouterr().out


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_keygen_into_a_folder_fails_and_leaves_nothing(
    force: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    fails_cleanly(capsys, "keygen", "-o", str(folder), *force)
    assert folder.is_dir() and not list(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"], "no temp file left"


def test_keygen_into_a_missing_folder_makes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "key.json"
    code, out, err = run(capsys, "keygen", "-o", str(target))
    assert code == 0 and out == "" and err.endswith(f" {target}\n")
    assert target.stat().st_mode & 0o777 == 0o600


def test_keygen_under_a_file_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "plain").write_text("x")
    target = tmp_path / "plain" / "key.json"
    _, err = fails_cleanly(capsys, "keygen", "-o", str(target))
    assert str(target) in err and (tmp_path / "plain").read_text() == "x"


def test_output_onto_a_folder_leaves_no_temp_file(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").mkdir()
    fails_cleanly(
        capsys, "issue", str(EXAMPLE), "--key", str(files["key"]), "-o", str(tmp_path / "out")
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(
    "argv",
    [[], ["verify"], ["no-such-command"], ["issue", "x.json", "--key", "k", "--workers", "many"]],
)
def test_a_bad_command_line_is_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, err = fails_cleanly(capsys, *argv)
    assert "--help" in err


def test_an_unexpected_exception_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nTraceback (most recent call last):")

    monkeypatch.setattr(api, "verify", broken)
    code, out, err = run(capsys, "verify", str(EXAMPLE))
    assert code == 2 and out == ""
    assert (
        err
        == "microcred: internal error: RuntimeError: boom\\nTraceback (most recent call last):\n"
    )


def test_a_file_name_with_a_line_break_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, err = fails_cleanly(capsys, "verify", str(tmp_path / "a\nb.json"))
    assert "a\\nb.json" in err


def test_batch_lines_are_read_strictly_and_reported_one_line_each(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    lines = [
        "[" * 200_000 + "]" * 200_000,
        '{"id": "urn:uuid:1", "id": "urn:uuid:2"}',
        json.dumps({**example, "title": {}}),  # invalid: one line for all its problems
        json.dumps({**example, "title": {"en": "Line\u2028separated"}}, ensure_ascii=False),
    ]
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["issue", "--batch", str(source), "--key", str(files["key"]), "-o", str(output)]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "Traceback" not in err
    reported = err.splitlines()
    assert len(reported) == 4, err
    assert reported[0].startswith("microcred: line 1: MALFORMED_JSON: JSON nested too deeply")
    assert reported[1].startswith("microcred: line 2: MALFORMED_JSON: duplicate member name 'id'")
    assert reported[2].startswith("microcred: line 3: INVALID_MICROCREDENTIAL: $.title")
    assert reported[3] == f"microcred: issued 1 of 4 to {output}"
    [issued] = output.read_text(encoding="utf-8").split("\n")[:-1]
    assert (
        json.loads(issued)["credentialSubject"]["hasClaim"]["title"]["en"] == "Line\u2028separated"
    )
