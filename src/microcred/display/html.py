"""A `CredentialView` as one self-contained HTML page: inline CSS (screen and A4 print),
images as `data:` URIs, no script, and a Content-Security-Policy that forbids every request,
so opening the page fetches nothing. Every text is escaped; each element whose text is in
another language than the page says so with `lang`. The QR code needs `microcred[render]`."""

from __future__ import annotations

import base64
import re
from html import escape

from microcred.display.layout import (
    STATUS_MARKS,
    caption,
    facts,
    image_type,
    status_word,
    verdict_line,
)
from microcred.display.qr import qr_code
from microcred.display.render_method import render_template
from microcred.display.view import CredentialView, Text

__all__ = ["CSP", "render_html"]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""The page's Content-Security-Policy: inline styles and `data:` images, nothing else."""

_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")

_CSS = """
:root { --ink: #1a1a2e; --muted: #5b5f6b; --line: #d7dae0; --accent: #003399;
  --ok: #1b6e3a; --bad: #a61b1b; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; background: #eef0f4; color: var(--ink);
  font: 16px/1.45 "Noto Sans", "DejaVu Sans", system-ui, sans-serif; }
main { max-width: 210mm; margin: 24px auto; background: #fff; padding: 18mm 16mm;
  border-top: 8px solid var(--accent); box-shadow: 0 2px 12px rgba(0,0,0,.12); }
header { text-align: center; }
.logo { max-height: 72px; max-width: 60%; }
.kind { text-transform: uppercase; letter-spacing: .12em; color: var(--muted); margin: .5em 0 0; }
h1 { font-size: 1.9em; line-height: 1.2; margin: .3em 0; overflow-wrap: anywhere; }
h2 { font-size: 1.05em; color: var(--accent); border-bottom: 1px solid var(--line);
  padding-bottom: .2em; margin: 1.4em 0 .5em; }
.description { color: var(--muted); }
.learner { text-align: center; margin: 1.2em 0; }
.learner h2 { border: 0; color: var(--muted); font-weight: normal; margin: 0; }
.name { font-size: 1.7em; font-weight: bold; margin: .1em 0; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: minmax(8em, 30%) 1fr; gap: .3em 1em; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-size: .9em; }
th, td { text-align: left; vertical-align: top; padding: .35em .4em;
  border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
td.absent { color: var(--muted); font-style: italic; }
.verdict { border: 2px solid var(--line); border-radius: 6px; padding: .6em 1em;
  margin-bottom: 1.2em; }
.verdict h2 { margin-top: 0; }
.verdict.verified { border-color: var(--ok); }
.verdict.failed { border-color: var(--bad); }
.headline { font-weight: bold; font-size: 1.1em; margin: .2em 0 .5em; }
.verified .headline { color: var(--ok); }
.failed .headline { color: var(--bad); }
.checks { list-style: none; padding: 0; margin: 0; }
.check { padding: .25em .6em; margin: .2em 0; border-left: 6px solid var(--line);
  background: #f6f7f9; }
.check.passed { border-left-color: var(--ok); }
.check.failed { border-left-color: var(--bad); }
.check.warning { border-left-color: var(--warn); }
.status { font-weight: bold; }
.check ul { margin: .2em 0 .1em 1.2em; padding: 0; }
footer { display: flex; gap: 1.5em; align-items: center; margin-top: 2em;
  border-top: 1px solid var(--line); padding-top: 1em; color: var(--muted); font-size: .85em; }
figure { margin: 0; text-align: center; }
.qr { width: 34mm; height: 34mm; }
.design img { display: block; max-width: 100%; height: auto; margin: 1em auto; }
.id { overflow-wrap: anywhere; }
.fallback { font-style: italic; }
@page { size: A4; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { margin: 0; padding: 0; max-width: none; box-shadow: none; border-top-width: 4px; }
  section, tr, .check, footer { break-inside: avoid; }
  h2 { break-after: avoid; }
}
"""


def _tag(language: str | None) -> str | None:
    return language if language and _TAG.match(language) else None


class _Page:
    """Writes elements in the page's language, adding `lang` where a text differs."""

    def __init__(self, view: CredentialView) -> None:
        self.view = view
        self.language = _tag(view.language) or "und"

    def attrs(self, text: Text | None, classes: str = "") -> str:
        parts = []
        tag = _tag(text.language) if text is not None else None
        if tag is not None and tag.lower() != self.language.lower():
            parts.append(f' lang="{tag}"')
        if text is not None and text.fallback:
            classes = f"{classes} fallback".strip()
        if classes:
            parts.append(f' class="{escape(classes)}"')
        return "".join(parts)

    def element(self, name: str, text: Text | None, classes: str = "", extra: str = "") -> str:
        if text is None:
            return ""
        return f"<{name}{self.attrs(text, classes)}{extra}>{escape(text.text)}</{name}>"

    def caption(self, key: str) -> Text:
        return caption(self.view, key)


