"""The PDF: A4, texts extractable in Latin, Greek, Cyrillic and Chinese, the signed
credential attached (and verifying), the QR code readable."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from microcred import verify
from microcred.display.fonts import FontChain
from microcred.display.pdf import attachment, render_pdf
from microcred.display.view import Text
from microcred.errors import MissingGlyphError
from microcred.testing.views import SAMPLE_LEARNERS, SAMPLE_TITLES, sample_view

pypdf = pytest.importorskip("pypdf", reason="pypdf (the test extra)")


def _cjk_font() -> bool:
    try:
        FontChain("zh").face_for("李")
    except MissingGlyphError:
        return False
    return True


needs_cjk = pytest.mark.skipif(
    not _cjk_font(), reason="no CJK font (Debian fonts-noto-cjk; .ci/run installs it)"
)


def _text(pdf: bytes) -> str:
    """The PDF's text by poppler's pdftotext, else by pypdf (which reads each glyph of the
    CJK font's 2-byte codes with a NUL before it: a quirk of its CID font decoding; the
    font's ToUnicode map is right, as poppler shows)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return done.stdout.decode("utf-8")
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


@pytest.mark.parametrize(
    ("language", "script"),
    [
        ("en", "latin"),
        ("el", "greek"),
        ("bg", "cyrillic"),
        pytest.param("en", "cjk", marks=needs_cjk),
    ],
)
def test_title_and_learner_are_text_in_every_script(language: str, script: str) -> None:
    pdf = render_pdf(sample_view(language, learner=SAMPLE_LEARNERS[script]))
    text = _text(pdf)
    assert SAMPLE_TITLES[language] in text
    assert SAMPLE_LEARNERS[script] in text
    plain = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert SAMPLE_TITLES[language] in plain  # pypdf agrees


def test_pages_are_a4_portrait() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(sample_view("en"))))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # 210 x 297 mm
    assert reader.metadata is not None and reader.metadata.title == SAMPLE_TITLES["en"]


def test_the_signed_credential_is_attached_and_verifies(signed_credential: dict[str, Any]) -> None:
    pdf = render_pdf(sample_view("en", source=signed_credential))
    attachments = pypdf.PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == ["credential.json"]
    [data] = attachments["credential.json"]
    embedded = json.loads(data)
    assert embedded == signed_credential
    assert verify(embedded).verified


def test_a_token_is_attached_as_it_is() -> None:
    token = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"
    assert attachment(token) == ("credential.jwt", token.encode(), "application/jwt")
    pdf = render_pdf(sample_view("en", source=token))
    assert pypdf.PdfReader(io.BytesIO(pdf)).attachments["credential.jwt"] == [token.encode()]
    assert attachment(None) is None


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm)")
def test_the_qr_code_in_the_pdf_decodes_to_the_link(tmp_path: Path) -> None:
    pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar (test extra) and libzbar0")
    from PIL import Image

    link = "https://verify.example/c/2f7d1c9e"
    (tmp_path / "c.pdf").write_bytes(render_pdf(sample_view("en"), qr=link))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "c.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    [page] = sorted(tmp_path.glob("page*.png"))
    assert [d.data.decode() for d in pyzbar.decode(Image.open(page))] == [link]


def test_a_character_no_font_covers_is_an_error_or_spelled_out() -> None:
    view = replace(sample_view("en"), learner=Text("Zoë \u0378"))
    with pytest.raises(MissingGlyphError, match="U\\+0378"):
        render_pdf(view)
    assert "Zoë [U+0378]" in _text(render_pdf(view, missing="mark"))


@needs_cjk
def test_every_block_of_the_renderers_guide_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/display-renderers.md: its Python blocks run in order, in one namespace."""
    import contextlib
    import re

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    text = (root / "docs" / "display-renderers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for index, block in enumerate(blocks):
            exec(compile(block, f"display-renderers.md block {index}", "exec"), namespace)
    assert len(blocks) == 4
    assert isinstance(namespace["pdf"], bytes) and isinstance(namespace["html"], str)
    assert "did:example:learner" in printed.getvalue()
