"""What every `microcred` command shares: exit codes, the usage error, reading JSON input and
key files, writing output atomically, the status options, and the human result table.

Every command module imports this one; it imports no other module of `microcred.cli`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from microcred import api
from microcred.errors import (
    FieldError,
    InvalidDidError,
    MalformedDocumentError,
    MicrocredError,
    format_path,
)
from microcred.jsonld.loader import BundledLoader, DocumentLoader
from microcred.keys.did_key import KeyResolver
from microcred.keys.did_web import DidWebResolver, did_web_to_url
from microcred.keys.keypair import KeyPair, Signer
from microcred.keys.resolvers import chain_resolvers, resolve_offline
from microcred.keys.signing import signer_for
from microcred.result import Problem, VerificationResult
from microcred.status.check import status_dir_loader
from microcred.strict_json import parse_json
from microcred.timestamps import parse_timestamp
from microcred.verification.eu_standard import PROFILES

__all__ = [
    "EXIT_CODES",
    "EXIT_NOT_VERIFIED",
    "EXIT_OK",
    "KEY_PASSWORD_VARIABLE",
    "STDIO",
    "UsageError",
    "add_status_options",
    "add_verify_options",
    "announce",
    "context_loader",
    "did_document_resolver",
    "emit",
    "field_errors",
    "load_key",
    "load_signer",
    "moment",
    "one_line",
    "print_result",
    "progress_bar",
    "read_bytes",
    "read_object",
    "signer_did",
    "status_options",
    "write_atomically",
]

# What a command returns; the codes for errors (usage, broken pipe) belong to `main`.
EXIT_OK, EXIT_NOT_VERIFIED = 0, 1
EXIT_CODES = (
    "exit codes: 0 success (verified), 1 not verified (or an item of a batch failed), "
    "2 usage error or unreadable input, 141 the reader closed the pipe"
)
"""The epilog of every `--help`."""
_BAR_WIDTH = 30
STDIO = "-"
"""A file argument that means standard input (or, for -o, standard output)."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # what could break a line
_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class UsageError(Exception):
    """Bad arguments or unreadable input: reported on stderr with exit code 2."""


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped: one line on a terminal,
    whatever a file name or a hostile document put into a message."""
    return _CONTROL.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


def field_errors(errors: Sequence[FieldError]) -> str:
    """Every field problem of an invalid micro-credential, on one line."""
    return "; ".join(f"{format_path(path)}: {message} ({code})" for path, code, message in errors)


def write_atomically(path: Path, text: str | bytes, *, mode: int = 0o644) -> None:
    """Write `text` (or bytes) to `path` through a temp file in the same folder, then
    rename it."""
    import tempfile  # here, not at the top: `microcred verify` starts without it

    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # `-o out/vc.json` makes out/
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
        try:
            os.fchmod(handle, mode)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
    except OSError as error:  # a missing folder, a folder in the way, no permission, ...
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def emit(value: Any, output: str | None, *, mode: int = 0o644) -> None:
    """`value` as indented JSON, on stdout (no `output`, or `-`) or atomically in `output`."""
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    if output is None or output == STDIO:
        sys.stdout.write(text)
    else:
        write_atomically(Path(output), text, mode=mode)


def read_bytes(path: str) -> bytes:
    """The bytes of the file at `path` (standard input for `-`); a file that cannot be read is
    a usage error."""
    if path == STDIO:
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None


def read_object(path: str, data: bytes | None = None) -> dict[str, Any]:
    """The JSON object in the file at `path` (or in `data`, its bytes), read with the strict
    reader: every JSON input of the command line (credentials, keys, contexts, lists, DID
    documents) is one."""
    try:
        value = parse_json(read_bytes(path) if data is None else data)
    except MalformedDocumentError as error:
        raise MalformedDocumentError(f"{path}: {error.message}", path=error.path) from None
    if not isinstance(value, dict):
        kind = _JSON_KINDS[type(value)]
        raise MalformedDocumentError(f"{path} holds {kind}, not a JSON object")
    return value


def read_credential(path: str) -> dict[str, Any] | str:
    """A credential file: a JSON object, one compact JWS or SD-JWT as text, or an Open
    Badges PNG/SVG image with the credential baked into it."""
    data = read_bytes(path)
    from microcred.bindings.baked import is_baked, unbake  # images: Open Badges only

    if is_baked(data):
        try:
            return unbake(data)
        except MalformedDocumentError as error:
            raise MalformedDocumentError(f"{path}: {error.message}") from None
    if data.lstrip()[:1] in (b"{", b"[", b'"') or not data.strip():
        return read_object(path, data)
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise MalformedDocumentError(f"{path} is neither JSON nor a compact JWS") from None


def emit_token(token: str, output: str | None) -> None:
    """A compact JWS on one line, on stdout (no `output`, or `-`) or atomically in `output`."""
    if output is None or output == STDIO:
        sys.stdout.write(token + "\n")
    else:
        write_atomically(Path(output), token + "\n")


def announce(output: str | None, what: str) -> None:
    """The one line a command writes on stderr after writing a file: what, and where."""
    if output is not None and output != STDIO:
        sys.stderr.write(one_line(f"microcred: {what} {output}") + "\n")


def did_document_resolver(paths: Sequence[str]) -> KeyResolver:
    """did:key and did:jwk, plus did:web served from DID document files (each read as if
    fetched from the URL of its id): what `--did-document FILE` gives."""
    pages = {}
    for path in paths:
        did: Any = read_object(path).get("id")
        try:
            pages[did_web_to_url(did)] = read_bytes(path)
        except InvalidDidError:
            raise UsageError(f"{path} is not a did:web DID document (its id: {did!r})") from None
    if not pages:
        return resolve_offline
    return chain_resolvers(resolve_offline, DidWebResolver(pages.__getitem__))


def add_verify_options(parser: argparse.ArgumentParser) -> None:
    """`--did-document` and `--profile`, shared by verify and verify-presentation."""
    parser.add_argument(
        "--did-document",
        action="append",
        default=[],
        metavar="FILE",
        help="a did:web DID document, used as if fetched from its URL (repeatable)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="default",
        help="eu-microcredential: a missing Annex I element fails instead of warning",
    )


def progress_bar(total: int, out: TextIO) -> Any:
    """A callback drawing `[#####.....] done/total` in place, or None off a terminal."""
    if not out.isatty() or total == 0:
        return None

    def draw(done: int) -> None:
        filled = _BAR_WIDTH * done // total
        out.write(f"\r[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {done}/{total}")
        if done == total:
            out.write("\n")
        out.flush()

    return draw


KEY_PASSWORD_VARIABLE = "MICROCRED_KEY_PASSWORD"
"""The environment variable holding the password of an encrypted PEM key file (never argv)."""


def load_key(path: str) -> KeyPair:
    """The key pair of a key file (`microcred keygen`) or of a PEM private key (PKCS#8 or
    SEC1; encrypted with the password in $MICROCRED_KEY_PASSWORD); a malformed secret is
    reported without any of its text."""
    return _read_key(path)[0]


def _read_key(path: str) -> tuple[KeyPair, Any]:
    """(the key pair, the `id` its key file names: None for a PEM file)."""
    raw = read_bytes(path)
    if raw.lstrip().startswith(b"-----BEGIN"):
        try:
            return KeyPair.from_pem(raw, os.environ.get(KEY_PASSWORD_VARIABLE) or None), None
        except MicrocredError as error:  # pyca's messages never quote key material
            hint = f" (set {KEY_PASSWORD_VARIABLE})" if "password" in error.message else ""
            raise UsageError(f"{path}: {error.message}{hint}") from None
    data = read_object(path, raw)
    secret = data.get("secretKeyMultibase")
    if not isinstance(secret, str):
        raise UsageError(f"{path} is not a microcred key file (no secretKeyMultibase)")
    try:
        KeyPair.from_multikey(secret)
    except Exception as error:  # its message may quote the secret: name only the kind of fault
        reason = error.code if isinstance(error, MicrocredError) else type(error).__name__
        raise UsageError(
            f"{path}: secretKeyMultibase is not a valid secret Multikey ({reason})"
        ) from None
    pair = KeyPair.from_multikey(secret, data.get("publicKeyMultibase"))  # checks the public key
    return pair, data.get("id")


def load_signer(path: str) -> Signer:
    """What signs with a key file: its key pair, for the verification method the file's `id`
    names when that is not the did:key one (`microcred keygen --did-web`)."""
    key, method = _read_key(path)
    if method is None or method == key.verification_method:
        return key
    if not isinstance(method, str) or "#" not in method:
        raise UsageError(f"{path}: id must be a verification method (a DID URL with #fragment)")
    return signer_for(key, method)


def signer_did(signer: Signer) -> str:
    """The DID a signer signs for: its verification method without the fragment."""
    return signer.verification_method.partition("#")[0]


def context_loader(pins: Sequence[str]) -> DocumentLoader:
    """The bundled contexts plus any `URL=FILE` the user pins on the command line."""
    extra = {}
    for pin in pins:
        url, sep, file = pin.partition("=")
        if not sep:
            raise UsageError(f"--context takes URL=FILE, got {pin!r}")
        extra[url] = read_object(file)
    return BundledLoader(extra) if extra else api.default_loader()


def moment(value: str | None, flag: str) -> datetime | None:
    """The date-time an option gives (None if it is not given); anything else is a usage error."""
    if value is None:
        return None
    try:
        found = parse_timestamp(value)
    except (ArithmeticError, ValueError):  # e.g. a year 9999 end of day past datetime.max
        found = None
    if found is None:
        raise UsageError(f"{flag} must be a date-time with time zone, got {value!r}")
    return found


def add_status_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The status options of every command that verifies: where the lists are, the policy,
    and the status authorities the user trusts."""
    parser.add_argument(
        "--status-dir",
        metavar="DIR",
        required=required,
        help="status list credentials, one file per URL (see `microcred status create -o DIR`)",
    )
    parser.add_argument(
        "--allow-indeterminate-status",
        dest="allow_indeterminate",
        action="store_true",
        help="a status that cannot be decided warns instead of failing (revoked still fails)",
    )
    parser.add_argument(  # the old name of `status check`'s flag, still read, not shown
        "--allow-indeterminate",
        dest="allow_indeterminate",
        action="store_true",
        help=argparse.SUPPRESS,
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
        raise UsageError(f"--status-dir {args.status_dir} is not a folder")
    return {
        "status_loader": status_dir_loader(args.status_dir) if args.status_dir else None,
        "status_policy": "allow-indeterminate" if args.allow_indeterminate else "strict",
        "status_authorities": args.status_authority,
    }


def print_result(result: VerificationResult, out: TextIO) -> None:
    """A human table: one row per check, then every problem and warning with its JSON path."""
    out.write(("VERIFIED" if result.verified else "NOT VERIFIED") + "\n")
    for check in result:
        note = "; ".join(p.code for p in check.problems) or "; ".join(
            w.code for w in check.warnings
        )
        out.write(f"  {check.name:<12} {check.status.value:<14} {note}".rstrip() + "\n")
    for problem in result.problems:
        out.write(f"  problem: {problem}\n")
    for warning in result.warnings:
        out.write(f"  warning: {warning}\n")
    found = (*result.problems, *result.warnings)
    for applies, hint in _HINTS:
        if any(applies(problem) for problem in found):
            out.write(f"  hint: {hint}\n")


_HINTS: tuple[tuple[Callable[[Problem], bool], str], ...] = (
    (
        lambda p: p.code == "STATUS_RETRIEVAL_ERROR" and "loader" in p.message,
        "give the status lists with --status-dir DIR (`microcred status create -o DIR/`)",
    ),
    (
        lambda p: p.code == "METHOD_NOT_SUPPORTED" and "did:web" in p.message,
        "give the issuer's DID document with --did-document FILE",
    ),
    (
        lambda p: p.code == "UNKNOWN_CONTEXT",
        "serve the context from a file with --context URL=FILE",
    ),
    (
        lambda p: "trust anchor" in p.message,
        "name a certificate you trust with --trust-anchor FILE (PEM or DER)",
    ),
)
"""The command-line flag that answers a problem the library states in its own terms."""
