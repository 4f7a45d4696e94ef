"""`microcred render FILE --html out.html | --pdf out.pdf | --png out.png`: a credential drawn
for a person, from the same view as every renderer (`microcred.display.describe`): an HTML
page, an A4 PDF carrying the credential as an attachment, or an A4 page image. `--lang`
picks the languages (BCP 47, first preferred), `--qr` adds a QR code (of the given link, or
of the credential's id), `--verify` verifies first and shows the verdict; the exit code is
then 1 when the credential is not verified (the files are written all the same)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from microcred.cli.common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    announce,
    read_bytes,
    read_credential,
    write_atomically,
)
from microcred.cli.credentials import add_check_options

__all__ = ["add_render_command"]


def _cmd_render(args: argparse.Namespace) -> int:
    if not (args.html or args.pdf or args.png):
        raise UsageError(
            "give at least one of --html, --pdf, --png (see `microcred render --help`)"
        )
    languages = tuple(tag.strip() for tag in args.lang.split(",") if tag.strip()) or ("en",)
    credential = read_credential(args.input)
    logo = read_bytes(args.logo) if args.logo else None
    result = None
    if args.verify:
        from microcred.cli.credentials import verify_with_options

        result = verify_with_options(credential, args)
    from microcred.display import describe  # the render extra: only when the command runs

    view = describe(credential, languages=languages, result=result)
    qr = (view.id or "") if args.qr == "" else args.qr
    if args.qr == "" and not qr:
        raise UsageError("--qr without a link needs a credential with an id")
    if args.html:
        from microcred.display.html import render_html

        write_atomically(Path(args.html), render_html(view, qr=qr, logo=logo))
        announce(args.html, "wrote the HTML page to")
    if args.pdf:
        from microcred.display.pdf import render_pdf

        write_atomically(Path(args.pdf), render_pdf(view, qr=qr, logo=logo))
        announce(args.pdf, "wrote the PDF to")
    if args.png:
        from microcred.display.page import render_png

        write_atomically(Path(args.png), render_png(view, qr=qr, logo=logo))
        announce(args.png, "wrote the page image to")
    if result is not None and not result.verified:
        return EXIT_NOT_VERIFIED
    return EXIT_OK


def add_render_command(commands: Any) -> None:
    """Register `render` on the `microcred` sub-command parser."""
    render = commands.add_parser(
        "render", help="draw a credential as an HTML page, an A4 PDF or an A4 page image"
    )
    render.add_argument("input", help="credential JSON or a compact token (- for stdin)")
    render.add_argument("--html", metavar="FILE", help="write a self-contained HTML page")
    render.add_argument(
        "--pdf", metavar="FILE", help="write an A4 PDF with the credential attached"
    )
    render.add_argument("--png", metavar="FILE", help="write an A4 page image")
    render.add_argument("--lang", default="en", help="languages, first preferred (e.g. de,en)")
    render.add_argument(
        "--qr",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="draw a QR code of URL (a verification link), or of the credential's id",
    )
    render.add_argument("--logo", metavar="FILE", help="the issuer's logo (PNG or JPEG)")
    render.add_argument(
        "--verify",
        action="store_true",
        help="verify first and show the verdict (exit 1 if not), with the options below",
    )
    add_check_options(render)
    render.set_defaults(run=_cmd_render)
