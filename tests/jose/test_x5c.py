"""SD-JWT VC issuer keys from an x5c certificate chain (HAIP): trusted only through the
caller's anchors, and bound to `iss` only when the leaf certificate names it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred import Verifier
from microcred.jose.compact import payload_json, serialize_compact
from microcred.jose.disclosures import conceal
from microcred.keys.keypair import KeyPair

ISSUER = "https://issuer.example/tenant"
NOW = datetime.now(UTC)


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    signer: ec.EllipticCurvePrivateKey,
    issuer_name: str,
    *,
    ca: bool,
    uri: str | None = None,
    not_after: datetime | None = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    if uri is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(uri)]), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


CA_KEY, LEAF_KEY = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
CA = _certificate("Test Trust Anchor", CA_KEY, CA_KEY, "Test Trust Anchor", ca=True)
LEAF = _certificate("Issuer", LEAF_KEY, CA_KEY, "Test Trust Anchor", ca=False, uri=ISSUER)
ANCHOR = CA.public_bytes(serialization.Encoding.PEM)


def _signer(key: ec.EllipticCurvePrivateKey) -> KeyPair:
    secret = key.private_numbers().private_value.to_bytes(32, "big")
    return KeyPair.from_jwk(
        {
            "kty": "EC",
            "crv": "P-256",
            "d": base64.urlsafe_b64encode(secret).rstrip(b"=").decode(),
            **_xy(key),
        }
    )


def _xy(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    enc = lambda n: base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()  # noqa: E731
    return {"x": enc(numbers.x), "y": enc(numbers.y)}


def _token(
    chain: list[x509.Certificate], key: ec.EllipticCurvePrivateKey = LEAF_KEY, iss: str = ISSUER
) -> str:
    payload, disclosures = conceal(
        {"iss": iss, "vct": "https://credentials.example/degree", "grade": "Pass"}, [("grade",)]
    )
    x5c = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain]
    header: dict[str, Any] = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": x5c}
    jwt = serialize_compact(header, payload_json(payload), _signer(key).sign)
    return jwt + "~" + "".join(d.encoded + "~" for d in disclosures)


def test_a_chain_to_the_callers_anchor_that_names_iss_verifies() -> None:
    result = Verifier(trust_anchors=[ANCHOR]).verify(_token([LEAF]))
    assert result.verified, result.problems
    assert result.checks["proof"].details["key"] == "x5c"


@pytest.mark.parametrize(
    ("verifier", "token", "code"),
    [
        (Verifier(), _token([LEAF]), "CERTIFICATE_UNTRUSTED"),
        (
            Verifier(trust_anchors=[ANCHOR]),
            _token([_certificate("Other", LEAF_KEY, LEAF_KEY, "Other", ca=False, uri=ISSUER)]),
            "CERTIFICATE_UNTRUSTED",
        ),
        (
            Verifier(trust_anchors=[ANCHOR]),
            _token([LEAF], iss="https://victim.example"),
            "ISSUER_KEY_UNBOUND",
        ),
        (
            Verifier(trust_anchors=[ANCHOR]),
            _token([LEAF], key=ec.generate_private_key(ec.SECP256R1())),
            "PROOF_VERIFICATION_ERROR",
        ),
        (
            Verifier(trust_anchors=[ANCHOR]),
            _token(
                [
                    _certificate(
                        "Issuer",
                        LEAF_KEY,
                        CA_KEY,
                        "Test Trust Anchor",
                        ca=False,
                        uri=ISSUER,
                        not_after=NOW - timedelta(hours=1),
                    )
                ]
            ),
            "CERTIFICATE_UNTRUSTED",
        ),
    ],
    ids=["no-anchors", "self-signed", "san-names-another", "wrong-key", "expired"],
)
def test_untrusted_or_unbound_chains_fail(verifier: Verifier, token: str, code: str) -> None:
    result = verifier.verify(token)
    assert not result.verified and code in result.codes, result.codes
