"""`microcred present` and `microcred verify-presentation`: presentations from the command line.

Offline like `microcred verify`: keys come from did:key, or from did:web DID documents given
as files (`--did-document`), status lists from a folder (`--status-dir`).
Exit codes as in `microcred.cli.main`: 0 verified, 1 not verified, 2 usage error or unreadable
input.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from microcred import present, verify_presentation
from microcred.cli.common import (
    EXIT_CODES,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    UsageError,
    add_status_options,
    add_verify_options,
    announce,
    context_loader,
    did_document_resolver,
    emit,
    emit_token,
    load_key,
    load_signer,
    moment,
    print_result,
    read_credential,
    status_options,
)
from microcred.integrity.cryptosuites import CRYPTOSUITES
from microcred.verification.presentation_result import PresentationResult

__all__ = ["add_presentation_commands", "print_presentation_result"]


def _domain(values: list[str]) -> str | list[str] | None:
    return None if not values else values[0] if len(values) == 1 else values


def _present_sd_jwt(args: argparse.Namespace, credentials: list[Any]) -> int:
    """`present token.sdjwt --disclose title,level`: the chosen disclosures and a Key Binding
    JWT for the verifier's nonce (--challenge) and audience (--domain)."""
    if len(credentials) != 1 or not isinstance(credentials[0], str) or "~" not in credentials[0]:
        raise UsageError("--disclose presents one SD-JWT VC (a file from issue --format dc+sd-jwt)")
    if len(args.domain) != 1:
        raise UsageError("an SD-JWT presentation names one audience: give --domain once")
    from microcred.presentation.sd_jwt import present_sd_jwt  # SD-JWT holders only

    token = present_sd_jwt(
        credentials[0],
        disclose=[name.strip() for name in args.disclose.split(",") if name.strip()],
        holder_key=load_key(args.key),
        nonce=args.challenge,
        audience=args.domain[0],
    )
    emit_token(token, args.output)
    announce(args.output, "wrote the SD-JWT presentation to")
    return EXIT_OK


def _cmd_present(args: argparse.Namespace) -> int:
    credentials = [read_credential(path) for path in args.credentials]
    if args.disclose is not None:
        return _present_sd_jwt(args, credentials)
    options: dict[str, Any] = {
        "key": load_signer(args.key),
        "challenge": args.challenge,
        "domain": _domain(args.domain),
        "id": args.id,
    }
    if args.format == "vp+jwt":
        emit_token(present(credentials, **options, format="vp+jwt"), args.output)
    else:
        vp = present(
            credentials, **options, cryptosuite=args.suite, loader=context_loader(args.context)
        )
        emit(vp, args.output)
    announce(args.output, f"wrote the {args.format} presentation to")
    return EXIT_OK


def print_presentation_result(result: PresentationResult, out: Any) -> None:
    """The presentation's table as `microcred verify` prints it, then each credential's."""
    print_result(result, out)
    for credential in result.credentials:
        nested = io.StringIO()
        print_result(credential.result, nested)
        out.write(f"credential {credential.name}:\n")
        out.writelines("  " + line + "\n" for line in nested.getvalue().splitlines())


def _cmd_verify_presentation(args: argparse.Namespace) -> int:
    now = moment(args.now, "--now")
    if args.status_dir is not None and not Path(args.status_dir).is_dir():
        raise UsageError(f"--status-dir {args.status_dir} is not a folder")
    if not args.challenge:
        raise UsageError("--challenge must not be empty")
    result = verify_presentation(
        read_credential(args.input),
        challenge=args.challenge,
        domain=_domain(args.domain),
        now=now,
        loader=context_loader(args.context),
        resolver=did_document_resolver(args.did_document),
        profile=args.profile,
        **status_options(args),
    )
    if args.json:
        emit(result.to_dict(), None)
    else:
        print_presentation_result(result, sys.stdout)
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def add_presentation_commands(commands: Any) -> None:
    """Register `present` and `verify-presentation` on the `microcred` subcommand parser."""
    context_help = "serve a context from a file"
    domain_help = "the verifier's domain (repeat for a set of domains)"

    make = commands.add_parser(
        "present", help="sign a presentation of credentials for a verifier", epilog=EXIT_CODES
    )
    make.add_argument(
        "credentials", nargs="+", metavar="credential", help="credential JSON or vc+jwt files"
    )
    make.add_argument("--key", required=True, help="the holder's key file (`microcred keygen`)")
    make.add_argument("--challenge", required=True, help="the verifier's one-time challenge")
    make.add_argument("--domain", action="append", default=[], help=domain_help)
    make.add_argument(
        "--suite",
        choices=sorted(CRYPTOSUITES),
        help="default: eddsa-rdfc-2022 (Ed25519 keys), ecdsa-rdfc-2019 (P-256, P-384)",
    )
    make.add_argument("--id", help="the presentation's id (a URL, e.g. urn:uuid:...)")
    make.add_argument(
        "--context", action="append", default=[], metavar="URL=FILE", help=context_help
    )
    make.add_argument(
        "--format",
        default="vp",
        choices=["vp", "vp+jwt"],
        help="vp: JSON with a Data Integrity proof (default); vp+jwt: a compact JWS whose "
        "nonce is the challenge and aud the domain",
    )
    make.add_argument(
        "--disclose",
        metavar="CLAIMS",
        help="SD-JWT VC: the claims to disclose, comma-separated (title,learningOutcomes,"
        "learner.fullName); --challenge is the nonce, --domain the audience",
    )
    make.add_argument("-o", "--output", help="file to write (default: stdout)")
    make.set_defaults(run=_cmd_present)

    check = commands.add_parser(
        "verify-presentation",
        help="verify a presentation and every credential in it, offline",
        epilog=EXIT_CODES,
    )
    check.add_argument("input")
    check.add_argument("--challenge", required=True, help="the challenge you gave the holder")
    check.add_argument("--domain", action="append", default=[], help=domain_help)
    check.add_argument("--json", action="store_true", help="print the full result as JSON")
    check.add_argument("--now", help="verify as of this date-time (ISO 8601 with time zone)")
    check.add_argument(
        "--context", action="append", default=[], metavar="URL=FILE", help=context_help
    )
    add_verify_options(check)
    add_status_options(check)
    check.set_defaults(run=_cmd_verify_presentation)
