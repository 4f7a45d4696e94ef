"""Data Integrity cryptosuites as data: a canonicaliser × a hash × a signature algorithm.

One frozen `DataIntegritySuite` describes each suite; the steps (transformation, proof
configuration, hashing, proof serialization, verification) are the same functions for all
(EdDSA Cryptosuites v1.0 §3, ECDSA Cryptosuites v1.0 §3). The registry is read-only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, Protocol, runtime_checkable

from microcred.errors import InvalidMultibaseError, MalformedProofError, UnsupportedCryptosuiteError
from microcred.jsonld import jcs, rdfc
from microcred.jsonld.compacted import to_rdf
from microcred.jsonld.loader import DocumentLoader
from microcred.jsonld.rdfc import WorkBudget
from microcred.keys.keypair import PublicKey, Signer
from microcred.keys.multibase import decode_base58btc, encode_base58btc

__all__ = [
    "CRYPTOSUITES",
    "ED25519_SIGNATURE_2020",
    "EDDSA_2022",
    "LEGACY_SUITES",
    "Cryptosuite",
    "DataIntegritySuite",
    "default_cryptosuite",
    "get_cryptosuite",
]

Canonicalization = Literal["rdfc", "jcs"]


@runtime_checkable
class Cryptosuite(Protocol):
    """What Add Proof / Verify Proof need from a cryptosuite (DI 1.0 §3, "cryptosuite instance")."""

    @property
    def name(self) -> str: ...
    @property
    def proof_type(self) -> str: ...
    @property
    def key_types(self) -> frozenset[str]: ...
    @property
    def keeps_proof_context(self) -> bool: ...

    def transform(
        self,
        document: Mapping[str, Any],
        *,
        key_type: str,
        loader: DocumentLoader,
        budget: WorkBudget | None = None,
    ) -> bytes: ...
    def proof_configuration(
        self,
        options: Mapping[str, Any],
        document: Mapping[str, Any],
        *,
        key_type: str,
        loader: DocumentLoader,
        budget: WorkBudget | None = None,
    ) -> bytes: ...
    def hash(
        self, canonical_config: bytes, canonical_document: bytes, *, key_type: str
    ) -> bytes: ...
    def serialize_proof(self, hash_data: bytes, signer: Signer) -> str: ...
    def verify_signature(
        self, hash_data: bytes, proof_value: str, public_key: PublicKey
    ) -> bool: ...


def _hash_name(key_type: str) -> str:
    """P-384 suites hash with SHA-384 everywhere, RDFC included (ECDSA §3.2.2); others SHA-256."""
    return "sha384" if key_type == "P-384" else "sha256"


@dataclass(frozen=True, slots=True)
class DataIntegritySuite:
    """A built-in suite: its name, proof type, the key types it takes and its canonicaliser."""

    name: str
    key_types: frozenset[str]
    canonicalization: Canonicalization
    proof_type: str = "DataIntegrityProof"

    @property
    def keeps_proof_context(self) -> bool:
        """JCS suites carry the document's @context in the proof itself (EDDSA §3.3.1 step 2)."""
        return self.canonicalization == "jcs"

    def _canonical(
        self,
        value: Mapping[str, Any],
        key_type: str,
        loader: DocumentLoader,
        budget: WorkBudget | None,
    ) -> bytes:
        if self.canonicalization == "jcs":
            return jcs.canonicalize(value)
        quads = to_rdf(value, loader)
        text = rdfc.canonicalize(quads, hash_algorithm=_hash_name(key_type), budget=budget)
        return text.encode("utf-8")

    def transform(
        self,
        document: Mapping[str, Any],
        *,
        key_type: str,
        loader: DocumentLoader,
        budget: WorkBudget | None = None,
    ) -> bytes:
        """Transformation: the canonical form of the unsecured document (EDDSA §3.2.3, §3.3.3);
        RDFC work is charged to `budget` (one verify() call's) when given."""
        return self._canonical(document, key_type, loader, budget)

    def proof_configuration(
        self,
        options: Mapping[str, Any],
        document: Mapping[str, Any],
        *,
        key_type: str,
        loader: DocumentLoader,
        budget: WorkBudget | None = None,
    ) -> bytes:
        """Proof configuration: the canonical proof options, without proofValue (EDDSA §3.2.5).

        RDFC suites give the configuration the document's @context; JCS suites hash the
        options as they are (their @context was set when the proof was created).
        """
        config = {k: v for k, v in options.items() if k != "proofValue"}
        if self.canonicalization == "rdfc":
            config["@context"] = document.get("@context")
        return self._canonical(config, key_type, loader, budget)

    def hash(self, canonical_config: bytes, canonical_document: bytes, *, key_type: str) -> bytes:
        """Hashing: H(proof configuration) || H(document), configuration first (EDDSA §3.2.4)."""
        name = _hash_name(key_type)
        return (
            hashlib.new(name, canonical_config).digest()
            + hashlib.new(name, canonical_document).digest()
        )

    def serialize_proof(self, hash_data: bytes, signer: Signer) -> str:
        """Proof serialization: sign hashData, multibase base58btc (EDDSA §3.2.6, ECDSA §3.2.6)."""
        return encode_base58btc(signer.sign(hash_data))

    def verify_signature(self, hash_data: bytes, proof_value: str, public_key: PublicKey) -> bool:
        """Proof verification: decode the `z` proofValue and check it (EDDSA §3.2.7)."""
        try:
            signature = decode_base58btc(proof_value)
        except InvalidMultibaseError as error:
            raise MalformedProofError(
                f"proofValue is not base58btc multibase: {error.message}", path=("proofValue",)
            ) from None
        return public_key.verify(signature, hash_data)


