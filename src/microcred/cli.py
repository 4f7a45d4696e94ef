"""The `microcred` command: issue and verify EU micro-credentials offline.

Sub-commands: keygen, issue (one or --batch), sign, verify, demo, status, present,
verify-presentation, inspect. Exit codes: 0 success / verified, 1 not verified, 2 usage error or
unreadable input (reported as one line on stderr, never a traceback), 141 the reader closed the
pipe. JSON input is read strictly (`microcred.strict_json`) and must be a JSON object. Output
files are written atomically (temp file + rename), so a failed command leaves none.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, TextIO

from microcred import api
from microcred.errors import (
    FieldError,
    InvalidMicroCredential,
    MalformedDocumentError,
    MicrocredError,
    format_path,
)
from microcred.integrity.cryptosuites import CRYPTOSUITES
from microcred.jsonld.loader import BundledLoader, DocumentLoader
from microcred.keys.keypair import KeyPair
from microcred.result import VerificationResult
from microcred.status.check import status_dir_loader
from microcred.strict_json import parse_json
from microcred.timestamps import parse_timestamp

__all__ = ["main"]

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a Unix tool reports when its reader went away

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # what could break a line
_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class _UsageError(Exception):
    """Bad arguments or unreadable input: reported on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is a `_UsageError` (one line, exit 2) like any other."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see `{self.prog} --help`)")


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped: one line on a terminal,
    whatever a file name or a hostile document put into a message."""
    return _CONTROL.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


def field_errors(errors: Sequence[FieldError]) -> str:
    """Every field problem of an invalid micro-credential, on one line."""
    return "; ".join(f"{format_path(path)}: {message} ({code})" for path, code, message in errors)


def _write_atomically(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Write `text` to `path` through a temp file in the same folder, then rename it."""
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
        try:
            os.fchmod(handle, mode)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
    except OSError as error:  # a missing folder, a folder in the way, no permission, ...
        raise _UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _emit(value: Any, output: str | None, *, mode: int = 0o644) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        _write_atomically(Path(output), text, mode=mode)


def _read_object(path: str) -> dict[str, Any]:
    """The JSON object in the file at `path`, read with the strict reader: every JSON input of
    the command line (credentials, keys, contexts, lists, DID documents) is one."""
    try:
        value = parse_json(_read_bytes(path))
    except MalformedDocumentError as error:
        raise MalformedDocumentError(f"{path}: {error.message}", path=error.path) from None
    if not isinstance(value, dict):
        kind = _JSON_KINDS[type(value)]
        raise MalformedDocumentError(f"{path} holds {kind}, not a JSON object")
    return value


def _key_file(key: KeyPair) -> dict[str, str]:
    """A key file: Multikey fields (CID §2.2.2) plus the did:key identifiers, secret included."""
    return {
        "type": "Multikey",
        "keyType": key.key_type,
        "id": key.verification_method,
        "controller": key.did,
        "publicKeyMultibase": key.public_multikey,
        "secretKeyMultibase": key.export_secret_multikey(),
    }


def _load_key(path: str) -> KeyPair:
    """The key pair of a key file; a malformed secret is reported without any of its text."""
    data = _read_object(path)
    secret = data.get("secretKeyMultibase")
    if not isinstance(secret, str):
        raise _UsageError(f"{path} is not a microcred key file (no secretKeyMultibase)")
    try:
        KeyPair.from_multikey(secret)
    except Exception as error:  # its message may quote the secret: name only the kind of fault
        reason = error.code if isinstance(error, MicrocredError) else type(error).__name__
        raise _UsageError(
            f"{path}: secretKeyMultibase is not a valid secret Multikey ({reason})"
        ) from None
    return KeyPair.from_multikey(secret, data.get("publicKeyMultibase"))  # checks the public key


def _loader(pins: Sequence[str]) -> DocumentLoader:
    """The bundled contexts plus any `URL=FILE` the user pins on the command line."""
    extra = {}
    for pin in pins:
        url, sep, file = pin.partition("=")
        if not sep:
            raise _UsageError(f"--context takes URL=FILE, got {pin!r}")
        extra[url] = _read_object(file)
    return BundledLoader(extra) if extra else api.default_loader()


def _cmd_keygen(args: argparse.Namespace) -> int:
    if args.output is not None and not args.force and os.path.lexists(args.output):
        raise _UsageError(f"{args.output} already exists: pass --force to overwrite it")
    _emit(_key_file(KeyPair.generate(args.type)), args.output, mode=0o600)
    return EXIT_OK


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read {path}: {error.strerror or error}") from None


