"""`microcred keygen`: a new key pair in a key file (file mode 0600), for its did:key or for a
did:web DID whose document it can write beside it."""

from __future__ import annotations

import argparse
import os
from typing import Any

from microcred.cli.common import EXIT_OK, UsageError, announce, emit
from microcred.errors import MicrocredError
from microcred.keys.did_web import did_web_document
from microcred.keys.keypair import KeyPair

__all__ = ["add_key_commands"]


def _key_file(key: KeyPair, document: dict[str, Any] | None) -> dict[str, str]:
    """A key file: Multikey fields (CID §2.2.2), secret included; its `id` is the verification
    method it signs for (the did:key one, or the method of the did:web `document`)."""
    method = document["verificationMethod"][0] if document else None
    return {
        "type": "Multikey",
        "keyType": key.key_type,
        "id": method["id"] if method else key.verification_method,
        "controller": method["controller"] if method else key.did,
        "publicKeyMultibase": key.public_multikey,
        "secretKeyMultibase": key.export_secret_multikey(),
    }


def _refuse_overwrite(path: str | None, force: bool) -> None:
    if path is not None and not force and os.path.lexists(path):
        raise UsageError(f"{path} already exists: pass --force to overwrite it")


def _cmd_keygen(args: argparse.Namespace) -> int:
    if args.did_document and not args.did_web:
        raise UsageError("--did-document needs --did-web DID (the DID the document is for)")
    _refuse_overwrite(args.output, args.force)
    _refuse_overwrite(args.did_document, args.force)
    key = KeyPair.generate(args.type)
    document = None
    if args.did_web:
        try:
            document = did_web_document(args.did_web, key.public_key)
        except MicrocredError as error:
            raise UsageError(f"--did-web: {error.message}") from None
    emit(_key_file(key, document), args.output, mode=0o600)
    announce(args.output, "wrote a new key (file mode 0600) to")
    if document is not None and args.did_document:
        emit(document, args.did_document)
        announce(args.did_document, "wrote its DID document (publish it at the did:web URL) to")
    return EXIT_OK


def add_key_commands(commands: Any) -> None:
    """Register `keygen` on the `microcred` sub-command parser."""
    keygen = commands.add_parser(
        "keygen", help="generate a key pair (did:key, or did:web); file mode 0600"
    )
    keygen.add_argument("--type", default="Ed25519", help="ed25519 (default), p-256 or p-384")
    keygen.add_argument("-o", "--output", help="key file to write (default: stdout)")
    keygen.add_argument(
        "--did-web",
        metavar="DID",
        help="sign for DID#key-1 (e.g. did:web:university.example) instead of the did:key",
    )
    keygen.add_argument(
        "--did-document",
        metavar="FILE",
        help="--did-web: write the DID document to publish at the DID's URL (docs/keys.md)",
    )
    keygen.add_argument(
        "--force", action="store_true", help="overwrite existing output files (default: refuse)"
    )
    keygen.set_defaults(run=_cmd_keygen)
