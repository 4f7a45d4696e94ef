"""`microcred inspect FILE`: what a credential says, Annex I element by element, read back
into the model (ours, a Europass EDC, a sealed EDC, an Open Badges 3.0 credential, or a
vc+jwt token's payload) without verifying anything; an OB3 badge written by others is read
leniently.

`--json` prints the model's JSON input format, which `microcred issue` takes back.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from microcred.cli.common import EXIT_OK, emit, read_credential
from microcred.errors import MalformedDocumentError

__all__ = ["add_inspect_command"]

NOT_VERIFIED = "NOT VERIFIED: inspect reads what the credential says; `microcred verify` checks it."


def _cmd_inspect(args: argparse.Namespace) -> int:
    from microcred.bindings.edc import is_edc
    from microcred.bindings.elm import from_credential
    from microcred.display.summary import annex_i_summary

    read = read_credential(args.input)
    if isinstance(read, str) and "~" in read:
        return _inspect_sd_jwt(read, args)
    document = _payload(read)
    if _is_foreign_ob3(document):
        return _inspect_ob3(document)
    if "euMicroCredential" in document:
        from microcred.bindings.ob3 import from_ob3

        mc = from_ob3(document)
    elif is_edc(document):
        return _inspect_edc(document, args)
    else:
        mc = from_credential(document)
    if args.json:
        emit(mc.dump(), None)
        return EXIT_OK
    _write(annex_i_summary(mc, args.lang), [])
    return EXIT_OK


def _inspect_edc(document: dict[str, Any], args: argparse.Namespace) -> int:
    """An EDC through the lenient reader: every element or "absent", then the problems."""
    from microcred.bindings.edc import read_edc
    from microcred.display.partial import partial_summary

    reading = read_edc(document)
    if args.json:
        emit(reading.fields, None)
        return EXIT_OK
    problems = [
        f"{'.'.join(str(p) for p in problem.path) or '$'}: {problem.code}: {problem.message}"
        for problem in reading.problems
    ]
    if len(reading.achievements) > 1:
        problems.insert(0, f"{len(reading.achievements)} claims; shown: hasClaim[{reading.claim}]")
    _write(partial_summary(reading.fields, args.lang, reading.labels), problems)
    return EXIT_OK


def _write(summary: list[tuple[str, str, list[str]]], notes: list[str]) -> None:
    out = sys.stdout
    out.write(NOT_VERIFIED + "\n")
    for element, name, lines in summary:
        out.write(f"{element:<4} {name}\n")
        for line in lines or ["absent"]:
            out.write(f"     {line}\n")
    if notes:
        out.write("notes (what a strict reader refuses)\n")
        for note in notes:
            out.write(f"  - {note}\n")


def _inspect_sd_jwt(token: str, args: argparse.Namespace) -> int:
    """What an SD-JWT VC discloses, and only that: the claims its disclosures reveal (the
    Annex I view when the whole micro-credential of our type is disclosed)."""
    from microcred.bindings.eudi import from_sd_jwt_vc
    from microcred.display.summary import annex_i_summary
    from microcred.errors import MicrocredError
    from microcred.jose.compact import parse_compact
    from microcred.jose.disclosures import reveal
    from microcred.jose.sd_jwt import parse_sd_jwt
    from microcred.strict_json import parse_json

    sd_jwt = parse_sd_jwt(token)
    payload = parse_json(parse_compact(sd_jwt.issuer_jwt).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the SD-JWT payload is not a JSON object")
    claims, placed = reveal(payload, sd_jwt.disclosures)
    out = sys.stdout
    try:
        mc = from_sd_jwt_vc(claims)
    except MicrocredError:
        if args.json:
            emit(claims, None)
            return EXIT_OK
        out.write(NOT_VERIFIED + "\n")
        out.write(f"vct {claims.get('vct')}: {len(placed)} disclosed claim(s)\n")
        out.write(json.dumps(claims, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if args.json:
        emit(mc.dump(), None)
        return EXIT_OK
    _write(annex_i_summary(mc, args.lang), [])
    return EXIT_OK


def _is_foreign_ob3(document: dict[str, Any]) -> bool:
    """An Open Badges 3.0 credential microcred did not write (no Annex I record)."""
    from microcred.verification.schema import is_ob3

    return is_ob3(document) and "euMicroCredential" not in document


def _inspect_ob3(document: dict[str, Any]) -> int:
    """What an OB3 badge says, read leniently (microcred.bindings.ob3_read)."""
    from microcred.bindings.ob3_read import read_ob3

    reading = read_ob3(document)
    out = sys.stdout
    out.write(NOT_VERIFIED + "\nOpen Badges 3.0 credential (not written by microcred)\n")
    for name, value in (
        ("title", reading.title),
        ("issuer", f"{reading.issuer_name} ({reading.issuer_id})"),
        ("learner", reading.learner),
        ("learning outcomes", "; ".join(reading.learning_outcomes) or None),
        ("ECTS", reading.ects),
        ("EQF level", reading.eqf),
        ("valid", f"{reading.valid_from} – {reading.valid_until or 'no end'}"),
    ):
        out.write(f"  {name:<18} {'—' if value is None else value}\n")
    for problem in reading.problems:
        out.write(f"  note: {problem}\n")
    return EXIT_OK


def _payload(document: dict[str, Any] | str) -> dict[str, Any]:
    """A JWT's credential as its payload says it (nothing verified); a JSON credential as is."""
    if isinstance(document, dict):
        return document
    from microcred.jose.compact import parse_compact
    from microcred.jose.vc_jwt import read_credential_payload
    from microcred.strict_json import parse_json

    payload = parse_json(parse_compact(document).payload)
    if not isinstance(payload, dict):
        raise MalformedDocumentError("the token's payload is not a JSON object")
    return read_credential_payload(payload).credential


def add_inspect_command(commands: Any) -> None:
    """Register `inspect` on the `microcred` sub-command parser."""
    inspect = commands.add_parser(
        "inspect", help="show what a credential says, element by element (no verification)"
    )
    inspect.add_argument(
        "input",
        help="credential JSON (ours, a Europass EDC, a sealed EDC, Open Badges 3.0) or a vc+jwt",
    )
    inspect.add_argument("--lang", default="en", help="language to read texts in (BCP 47)")
    inspect.add_argument("--json", action="store_true", help="print the model's JSON input")
    inspect.set_defaults(run=_cmd_inspect)
