"""A `CredentialView` as an A4 PDF that carries its own proof: the signed credential
(`view.source`) is embedded as a file attachment (`credential.json`, or `credential.jwt`
for a compact token), so whoever holds the PDF can verify what it shows.

Drawn with fpdf2 (`microcred[render]`): pure Python (no system libraries, unlike
WeasyPrint's Pango/Cairo), maintained, embeds TrueType/OpenType fonts as subsets (a page
with a Chinese name stays small), falls back from font to font per glyph, and writes
embedded files; reportlab's attachments and font fallback need more code of ours.
"""

from __future__ import annotations

import io
import json
from typing import Any

from microcred.display.fonts import Face, FontChain, require_render_extra
from microcred.display.layout import (
    caption,
    facts,
    image_type,
    status_word,
    texts,
    verdict_line,
)
from microcred.display.view import CredentialView, Text

__all__ = ["attachment", "render_pdf"]

_INK = (26, 26, 46)
_MUTED = (91, 95, 107)
_ACCENT = (0, 51, 153)
_RIBBON = {"passed": (27, 110, 58), "failed": (166, 27, 27), "warning": (138, 90, 0)}
_LINE = (215, 218, 224)
_MARGIN = 18.0


def attachment(source: Any) -> tuple[str, bytes, str] | None:
    """(file name, bytes, media type) of the credential a PDF embeds; None without one."""
    if source is None:
        return None
    if isinstance(source, bytes):
        return "credential.jwt", source, "application/jwt"
    if isinstance(source, str):
        return "credential.jwt", source.encode("utf-8"), "application/jwt"
    data = json.dumps(source, ensure_ascii=False, indent=2).encode("utf-8")
    return "credential.json", data, "application/json"


