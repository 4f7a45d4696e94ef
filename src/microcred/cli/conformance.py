"""`microcred conformance [DIR]`: verify every sample of a conformance corpus and print, per
file, the verdict expected and the one got (the bundled corpus of `microcred.testing` without
DIR; docs/testing.md). Exit 0 when every verdict is the expected one, 1 otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from microcred.cli.common import EXIT_CODES, EXIT_NOT_VERIFIED, EXIT_OK, UsageError, emit
from microcred.errors import InvalidOptionError

__all__ = ["add_conformance_command"]


def _verdict(verified: bool, codes: frozenset[str]) -> str:
    return ("verified" if verified else "not verified") + (
        f" {','.join(sorted(codes))}" if codes else ""
    )


def _cmd_conformance(args: argparse.Namespace) -> int:
    from microcred.testing.corpus import run_corpus

    if args.folder is not None and not Path(args.folder).is_dir():
        raise UsageError(f"{args.folder} is not a folder")
    try:
        outcomes = run_corpus(args.folder)
    except InvalidOptionError as error:
        raise UsageError(error.message) from None
    if args.json:
        emit([_row(o) for o in outcomes], None)
    else:
        width = max(len(o.case.file) for o in outcomes) if outcomes else 4
        sys.stdout.write(f"{'file':<{width}}  {'ok':<4} expected -> got\n")
        for o in outcomes:
            expected = _verdict(o.case.verified, o.case.codes)
            got = _verdict(o.verified, o.codes)
            mark = "ok" if o.ok else "FAIL"
            sys.stdout.write(f"{o.case.file:<{width}}  {mark:<4} {expected} -> {got}\n")
    passed = sum(o.ok for o in outcomes)
    sys.stderr.write(f"microcred: {passed} of {len(outcomes)} verdicts as expected\n")
    return EXIT_OK if passed == len(outcomes) else EXIT_NOT_VERIFIED


def _row(outcome: Any) -> dict[str, Any]:
    return {
        "file": outcome.case.file,
        "ok": outcome.ok,
        "expected": {"verified": outcome.case.verified, "codes": sorted(outcome.case.codes)},
        "got": {"verified": outcome.verified, "codes": sorted(outcome.codes)},
    }


def add_conformance_command(commands: Any) -> None:
    """Register `conformance` on the `microcred` sub-command parser."""
    run = commands.add_parser(
        "conformance",
        help="verify a conformance corpus and compare each verdict with the expected one",
        epilog=EXIT_CODES,
    )
    run.add_argument(
        "folder",
        nargs="?",
        help="a folder with manifest.json and its samples (default: the bundled corpus)",
    )
    run.add_argument("--json", action="store_true", help="one object per sample, as JSON")
    run.set_defaults(run=_cmd_conformance)
