"""`microcred issue --batch in.jsonl -o out.jsonl`: a cohort at once, over a process pool.

One micro-credential per input line (lines end at "\n"; each is read with the strict JSON
reader); the output holds the issued credentials in input order, one per line. A bad line
(not JSON, or not a valid micro-credential) is reported as one line on stderr with its line
number and problems and does not stop the others; the exit code is then 1.
A progress bar is drawn on stderr when it is a terminal. With `--status-list`, every line
gets an entry on that list; the indexes are recorded before any credential is issued.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from microcred.batch import IssueFailure, issue_many
from microcred.cli.common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    field_errors,
    load_signer,
    one_line,
    progress_bar,
    read_bytes,
    write_atomically,
)
from microcred.cli.status import allocate_status_entries
from microcred.errors import MalformedDocumentError
from microcred.strict_json import parse_json

__all__ = ["issue_batch", "parse_lines", "progress_bar", "read_lines", "report_failure"]


def read_lines(path: str, data: bytes | None = None) -> list[str]:
    """The file's lines (of `data` when given, its bytes). Only "\n" (or "\r\n") ends one:
    `str.splitlines` would also split at U+2028 and other characters a JSON string may hold."""
    try:
        text = (read_bytes(path) if data is None else data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"cannot read {path}: not UTF-8 text: {error}") from None
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()  # what follows the last line end, or an empty file
    return [line.removesuffix("\r") for line in lines]


def parse_lines(lines: list[str]) -> tuple[list[Any], dict[int, IssueFailure]]:
    """Items to issue, and a failure for each line that is not a JSON object."""
    items: list[Any] = []
    failures: dict[int, IssueFailure] = {}
    for index, line in enumerate(lines):
        try:
            item = parse_json(line)
        except MalformedDocumentError as error:
            failures[index] = IssueFailure(index, "MALFORMED_JSON", str(error))
            item = {}
        if not isinstance(item, dict) and index not in failures:
            failures[index] = IssueFailure(index, "MALFORMED_JSON", "not a JSON object")
        items.append(item if index not in failures else {})
    return items, failures


def report_failure(failure: IssueFailure, out: TextIO) -> None:
    """One line per failed input line: its number, code, and every field problem."""
    why = field_errors(failure.errors) if failure.errors else failure.message
    out.write(one_line(f"microcred: line {failure.index + 1}: {failure.code}: {why}") + "\n")


def issue_batch(args: argparse.Namespace) -> int:
    """Issue every line of `args.batch` with `args.key` into `args.output` (JSON Lines)."""
    if args.output is None:
        raise UsageError("--batch needs -o/--output for the JSON Lines it writes")
    if args.format != "vc":
        raise UsageError("--batch issues VC 2.0 credentials (--format vc)")
    if args.key_field is not None:
        raise UsageError("--key-field names the idempotency key of a --journal")
    items, bad_lines = parse_lines(read_lines(args.batch))
    key = load_signer(args.key)
    status = None
    if args.status_list is not None:
        status = allocate_status_entries(args, key, len(items)).__getitem__
    outcomes = issue_many(
        items,
        key=key,
        cryptosuite=args.suite,
        workers=args.workers,
        progress=progress_bar(len(items), sys.stderr),
        status=status,
    )
    lines: list[str] = []
    failures: list[IssueFailure] = []
    for outcome in outcomes:
        if outcome.index in bad_lines:
            failures.append(bad_lines[outcome.index])
        elif isinstance(outcome, IssueFailure):
            failures.append(outcome)
        else:
            lines.append(json.dumps(outcome.credential, ensure_ascii=False) + "\n")
    write_atomically(Path(args.output), "".join(lines))
    for failure in failures:
        report_failure(failure, sys.stderr)
    sys.stderr.write(f"microcred: issued {len(lines)} of {len(items)} to {args.output}\n")
    return EXIT_NOT_VERIFIED if failures else EXIT_OK
