"""`microcred issue|sign|verify|demo`: credentials from the command line.

`issue` turns model JSON into a signed VC 2.0 credential (Data Integrity), or with
`--format edc` into a Europass EDC sealed with JAdES; `issue --batch` hands over to
`microcred.cli.batch`, and `--status-list` takes entries from `microcred.cli.status`.
`sign` adds a proof to any JSON-LD document, `verify` checks a credential offline, and
`demo` issues and verifies the bundled sample.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from microcred import api
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
    read_bytes,
    read_credential,
    read_object,
    status_options,
)
from microcred.cli.status import allocate_status_entries
from microcred.integrity.cryptosuites import CRYPTOSUITES
from microcred.keys.keypair import KeyPair, PublicKey
from microcred.result import VerificationResult

__all__ = ["add_credential_commands"]


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
    material = read_bytes(args.key)
    pem = material.lstrip().startswith(b"-----BEGIN")
    if args.cert and pem:  # one PEM bundle: load_signing_key puts the key's certificate first
        material += b"\n" + read_bytes(args.cert)
    key, chain = load_signing_key(material, password)
    if args.cert and not pem:  # PKCS#12 key, chain from its own file
        chain = load_certificates(read_bytes(args.cert))
    if not chain:
        raise UsageError("--format edc needs the seal certificate (in --key or --cert)")

    def subject(oid: Any, label: str, flag: str) -> str:
        values = chain[0].subject.get_attributes_for_oid(oid)
        if not values:
            raise UsageError(f"the seal certificate has no {label}; pass {flag}")
        return str(values[0].value)

    eidas = args.eidas_id or subject(
        NameOID.ORGANIZATION_IDENTIFIER, "organizationIdentifier", "--eidas-id"
    )
    country = args.eidas_country or subject(NameOID.COUNTRY_NAME, "countryName", "--eidas-country")
    mc = MicroCredential.parse(read_object(args.input))
    return issue_edc(mc, issuer=EDCIssuer(eidas, country), key=key, certificate_chain=chain)


def _cmd_issue(args: argparse.Namespace) -> int:
    if (args.input is None) == (args.batch is None):
        raise UsageError("give one micro-credential file, or --batch FILE.jsonl")
    if args.batch is not None and args.journal is not None:
        from microcred.cli.journaled import issue_journaled

        return issue_journaled(args)
    if args.batch is not None:
        from microcred.cli.batch import issue_batch  # loads the process pool only for --batch

        return issue_batch(args)
    if args.journal is not None or args.key_field is not None:
        raise UsageError("--journal and --key-field are for --batch")
    if args.format == "edc":
        if args.status_list is not None:
            raise UsageError("--status-list gives VC 2.0 credentials a status (--format vc)")
        signed = _issue_edc(args)
    else:
        document, key = read_object(args.input), load_signer(args.key)
        status = None
        if args.status_list is not None:
            [status] = allocate_status_entries(args, key, 1)
        if args.format in ("vc+jwt", "dc+sd-jwt"):
            holder = _holder_key(args.holder_key) if args.holder_key else None
            if holder is not None and args.format != "dc+sd-jwt":
                raise UsageError("--holder-key binds an SD-JWT VC (--format dc+sd-jwt)")
            if args.format == "dc+sd-jwt":
                token = api.issue(document, key=key, format="dc+sd-jwt", holder_key=holder)
            else:
                token = api.issue(document, key=key, status=status, format="vc+jwt")
            emit_token(token, args.output)
            announce(args.output, "wrote the credential to")
            return EXIT_OK
        ob3 = args.format == "ob3"
        signed = api.issue(
            document, key=key, cryptosuite=args.suite, status=status, format="ob3" if ob3 else "vc"
        )
    emit(signed, args.output)
    announce(args.output, "wrote the credential to")
    return EXIT_OK


def _holder_key(path: str) -> PublicKey:
    """The holder's public key from a key file (`microcred keygen`): only its public half
    goes into the credential's `cnf`."""
    return load_key(path).public_key


def _cmd_sign(args: argparse.Namespace) -> int:
    document = read_object(args.input)
    if "@context" not in document:
        hint = (
            "it is micro-credential input: use `microcred issue FILE --key KEY`"
            if "learningOutcomes" in document
            else "sign takes a JSON-LD document"
        )
        raise UsageError(f"{args.input} has no @context: {hint}")
    signed = api.sign(
        document,
        key=load_signer(args.key),
        cryptosuite=args.suite,
        loader=context_loader(args.context),
    )
    emit(signed, args.output)
    announce(args.output, "signed the document to")
    return EXIT_OK


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """The options of one verification, shared by `verify` and `render --verify`."""
    parser.add_argument(
        "--nonce", help="SD-JWT: the nonce you gave the holder (its Key Binding JWT must carry it)"
    )
    parser.add_argument("--audience", help="SD-JWT: your identifier, the Key Binding JWT's aud")
    parser.add_argument("--now", help="verify as of this date-time (ISO 8601 with time zone)")
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="serve a context from a file",
    )
    parser.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="sealed EDCs: a trusted certificate (PEM or DER); without one a seal is untrusted",
    )
    add_verify_options(parser)
    add_status_options(parser)


