"""`microcred keygen`: a new key pair (did:key) in a key file, written with file mode 0600."""

from __future__ import annotations

import argparse
import os
from typing import Any

from microcred.cli.common import EXIT_OK, UsageError, announce, emit
from microcred.keys.keypair import KeyPair

__all__ = ["add_key_commands"]


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


def _cmd_keygen(args: argparse.Namespace) -> int:
    if args.output is not None and not args.force and os.path.lexists(args.output):
        raise UsageError(f"{args.output} already exists: pass --force to overwrite it")
    emit(_key_file(KeyPair.generate(args.type)), args.output, mode=0o600)
    announce(args.output, "wrote a new key (file mode 0600) to")
    return EXIT_OK


def add_key_commands(commands: Any) -> None:
    """Register `keygen` on the `microcred` sub-command parser."""
    keygen = commands.add_parser("keygen", help="generate a key pair (did:key); file mode 0600")
    keygen.add_argument("--type", default="Ed25519", help="ed25519 (default), p-256 or p-384")
    keygen.add_argument("-o", "--output", help="key file to write (default: stdout)")
    keygen.add_argument(
        "--force", action="store_true", help="overwrite the -o file if it exists (default: refuse)"
    )
    keygen.set_defaults(run=_cmd_keygen)
