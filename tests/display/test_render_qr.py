"""QR codes decode back to the link (zbar, a decoder of its own)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from microcred.display.qr import qr_code
from microcred.errors import InvalidOptionError

pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar (test extra) and libzbar0")


@pytest.mark.parametrize(
    "link",
    [
        "https://verify.example/c/2f7d1c9e-6b1a-4f43-9b2e-8d8a4a1f3c10?lang=de&x=<1>",
        "urn:uuid:2f7d1c9e-6b1a-4f43-9b2e-8d8a4a1f3c10",
        "https://verify.example/Zoë/李小龙",
    ],
)
def test_a_png_qr_code_decodes_to_the_link(link: str) -> None:
    png = qr_code(link)
    assert png.startswith(b"\x89PNG") and qr_code(link) == png
    [decoded] = pyzbar.decode(Image.open(io.BytesIO(png)))
    assert decoded.data.decode("utf-8") == link


def test_an_svg_qr_code_is_an_svg_titled_with_the_link() -> None:
    link = "https://verify.example/c/1?a=<b>&c"
    root = ET.fromstring(qr_code(link, kind="svg"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == link  # type: ignore[union-attr]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InvalidOptionError):
        qr_code("")
    with pytest.raises(InvalidOptionError):
        qr_code("x", kind="gif")  # type: ignore[arg-type]