def verify_with_options(credential: Any, args: argparse.Namespace) -> VerificationResult:
    """`verify()` of `credential` with the options `add_check_options` registered."""
    anchors = [read_bytes(path) for path in args.trust_anchor]
    return api.verify(
        credential,
        now=moment(args.now, "--now"),
        loader=context_loader(args.context),
        resolver=did_document_resolver(args.did_document),
        profile=args.profile,
        trust_anchors=anchors or None,
        challenge=args.nonce,
        domain=args.audience,
        **status_options(args),
    )


def _cmd_verify(args: argparse.Namespace) -> int:
    if args.batch is not None:
        from microcred.cli.verify_batch import verify_batch

        return verify_batch(args)
    if args.input is None:
        raise UsageError(
            "give one credential file, or --batch FILE.jsonl (see `microcred verify --help`)"
        )
    result = verify_with_options(read_credential(args.input), args)
    if args.json:
        emit(result.to_dict(), None)
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
    emit(signed, None)
    result = api.verify(signed)
    print_result(result, sys.stdout)
    return EXIT_OK if result.verified else EXIT_NOT_VERIFIED


def add_credential_commands(commands: Any) -> None:
    """Register `issue`, `sign`, `verify` and `demo` on the `microcred` sub-command parser."""
    suites = sorted(CRYPTOSUITES)

    issue = commands.add_parser(
        "issue", help="issue a signed micro-credential from model JSON", epilog=EXIT_CODES
    )
    issue.add_argument(
        "input",
        nargs="?",
        help="micro-credential JSON (see docs/examples/microcredential.json); - reads stdin",
    )
    issue.add_argument(
        "--batch", metavar="FILE", help="JSON Lines, one micro-credential per line (needs -o)"
    )
    issue.add_argument(
        "--workers", type=int, help="--batch: processes to use (default: one per CPU)"
    )
    issue.add_argument(
        "--journal",
        metavar="FILE",
        help="--batch: record each item's id and status index first; a re-run with the same"
        " journal issues only what is missing from the output (docs/scale.md)",
    )
    issue.add_argument(
        "--key-field",
        metavar="FIELD",
        help="--journal: an item's idempotency key is this input field (default: line number)",
    )
    issue.add_argument(
        "--key",
        required=True,
        help="key file from `microcred keygen`, or a PEM private key (password in"
        " $MICROCRED_KEY_PASSWORD); edc: PEM or PKCS#12 with its certificate",
    )
    issue.add_argument(
        "--suite",
        choices=suites,
        help="default: eddsa-rdfc-2022 (Ed25519 keys), ecdsa-rdfc-2019 (P-256, P-384)",
    )
    issue.add_argument(
        "--format",
        default="vc",
        choices=["vc", "vc+jwt", "dc+sd-jwt", "ob3", "edc"],
        help="vc: VC 2.0 + Data Integrity (default); vc+jwt: VC 2.0 as a compact JWS "
        "(VC-JOSE-COSE); dc+sd-jwt: an SD-JWT VC for EU wallets (docs/eudi.md); ob3: Open "
        "Badges 3.0; edc: Europass EDC sealed with JAdES",
    )
    issue.add_argument(
        "--holder-key",
        metavar="FILE",
        help="dc+sd-jwt: the holder's key file; its public key is bound (cnf), so every "
        "presentation needs the holder's Key Binding JWT",
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
    issue.add_argument("-o", "--output", help="file to write, folders made (default: stdout)")
    issue.set_defaults(run=_cmd_issue)

    sign = commands.add_parser(
        "sign", help="add a Data Integrity proof to any JSON-LD document", epilog=EXIT_CODES
    )
    sign.add_argument("input", help="a JSON-LD document with an @context; - reads stdin")
    sign.add_argument(
        "--key", required=True, help="key file from `microcred keygen`, or a PEM private key"
    )
    sign.add_argument(
        "--suite",
        choices=suites,
        help="default: eddsa-rdfc-2022 (Ed25519 keys), ecdsa-rdfc-2019 (P-256, P-384)",
    )
    sign.add_argument("--context", action="append", default=[], metavar="URL=FILE")
    sign.add_argument("-o", "--output", help="file to write, folders made (default: stdout)")
    sign.set_defaults(run=_cmd_sign)

    verify = commands.add_parser("verify", help="verify a credential offline", epilog=EXIT_CODES)
    verify.add_argument(
        "input",
        nargs="?",
        help="a credential: JSON, or a file holding one compact JWS; - reads stdin",
    )
    verify.add_argument(
        "--batch",
        metavar="FILE",
        help="JSON Lines, one credential per line: one verdict per line on stdout (verify_many)",
    )
    verify.add_argument(
        "--workers",
        type=int,
        help="--batch: processes to use (default: one per CPU on Linux, else 1)",
    )
    verify.add_argument("--json", action="store_true", help="print the full result as JSON")
    add_check_options(verify)
    verify.set_defaults(run=_cmd_verify)

    demo = commands.add_parser("demo", help="issue and verify the sample micro-credential")
    demo.set_defaults(run=_cmd_demo)
