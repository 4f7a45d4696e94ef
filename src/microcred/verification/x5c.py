"""Issuer keys from an `x5c` certificate chain (RFC 7515 §4.1.6), as HAIP asks of SD-JWT VC
issuers: the chain must reach one of the caller's trust anchors at verification time, and
the issuer is bound by the leaf certificate naming `iss` (a URI SAN equal to it, or for an
https `iss` its host as a DNS SAN; draft-ietf-oauth-sd-jwt-vc §3.5). Without anchors an
x5c key is never trusted.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from microcred.errors import InvalidCertificateError, MicrocredError
from microcred.keys.rsa import AnyPublicKey, public_key_from_cryptography
from microcred.result import Problem
from microcred.verification.call import Call

__all__ = ["MAX_X5C", "X5cRefused", "x5c_key"]

MAX_X5C = 8
"""Most certificates read from one x5c header."""
_AT = ("header", "x5c")


class X5cRefused(Exception):
    """Why an x5c chain gives no key: the problem to report at ("header", "x5c")."""

    def __init__(self, code: str, message: str) -> None:
        self.problem = Problem(code, message, _AT)


def x5c_key(x5c: object, issuer: str | None, call: Call) -> tuple[AnyPublicKey, str | None]:
    """The leaf's key and `issuer` when the leaf names it (else None: unbound), for a chain
    that verifies to the call's trust anchors; X5cRefused otherwise."""
    chain = _certificates(x5c)
    anchors = _anchors(call)
    leaf = chain[0]
    builder = (
        PolicyBuilder()
        .store(Store(list(anchors)))
        .time(call.now)
        .max_chain_depth(MAX_X5C)
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
    )
    try:
        builder.build_client_verifier().verify(leaf, chain[1:])
    except (VerificationError, ValueError) as error:
        raise X5cRefused(
            "CERTIFICATE_UNTRUSTED", f"x5c does not reach a trust anchor: {error}"
        ) from None
    try:
        key = public_key_from_cryptography(leaf.public_key())
    except MicrocredError as error:
        raise X5cRefused("INVALID_PUBLIC_KEY", error.message) from None
    return key, issuer if issuer is not None and _names(leaf, issuer) else None


def _certificates(x5c: object) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not 0 < len(x5c) <= MAX_X5C:
        raise X5cRefused("MALFORMED_JWS", f"x5c is a list of 1 to {MAX_X5C} certificates")
    chain = []
    for item in x5c:
        try:
            if not isinstance(item, str):
                raise ValueError("not a string")
            chain.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (ValueError, binascii.Error) as error:
            raise X5cRefused(
                "MALFORMED_JWS", f"x5c holds a value that is no certificate: {error}"
            ) from None
    return chain


def _anchors(call: Call) -> Sequence[x509.Certificate]:
    from microcred.jades.keystore import load_certificates  # x509 anchors: x5c tokens only

    source = call.settings.trust_anchors
    if not source:
        raise X5cRefused("CERTIFICATE_UNTRUSTED", "no trust anchors were given: x5c is not trusted")
    try:
        return load_certificates(source)
    except InvalidCertificateError as error:
        raise X5cRefused(
            "CERTIFICATE_UNTRUSTED", f"unusable trust anchors: {error.message}"
        ) from None


def _names(leaf: x509.Certificate, issuer: str) -> bool:
    """The leaf names `issuer`: a URI SAN equal to it, or its https host as a DNS SAN."""
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    if issuer in names.get_values_for_type(x509.UniformResourceIdentifier):
        return True
    parts = urlsplit(issuer)
    return parts.scheme == "https" and parts.hostname in names.get_values_for_type(x509.DNSName)
