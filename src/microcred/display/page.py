"""A `CredentialView` as an A4 portrait page image (1240 × 1754 pixels, 150 dpi): the
certificate page a Europass EDC embeds per language (`displayParameter`), with the
issuer's logo and a QR code when given. Texts are drawn run by run with the font chain
(`display.fonts`): bundled Noto Sans, then the system's Noto fonts for other scripts, and a
`MissingGlyphError` for a character no font covers. The PNG is an 8-bit palette image of a
fixed palette with no metadata: the same view gives the same bytes. Needs Pillow
(`microcred[render]`)."""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING

from microcred.display.fonts import MARK, Face, FontChain, mark_text, require_render_extra
from microcred.display.layout import caption, facts, image_type, status_word, verdict_line
from microcred.display.view import CredentialView, Text

if TYPE_CHECKING:
    from PIL import Image, ImageFont

__all__ = ["A4_PAGE_SIZE", "render_png"]

A4_PAGE_SIZE = (1240, 1754)
"""Width and height of a page in pixels: A4 portrait (210 × 297 mm) at 150 dpi."""

_W, _H = A4_PAGE_SIZE
_MARGIN = 110
_PAPER = (255, 255, 255)
_INK = (26, 26, 46)
_MUTED = (91, 95, 107)
_ACCENT = (0, 51, 153)
_RIBBON = {"passed": (27, 110, 58), "failed": (166, 27, 27), "warning": (138, 90, 0)}
_LINE = (215, 218, 224)
_INKS = (_INK, _MUTED, _ACCENT, *_RIBBON.values())
_LEVELS = 12  # anti-aliasing shades between the paper and each ink


