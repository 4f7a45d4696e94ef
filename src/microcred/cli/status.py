"""`microcred status create|set|clear|check`: Bitstring Status Lists from the command line.

A list credential lives in a file; `create -o DIR` names it `status_file_name(url)` so the
folder can be handed to `microcred verify --status-dir DIR` (offline) or published as is.
`allocate_status_entries` hands out the entries of `issue --status-list` (one credential or a
`--batch`), so both issue paths import it from here.
Exit codes as in `microcred.cli.main`: 0 ok, 1 status not ok, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from microcred import api
from microcred.cli.common import (
    EXIT_CODES,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    add_status_options,
    announce,
    emit,
    load_signer,
    moment,
    read_object,
    signer_did,
    status_options,
)
from microcred.errors import MicrocredError, format_path
from microcred.integrity.cryptosuites import CRYPTOSUITES
from microcred.keys.keypair import Signer
from microcred.result import CheckStatus
from microcred.status.bitstring import MIN_ENTRIES, IndexAllocator, StatusList
from microcred.status.check import EntryStatus, status_file_name
from microcred.status.credential import status_entry, status_list_credential

__all__ = [
    "StatusTarget",
    "add_status_commands",
    "allocate_status_entries",
    "allocation_file",
    "status_target",
]


def _cmd_create(args: argparse.Namespace) -> int:
    key = load_signer(args.key)
    unsigned = status_list_credential(
        StatusList(args.size, status_size=args.status_size),
        id=args.url,
        issuer=signer_did(key),
        purpose=args.purpose or ["revocation"],
        valid_from=datetime.now(UTC),
        valid_until=moment(args.valid_until, "--valid-until"),
        ttl=args.ttl,
    )
    output = args.output
    if output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
        output = str(Path(output) / status_file_name(args.url))  # the folder is made if new
    emit(api.sign(unsigned, key=key, cryptosuite=args.suite), output)
    announce(output, f"wrote the status list of {args.url} to")
    return EXIT_OK


def _cmd_path(args: argparse.Namespace) -> int:
    """The file of a status folder that holds the list published at URL."""
    sys.stdout.write(str(Path(args.status_dir) / status_file_name(args.url)) + "\n")
    return EXIT_OK


def _encoded_list(document: dict[str, Any], path: str) -> str:
    subject = document.get("credentialSubject")
    types = document.get("type", [])
    if (
        not isinstance(subject, dict)
        or "BitstringStatusListCredential" not in (types if isinstance(types, list) else [types])
        or not isinstance(subject.get("encodedList"), str)
    ):
        raise UsageError(f"{path} is not a BitstringStatusListCredential")
    encoded: str = subject["encodedList"]
    return encoded


def _update(args: argparse.Namespace, value: int) -> int:
    """Set one entry of a list credential file and sign the list again (BSL §3.1)."""
    document = read_object(args.list)
    encoded = _encoded_list(document, args.list)
    key = load_signer(args.key)
    issuer = _issuer_id(document)
    if issuer != signer_did(key):
        raise UsageError(f"the key {signer_did(key)} is not the list's issuer {issuer!r}")
    status_list = StatusList.decode(encoded, status_size=args.status_size)
    status_list.set(args.index, value)
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    unsigned["credentialSubject"] = {
        **document["credentialSubject"],
        "encodedList": status_list.encode(),
    }
    output = args.output or args.list
    emit(api.sign(unsigned, key=key, cryptosuite=args.suite), output)
    announce(output, f"set entry {args.index} to {value} and signed the list again in")
    return EXIT_OK


def allocation_file(list_file: str) -> Path:
    """Where `issue --status-list` records the indexes it handed out: beside the list, never
    published (its name does not end in .json, so a folder of lists can be served as is)."""
    return Path(list_file + ".allocated")


def allocate_status_entries(args: argparse.Namespace, key: Signer, count: int) -> list[Any]:
    """`count` credentialStatus entries on the list in `args.status_list`, at random indexes
    never handed out before (or at `--status-index`), recorded before any credential exists."""
    target = status_target(args, key)
    wanted = args.status_index
    if wanted is None:
        indexes = target.reserve(count)
    elif count != 1:
        raise UsageError("--status-index gives one credential its index: not with --batch")
    elif not 0 <= wanted < target.length:
        raise UsageError(f"--status-index {wanted} is outside 0 to {target.length - 1}")
    else:
        indexes = target.reserve_exactly(wanted)
    return [status_entry(target.url, index, purpose=target.purpose) for index in indexes]


@dataclass(frozen=True, slots=True)
class StatusTarget:
    """The list `issue --status-list` gives entries on: its file, URL, purpose and length."""

    file: str
    url: str
    purpose: str
    length: int

    def reserve(self, count: int, taken: Collection[int] = ()) -> list[int]:
        """`count` random indexes never handed out before (nor in `taken`), recorded in the
        allocation file (under a lock, so concurrent runs on one list never share one) before
        the caller uses any."""
        record = allocation_file(self.file)
        try:
            with open(self.file, "rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                used = _recorded(record, self.url)
                allocator = IndexAllocator(self.length, {*used, *taken})
                try:
                    block = [allocator.allocate() for _ in range(count)]
                except MicrocredError as error:
                    raise UsageError(f"{self.file}: {error}") from None
                every = sorted({*used, *block})
                emit({"statusListCredential": self.url, "used": every}, str(record))
        except OSError as error:
            raise UsageError(f"cannot lock {self.file}: {error.strerror or error}") from None
        return block

    def reserve_exactly(self, index: int) -> list[int]:
        """`[index]`, recorded as handed out, unless it was handed out before."""
        record = allocation_file(self.file)
        with open(self.file, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            used = _recorded(record, self.url)
            if index in used:
                raise UsageError(f"--status-index {index} is taken")
            emit({"statusListCredential": self.url, "used": sorted({*used, index})}, str(record))
        return [index]


def status_target(args: argparse.Namespace, key: Signer) -> StatusTarget:
    """The list in `args.status_list`, checked: it has an id, and `key` issued it."""
    document = read_object(args.status_list)
    length = StatusList.decode(_encoded_list(document, args.status_list)).length
    url, purpose = document.get("id"), _purpose(document, args.status_purpose)
    if not isinstance(url, str) or not url:
        raise UsageError(f"{args.status_list} has no id: the URL credentials point to")
    if _issuer_id(document) != signer_did(key):
        raise UsageError(
            f"{args.status_list} is issued by {_issuer_id(document)!r}, not by {signer_did(key)}:"
            " by default verify() trusts only a list from the credential's own issuer"
        )
    return StatusTarget(args.status_list, url, purpose, length)


def _recorded(record: Path, url: str) -> list[int]:
    """The indexes already handed out on the list at `url`, from its allocation record."""
    if not record.exists():
        return []
    found = read_object(str(record))
    used = found.get("used")
    if (
        not isinstance(used, list)
        or found.get("statusListCredential") != url
        or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in used)
    ):
        raise UsageError(f"{record} is not the allocation record of {url}")
    return used


def _issuer_id(document: dict[str, Any]) -> Any:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _purpose(document: dict[str, Any], wanted: str | None) -> str:
    """The list's purpose, or the one `--status-purpose` names among several (1-bit lists)."""
    purposes = document["credentialSubject"].get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if wanted is None and len(purposes) == 1:
        wanted = purposes[0]
    if wanted not in purposes or not isinstance(wanted, str):
        raise UsageError(f"--status-purpose must be one of the list's purposes {purposes}")
    if wanted == "message":
        raise UsageError("message lists need status messages: use microcred.status_entry()")
    return wanted