def _issue_edc(args: argparse.Namespace) -> dict[str, Any]:
    """A Europass EDC sealed with JAdES: key and certificates from PEM or PKCS#12 files.

    The eIDAS identifier and its country default to the seal certificate's
    organizationIdentifier and countryName, as EDC's own sealing step takes them.
    """
    from cryptography.x509.oid import NameOID

    from microcred.bindings.edc import EDCIssuer, issue_edc
    from microcred.jades import load_certificates, load_signing_key
    from microcred.model import MicroCredential

    password = args.password.encode() if args.password else None
    material = _read_bytes(args.key)
    pem = material.lstrip().startswith(b"-----BEGIN")
    if args.cert and pem:  # one PEM bundle: load_signing_key puts the key's certificate first
        material += b"\n" + _read_bytes(args.cert)
    key, chain = load_signing_key(material, password)
    if args.cert and not pem:  # PKCS#12 key, chain from its own file
        chain = load_certificates(_read_bytes(args.cert))
    if not chain:
        raise _UsageError("--format edc needs the seal certificate (in --key or --cert)")

    def subject(oid: Any, label: str, flag: str) -> str:
        values = chain[0].subject.get_attributes_for_oid(oid)
        if not values:
            raise _UsageError(f"the seal certificate has no {label}; pass {flag}")
        return str(values[0].value)

    eidas = args.eidas_id or subject(
        NameOID.ORGANIZATION_IDENTIFIER, "organizationIdentifier", "--eidas-id"
    )
    country = args.eidas_country or subject(NameOID.COUNTRY_NAME, "countryName", "--eidas-country")
    mc = MicroCredential.parse(_read_object(args.input))
    return issue_edc(mc, issuer=EDCIssuer(eidas, country), key=key, certificate_chain=chain)


def _cmd_issue(args: argparse.Namespace) -> int:
    if (args.input is None) == (args.batch is None):
        raise _UsageError("give one micro-credential file, or --batch FILE.jsonl")
    if args.batch is not None:
        from microcred.cli_batch import issue_batch

        return issue_batch(args)
    if args.format == "edc":
        if args.status_list is not None:
            raise _UsageError("--status-list gives VC 2.0 credentials a status (--format vc)")
        signed = _issue_edc(args)
    else:
        document, key = _read_object(args.input), _load_key(args.key)
        status = None
        if args.status_list is not None:
            from microcred.cli_status import allocate_status_entries

            [status] = allocate_status_entries(args, key, 1)
        signed = api.issue(document, key=key, cryptosuite=args.suite, status=status)
    _emit(signed, args.output)
    return EXIT_OK


def _cmd_sign(args: argparse.Namespace) -> int:
    document = _read_object(args.input)
    signed = api.sign(
        document, key=_load_key(args.key), cryptosuite=args.suite, loader=_loader(args.context)
    )
    _emit(signed, args.output)
    return EXIT_OK


def add_status_options(
    parser: argparse.ArgumentParser,
    *,
    required: bool = False,
    allow_flag: str = "--allow-indeterminate-status",
) -> None:
    """The status options of every command that verifies: where the lists are, the policy,
    and the status authorities the user trusts."""
    parser.add_argument(
        "--status-dir",
        metavar="DIR",
        required=required,
        help="status list credentials, one file per URL (see `microcred status create -o DIR`)",
    )
    parser.add_argument(
        allow_flag,
        dest="allow_indeterminate",
        action="store_true",
        help="a status that cannot be decided warns instead of failing (revoked still fails)",
    )
    parser.add_argument(
        "--status-authority",
        action="append",
        default=[],
        metavar="ISSUER",
        help="also accept status lists issued by ISSUER for other issuers (repeatable)",
    )


def status_options(args: argparse.Namespace) -> dict[str, Any]:
    """`verify()` keyword arguments from the options `add_status_options` registered."""
    if args.status_dir is not None and not Path(args.status_dir).is_dir():
        raise _UsageError(f"--status-dir {args.status_dir} is not a folder")
    return {
        "status_loader": status_dir_loader(args.status_dir) if args.status_dir else None,
        "status_policy": "allow-indeterminate" if args.allow_indeterminate else "strict",
        "status_authorities": args.status_authority,
    }


def _moment(value: str | None, flag: str) -> datetime | None:
    """The date-time an option gives (None if it is not given); anything else is a usage error."""
    if value is None:
        return None
    try:
        moment = parse_timestamp(value)
    except (ArithmeticError, ValueError):  # e.g. a year 9999 end of day past datetime.max
        moment = None
    if moment is None:
        raise _UsageError(f"{flag} must be a date-time with time zone, got {value!r}")
    return moment


def print_result(result: VerificationResult, out: TextIO) -> None:
    """A human table: one row per check, then every problem and warning with its JSON path."""
    out.write(("VERIFIED" if result.verified else "NOT VERIFIED") + "\n")
    for check in result:
        note = "; ".join(p.code for p in check.problems) or "; ".join(
            w.code for w in check.warnings
        )
        out.write(f"  {check.name:<12} {check.status.value:<14} {note}\n")
    for problem in result.problems:
        out.write(f"  problem: {problem}\n")
    for warning in result.warnings:
        out.write(f"  warning: {warning}\n")