@cache
def _palette() -> tuple[int, ...]:
    """Paper, the rule's grey, shades of every ink, then a 5×5×5 colour cube for logos."""
    colours: list[tuple[int, ...]] = [_PAPER, _LINE]
    for ink in _INKS:
        for step in range(1, _LEVELS + 1):
            colours.append(
                tuple(p + (i - p) * step // _LEVELS for p, i in zip(_PAPER, ink, strict=True))
            )
    cube = [
        (r * 255 // 4, g * 255 // 4, b * 255 // 4)
        for r in range(5)
        for g in range(5)
        for b in range(5)
    ]
    return tuple(channel for colour in [*colours, *cube] for channel in colour)


@cache
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size, index=index)


class _Page:
    """A cursor down the page; text is set run by run in the faces of the font chain."""

    def __init__(self, view: CredentialView, missing: str) -> None:
        from PIL import Image, ImageDraw

        self.view = view
        self.chain = FontChain(view.language, missing=missing)
        self.image = Image.new("RGB", A4_PAGE_SIZE, _PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.y = _MARGIN

    def _face_font(self, face: Face, size: int, bold: bool) -> ImageFont.FreeTypeFont:
        if bold and face.bold is not None:
            return _font(face.bold, 0, size)
        return _font(face.path, face.index, size)

    def _run_length(self, run: str, face: Face, size: int, bold: bool) -> float:
        if face == MARK:
            return sum(_mark_width(char, size) for char in run)
        return self._face_font(face, size, bold).getlength(run)

    def length(self, text: str, size: int, bold: bool = False) -> float:
        return sum(self._run_length(run, face, size, bold) for run, face in self.chain.runs(text))

    def put(self, x: float, text: str, size: int, bold: bool, fill: tuple[int, int, int]) -> None:
        """Draw one line with its baseline at the cursor's baseline."""
        baseline = self.y + round(size * 1.05)
        for run, face in self.chain.runs(text):
            if face == MARK:
                for char in run:
                    self._mark(x, baseline, char, size, fill)
                    x += _mark_width(char, size)
                continue
            font = self._face_font(face, size, bold)
            self.draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)

    def _mark(
        self, x: float, baseline: int, char: str, size: int, fill: tuple[int, int, int]
    ) -> None:
        """A character no font covers: a box with its code point, as the Last Resort font
        draws it (visible, never a blank)."""
        width = _mark_width(char, size) - size * 0.1
        box = (x + size * 0.05, baseline - size * 0.8, x + width, baseline + size * 0.1)
        self.draw.rectangle(box, outline=fill, width=max(1, size // 16))
        small = self._face_font(self.chain.faces([])[0], max(6, round(size * 0.36)), False)
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        self.draw.text(centre, mark_text(char), font=small, fill=fill, anchor="mm")

    def wrap(self, text: str, size: int, width: float, bold: bool, max_lines: int) -> list[str]:
        """Greedy wrap at spaces (or between characters for scripts without them); the
        last line ends in an ellipsis when the text is cut."""
        lines: list[str] = []
        for word in _tokens(" ".join(text.split())):
            candidate = (lines[-1] + word) if lines else word.lstrip()
            if lines and self.length(candidate.rstrip(), size, bold) <= width:
                lines[-1] = candidate
            else:
                lines.append(word.lstrip())
        lines = [line.rstrip() for line in lines if line.strip()]
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] += " …"
        return [self._fit(line, size, width, bold) for line in lines]

    def _fit(self, line: str, size: int, width: float, bold: bool) -> str:
        if self.length(line, size, bold) <= width:
            return line
        while line and self.length(line + "…", size, bold) > width:
            line = line[:-1]
        return line + "…"

    def text(
        self,
        text: Text | None,
        size: int,
        *,
        bold: bool = False,
        fill: tuple[int, int, int] = _INK,
        center: bool = False,
        x: float = _MARGIN,
        max_lines: int = 1,
    ) -> None:
        if text is None or not text.text.strip():
            return
        width = _W - _MARGIN - x
        for line in self.wrap(text.text, size, width, bold, max_lines):
            left = (_W - self.length(line, size, bold)) / 2 if center else x
            self.put(left, line, size, bold, fill)
            self.y += round(size * 1.35)

    def rule(self) -> None:
        self.draw.line((_MARGIN, self.y, _W - _MARGIN, self.y), fill=_LINE, width=2)
        self.y += 18


def _mark_width(char: str, size: int) -> float:
    return size * (0.5 + 0.24 * len(mark_text(char)))


def _tokens(text: str) -> list[str]:
    """Words with their leading space; a character of a script written without spaces
    (CJK) is a word of its own."""
    out: list[str] = []
    for char in text:
        if not out or char == " " or _is_wide(char) or _is_wide(out[-1][-1]):
            out.append(char)
        else:
            out[-1] += char
    return out


def _is_wide(char: str) -> bool:
    """CJK ideographs, kana and Hangul: lines may break between any two of them."""
    return "\u2e80" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"


def _logo(page: _Page, logo: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(logo)) as opened:
        image = opened.convert("RGBA")
    image.thumbnail((560, 150))
    x = (_W - image.width) // 2
    page.image.paste(image, (x, page.y), image)
    page.y += image.height + 24


def _verdict(page: _Page) -> None:
    view = page.view
    page.text(caption(view, "verdict"), 26, bold=True, fill=_ACCENT)
    verified = view.verdict.verified if view.verdict else None
    colour = _MUTED if verified is None else _RIBBON["passed" if verified else "failed"]
    page.text(verdict_line(view), 30, bold=True, fill=colour, max_lines=2)
    for check in view.verdict.checks if view.verdict else ():
        top = page.y
        words = Text(f"{check.caption.text}: {status_word(view, check.status).text}")
        page.text(words, 24, x=_MARGIN + 24)
        for explanation in check.explanations:
            page.text(explanation, 21, fill=_MUTED, x=_MARGIN + 48, max_lines=2)
        ribbon = _RIBBON.get(check.status, _LINE)
        page.draw.rectangle((_MARGIN, top + 4, _MARGIN + 8, page.y - 4), fill=ribbon)
        page.y += 4


def _facts(page: _Page) -> None:
    column = _MARGIN + 360
    for fact in facts(page.view):
        top = page.y
        page.text(fact.caption, 24, fill=_MUTED, max_lines=2)
        below = page.y
        page.y = top
        for value in fact.values:
            page.text(value, 26, x=column, max_lines=2)
        page.y = max(page.y, below) + 6


def _outcomes(page: _Page, bottom: int) -> None:
    outcomes = page.view.learning_outcomes
    if not outcomes or page.y > bottom - 120:
        return
    page.y += 14
    page.text(caption(page.view, "learning_outcomes"), 26, bold=True, fill=_ACCENT)
    for outcome in outcomes:
        if page.y > bottom - 40:
            page.text(Text("…"), 24)
            break
        page.text(Text(f"• {outcome.text}", outcome.language), 24, max_lines=2)


def render_png(
    view: CredentialView,
    *,
    qr: str | None = None,
    logo: bytes | None = None,
    missing: str = "error",
) -> bytes:
    """The A4 portrait PNG page of `view`: title, learner, awarding body and the other
    facts, learning outcomes, the verdict when the view has one, the id; `qr` (a link)
    drawn as a QR code, `logo` (image bytes Pillow reads) at the top.

    A character that no font covers raises `MissingGlyphError`, or with `missing="mark"`
    is drawn as a box holding its code point."""
    require_render_extra("PIL", "fontTools")
    if logo is not None:
        image_type(logo)  # PNG, JPEG, GIF or WebP, as the HTML page takes

    page = _Page(view, missing)
    page.draw.rectangle((0, 0, _W, 22), fill=_ACCENT)
    page.y = 80
    if logo is not None:
        _logo(page, logo)
    if "heading" in view.captions:
        page.text(view.captions["heading"], 28, fill=_MUTED, center=True)
        page.y += 10
    page.text(view.title or Text(view.id or ""), 54, bold=True, center=True, max_lines=3)
    page.text(view.description, 28, fill=_MUTED, center=True, max_lines=3)
    page.y += 40
    if view.learner is not None:
        page.text(caption(view, "learner"), 28, fill=_MUTED, center=True)
        page.text(view.learner, 58, bold=True, center=True, max_lines=2)
    page.y += 30
    page.rule()
    _facts(page)
    bottom = _H - _MARGIN - (300 if qr is not None else 60)
    if view.verdict is not None:
        page.y += 14
        _verdict(page)
    _outcomes(page, bottom)
    if qr is not None:
        _qr(page, qr)
    if view.id:
        page.y = _H - _MARGIN + 20
        page.text(Text(view.id), 20, fill=_MUTED, max_lines=1, x=_MARGIN)
    return _png(page.image)


def _qr(page: _Page, link: str) -> None:
    from PIL import Image

    from microcred.display.qr import qr_code

    code = Image.open(io.BytesIO(qr_code(link, scale=6))).convert("RGB")
    code = code.resize((250, 250), Image.Resampling.NEAREST) if code.width > 250 else code
    x, y = _W - _MARGIN - code.width, _H - _MARGIN - code.height - 40
    page.image.paste(code, (x, y))
    page.y = y + code.height
    scan = caption(page.view, "scan_to_verify")
    width = page.length(scan.text, 22)
    page.put(x + (code.width - width) / 2, scan.text, 22, False, _MUTED)


def _png(image: Image.Image) -> bytes:
    """`image` on the fixed palette (no dithering: text keeps crisp shades) as a PNG with
    only the IHDR, PLTE, IDAT and IEND chunks."""
    from PIL import Image as PILImage

    palette = PILImage.new("P", (1, 1))
    palette.putpalette(_palette())
    indexed = image.quantize(palette=palette, dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    indexed.save(out, format="PNG", optimize=True)
    return out.getvalue()