class _Writer:
    """The cursor down the pages: each method writes one part of the view."""

    def __init__(self, view: CredentialView, chain: FontChain, faces: list[Face]) -> None:
        from fpdf import FPDF

        self.view = view
        self.chain = chain
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(True, margin=_MARGIN)
        for face in faces:
            pdf.add_font(face.name, "", face.path, collection_font_number=face.index)
            if face.bold is not None:
                pdf.add_font(face.name, "B", face.bold)
        pdf.set_fallback_fonts([face.name for face in faces[1:]], exact_match=False)
        self.family = faces[0].name
        self.pdf = pdf
        self.width = pdf.epw

    def font(self, size: float, *, bold: bool = False, color: tuple[int, int, int] = _INK) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*color)

    def lines(self, text: Text | None, *, align: str = "L", x: float | None = None) -> None:
        if text is None:
            return
        pdf = self.pdf
        if x is not None:
            pdf.set_x(x)
        width = self.width - (x - pdf.l_margin if x is not None else 0)
        size = pdf.font_size_pt
        shown = self.chain.spelled(text.text)
        pdf.multi_cell(width, size * 0.5, shown, align=align, new_x="LMARGIN", new_y="NEXT")

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)

    def heading(self, key: str) -> None:
        self.gap(4)
        self.font(11, bold=True, color=_ACCENT)
        self.lines(caption(self.view, key))
        pdf = self.pdf
        pdf.set_draw_color(*_LINE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + self.width, pdf.get_y())
        self.gap(1.5)

    def header(self, logo: bytes | None) -> None:
        from fpdf.enums import Align

        pdf, view = self.pdf, self.view
        pdf.set_fill_color(*_ACCENT)
        pdf.rect(0, 0, 210, 5, style="F")
        if logo is not None:
            pdf.image(io.BytesIO(logo), x=Align.C, h=18)
            self.gap(3)
        if "heading" in view.captions:
            self.font(10, color=_MUTED)
            self.lines(view.captions["heading"], align="C")
        self.font(20, bold=True)
        self.lines(view.title or Text(view.id or ""), align="C")
        if view.description is not None:
            self.font(11, color=_MUTED)
            self.lines(view.description, align="C")
        if view.learner is not None:
            self.gap(5)
            self.font(11, color=_MUTED)
            self.lines(caption(view, "learner"), align="C")
            self.font(18, bold=True)
            self.lines(view.learner, align="C")

    def verdict(self) -> None:
        view = self.view
        self.heading("verdict")
        verified = view.verdict.verified if view.verdict else None
        color = _MUTED if verified is None else _RIBBON["passed" if verified else "failed"]
        self.font(12, bold=True, color=color)
        self.lines(verdict_line(view))
        for check in view.verdict.checks if view.verdict else ():
            top = self.pdf.get_y()
            self.font(10)
            words = f"{check.caption.text}: {status_word(view, check.status).text}"
            self.lines(Text(words), x=self.pdf.l_margin + 4)
            self.font(9, color=_MUTED)
            for explanation in check.explanations:
                self.lines(explanation, x=self.pdf.l_margin + 8)
            self.pdf.set_fill_color(*_RIBBON.get(check.status, _LINE))
            self.pdf.rect(self.pdf.l_margin, top, 1.6, self.pdf.get_y() - top, style="F")
            self.gap(1)

    def facts(self) -> None:
        self.gap(3)
        column = 55.0
        for fact in facts(self.view):
            top = self.pdf.get_y()
            self.font(10, color=_MUTED)
            self.lines(fact.caption)
            after_caption = self.pdf.get_y()
            self.pdf.set_y(top)
            self.font(10)
            for value in fact.values:
                self.lines(value, x=self.pdf.l_margin + column)
            self.pdf.set_y(max(after_caption, self.pdf.get_y()) + 1)

    def outcomes(self) -> None:
        if not self.view.learning_outcomes:
            return
        self.heading("learning_outcomes")
        self.font(10)
        for outcome in self.view.learning_outcomes:
            self.lines(Text(f"• {outcome.text}", outcome.language))

    def elements(self) -> None:
        if not self.view.elements:
            return
        self.heading("annex_i")
        absent = caption(self.view, "absent")
        for entry in self.view.elements:
            top = self.pdf.get_y()
            self.font(9, bold=True)
            self.lines(Text(entry.key))
            self.pdf.set_y(top)
            self.font(9, color=_MUTED)
            self.lines(entry.caption, x=self.pdf.l_margin + 12)
            self.font(9, color=_MUTED if entry.absent else _INK)
            for value in entry.values or (absent,):
                self.lines(value, x=self.pdf.l_margin + 12)
            self.gap(1.5)

    def footer(self, qr: str | None) -> None:
        pdf = self.pdf
        if qr is not None:
            from microcred.display.qr import qr_code

            if pdf.get_y() > pdf.h - _MARGIN - 50:
                pdf.add_page()
            self.gap(6)
            pdf.image(io.BytesIO(qr_code(qr, scale=10)), x=pdf.l_margin, w=35, h=35)
            self.font(9, color=_MUTED)
            self.lines(caption(self.view, "scan_to_verify"))
        if self.view.id:
            self.gap(2)
            self.font(8, color=_MUTED)
            self.lines(Text(self.view.id))


def render_pdf(
    view: CredentialView,
    *,
    qr: str | None = None,
    logo: bytes | None = None,
    missing: str = "error",
) -> bytes:
    """The A4 PDF of `view` with `view.source` embedded as an attachment.

    `qr`: a link (a verification link, or the credential id) drawn as a QR code; `logo`:
    the issuer's logo (PNG or JPEG bytes). A character no font covers raises
    `MissingGlyphError`, or with `missing="mark"` is written as "[U+0378]". Raises
    `MissingDependencyError` without `microcred[render]`."""
    require_render_extra("fpdf", "fontTools", "PIL")
    if logo is not None:
        image_type(logo)  # a raster image only: fpdf2 would also read SVG
    chain = FontChain(view.language, missing=missing)
    faces = chain.faces([*texts(view), "• 0123456789"])
    writer = _Writer(view, chain, faces)
    pdf = writer.pdf
    pdf.set_lang(view.language)
    pdf.set_creator("microcred")
    if view.title is not None:
        pdf.set_title(view.title.text)
    if view.learner is not None:
        pdf.set_subject(view.learner.text)
    pdf.add_page()
    writer.header(logo)
    writer.verdict()
    writer.facts()
    writer.outcomes()
    writer.elements()
    writer.footer(qr)
    embedded = attachment(view.source)
    if embedded is not None:
        name, data, media_type = embedded
        pdf.embed_file(
            bytes=data,
            basename=name,
            mime_type=media_type,
            associated_file_relationship="Source",
            desc="The signed credential this document shows; verify it to trust the page.",
        )
    return bytes(pdf.output())
