"""A QR code of a verification link (or a credential's id), as PNG or SVG bytes, drawn with
segno (`microcred[render]`): error correction level M, a quiet zone of four modules
(ISO/IEC 18004), black on white, no metadata; the same link gives the same bytes."""

from __future__ import annotations

from typing import Literal

from microcred.display.fonts import require_render_extra
from microcred.errors import InvalidOptionError

__all__ = ["qr_code"]


def qr_code(link: str, *, kind: Literal["png", "svg"] = "png", scale: int = 8) -> bytes:
    """The QR code of `link` as PNG (`scale` pixels per module) or SVG (`scale` user units
    per module; an `<svg>` with a title, no XML declaration)."""
    if not isinstance(link, str) or not link.strip():
        raise InvalidOptionError("a QR code needs a non-empty link")
    if kind not in ("png", "svg"):
        raise InvalidOptionError(f"unknown QR code kind {kind!r}: 'png' or 'svg'")
    require_render_extra("segno")
    import io

    import segno

    code = segno.make_qr(link, error="m", boost_error=False)
    out = io.BytesIO()
    if kind == "png":
        code.save(out, kind="png", scale=scale, border=4)
    else:
        code.save(out, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True, title=link)
    return out.getvalue()
