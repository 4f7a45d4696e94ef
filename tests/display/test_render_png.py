"""The A4 page image: portrait, per language, every script drawn (a CJK name included),
a character no font covers refused with a typed error or drawn as a visible box; the logo
and the QR code; the EDC pages built on it."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from microcred.display.fonts import FontChain, font_dirs
from microcred.display.page import A4_PAGE_SIZE, render_png
from microcred.display.qr import qr_code
from microcred.display.view import Text
from microcred.errors import MissingGlyphError
from microcred.testing.views import SAMPLE_LEARNERS, sample_view


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _learner_band(png: bytes) -> Image.Image:
    """The band of the page where the learner's name is drawn (under the title)."""
    return _image(png).crop((110, 250, 1130, 560))


def test_a_page_is_a4_portrait_without_metadata() -> None:
    png = render_png(sample_view("en"))
    image = Image.open(io.BytesIO(png))
    assert A4_PAGE_SIZE == (1240, 1754) and image.size == A4_PAGE_SIZE and image.mode == "P"
    assert b"tEXt" not in png and b"tIME" not in png and b"pHYs" not in png
    assert render_png(sample_view("en")) == png  # deterministic


def test_pages_differ_per_language() -> None:
    german = sample_view("de", captions={"learner": "verliehen an", "issued": "Ausgestellt am"})
    assert render_png(german) != render_png(sample_view("en"))


@pytest.mark.parametrize("script", ["latin", "greek", "cyrillic"])
def test_the_bundled_fonts_draw_latin_greek_and_cyrillic(
    script: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_FONT_PATH", "")  # no system font: the wheel's alone
    assert font_dirs() == ()
    empty = render_png(sample_view("en", learner=""))
    drawn = render_png(sample_view("en", learner=SAMPLE_LEARNERS[script]))
    assert ImageChops.difference(_learner_band(empty), _learner_band(drawn)).getbbox()


def test_a_cjk_name_is_drawn() -> None:
    try:
        FontChain("zh").face_for("李")
    except MissingGlyphError:
        pytest.skip("no CJK font (Debian fonts-noto-cjk; .ci/run installs it)")
    empty = render_png(sample_view("en", learner=""))
    drawn = render_png(sample_view("en", learner=SAMPLE_LEARNERS["cjk"]))
    box = ImageChops.difference(_learner_band(empty), _learner_band(drawn)).getbbox()
    assert box is not None and box[2] - box[0] > 100  # three ideographs wide, not a blank


def test_a_cjk_name_without_a_cjk_font_is_an_error_never_a_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MICROCRED_FONT_PATH", "")
    with pytest.raises(MissingGlyphError, match=r"U\+674E .*fonts-noto-cjk") as caught:
        render_png(sample_view("en", learner=SAMPLE_LEARNERS["cjk"]))
    assert caught.value.code == "MISSING_GLYPH"


def test_a_character_no_font_covers_is_an_error_or_a_visible_box() -> None:
    view = replace(sample_view("en"), learner=Text("Zoë \u0378"))
    with pytest.raises(MissingGlyphError, match=r"U\+0378"):
        render_png(view)
    marked = render_png(view, missing="mark")
    plain = render_png(replace(view, learner=Text("Zoë")))
    assert ImageChops.difference(_learner_band(marked), _learner_band(plain)).getbbox()


def test_the_logo_and_the_qr_code_are_drawn() -> None:
    pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar (test extra) and libzbar0")
    link = "https://verify.example/c/2f7d1c9e"
    logo = Image.new("RGB", (300, 100), (200, 30, 30))
    out = io.BytesIO()
    logo.save(out, format="PNG")
    page = _image(render_png(sample_view("en"), qr=link, logo=out.getvalue()))
    top = page.crop((0, 60, 1240, 260)).tobytes()
    red = sum(1 for i in range(0, len(top), 3) if top[i] > 150 and max(top[i + 1 : i + 3]) < 100)
    assert red > 10_000  # the logo
    assert [d.data.decode() for d in pyzbar.decode(page)] == [link]
    assert qr_code(link)  # the same encoder as the HTML and the PDF


def test_a_logo_must_be_a_raster_image() -> None:
    """An SVG (or anything else) as a logo is refused by every renderer alike."""
    from microcred.display.html import render_html
    from microcred.display.pdf import render_pdf
    from microcred.errors import InvalidOptionError

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x"/></svg>'
    for render in (render_png, render_pdf, render_html):
        with pytest.raises(InvalidOptionError, match="PNG, JPEG, GIF or WebP"):
            render(sample_view("en"), logo=svg)