_EDDSA = frozenset({"Ed25519"})
_ECDSA = frozenset({"P-256", "P-384"})

CRYPTOSUITES: Mapping[str, Cryptosuite] = MappingProxyType(
    {
        "eddsa-rdfc-2022": DataIntegritySuite("eddsa-rdfc-2022", _EDDSA, "rdfc"),
        "eddsa-jcs-2022": DataIntegritySuite("eddsa-jcs-2022", _EDDSA, "jcs"),
        "ecdsa-rdfc-2019": DataIntegritySuite("ecdsa-rdfc-2019", _ECDSA, "rdfc"),
        "ecdsa-jcs-2019": DataIntegritySuite("ecdsa-jcs-2019", _ECDSA, "jcs"),
    }
)
"""The four W3C Recommendation suites, by `cryptosuite` name."""

ED25519_SIGNATURE_2020 = DataIntegritySuite(
    "Ed25519Signature2020", _EDDSA, "rdfc", proof_type="Ed25519Signature2020"
)
"""Legacy suite (EDDSA App. "The Ed25519Signature2020 Suite"): verified, never used to sign."""

EDDSA_2022 = DataIntegritySuite("eddsa-2022", _EDDSA, "rdfc")
"""`eddsa-2022`, the VC-DI-EdDSA drafts' name (2022-2023) for what became eddsa-rdfc-2022:
the same transformation, hashing and signature, so Open Badges issued then still verify;
verified, never used to sign."""

LEGACY_SUITES: Mapping[str, Cryptosuite] = MappingProxyType(
    {"Ed25519Signature2020": ED25519_SIGNATURE_2020, "eddsa-2022": EDDSA_2022}
)
"""Legacy suites: by proof `type` (Ed25519Signature2020 has no `cryptosuite` property) or by
the `cryptosuite` name a draft used."""


_DEFAULT_SUITES: Mapping[str, str] = MappingProxyType(
    {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}
)


def default_cryptosuite(key_type: str) -> str:
    """The suite a key signs with when none is named: eddsa-rdfc-2022 for Ed25519 keys,
    ecdsa-rdfc-2019 for P-256 and P-384 keys (RDFC: ELM credentials are JSON-LD)."""
    try:
        return _DEFAULT_SUITES[key_type]
    except (KeyError, TypeError):
        raise UnsupportedCryptosuiteError(f"no cryptosuite signs with a {key_type!r} key") from None


def get_cryptosuite(name: str, allowed: Mapping[str, Cryptosuite] = CRYPTOSUITES) -> Cryptosuite:
    """The suite called `name` if the allowlist holds it, else UnsupportedCryptosuiteError."""
    try:
        return allowed[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(allowed))
        raise UnsupportedCryptosuiteError(
            f"unsupported cryptosuite {name!r} (allowed: {known})", path=("proof", "cryptosuite")
        ) from None
