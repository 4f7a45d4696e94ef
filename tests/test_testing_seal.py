"""`microcred.testing.seal`: a throwaway e-seal PKI that seals EDCs which verify against its
root only, bound to the organisation the certificate names."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from cryptography import x509

from microcred.bindings.edc import issue_edc
from microcred.jades import load_certificates, load_signing_key, verify_seal
from microcred.model import MicroCredential
from microcred.testing.seal import main, make_test_seal, write_test_seal

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "microcredential.json"


def _sealed(folder: Path) -> dict[str, object]:
    mc = MicroCredential.parse(json.loads(EXAMPLE.read_text()))
    material = (folder / "seal.pem").read_bytes() + b"\n" + (folder / "chain.pem").read_bytes()
    key, chain = load_signing_key(material)  # as `microcred issue --format edc` reads them
    return issue_edc(mc, key=key, certificate_chain=chain)


def test_written_files_seal_an_edc_that_verifies_against_the_root(tmp_path: Path) -> None:
    paths = write_test_seal(tmp_path / "pki")
    assert stat.S_IMODE(paths["seal"].stat().st_mode) == 0o600
    result = verify_seal(_sealed(tmp_path / "pki"), trust_anchors=paths["root"].read_bytes())
    assert result.verified, [str(p) for p in result.problems]


def test_another_test_root_does_not_trust_it(tmp_path: Path) -> None:
    write_test_seal(tmp_path / "pki")
    other = make_test_seal()
    result = verify_seal(_sealed(tmp_path / "pki"), trust_anchors=other.root_pem())
    assert not result.verified


def test_the_certificate_names_the_organisation_as_eidas_seals_do(tmp_path: Path) -> None:
    seal = make_test_seal(organisation="Hochschule Süd", identifier="VATDE-123456789", country="DE")
    leaf, root = load_certificates(seal.chain_pem())
    assert leaf == seal.certificate and root == seal.root
    subject = {a.oid.dotted_string: a.value for a in leaf.subject}
    assert subject["2.5.4.97"] == "VATDE-123456789" and subject["2.5.4.6"] == "DE"
    assert leaf.issuer == root.subject
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature and not usage.key_cert_sign


def test_the_module_command_writes_three_files(tmp_path: Path) -> None:
    assert main([str(tmp_path / "out"), "--identifier", "VATIE-7654321X"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "chain.pem",
        "root.pem",
        "seal.pem",
    ]
