"""The page image every EDC embeds (display.render): a small, deterministic A4 portrait PNG
per language."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from microcred.display.render import PAGE_SIZE, render_page
from microcred.model import LangText, MicroCredential

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data() -> dict[str, Any]:
    return json.loads(  # type: ignore[no-any-return]
        (ROOT / "docs" / "examples" / "microcredential.json").read_text("utf-8")
    )


def _chunks(png: bytes) -> list[bytes]:
    """The PNG chunk types in order (PNG spec §5.3)."""
    types, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        types.append(png[at + 4 : at + 8])
        at += 12 + length
    return types


def test_a_page_is_a_small_palette_png_without_metadata(data: dict[str, Any]) -> None:
    png = render_page(MicroCredential.parse(data), "en")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == PAGE_SIZE and image.mode == "P"
    assert PAGE_SIZE == (1240, 1754)  # A4 portrait (210 x 297 mm) at 150 dpi
    assert _chunks(png) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]  # no tIME, tEXt, pHYs
    assert len(png) < 60_000  # every Annex I element on the page, still small to embed
    assert len(image.getcolors() or []) > 2  # anti-aliased text, not a blank page


def test_pages_are_deterministic_and_differ_by_language(data: dict[str, Any]) -> None:
    mc = MicroCredential.parse(data)
    assert render_page(mc, "de") == render_page(MicroCredential.parse(data), "de")
    assert render_page(mc, "de") != render_page(mc, "en")


def test_texts_missing_in_a_language_fall_back(data: dict[str, Any]) -> None:
    """Every EU language has its captions (a Finnish page is no English page), a language
    without them falls back to English; a Finnish title then shows on the Finnish page."""
    mc = MicroCredential.parse(data)
    assert render_page(mc, "fi") != render_page(mc, "en")
    assert render_page(mc, "ga") != render_page(mc, "en")  # issue 16: never English as Irish
    assert render_page(mc, "ja") == render_page(mc, "en")  # no Japanese captions: English
    data["title"] = {**data["title"], "fi": "Digitaalisten mikrotunnisteiden luominen"}
    finnish = MicroCredential.parse(data)
    assert render_page(finnish, "fi") != render_page(mc, "fi")


def test_a_title_override_is_drawn(data: dict[str, Any]) -> None:
    mc = MicroCredential.parse(data)
    override = LangText({"en": "Micro-Credential"})
    assert render_page(mc, "en", title=override) != render_page(mc, "en")


def test_long_and_non_latin_texts_fit_the_page(data: dict[str, Any]) -> None:
    data["title"] = {"el": "Ψηφιακές δεξιότητες " * 30}
    data["learner"] = {"fullName": {"bg": "Цифрови Зоë Ħiliet " + "x" * 200}}
    png = render_page(MicroCredential.parse(data), "el")
    assert Image.open(io.BytesIO(png)).size == PAGE_SIZE
