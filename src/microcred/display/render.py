"""Draw a micro-credential as a one-page PNG in one language (the EDC display image).

Europass EDCs must embed a rendered page per display language (ELM `DisplayDetail.image`).
The page shows the title, the learner, the awarding bodies, the date of issuing, the
workload (ECTS, hours) and the level; texts missing in the language fall back by
`LangText.best`. Output is deterministic: a bundled font, no timestamps or other metadata.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from microcred.display.summary import learner_name, level_text, workload_text
from microcred.model import LangText, MicroCredential

__all__ = ["PAGE_SIZE", "render_page"]

PAGE_SIZE = (1000, 780)
"""Width and height of the page in pixels."""

_MARGIN = 60
_INK = 0
_GREY = 110
_PAPER = 255
_SHADES = 8  # grey levels kept: anti-aliased text, small palette PNG

Font = ImageFont.FreeTypeFont


@cache
def _font_bytes() -> bytes:
    return (resources.files("microcred") / "data" / "fonts" / "DejaVuSans-subset.ttf").read_bytes()


@cache
def _font(size: int) -> Font:
    return ImageFont.truetype(io.BytesIO(_font_bytes()), size)


@cache
def _all_captions() -> Mapping[str, Mapping[str, str]]:
    text = (resources.files("microcred") / "data" / "display-captions.json").read_text("utf-8")
    return json.loads(text)["captions"]  # type: ignore[no-any-return]


def _captions(language: str) -> Mapping[str, str]:
    captions = _all_captions()
    return captions.get(language.split("-", 1)[0].lower(), captions["en"])


def _wrap(text: str, font: Font, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` pixels; the last line ends in an ellipsis if cut."""
    lines: list[str] = []
    for word in " ".join(text.split()).split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    return [_fit(line, font, width) for line in lines]


def _fit(line: str, font: Font, width: int) -> str:
    """Cut a single over-long word to `width` pixels."""
    if font.getlength(line) <= width:
        return line
    while line and font.getlength(line + "…") > width:
        line = line[:-1]
    return line + "…"


class _Page:
    """A cursor down a page: each call draws centred lines and moves below them."""

    def __init__(self) -> None:
        self.image = Image.new("L", PAGE_SIZE, _PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.y = _MARGIN
        self.width = PAGE_SIZE[0] - 2 * _MARGIN

    def lines(self, text: str, size: int, *, fill: int = _INK, max_lines: int = 1) -> None:
        font = _font(size)
        for line in _wrap(text, font, self.width, max_lines):
            x = (PAGE_SIZE[0] - font.getlength(line)) / 2
            self.draw.text((x, self.y), line, font=font, fill=fill)
            self.y += round(size * 1.3)

    def gap(self, pixels: int) -> None:
        self.y += pixels

    def field(self, caption: str, value: str, *, max_lines: int = 1) -> None:
        self.lines(caption, 17, fill=_GREY)
        self.lines(value, 22, max_lines=max_lines)
        self.gap(10)

    def png(self) -> bytes:
        """The page as a 4-bit palette PNG of fixed grey shades (small, and the same bytes
        for the same drawing: the palette does not depend on the content)."""
        shades = self.image.point([v * (_SHADES - 1) // 255 for v in range(256)])
        page = Image.frombytes("P", PAGE_SIZE, shades.tobytes())
        page.putpalette([g for i in range(_SHADES) for g in (i * 255 // (_SHADES - 1),) * 3])
        out = io.BytesIO()
        page.save(out, format="PNG", optimize=True, bits=4)
        return out.getvalue()


def render_page(mc: MicroCredential, language: str, *, title: LangText | None = None) -> bytes:
    """The PNG page of `mc` in `language` (a BCP 47 tag); `title` replaces `mc.title`.

    Texts come from each language map's best match for `language` (RFC 4647 lookup, then
    the first entry); captions are translated where microcred has them, else English.
    """
    captions = _captions(language)
    page = _Page()
    page.lines(captions["heading"], 20, fill=_GREY)
    page.gap(8)
    page.lines((title or mc.title).best(language), 38, max_lines=3)
    page.gap(12)
    page.lines(captions["awardedTo"], 17, fill=_GREY)
    page.lines(learner_name(mc, language), 32, max_lines=2)
    page.gap(24)
    bodies = "; ".join(org.legal_name.best(language) for org in mc.awarding_bodies)
    page.field(captions["awardingBody"], bodies, max_lines=2)
    page.field(captions["dateOfIssuing"], mc.date_of_issuing.date().isoformat())
    page.field(captions["workload"], workload_text(mc, captions["hours"]))
    level = level_text(mc, captions["eqf"])
    if level:
        page.field(captions["level"], level, max_lines=2)
    page.y = PAGE_SIZE[1] - _MARGIN // 2 - 13
    page.lines(mc.id, 13, fill=_GREY)
    return page.png()
