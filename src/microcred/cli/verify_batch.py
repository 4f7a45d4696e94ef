"""`microcred verify --batch in.jsonl`: one credential per line, one verdict per line out.

Streams: a line is read, verified by one `Verifier` (each issuer key, context and status
list resolved once for the run, `verify_many`) and its verdict written as one JSON line on
stdout, in input order: `{"line", "id", "verified", "problems"}` (with `--json`, the whole
result). A line that is not JSON is a failed verdict too, never the end of the run.
A progress bar is drawn on stderr when it is a terminal (and stdout is not).
Exit 0 when every line verified, 1 when one did not.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from typing import Any, BinaryIO

from microcred.cli.common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    context_loader,
    did_document_resolver,
    moment,
    one_line,
    progress_bar,
    read_bytes,
    status_options,
)
from microcred.errors import MalformedDocumentError
from microcred.result import VerificationResult
from microcred.strict_json import parse_json
from microcred.verification.verifier import Verifier

__all__ = ["verify_batch"]


def _documents(source: BinaryIO, unreadable: dict[int, str]) -> Iterator[Any]:
    """Each line's JSON value; a line that is not JSON yields None and its reason goes to
    `unreadable` (by line number), so verdicts stay one per line."""
    for number, raw in enumerate(source, 1):
        line = raw.removesuffix(b"\n").removesuffix(b"\r")
        try:
            yield parse_json(line)
        except MalformedDocumentError as error:
            unreadable[number] = str(error)
            yield None


def _verdict(number: int, document: Any, result: VerificationResult, full: bool) -> dict[str, Any]:
    if full:
        return {"line": number, **result.to_dict()}
    return {
        "line": number,
        "id": document.get("id") if isinstance(document, dict) else None,
        "verified": result.verified,
        "problems": [
            {"code": p.code, "message": p.message, "path": list(p.path)} for p in result.problems
        ],
    }


def verify_batch(args: argparse.Namespace) -> int:
    """Verify every line of `args.batch`; verdicts on stdout, a count on stderr."""
    if args.input is not None:
        raise UsageError(
            "give one credential file, or --batch FILE.jsonl (see `microcred verify --help`)"
        )
    data = read_bytes(args.batch)  # an unreadable file is a usage error before any output
    lines = data.count(b"\n") + (not data.endswith(b"\n") and bool(data))
    # a bar on a terminal's stderr, unless the verdicts themselves scroll by on it
    draw = progress_bar(lines, sys.stderr) if not sys.stdout.isatty() else None
    verifier = Verifier(
        loader=context_loader(args.context),
        resolver=did_document_resolver(args.did_document),
        profile=args.profile,
        trust_anchors=[read_bytes(path) for path in args.trust_anchor] or None,
        **status_options(args),
    )
    now = moment(args.now, "--now")
    workers = _workers(args.workers)
    unreadable: dict[int, str] = {}
    total = passed = 0
    seen: deque[Any] = deque()
    with io.BytesIO(data) as source:  # already read: `-` (standard input) works too
        results = verifier.verify_many(
            _remember(_documents(source, unreadable), seen), now=now, workers=workers
        )
        for number, result in enumerate(results, 1):
            document = seen.popleft()
            if number in unreadable:
                problem = {"code": "MALFORMED_JSON", "message": unreadable.pop(number)}
                verdict = {"line": number, "id": None, "verified": False, "problems": [problem]}
            else:
                verdict = _verdict(number, document, result, args.json)
                passed += result.verified
            sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
            total += 1
            if draw is not None:
                draw(min(total, lines))
    sys.stderr.write(one_line(f"microcred: verified {passed} of {total} in {args.batch}") + "\n")
    return EXIT_OK if passed == total else EXIT_NOT_VERIFIED


def _workers(asked: int | None) -> int:
    """--workers, or one per CPU on Linux (where forking workers is the norm; macOS
    frameworks may not survive a fork, and Windows has none)."""
    if asked is not None:
        if asked < 1:
            raise UsageError("--workers must be 1 or more")
        return asked
    return (os.cpu_count() or 1) if sys.platform == "linux" else 1


def _remember(documents: Iterator[Any], seen: deque[Any]) -> Iterator[Any]:
    """The documents, each also kept in `seen` until its verdict is written."""
    for document in documents:
        seen.append(document)
        yield document
