"""The `microcred` command: issue and verify EU micro-credentials offline.

Sub-commands: keygen, issue (one or --batch), sign, verify, demo, status, present,
verify-presentation, inspect, render, conformance. Exit codes: 0 success / verified, 1 not verified,
2 usage error or unreadable input (reported as one line on stderr, never a traceback), 141 the
reader closed the pipe. JSON input is read strictly (`microcred.strict_json`) and must be a
JSON object. Output files are written atomically (temp file + rename), so a failed command
leaves none.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from microcred import __version__
from microcred.cli.common import EXIT_CODES, UsageError, field_errors, one_line
from microcred.cli.conformance import add_conformance_command
from microcred.cli.credentials import add_credential_commands
from microcred.cli.inspect import add_inspect_command
from microcred.cli.keys import add_key_commands
from microcred.cli.presentations import add_presentation_commands
from microcred.cli.render import add_render_command
from microcred.cli.status import add_status_commands
from microcred.errors import InvalidMicroCredential, MicrocredError

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_USAGE", "main"]

# A command returns EXIT_OK (0) or EXIT_NOT_VERIFIED (1), see `microcred.cli.common`.
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a Unix tool reports when its reader went away


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is a `UsageError` (one line, exit 2) like any other."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    """The `microcred` parser with every command group registered, in `--help` order."""
    parser = _Parser(prog="microcred", description=__doc__.splitlines()[0], epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"microcred {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    add_key_commands(commands)
    add_credential_commands(commands)
    add_status_commands(commands)
    add_presentation_commands(commands)
    add_inspect_command(commands)
    add_render_command(commands)
    add_conformance_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Errors are one line on stderr."""
    try:
        args = _parser().parse_args(argv)
        return int(args.run(args))
    except UsageError as error:
        return _fail(str(error))
    except InvalidMicroCredential as error:
        return _fail(
            f"{error.code}: the micro-credential is not valid: {field_errors(error.errors)}"
        )
    except MicrocredError as error:
        return _fail(f"{error.code}: {error}")
    except BrokenPipeError:
        # `microcred ... | head`: the reader closed the pipe. Stop quietly, and point stdout
        # at /dev/null so the interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:  # the last resort: a bug is still one line, not a traceback
        return _fail(f"internal error: {type(error).__name__}: {error}")


def _fail(message: str) -> int:
    sys.stderr.write(f"microcred: {one_line(message)}\n")
    return EXIT_USAGE