def _cmd_verify(args: argparse.Namespace) -> int:
    now = _moment(args.now, "--now")
    anchors = [_read_bytes(path) for path in args.trust_anchor]
    result = api.verify(
        _read_object(args.input),
        now=now,
        loader=_loader(args.context),
        trust_anchors=anchors or None,
        **status_options(args),
    )
    if args.json:
        _emit(result.to_dict(), None)
    else:
        print_result(result, sys.stdout)
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def _cmd_demo(args: argparse.Namespace) -> int:
    sample = json.loads(
        (resources.files("microcred.examples") / "microcredential.json").read_text("utf-8")
    )
    key = KeyPair.generate("Ed25519")
    signed = api.issue(sample, key=key, created=datetime.now(UTC))
    sys.stdout.write(f"Issued by {key.did}:\n")
    _emit(signed, None)
    result = api.verify(signed)
    print_result(result, sys.stdout)
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="microcred", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    suites = sorted(CRYPTOSUITES)

    keygen = commands.add_parser("keygen", help="generate a key pair (did:key); file mode 0600")
    keygen.add_argument("--type", default="Ed25519", help="ed25519 (default), p-256 or p-384")
    keygen.add_argument("-o", "--output", help="key file to write (default: stdout)")
    keygen.add_argument(
        "--force", action="store_true", help="overwrite the -o file if it exists (default: refuse)"
    )
    keygen.set_defaults(run=_cmd_keygen)

    issue = commands.add_parser("issue", help="issue a signed micro-credential from model JSON")
    issue.add_argument(
        "input", nargs="?", help="micro-credential JSON (see docs/examples/microcredential.json)"
    )
    issue.add_argument(
        "--batch", metavar="FILE", help="JSON Lines, one micro-credential per line (needs -o)"
    )
    issue.add_argument(
        "--workers", type=int, help="--batch: processes to use (default: one per CPU)"
    )
    issue.add_argument(
        "--key", required=True, help="key file from `microcred keygen` (edc: PEM or PKCS#12)"
    )
    issue.add_argument("--suite", default="eddsa-rdfc-2022", choices=suites)
    issue.add_argument(
        "--format",
        default="vc",
        choices=["vc", "edc"],
        help="vc: VC 2.0 + Data Integrity (default); edc: Europass EDC sealed with JAdES",
    )
    issue.add_argument("--cert", help="edc: the seal certificate chain (PEM), leaf first")
    issue.add_argument("--password", help="edc: password of the key file")
    issue.add_argument("--eidas-id", help="edc: eIDAS identifier (default: from the certificate)")
    issue.add_argument("--eidas-country", help="edc: its country (default: from the certificate)")
    issue.add_argument(
        "--status-list",
        metavar="FILE",
        help="a list from `microcred status create`: each credential gets an entry on it,"
        " at a random index never used before (recorded in FILE.allocated)",
    )
    issue.add_argument("--status-purpose", help="--status-list: which of its purposes")
    issue.add_argument("--status-index", type=int, help="--status-list: this index, not random")
    issue.add_argument("-o", "--output", help="file to write (default: stdout)")
    issue.set_defaults(run=_cmd_issue)

    sign = commands.add_parser("sign", help="add a Data Integrity proof to any JSON-LD document")
    sign.add_argument("input")
    sign.add_argument("--key", required=True)
    sign.add_argument("--suite", default="eddsa-rdfc-2022", choices=suites)
    sign.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    sign.add_argument("-o", "--output")
    sign.set_defaults(run=_cmd_sign)

    verify = commands.add_parser("verify", help="verify a credential offline")
    verify.add_argument("input")
    verify.add_argument("--json", action="store_true", help="print the full result as JSON")
    verify.add_argument("--now", help="verify as of this date-time (ISO 8601 with time zone)")
    verify.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="serve a context from a file",
    )
    verify.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="sealed EDCs: a trusted certificate (PEM or DER); without one a seal is untrusted",
    )
    add_status_options(verify)
    verify.set_defaults(run=_cmd_verify)

    demo = commands.add_parser("demo", help="issue and verify the sample micro-credential")
    demo.set_defaults(run=_cmd_demo)
    from microcred.cli_status import add_status_commands  # it imports this module's helpers

    add_status_commands(commands)
    from microcred.cli_presentation import add_presentation_commands  # likewise

    add_presentation_commands(commands)
    from microcred.cli_inspect import add_inspect_command  # likewise

    add_inspect_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Errors are one line on stderr."""
    try:
        args = _parser().parse_args(argv)
        return int(args.run(args))
    except _UsageError as error:
        return _fail(str(error))
    except InvalidMicroCredential as error:
        return _fail(
            f"{error.code}: the micro-credential is not valid: {field_errors(error.errors)}"
        )
    except MicrocredError as error:
        return _fail(f"{error.code}: {error}")
    except BrokenPipeError:
        # `microcred ... | head`: the reader closed the pipe. Stop quietly, and point stdout
        # at /dev/null so the interpreter's final flush does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:  # the last resort: a bug is still one line, not a traceback
        return _fail(f"internal error: {type(error).__name__}: {error}")


def _fail(message: str) -> int:
    sys.stderr.write(f"microcred: {one_line(message)}\n")
    return EXIT_USAGE
