"""`microcred inspect FILE`: what a credential says, Annex I element by element, in the
reader's language (`microcred.display.describe`), without verifying anything: ours, a
Europass EDC (sealed or not), an Open Badges 3.0 or CLR credential, a vc+jwt token's
payload or what an SD-JWT VC discloses; `-` reads standard input.

What a strict reader would refuse is listed under "notes". `--json` prints the model's
JSON input format (which `microcred issue` takes back) or, for what is not a whole
micro-credential, the fields read leniently.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from microcred.cli.common import EXIT_OK, emit, read_credential
from microcred.errors import InvalidMicroCredential, MalformedDocumentError, format_path

__all__ = ["add_inspect_command"]


def _cmd_inspect(args: argparse.Namespace) -> int:
    from microcred.display import describe

    read = read_credential(args.input)
    if args.json:
        emit(_json(read), None)
        return EXIT_OK
    view = describe(read, languages=args.lang)
    _write(view, _notes(read))
    return EXIT_OK


def _write(view: Any, notes: list[str]) -> None:
    out = sys.stdout
    out.write(view.captions["not_verified_yet"].text + "\n")
    absent = view.captions["absent"].text
    for entry in view.elements:
        out.write(f"{entry.key:<4} {entry.caption.text}\n")
        for text in entry.values or ():
            out.write(f"     {text.text}\n")
        if entry.absent:
            out.write(f"     {absent}\n")
    if notes:
        out.write("notes (what a strict reader refuses)\n")
        for note in notes:
            out.write(f"  - {note}\n")


def _document(read: dict[str, Any] | str) -> dict[str, Any] | None:
    """The credential of a JSON file or a vc+jwt (its payload); None for an SD-JWT VC."""
    if isinstance(read, dict):
        return read
    if "~" in read:
        return None
    from microcred.jose.compact import parse_compact
    from microcred.jose.vc_jwt import read_credential_payload
    from microcred.strict_json import parse_json

    payload = parse_json(parse_compact(read).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the token's payload is not a JSON object")
    return read_credential_payload(payload).credential


def _notes(read: dict[str, Any] | str) -> list[str]:
    """What the strict readers refuse in the credential, by JSON path."""
    from microcred.bindings.edc import is_edc, read_edc
    from microcred.bindings.elm import from_credential
    from microcred.bindings.ob3_read import read_ob3
    from microcred.verification.schema import is_ob3

    document = _document(read)
    if document is None:
        return []
    if is_ob3(document):
        if "euMicroCredential" in document:
            return []
        return [
            f"{format_path(p.path)}: {p.code}: {p.message}" for p in read_ob3(document).problems
        ]
    if is_edc(document):
        reading = read_edc(document)
        notes = [f"{format_path(p.path)}: {p.code}: {p.message}" for p in reading.problems]
        if len(reading.achievements) > 1:
            shown = f"{len(reading.achievements)} claims; shown: hasClaim[{reading.claim}]"
            notes.insert(0, shown)
        return notes
    try:
        from_credential(document)
    except InvalidMicroCredential as error:
        return [f"{format_path(e.path)}: {error.code}: {e.code}: {e.message}" for e in error.errors]
    return []


def _json(read: dict[str, Any] | str) -> Any:
    """The model's JSON input format where the credential carries a whole micro-credential
    (strictly read: an error names what is missing); an EDC's fields read leniently; an SD-JWT
    VC of another type as its disclosed claims; a badge microcred did not write as the
    fields the lenient reader found."""
    from microcred.bindings.edc import is_edc, read_edc
    from microcred.bindings.elm import from_credential
    from microcred.bindings.ob3 import from_ob3
    from microcred.display.reading import read_any
    from microcred.verification.schema import is_ob3

    document = _document(read)
    if document is None:
        return _sd_jwt_json(str(read))
    if is_ob3(document) and "euMicroCredential" in document:
        return from_ob3(document).dump()
    if is_ob3(document) or "ClrCredential" in str(document.get("type")):
        return dict(read_any(document).fields)
    if is_edc(document):
        return read_edc(document).fields
    return from_credential(document).dump()


def _sd_jwt_json(token: str) -> Any:
    from microcred.bindings.eudi import from_sd_jwt_vc
    from microcred.errors import MicrocredError
    from microcred.jose.compact import parse_compact
    from microcred.jose.disclosures import reveal
    from microcred.jose.sd_jwt import parse_sd_jwt
    from microcred.strict_json import parse_json

    sd_jwt = parse_sd_jwt(token)
    payload = parse_json(parse_compact(sd_jwt.issuer_jwt).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the SD-JWT payload is not a JSON object")
    claims, _ = reveal(payload, sd_jwt.disclosures)
    try:
        return from_sd_jwt_vc(claims).dump()
    except MicrocredError:
        return claims


def add_inspect_command(commands: Any) -> None:
    """Register `inspect` on the `microcred` sub-command parser."""
    inspect = commands.add_parser(
        "inspect",
        help="show what a credential says, element by element (not verified yet)",
    )
    inspect.add_argument(
        "input",
        help="credential JSON (ours, a Europass EDC, a sealed EDC, Open Badges 3.0, CLR), a "
        "vc+jwt or an SD-JWT VC; - reads standard input",
    )
    inspect.add_argument(
        "--lang",
        default="en",
        help="languages to read in, by preference (BCP 47, comma-separated: de-AT,en)",
    )
    inspect.add_argument("--json", action="store_true", help="print the model's JSON input")
    inspect.set_defaults(run=_cmd_inspect)