def _cmd_set(args: argparse.Namespace) -> int:
    return _update(args, args.value)


def _cmd_clear(args: argparse.Namespace) -> int:
    return _update(args, 0)


def _entry_line(entry: EntryStatus) -> str:
    """One row: where the entry is, its purpose, verdict, list#index and code or message."""
    where = f"{entry.status_list}#{entry.index}" if entry.status_list is not None else "-"
    note = entry.problem.code if entry.problem else (entry.message or "")
    purpose = entry.purpose or "-"
    row = f"  {format_path(entry.path):<22} {purpose:<11} {entry.verdict.value:<14} {where} {note}"
    return row.rstrip() + "\n"


def _cmd_check(args: argparse.Namespace) -> int:
    document = read_object(args.input)
    result = api.verify(document, now=moment(args.now, "--now"), **status_options(args))
    check = result.checks.get("status")
    if check is None:  # the credential could not be read at all
        problems = "; ".join(str(p) for p in result.problems)
        raise UsageError(f"{args.input}: cannot check the status: {problems}")
    reason = check.details.get("reason")
    if args.json:
        emit(check.to_dict(), None)
    else:
        sys.stdout.write(f"STATUS {check.status.value}{f': {reason}' if reason else ''}\n")
        for entry in check.details.get("entries", ()):
            sys.stdout.write(_entry_line(entry))
        for problem in (*check.problems, *check.warnings):
            sys.stdout.write(f"  {problem}\n")
    # a status entry that was not read (the credential is not authentic) is no "ok"
    unread = check.status == CheckStatus.SKIPPED and bool(document.get("credentialStatus"))
    return EXIT_NOT_VERIFIED if unread or not check.ok else EXIT_OK