def _data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def _header(page: _Page, logo: bytes | None) -> list[str]:
    view = page.view
    out = ["<header>"]
    if logo is not None:
        alt = view.awarding_body.text if view.awarding_body else ""
        out.append(
            f'<img class="logo" src="{_data_uri(logo, image_type(logo))}" alt="{escape(alt)}">'
        )
    heading = view.captions.get("heading")
    out.append(page.element("p", heading, "kind"))
    out.append(page.element("h1", view.title or Text(view.id or "", None)))
    out.append(page.element("p", view.description, "description"))
    out.append("</header>")
    return out


def _design(page: _Page) -> list[str]:
    """The issuer's own SVG design (a W3C render method embedded in the credential),
    filled and sanitised, shown as an image: an <img> runs no script and loads nothing."""
    svg = render_template(page.view.source)
    if svg is None:
        return []
    alt = page.view.title.text if page.view.title else ""
    uri = _data_uri(svg.encode("utf-8"), "image/svg+xml")
    return [f'<figure class="design"><img src="{uri}" alt="{escape(alt)}"></figure>']


def _learner(page: _Page) -> list[str]:
    if page.view.learner is None:
        return []
    return [
        '<section class="learner" aria-labelledby="h-learner">',
        page.element("h2", page.caption("learner"), extra=' id="h-learner"'),
        page.element("p", page.view.learner, "name"),
        "</section>",
    ]


def _verdict(page: _Page) -> list[str]:
    verdict = page.view.verdict
    state = "unknown" if verdict is None else "verified" if verdict.verified else "failed"
    out = [
        f'<section class="verdict {state}" aria-labelledby="h-verdict">',
        page.element("h2", page.caption("verdict"), extra=' id="h-verdict"'),
        page.element("p", verdict_line(page.view), "headline"),
    ]
    if verdict is not None and verdict.checks:
        out.append('<ul class="checks">')
        for check in verdict.checks:
            status = check.status if check.status in STATUS_MARKS else "skipped"
            mark = STATUS_MARKS[status]
            out.append(f'<li class="check {status}">')
            out.append(f'<span class="mark" aria-hidden="true">{mark}</span> ')
            out.append(page.element("span", check.caption, "check-name") + ": ")
            out.append(page.element("span", status_word(page.view, check.status), "status"))
            if check.explanations:
                items = "".join(page.element("li", text) for text in check.explanations)
                out.append(f"<ul>{items}</ul>")
            out.append("</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _facts(page: _Page) -> list[str]:
    found = facts(page.view)
    if not found:
        return []
    out = ["<section><dl>"]
    for fact in found:
        out.append(page.element("dt", fact.caption))
        out.append("".join(page.element("dd", value) for value in fact.values))
    out.append("</dl></section>")
    return out


def _outcomes(page: _Page) -> list[str]:
    if not page.view.learning_outcomes:
        return []
    items = "".join(page.element("li", text) for text in page.view.learning_outcomes)
    heading = page.element("h2", page.caption("learning_outcomes"), extra=' id="h-outcomes"')
    return [f'<section aria-labelledby="h-outcomes">{heading}<ul>{items}</ul></section>']


def _elements(page: _Page) -> list[str]:
    if not page.view.elements:
        return []
    annex = page.caption("annex_i")
    out = [
        '<section aria-labelledby="h-annex">',
        page.element("h2", annex, extra=' id="h-annex"'),
        "<table>",
    ]
    for entry in page.view.elements:
        row = [f'<th scope="row">{escape(entry.key)}</th>', page.element("td", entry.caption)]
        if entry.absent:
            row.append(page.element("td", page.caption("absent"), "absent"))
        else:
            cells = "<br>".join(page.element("span", value) for value in entry.values)
            row.append(f"<td>{cells}</td>")
        out.append(f"<tr>{''.join(row)}</tr>")
    out.append("</table></section>")
    return out


def _footer(page: _Page, qr: str | None) -> list[str]:
    out = ["<footer>"]
    if qr is not None:
        svg = qr_code(qr, kind="svg")
        scan = page.caption("scan_to_verify")
        out += [
            "<figure>",
            f'<img class="qr" src="{_data_uri(svg, "image/svg+xml")}" alt="QR code: {escape(qr)}">',
            page.element("figcaption", scan),
            "</figure>",
        ]
    if page.view.id:
        out.append(f'<p class="id">{escape(page.view.id)}</p>')
    out.append("</footer>")
    return out


def render_html(view: CredentialView, *, qr: str | None = None, logo: bytes | None = None) -> str:
    """The page of `view` as one HTML document (UTF-8 text).

    `qr`: a link (a verification link, or the credential id) drawn as a QR code in the
    footer; `logo`: the issuer's logo (PNG, JPEG, GIF or WebP bytes), drawn at the top.
    When `view.source` carries an embedded SVG render method (`display.render_method`),
    the issuer's design is shown under the title, sanitised."""
    page = _Page(view)
    title = " – ".join(t.text for t in (view.title, view.learner) if t is not None)
    body = [
        *_header(page, logo),
        *_design(page),
        *_learner(page),
        *_verdict(page),
        *_facts(page),
        *_outcomes(page),
        *_elements(page),
        *_footer(page, qr),
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{page.language}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title or view.id or 'credential')}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            '<main class="credential">',
            *(line for line in body if line),
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
