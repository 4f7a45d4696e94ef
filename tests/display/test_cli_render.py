"""`microcred render`: the command wiring, with the view handed in through a stand-in for
`microcred.display.describe` (which lands separately)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import microcred.display
from microcred.cli import main
from microcred.result import VerificationResult
from microcred.testing.views import sample_view


@pytest.fixture
def credential_file(tmp_path: Path, signed_credential: dict[str, Any]) -> Path:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(signed_credential), encoding="utf-8")
    return path


@pytest.fixture
def described(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, tuple[str, ...]]]:
    calls: list[tuple[Any, tuple[str, ...]]] = []

    def describe(subject: Any, *, languages: tuple[str, ...] = ("en",)) -> Any:
        calls.append((subject, languages))
        source = subject.document if isinstance(subject, VerificationResult) else subject
        verified = subject.verified if isinstance(subject, VerificationResult) else None
        return sample_view(languages[0], verified=verified, source=source)

    monkeypatch.setattr(microcred.display, "describe", describe, raising=False)
    return calls


def test_render_writes_html_pdf_and_png(
    credential_file: Path,
    tmp_path: Path,
    described: list[tuple[Any, tuple[str, ...]]],
    signed_credential: dict[str, Any],
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "render",
            str(credential_file),
            "--html",
            str(out / "c.html"),
            "--pdf",
            str(out / "c.pdf"),
            "--png",
            str(out / "c.png"),
            "--lang",
            "de,en",
            "--qr",
            "--verify",
        ]
    )
    assert code == 0
    [(subject, languages)] = described
    assert isinstance(subject, VerificationResult) and subject.verified
    assert languages == ("de", "en")
    page = (out / "c.html").read_text("utf-8")
    assert '<html lang="de">' in page and "Verified: this is what" in page and 'class="qr"' in page
    assert (out / "c.pdf").read_bytes().startswith(b"%PDF-")
    from PIL import Image

    assert Image.open(io.BytesIO((out / "c.png").read_bytes())).size == (1240, 1754)
    pypdf = pytest.importorskip("pypdf")
    attached = pypdf.PdfReader(out / "c.pdf").attachments["credential.json"][0]
    assert json.loads(attached) == signed_credential


def test_render_without_verify_passes_the_credential(
    credential_file: Path, tmp_path: Path, described: list[tuple[Any, tuple[str, ...]]]
) -> None:
    assert main(["render", str(credential_file), "--html", str(tmp_path / "c.html")]) == 0
    assert isinstance(described[0][0], dict) and described[0][1] == ("en",)
    assert "Not verified yet" in (tmp_path / "c.html").read_text("utf-8")


def test_render_needs_an_output(
    credential_file: Path, capsys: pytest.CaptureFixture[str], described: list[Any]
) -> None:
    assert main(["render", str(credential_file)]) == 2
    assert "--html, --pdf, --png" in capsys.readouterr().err


def test_render_without_describe_is_a_usage_error(
    credential_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(microcred.display, "describe", raising=False)
    assert main(["render", str(credential_file), "--html", str(tmp_path / "c.html")]) == 2
    assert "describe" in capsys.readouterr().err
    assert not (tmp_path / "c.html").exists()


@pytest.mark.skipif(
    not hasattr(microcred.display, "describe"), reason="describe() not in this branch"
)
def test_render_end_to_end_with_the_real_describe(credential_file: Path, tmp_path: Path) -> None:
    code = main(["render", str(credential_file), "--html", str(tmp_path / "c.html"), "--verify"])
    assert code == 0
    assert "<h1" in (tmp_path / "c.html").read_text("utf-8")
