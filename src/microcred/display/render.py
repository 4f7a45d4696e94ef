"""The page image a Europass EDC embeds per display language (ELM `DisplayDetail.image`):
the micro-credential's `CredentialView` (`describe()`, captions in that language or English
marked as such) drawn as an A4 portrait PNG by `display.page`. Deterministic: bundled
fonts, a fixed palette, no metadata."""

from __future__ import annotations

from dataclasses import replace

from microcred.display.describer import Reading, view_of
from microcred.display.negotiation import pick_text
from microcred.display.page import A4_PAGE_SIZE, render_png
from microcred.model import LangText, MicroCredential

__all__ = ["PAGE_SIZE", "render_page"]

PAGE_SIZE = A4_PAGE_SIZE
"""Width and height of the page in pixels (A4 portrait at 150 dpi)."""


def render_page(
    mc: MicroCredential,
    language: str,
    *,
    title: LangText | None = None,
    logo: bytes | None = None,
) -> bytes:
    """The A4 PNG page of `mc` in `language` (a BCP 47 tag); `title` replaces `mc.title`,
    `logo` (image bytes) is drawn at the top. A character no font covers is drawn as a box
    with its code point (issuing never fails over a glyph, and nothing is left blank).
    Raises `MissingDependencyError` without `microcred[render]`."""
    view = view_of(Reading("vc", mc.dump(), mc), (language,))
    if title is not None:
        view = replace(view, title=pick_text(title, (language,)))
    return render_png(view, logo=logo, missing="mark")
