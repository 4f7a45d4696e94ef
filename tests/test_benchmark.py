"""The benchmark script runs and prints every figure it promises (values are not judged here:
speed lives in benchmarks/, tests assert correctness only)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_prints_each_figure() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_sign_verify.py"),
            *("--iterations", "2", "--reference-iterations", "1", "--cold-runs", "1"),
            *("--batch", "6", "--workers", "2"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for name in ("demo", "large"):
        for operation in ("sign", "verify"):
            assert re.search(rf"^{name}\s+{operation}\s+[\d.]+\s+[\d.]+\s+[\d.]+x$", out, re.M)
    assert "verify_presentation of 2" in out and "verify, eddsa-jcs-2022" in out
    for label in (
        "verify, vc+jwt",
        "issue, dc+sd-jwt",
        "verify, dc+sd-jwt + KB",
        "verify-after-sign, Ed25519",
        "verify-after-sign, P-256",
    ):
        assert re.search(rf"^demo\s+{re.escape(label)}\s+[\d.]+ ms$", out, re.M), label
    assert re.search(r"cold start .* \d+ ms with the bytecode cache; \d+ ms compiling", out)
    assert "verified 5/5" in out and "reported failure: item 3: INVALID_MICROCREDENTIAL" in out
