"""The W3C Data Integrity test vectors, reproduced stage by stage for all four suites.

Vectors: EdDSA Cryptosuites v1.0 App. A and ECDSA Cryptosuites v1.0 App. A (W3C REC
2025-05-15), read from ../shared/reference/vectors (skipped where absent). Each stage is
compared with its own file so a failure names the step: canonical document, canonical
proof configuration, both hashes, signature, proofValue, signed document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred import api
from microcred.integrity.cryptosuites import CRYPTOSUITES, DataIntegritySuite
from microcred.jsonld.loader import DocumentLoader
from microcred.keys.keypair import KeyPair


@dataclass(frozen=True)
class Case:
    folder: str  # under vectors/
    suffix: str  # file-name suffix of this suite's stage files
    cryptosuite: str
    key_file: str
    input_file: str

    @property
    def id(self) -> str:
        return f"{self.folder.replace('/', ':')}"


_EDDSA = "vc-di-eddsa"
_ECDSA = "vc-di-ecdsa"
CASES = [
    Case(
        f"{_EDDSA}/eddsa-rdfc-2022",
        "DataInt",
        "eddsa-rdfc-2022",
        f"{_EDDSA}/keyPair.json",
        f"{_EDDSA}/unsigned.json",
    ),
    Case(
        f"{_EDDSA}/eddsa-rdfc-2022/employ",
        "DataInt",
        "eddsa-rdfc-2022",
        f"{_EDDSA}/keyPair.json",
        f"{_EDDSA}/employmentAuth.json",
    ),
    Case(
        f"{_EDDSA}/eddsa-jcs-2022",
        "JCS",
        "eddsa-jcs-2022",
        f"{_EDDSA}/keyPair.json",
        f"{_EDDSA}/unsigned.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-rdfc-2019-p256",
        "ECDSAP256",
        "ecdsa-rdfc-2019",
        f"{_ECDSA}/p256KeyPair.json",
        f"{_ECDSA}/unsigned.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-rdfc-2019-p256/employ",
        "ECDSAP256",
        "ecdsa-rdfc-2019",
        f"{_ECDSA}/p256KeyPair.json",
        f"{_ECDSA}/employmentAuth.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-rdfc-2019-p384",
        "ECDSAP384",
        "ecdsa-rdfc-2019",
        f"{_ECDSA}/p384KeyPair.json",
        f"{_ECDSA}/unsigned.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-rdfc-2019-p384/employ",
        "ECDSAP384",
        "ecdsa-rdfc-2019",
        f"{_ECDSA}/p384KeyPair.json",
        f"{_ECDSA}/employmentAuth.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-jcs-2019-p256",
        "JCSECDSAP256",
        "ecdsa-jcs-2019",
        f"{_ECDSA}/p256KeyPair.json",
        f"{_ECDSA}/unsigned.json",
    ),
    Case(
        f"{_ECDSA}/ecdsa-jcs-2019-p384",
        "JCSECDSAP384",
        "ecdsa-jcs-2019",
        f"{_ECDSA}/p384KeyPair.json",
        f"{_ECDSA}/unsigned.json",
    ),
]
STAGES = [
    "canonDoc",
    "proofCanon",
    "docHash",
    "proofHash",
    "combinedHash",
    "sigHex",
    "sigBTC58",
    "signed",
]


def _key(path: Path) -> KeyPair:
    pair = json.loads(path.read_text(encoding="utf-8"))
    secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
    return KeyPair.from_multikey(secret, pair["publicKeyMultibase"])


def _stage(folder: Path, name: str, suffix: str) -> str:
    [path] = [p for p in folder.glob(f"{name}{suffix}.*")]
    return path.read_text(encoding="utf-8")


class Run:
    """Every stage of Create Proof for one vector, computed with our code."""

    def __init__(self, case: Case, reference: Path, loader: DocumentLoader) -> None:
        self.folder = reference / "vectors" / case.folder
        self.case = case
        self.key = _key(reference / "vectors" / case.key_file)
        self.document = json.loads(
            (reference / "vectors" / case.input_file).read_text(encoding="utf-8")
        )
        self.config = json.loads(_stage(self.folder, "proofConfig", case.suffix))
        suite = CRYPTOSUITES[case.cryptosuite]
        assert isinstance(suite, DataIntegritySuite)
        kt = self.key.key_type
        self.canon_doc = suite.transform(self.document, key_type=kt, loader=loader)
        self.proof_canon = suite.proof_configuration(
            self.config, self.document, key_type=kt, loader=loader
        )
        half = len(suite.hash(b"", b"", key_type=kt)) // 2
        self.combined = suite.hash(self.proof_canon, self.canon_doc, key_type=kt)
        self.doc_hash, self.proof_hash = self.combined[half:], self.combined[:half]
        self.signature = self.key.sign(self.combined)
        self.proof_value = suite.serialize_proof(self.combined, self.key)
        created = datetime.strptime(self.config["created"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC
        )
        self.signed = api.sign(
            self.document,
            key=self.key,
            cryptosuite=case.cryptosuite,
            created=created,
            loader=loader,
        )

    def ours(self, stage: str) -> str | dict[str, Any]:
        return {
            "canonDoc": self.canon_doc.decode("utf-8"),
            "proofCanon": self.proof_canon.decode("utf-8"),
            "docHash": self.doc_hash.hex(),
            "proofHash": self.proof_hash.hex(),
            "combinedHash": self.combined.hex(),
            "sigHex": self.signature.hex(),
            "sigBTC58": self.proof_value,
            "signed": self.signed,
        }[stage]

    def expected(self, stage: str) -> str | dict[str, Any]:
        text = _stage(self.folder, stage, self.case.suffix)
        return json.loads(text) if stage == "signed" else text


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    return {}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_vector_stage_reproduces(
    case: Case,
    stage: str,
    reference_dir: Path,
    reference_loader: DocumentLoader,
    runs: dict[str, Run],
) -> None:
    if case.id not in runs:
        runs[case.id] = Run(case, reference_dir, reference_loader)
    run = runs[case.id]
    assert run.ours(stage) == run.expected(stage)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_signed_vector_verifies_with_issuer_mismatch_reported(
    case: Case, reference_dir: Path, reference_loader: DocumentLoader
) -> None:
    """The vectors' issuer (https://vc.example/...) is not the did:key controller: proof passes,
    the issuer check fails with ISSUER_MISMATCH, so the credential is not verified."""
    folder = reference_dir / "vectors" / case.folder
    signed = json.loads(_stage(folder, "signed", case.suffix))
    result = api.verify(signed, loader=reference_loader)
    assert result.checks["proof"].status == "passed", result.to_dict()
    assert result.checks["issuer"].status == "failed"
    assert result.codes == {"ISSUER_MISMATCH"}
    assert not result.verified


@pytest.mark.parametrize(
    "name", ["signedProofSet1", "signedProofSet2", "signedProofChain1", "signedProofChain2"]
)
def test_proof_sets_and_chains_verify(
    name: str, reference_dir: Path, reference_loader: DocumentLoader
) -> None:
    path = reference_dir / "vectors" / _EDDSA / "proof-set-chain" / f"{name}.json"
    signed = json.loads(path.read_text(encoding="utf-8"))
    result = api.verify(signed, loader=reference_loader)
    proofs = result.checks["proof"].details["proofs"]
    assert len(proofs) == (len(signed["proof"]) if isinstance(signed["proof"], list) else 1)
    assert result.checks["proof"].status == "passed", result.to_dict()


def test_proof_chain_reproduces(reference_dir: Path, reference_loader: DocumentLoader) -> None:
    """Adding the vectors' proofs one by one with our add_proof gives signedProofChain2 exactly."""
    folder = reference_dir / "vectors" / _EDDSA / "proof-set-chain"
    keys = json.loads((folder / "multiKeyPairs.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "signedProofChain2.json").read_text(encoding="utf-8"))
    document: dict[str, Any] = json.loads((folder / "unsigned.json").read_text(encoding="utf-8"))
    for i, proof in enumerate(expected["proof"], start=1):
        pair = keys[f"keyPair{i}"]
        key = KeyPair.from_multikey(pair["privateKeyMultibase"], pair["publicKeyMultibase"])
        created = datetime.strptime(proof["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        document = api.sign(
            document,
            key=key,
            created=created,
            proof_id=proof.get("id"),
            previous_proof=proof.get("previousProof"),
            loader=reference_loader,
        )
    assert document == expected


def test_legacy_ed25519_signature_2020_verifies(
    reference_dir: Path, reference_loader: DocumentLoader
) -> None:
    path = reference_dir / "vectors" / _EDDSA / "Ed25519Signature2020" / "signedEdSig.json"
    result = api.verify(json.loads(path.read_text(encoding="utf-8")), loader=reference_loader)
    assert result.checks["proof"].status == "passed", result.to_dict()


def test_tampered_vector_fails(reference_dir: Path, reference_loader: DocumentLoader) -> None:
    path = reference_dir / "vectors" / _EDDSA / "eddsa-rdfc-2022" / "signedDataInt.json"
    signed = json.loads(path.read_text(encoding="utf-8"))
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    result = api.verify(signed, loader=reference_loader)
    assert result.checks["proof"].status == "failed"
    assert "PROOF_VERIFICATION_ERROR" in result.codes
