"""`microcred render`: a credential file drawn through the real `describe()` as HTML, PDF and
a page image, in the languages asked for, with the verdict when --verify is given."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main
from microcred.display import describe


@pytest.fixture
def credential_file(tmp_path: Path, signed_credential: dict[str, Any]) -> Path:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed_credential), encoding="utf-8")
    return path


def test_render_writes_html_pdf_and_png(
    credential_file: Path,
    tmp_path: Path,
    signed_credential: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    argv = ["render", str(credential_file), "--lang", "de,en", "--qr", "--verify"]
    files = [f"--{kind}={out / f'c.{kind}'}" for kind in ("html", "pdf", "png")]
    assert main([*argv, *files]) == 0
    assert capsys.readouterr().err.count("microcred: wrote") == 3
    german = describe(signed_credential, languages=("de", "en"))
    page = (out / "c.html").read_text("utf-8")
    assert '<html lang="de">' in page and 'class="qr"' in page
    assert german.captions["verified"].language == "de"
    assert german.captions["verified"].text in page
    assert (out / "c.pdf").read_bytes().startswith(b"%PDF-")
    from PIL import Image

    assert Image.open(io.BytesIO((out / "c.png").read_bytes())).size == (1240, 1754)
    pypdf = pytest.importorskip("pypdf")
    attached = pypdf.PdfReader(out / "c.pdf").attachments["credential.json"][0]
    assert json.loads(attached) == signed_credential


def test_render_without_verify_says_not_verified_yet(
    credential_file: Path, tmp_path: Path, signed_credential: dict[str, Any]
) -> None:
    assert main(["render", str(credential_file), "--html", str(tmp_path / "c.html")]) == 0
    caption = describe(signed_credential).captions["not_verified_yet"].text
    assert caption in (tmp_path / "c.html").read_text("utf-8")


def test_render_of_a_tampered_credential_with_verify_exits_1_and_shows_it(
    tmp_path: Path, signed_credential: dict[str, Any]
) -> None:
    changed = json.loads(json.dumps(signed_credential))
    changed["credentialSubject"]["fullName"] = {"en": "Mallory"}
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert main(["render", str(path), "--html", str(tmp_path / "c.html"), "--verify"]) == 1
    page = (tmp_path / "c.html").read_text("utf-8")
    assert describe(changed).captions["not_verified"].text in page and "Mallory" in page


def test_render_needs_an_output(credential_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(credential_file)]) == 2
    assert "--html, --pdf, --png" in capsys.readouterr().err


def test_render_verify_takes_the_verify_options(tmp_path: Path) -> None:
    """`render --verify` verifies as `verify` would: a sealed EDC needs its trust anchor."""
    from microcred.testing.seal import write_test_seal

    pki = write_test_seal(tmp_path / "pki")
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
    edc = tmp_path / "edc.json"
    issue = ["issue", str(example), "--format", "edc", "--key", str(pki["seal"])]
    assert main([*issue, "--cert", str(pki["chain"]), "-o", str(edc)]) == 0
    page = ["render", str(edc), "--html", str(tmp_path / "p.html"), "--verify"]
    assert main(page) == 1  # no trust anchor: the seal is untrusted
    assert main([*page, "--trust-anchor", str(pki["root"]), "--lang", "ga"]) == 0
    html = (tmp_path / "p.html").read_text("utf-8")
    assert '<html lang="ga">' in html and "Fíoraithe" in html