def add_status_commands(commands: Any) -> None:
    """Register `status create|set|clear|check` on the `microcred` sub-command parser."""
    status = commands.add_parser(
        "status", help="Bitstring Status Lists: create, set, check", epilog=EXIT_CODES
    )
    actions = status.add_subparsers(dest="status_command", required=True)
    suites = sorted(CRYPTOSUITES)

    create = actions.add_parser("create", help="a new signed status list credential")
    create.add_argument("--key", required=True, help="key file from `microcred keygen`")
    create.add_argument("--url", required=True, help="where the list will be published (its id)")
    create.add_argument(
        "--purpose", action="append", help="revocation (default), suspension, message; repeatable"
    )
    create.add_argument(
        "--size", type=int, default=MIN_ENTRIES, help=f"entries (default and minimum {MIN_ENTRIES})"
    )
    create.add_argument("--status-size", type=int, default=1, help="bits per entry (default 1)")
    create.add_argument("--valid-until", help="end of validity (ISO 8601 with time zone)")
    create.add_argument("--ttl", type=int, help="time to live in milliseconds")
    create.add_argument(
        "--suite",
        choices=suites,
        help="default: eddsa-rdfc-2022 (Ed25519 keys), ecdsa-rdfc-2019 (P-256, P-384)",
    )
    create.add_argument(
        "-o",
        "--output",
        help="file, or folder (ending in /, made if new): the file is named by the URL, see"
        " `microcred status path URL`",
    )
    create.set_defaults(run=_cmd_create)

    for name, run, text in (
        ("set", _cmd_set, "set an entry (revoke, suspend) and sign the list again"),
        ("clear", _cmd_clear, "clear an entry (lift a suspension) and sign the list again"),
    ):
        update = actions.add_parser(name, help=text)
        update.add_argument("list", help="status list credential file (rewritten unless -o)")
        update.add_argument("index", type=int, help="statusListIndex of the entry")
        update.add_argument("--key", required=True, help="the list issuer's key file")
        update.add_argument("--status-size", type=int, default=1, help="bits per entry")
        update.add_argument(
            "--suite",
            choices=suites,
            help="default: eddsa-rdfc-2022 (Ed25519 keys), ecdsa-rdfc-2019 (P-256, P-384)",
        )
        update.add_argument("-o", "--output", help="write here instead of the list file")
        if name == "set":
            update.add_argument("--value", type=int, default=1, help="status value (default 1)")
        update.set_defaults(run=run)

    path = actions.add_parser(
        "path",
        help="the file of a status folder that holds the list of a URL (create -o DIR names it)",
    )
    path.add_argument("url", help="the list's URL: the statusListCredential of an entry")
    path.add_argument("--status-dir", default=".", metavar="DIR", help="the folder (default .)")
    path.set_defaults(run=_cmd_path)

    check = actions.add_parser("check", help="the status of a credential, offline")
    check.add_argument("input", help="credential JSON")
    add_status_options(check, required=True)
    check.add_argument("--now", help="check as of this date-time (ISO 8601 with time zone)")
    check.add_argument("--json", action="store_true", help="print the status check as JSON")
    check.set_defaults(run=_cmd_check)
