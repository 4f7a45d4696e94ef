"""`microcred issue --batch in.jsonl -o out.jsonl --journal J`: a batch that survives a kill.

Before a credential exists its promise (item key → credential id, status index) is in the
journal; the output is appended line by line. A re-run with the same journal issues only the
items whose credential is not in the output, each with the id and index it was promised, so
no item gets a second credential and no status index is used twice (docs/scale.md).
Item keys are `line N`, with the journal bound to the input's SHA-256, or with
`--key-field F` the value of field F (then the input may change between runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from microcred.batch import IssueFailure, iter_issued
from microcred.cli.batch import parse_lines, progress_bar, read_lines, report_failure
from microcred.cli.common import EXIT_NOT_VERIFIED, EXIT_OK, UsageError, load_signer, read_bytes
from microcred.cli.status import StatusTarget, status_target
from microcred.errors import JournalError
from microcred.journal import Journal, Promise
from microcred.status.credential import status_entry

__all__ = ["BLOCK", "issue_journaled"]

BLOCK = 256
"""Status indexes reserved at a time (one allocation-record write, one journal fsync)."""
_GROUP = 64  # items promised per journal write, ahead of the workers


def _item_key(item: dict[str, Any], field: str | None, line: int) -> str:
    """The idempotency key: `line N`, or the value of `field` (a dotted path)."""
    if field is None:
        return f"line {line}"
    value: Any = item
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise JournalError(
            f"--key-field {field}: no string or integer value", path=tuple(field.split("."))
        )
    return str(value)


def _scan_output(path: Path, journal: Journal) -> set[str]:
    """The ids in the output so far, after cutting a torn last line; every one must be a
    promise of this journal, and every item the journal marked done must be there."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if journal.fresh and data:
        raise UsageError(f"{path} exists: a journaled run appends only to the output it began")
    complete = data.rfind(b"\n") + 1
    if complete < len(data):
        with open(path, "r+b") as out:
            out.truncate(complete)
    ids: set[str] = set()
    for number, line in enumerate(data[:complete].split(b"\n")[:-1], 1):
        try:
            found = json.loads(line).get("id")
        except (ValueError, AttributeError):
            found = None
        if not isinstance(found, str) or not journal.owns_id(found) or found in ids:
            raise JournalError(f"{path} line {number} is no credential this journal promised")
        ids.add(found)
    lost = [k for k in journal.done if journal.promises[k].id not in ids]
    if lost:
        raise JournalError(
            f"{path} lost {len(lost)} credentials the journal wrote, e.g. {lost[0]!r}"
        )
    return ids


