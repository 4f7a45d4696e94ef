"""Test helpers for JAdES: a throwaway PKI (cryptography x509 API) and a re-sealing helper.

Nothing here is a real party's key; keys are generated per test session by conftest.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from microcred.jades import SigningKey
from microcred.jades.algorithms import sign
from microcred.jades.jws import b64url_decode, signing_input
from microcred.keys.multibase import base64url_encode as b64url_encode

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)  # the signing time of the tests
LATER = T0 + timedelta(days=1)  # the verification time of the tests

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ],
    "id": "urn:credential:6f1f3f44-1b1c-4c83-9a56-1f0c1d7d2a10",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "issuer": {  # the organisation the test PKI's certificates name (binding: jades.issuer)
        "id": "urn:epass:org:1",
        "type": "Organisation",
        "legalName": {"de": "Hochschule Süd"},
        "eIDASIdentifier": {
            "id": "urn:epass:legalIdentifier:1",
            "type": "LegalIdentifier",
            "notation": "VATLU-00000000",
            "spatial": {"id": "http://publications.europa.eu/resource/authority/country/LUX"},
        },
    },
    "issuanceDate": "2025-03-01T12:00:00Z",
    "validFrom": "2025-02-28T00:00:00Z",
    "credentialSubject": {"id": "urn:epass:person:1", "givenName": {"fr": "Zoé"}},
}

_USAGES = {
    "seal": {"content_commitment": True, "digital_signature": True},
    "ca": {"key_cert_sign": True, "crl_sign": True},
}


def name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "microcred test PKI"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATLU-00000000"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def key_usage(kind: str | Mapping[str, bool]) -> x509.KeyUsage:
    """keyUsage for a kind ("seal", "ca") or with exactly the `flags` given set."""
    flags = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    return x509.KeyUsage(**{**flags, **(_USAGES[kind] if isinstance(kind, str) else kind)})


def certificate(
    subject: str,
    key: SigningKey,
    issuer: tuple[SigningKey, x509.Certificate] | None = None,
    *,
    ca: bool | None = False,
    usage: str | Mapping[str, bool] | None = "",
    not_before: datetime = T0 - timedelta(days=30),
    not_after: datetime = T0 + timedelta(days=365),
    serial: int = 0x1234,
) -> x509.Certificate:
    """A certificate for `key`; self-signed when `issuer` (key, cert) is None. No SAN, no EKU.

    `ca=None` leaves basicConstraints out; `usage` is a kind ("seal", "ca"), exact flags, ""
    for the kind `ca` implies, or None to leave keyUsage out."""
    issuer_key, issuer_name = (
        (key, name(subject)) if issuer is None else (issuer[0], issuer[1].subject)
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
    if usage is not None:
        builder = builder.add_extension(key_usage(usage or ("ca" if ca else "seal")), True)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def reseal(
    sealed: dict[str, Any],
    key: SigningKey,
    edit: Callable[[dict[str, Any]], None],
    *,
    payload: str | None = None,
) -> dict[str, Any]:
    """`sealed` with its protected header changed by `edit` and validly re-signed by `key`.

    Lets a test break one header rule while the signature stays correct.
    """
    entry = sealed["signatures"][0]
    header = json.loads(b64url_decode(entry["protected"]))
    edit(header)
    encoded = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    text = sealed["payload"] if payload is None else payload
    signature = sign(header["alg"], key, signing_input(encoded, text))
    return {
        "payload": text,
        "signatures": [{"protected": encoded, "signature": b64url_encode(signature)}],
    }


def protected(sealed: dict[str, Any], index: int = 0) -> dict[str, Any]:
    """The decoded protected header of signature `index`."""
    header: dict[str, Any] = json.loads(b64url_decode(sealed["signatures"][index]["protected"]))
    return header


def university_seal(key: SigningKey, valid_from: datetime) -> x509.Certificate:
    """A throwaway self-signed e-seal of "University of Zed" (VATIE-0000000Z, IE), an end
    entity with the seal key usages, valid a day before `valid_from` to a year after."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "University of Zed"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "VATIE-0000000Z"),
            x509.NameAttribute(NameOID.COMMON_NAME, "University of Zed e-seal"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from - timedelta(days=1))
        .not_valid_after(valid_from + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage("seal"), critical=True)
        .sign(key, hashes.SHA256())
    )


def crl(
    issuer: tuple[Any, x509.Certificate],
    revoked: dict[int, datetime] | None = None,
    *,
    last_update: datetime = T0 - timedelta(hours=1),
    next_update: datetime = T0 + timedelta(days=7),
) -> bytes:
    """A DER CRL of `issuer` listing `revoked` serial numbers with their revocation dates."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer[1].subject)
        .last_update(last_update)
        .next_update(next_update)
    )
    for serial, when in (revoked or {}).items():
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer[0], hashes.SHA256()).public_bytes(Encoding.DER)


def ocsp_response(
    leaf: x509.Certificate,
    issuer: tuple[Any, x509.Certificate],
    *,
    revoked_at: datetime | None = None,
    responder: tuple[Any, x509.Certificate] | None = None,
    this_update: datetime = T0,
) -> bytes:
    """A DER OCSP response on `leaf`, signed by `issuer` or a delegated `responder`."""
    status = ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
    signer = responder or issuer
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=leaf,
        issuer=issuer[1],
        algorithm=hashes.SHA256(),
        cert_status=status,
        this_update=this_update,
        next_update=this_update + timedelta(days=7),
        revocation_time=revoked_at,
        revocation_reason=None,
    )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer[1])
    if responder is not None:
        builder = builder.certificates([responder[1]])
    return builder.sign(signer[0], hashes.SHA256()).public_bytes(Encoding.DER)


def with_r_vals(
    sealed: dict[str, Any], crls: list[bytes] = (), responses: list[bytes] = ()
) -> dict[str, Any]:  # type: ignore[assignment]
    """`sealed` with an etsiU rVals item appended (etsiU is unsigned: anyone may add one)."""
    values: dict[str, Any] = {}
    if crls:
        values["crlVals"] = [{"val": base64.b64encode(c).decode()} for c in crls]
    if responses:
        values["ocspVals"] = [{"val": base64.b64encode(r).decode()} for r in responses]
    entry = dict(sealed["signatures"][0])
    items = list(entry.get("header", {}).get("etsiU", []))
    items.append(b64url_encode(json.dumps({"rVals": values}).encode()))
    return dict(sealed, signatures=[dict(entry, header={"etsiU": items})])
