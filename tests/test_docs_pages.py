"""Guides whose every Python block runs: in order, in one namespace, from the project root,
printing what the page says they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(page: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, dict[str, object]]:
    """Execute every ```python block of docs/`page`; (block count, stdout, namespace)."""
    monkeypatch.chdir(ROOT)
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for index, block in enumerate(blocks):
            exec(compile(block, f"docs/{page} python block {index}", "exec"), namespace)
    return len(blocks), out.getvalue(), namespace


def test_every_block_of_keys_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    count, printed, namespace = _run("keys.md", monkeypatch)
    assert count == 6
    assert "did:key:z6Mk" in printed  # the verification method a KeyPair signs for
    assert "DER-encoded ECDSA signature" in printed and "ecdsa_der_to_raw" in printed
    credential = namespace["credential"]
    assert isinstance(credential, dict)
    assert credential["issuer"]["id"] == "did:web:university.example"


def test_every_block_of_testing_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    count, printed, _ = _run("testing.md", monkeypatch)
    assert count == 5
    lines = printed.splitlines()
    assert lines[0].startswith("did:key:z6MkryyLaFix8nd3")
    assert lines[1] == "('tampered-name.json', False, ['PROOF_VERIFICATION_ERROR'])"
    assert lines[2] == "warning ['Annex I element M6 (learning outcomes) is missing']"
    assert lines[3] == "failed ['M1', 'M2', 'M3']" and lines[4] == "16"


def test_every_block_of_the_site_s_home_page_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    count, _, namespace = _run("index.md", monkeypatch)
    assert count == 1
    credential = namespace["credential"]
    assert isinstance(credential, dict) and "proof" in credential


def _run_dedented(page: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, object]]:
    """Every ```python block of docs/`page`, dedented (some sit inside list items)."""
    import textwrap

    monkeypatch.chdir(ROOT)
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for index, block in enumerate(blocks):
            code = textwrap.dedent(block)
            exec(compile(code, f"docs/{page} python block {index}", "exec"), namespace)
    return len(blocks), namespace


def test_every_block_of_jose_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    count, namespace = _run_dedented("jose.md", monkeypatch)
    assert count == 3
    result = namespace["result"]
    assert getattr(result, "verified", False) is True  # the vp+jwt of the presentation block


def test_every_block_of_eudi_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    count, namespace = _run_dedented("eudi.md", monkeypatch)
    assert count == 2
    assert namespace["seen"] is not None and "learner" not in namespace["seen"]  # type: ignore[operator]