class _Run:
    """One resumable run: the pending items promised group by group, ahead of the workers."""

    def __init__(self, journal: Journal, target: StatusTarget | None) -> None:
        self.journal, self.target = journal, target
        self.pending: dict[int, tuple[int, Promise]] = {}  # stream position -> (line, promise)

    def _index(self) -> int | None:
        if self.target is None:
            return None
        index = self.journal.next_index()
        if index is None:
            self.journal.reserve(self.target.reserve(BLOCK, self.journal.reserved))
            index = self.journal.next_index()
        return index

    def items(self, todo: list[tuple[int, str, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        """Each pending item with its promised id; a group's promises are written (fsync)
        before any item of the group is handed to the workers."""
        position = 0
        for start in range(0, len(todo), _GROUP):
            group, new = todo[start : start + _GROUP], []
            for line, key, item in group:
                promise = self.journal.promises.get(key)
                if promise is None:
                    credential_id = item.get("id") or f"urn:uuid:{uuid.uuid4()}"
                    promise = Promise(key, credential_id, self._index())
                    new.append(promise)
                self.pending[position] = (line, promise)
                position += 1
            self.journal.promise(new)
            for _, key, item in group:
                yield {**item, "id": self.journal.promises[key].id}

    def status(self, position: int) -> Any:
        index = self.pending[position][1].index
        if index is None or self.target is None:
            return None
        return status_entry(self.target.url, index, purpose=self.target.purpose)


def issue_journaled(args: argparse.Namespace) -> int:
    """Issue the lines of `args.batch` not yet in `args.output`, journaled in `args.journal`."""
    if args.output is None:
        raise UsageError("--batch needs -o/--output for the JSON Lines it writes")
    if args.format != "vc":
        raise UsageError("--batch issues VC 2.0 credentials (--format vc)")
    if args.status_index is not None:
        raise UsageError("--status-index gives one credential its index: not with --batch")
    data = read_bytes(args.batch)
    items, failures = parse_lines(read_lines(args.batch, data))
    key = load_signer(args.key)
    target = status_target(args, key) if args.status_list is not None else None
    output = Path(args.output)
    header = {
        "key": key.verification_method,
        "suite": args.suite,
        "keyField": args.key_field,
        "input": None if args.key_field else hashlib.sha256(data).hexdigest(),
        "output": str(output.resolve()),
        "statusList": None if target is None else target.url,
        "statusPurpose": None if target is None else target.purpose,
    }
    with Journal(args.journal, header) as journal:
        done_ids = _scan_output(output, journal)
        todo, skipped = _pending(items, failures, journal, args.key_field, done_ids)
        issued = _issue(args, key, journal, target, todo, output, failures)
    for failure in sorted(failures.values(), key=lambda f: f.index):
        report_failure(failure, sys.stderr)
    sys.stderr.write(
        f"microcred: issued {issued} of {len(items)} to {args.output}"
        f" ({skipped} issued before, journal {args.journal})\n"
    )
    return EXIT_NOT_VERIFIED if failures else EXIT_OK


def _pending(
    items: list[Any],
    failures: dict[int, IssueFailure],
    journal: Journal,
    field: str | None,
    done_ids: set[str],
) -> tuple[list[tuple[int, str, dict[str, Any]]], int]:
    """The items still to issue as (line index, key, item), and how many were issued before;
    a line without a usable key, with a key or an id of an earlier line, is a failure."""
    todo, keys, ids, skipped = [], set(), set(), 0
    for index, item in enumerate(items):
        if index in failures:
            continue
        try:
            item_key = _item_key(item, field, index + 1)
        except JournalError as error:
            failures[index] = IssueFailure(index, "INVALID_ITEM_KEY", str(error))
            continue
        promise = journal.promises.get(item_key)
        own = item.get("id")
        problem = None
        if item_key in keys:
            problem = "DUPLICATE_ITEM_KEY", f"item key {item_key!r} is on an earlier line"
        elif "id" in item and (not isinstance(own, str) or not own):
            problem = "INVALID_ITEM_KEY", "id must be a non-empty string (a URL)"
        elif promise is None and own is not None and (own in ids or journal.owns_id(own)):
            problem = "DUPLICATE_CREDENTIAL_ID", f"id {own!r} is another item's credential id"
        if problem is not None:
            failures[index] = IssueFailure(index, *problem)
            continue
        keys.add(item_key)
        ids.add(own)
        if promise is not None and promise.id in done_ids:
            skipped += 1
        else:
            todo.append((index, item_key, item))
    return todo, skipped


def _issue(
    args: argparse.Namespace,
    key: Any,
    journal: Journal,
    target: StatusTarget | None,
    todo: list[tuple[int, str, dict[str, Any]]],
    output: Path,
    failures: dict[int, IssueFailure],
) -> int:
    """Issue `todo` through the workers, appending each credential to the output in order
    and marking it done in the journal once flushed; returns how many were issued."""
    run = _Run(journal, target)
    issued, written = 0, []
    with open(output, "ab") as out:
        stream = iter_issued(
            run.items(todo),
            key=key,
            cryptosuite=args.suite,
            workers=args.workers,
            status=run.status,
        )
        bar = progress_bar(len(todo), sys.stderr)
        for count, outcome in enumerate(stream, 1):
            line, promise = run.pending.pop(outcome.index)
            if isinstance(outcome, IssueFailure):
                failures[line] = IssueFailure(line, outcome.code, outcome.message, outcome.errors)
            else:
                _write(out, outcome.credential)
                written.append(promise.item)
                issued += 1
            if len(written) >= _GROUP:
                _flush(out, journal, written)
            if bar:
                bar(count)
        _flush(out, journal, written)
    return issued


def _write(out: BinaryIO, credential: dict[str, Any]) -> None:
    out.write((json.dumps(credential, ensure_ascii=False) + "\n").encode("utf-8"))


def _flush(out: BinaryIO, journal: Journal, written: list[str]) -> None:
    out.flush()
    os.fsync(out.fileno())
    journal.mark_done(written)
    written.clear()
