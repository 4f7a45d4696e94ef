"""The HTML page: self-contained (no script, no request), accessible (headings, a
description list and a table, `lang` wherever a text's language differs from the page's,
alt texts), escaped, and loaded for real in headless Chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from microcred.display.html import CSP, render_html
from microcred.display.qr import qr_code
from microcred.display.render_method import add_render_method
from microcred.testing.views import SAMPLE_LEARNERS, SAMPLE_TITLES, sample_view
from tests.display.chromium import Browser

LINK = "https://verify.example/c/2f7d1c9e?lang=de&x=<1>"


def test_the_page_is_one_self_contained_file() -> None:
    page = render_html(sample_view("en"), qr=LINK, logo=qr_code("logo"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert f'content="{CSP}"' in page and "default-src 'none'" in CSP
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*(?!["']?data:)""", page), "only data: URIs"
    assert "@media print" in page and "size: A4" in page
    assert page.count("<img") == 2  # the logo and the QR code, each with an alt text
    assert (
        'alt="University of Galway"' in page
        and f'alt="QR code: {LINK.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}"'
        in page
    )


def test_structure_is_accessible() -> None:
    page = render_html(sample_view("en"))
    assert page.count("<h1>") == 1 and "<h2" in page
    assert (
        "<dl>" in page
        and "<dt>" in page
        and "<table>" in page
        and '<th scope="row">M1</th>' in page
    )
    assert 'aria-labelledby="h-verdict"' in page
    assert "✓</span>" in page and "passed</span>" in page  # a sign and a word, never a sign alone


def test_lang_marks_every_text_in_another_language() -> None:
    """A German page whose captions fell back to English says so element by element; its
    German title carries no lang; a Greek title on an English page is marked Greek."""
    german = render_html(sample_view("de"))
    assert '<html lang="de">' in german
    assert f"<h1>{SAMPLE_TITLES['de']}</h1>" in german
    assert '<dt lang="en" class="fallback">Awarding body</dt>' in german
    assert '<h2 lang="en" class="fallback" id="h-verdict">' in german
    greek_title = render_html(sample_view("en", title=SAMPLE_TITLES["el"]))
    assert "<h1>" in greek_title  # title given in the page's language: no lang
    view = sample_view("en")
    from dataclasses import replace

    from microcred.display.view import Text

    marked = render_html(replace(view, title=Text(SAMPLE_TITLES["el"], "el")))
    assert f'<h1 lang="el">{SAMPLE_TITLES["el"]}</h1>' in marked


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _hostile_view() -> Any:
    from dataclasses import replace

    from microcred.display.view import Text

    view = sample_view("en", learner=HOSTILE, title=f"</title>{HOSTILE}")
    return replace(
        view,
        description=Text(HOSTILE, 'en" onmouseover="alert(3)'),
        id=f"urn:x:{HOSTILE}",
        awarding_body=Text("<style>body{background:url(https://evil.example/t)}</style>"),
    )


def test_hostile_texts_cannot_inject_markup() -> None:
    page = render_html(_hostile_view(), qr=HOSTILE)
    assert "<script" not in page and "<img src=x" not in page and "onmouseover" not in page
    assert "<style>body" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<style>") == 1  # ours


@pytest.mark.parametrize("script", sorted(SAMPLE_LEARNERS))
@pytest.mark.parametrize("verified", [True, False, None])
def test_chromium_loads_each_page_without_requests_or_errors(
    browser: Browser, tmp_path: Path, script: str, verified: bool | None
) -> None:
    view = sample_view("en", learner=SAMPLE_LEARNERS[script], verified=verified)
    path = tmp_path / "page.html"
    path.write_text(render_html(view, qr=LINK, logo=qr_code("logo")), encoding="utf-8")
    loaded = browser.load(path)
    assert loaded.requests == [] and loaded.errors == []
    assert SAMPLE_LEARNERS[script] in loaded.text
    assert SAMPLE_TITLES["en"] in loaded.text
    headline = {True: "Verified", False: "Not verified", None: "Not verified yet"}
    assert headline[verified] in loaded.text
    assert loaded.screenshot.startswith(b"\x89PNG")


def test_chromium_reads_the_qr_code_of_the_page(browser: Browser, tmp_path: Path) -> None:
    """The QR code as the browser draws it decodes back to the link (zbar)."""
    pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="pyzbar (test extra) and libzbar0")
    from PIL import Image

    path = tmp_path / "page.html"
    path.write_text(render_html(sample_view("en"), qr=LINK), encoding="utf-8")
    shot = Image.open(io.BytesIO(browser.load(path, height=1800).screenshot))
    assert [d.data.decode() for d in pyzbar.decode(shot)] == [LINK]


def test_chromium_runs_nothing_of_a_hostile_credential(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render_html(_hostile_view(), qr=HOSTILE), encoding="utf-8")
    loaded = browser.load(path)
    assert loaded.requests == [] and loaded.errors == []
    assert HOSTILE in loaded.text  # shown as text
    assert "<script" not in loaded.html.lower()


def test_chromium_draws_a_hostile_render_method_without_running_it(
    browser: Browser, tmp_path: Path
) -> None:
    """An issuer's SVG design with script, handlers and external URLs (written into the
    credential by hand, as an attacker would) is shown sanitised: no request, no error."""
    import base64
    from dataclasses import replace

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="600" height="120" onload="alert(1)"><script>alert(2)</script>'
        '<image href="https://evil.example/track.png" width="10" height="10"/>'
        "<style>@import url(https://evil.example/a.css);</style>"
        '<rect width="600" height="120" fill="#dfe7fb"/>'
        '<text x="20" y="70" font-size="32">{{credentialSubject.name}}</text></svg>'
    )
    source = add_render_method(
        {"credentialSubject": {"name": "Zoë"}}, "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    source["renderMethod"][0]["template"] = (
        "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    )
    path = tmp_path / "design.html"
    path.write_text(render_html(replace(sample_view("en"), source=source)), encoding="utf-8")
    loaded = browser.load(path)
    assert loaded.requests == [] and loaded.errors == []
    assert 'class="design"' in loaded.html
