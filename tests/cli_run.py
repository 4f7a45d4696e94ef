"""Running the `microcred` command in-process for the CLI tests."""

from __future__ import annotations

import pytest

from microcred.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`microcred ARGV...`: its exit code, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
