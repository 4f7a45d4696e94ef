"""Session fixtures for the JAdES tests: throwaway keys and CA certificates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jades_pki import T0, certificate
from jades_tsa import TimeStampingAuthority, tsa_certificate, tsa_root

from microcred.jades import SigningKey


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def p384_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


@pytest.fixture(scope="session")
def root() -> tuple[SigningKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP384R1())
    return key, certificate(
        "Test Root CA",
        key,
        ca=True,
        not_before=T0 - timedelta(days=3650),
        not_after=T0 + timedelta(days=3650),
    )


@pytest.fixture(scope="session")
def other_root() -> tuple[SigningKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, certificate("Unrelated Root CA", key, ca=True)


@pytest.fixture(scope="session")
def issue_leaf(
    root: tuple[SigningKey, x509.Certificate],
) -> Callable[..., x509.Certificate]:
    """Issue an e-seal certificate for a key under the test root (keyword options as above)."""

    def issue(key: SigningKey, **options: Any) -> x509.Certificate:
        return certificate("Test e-seal", key, options.pop("issuer", root), **options)

    return issue


@pytest.fixture(scope="session")
def tsa() -> TimeStampingAuthority:
    """A test TSA under its own root (P-256 root, RSA time-stamping unit)."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = tsa_root(root_key)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return TimeStampingAuthority(key, tsa_certificate(key, (root_key, root)), root)


@pytest.fixture(scope="session")
def rogue_tsa() -> TimeStampingAuthority:
    """Another TSA, under a root no test trusts."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = tsa_root(root_key, "Rogue TSA Root")
    key = ec.generate_private_key(ec.SECP256R1())
    return TimeStampingAuthority(key, tsa_certificate(key, (root_key, root)), root)
