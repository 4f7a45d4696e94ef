"""microcred: issue and verify EU micro-credentials as W3C Verifiable Credentials, offline.

    >>> from microcred import KeyPair, MicroCredential, issue, verify

Names are imported on first use, so `from microcred import verify` does not load the
pydantic model or pyld unless they are needed (cold start matters to wallets).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from microcred.errors import InvalidMicroCredential, MicrocredError
from microcred.result import Check, CheckStatus, Problem, VerificationResult

__version__ = "0.1.0"
"""This release (PEP 440); pyproject.toml and `microcred --version` read it from here."""

if TYPE_CHECKING:
    from microcred.api import issue, sign, sign_jwt, verify, verify_presentation
    from microcred.batch import issue_many
    from microcred.bindings.clr import stack
    from microcred.bindings.elm import from_credential, to_credential
    from microcred.bindings.ob3 import LossReport, from_ob3, to_ob3
    from microcred.bindings.ob3_read import Ob3Reading, read_ob3
    from microcred.display.describing import describe
    from microcred.jsonld.loader import BundledLoader, StaticLoader, chain
    from microcred.keys.did_jwk import did_jwk, resolve_did_jwk
    from microcred.keys.did_key import VerificationMethod, resolve_did_key
    from microcred.keys.did_web import DidWebResolver, did_web_document, did_web_to_url
    from microcred.keys.https_controller import HttpsControllerResolver
    from microcred.keys.jwt_vc_issuer import JwtVcIssuerResolver
    from microcred.keys.keypair import KeyPair, KeyType, PublicKey, Signer
    from microcred.keys.resolvers import CachingResolver, chain_resolvers, resolve_offline
    from microcred.keys.signing import ecdsa_der_to_raw, signer_for
    from microcred.model import (
        Assessment,
        FurtherInformation,
        Grade,
        LangText,
        Learner,
        LearningOutcome,
        Level,
        MicroCredential,
        Organisation,
        Participation,
        QualityAssurance,
        Stackability,
        Workload,
    )
    from microcred.presentation.present import present
    from microcred.presentation.sd_jwt import present_sd_jwt
    from microcred.status.bitstring import IndexAllocator, StatusList
    from microcred.status.check import StatusVerdict
    from microcred.status.credential import status_entry, status_list_credential
    from microcred.status.lists import StatusListLoader, status_dir_loader, status_file_name
    from microcred.verification.mechanisms import SECURING_MECHANISMS, SecuringMechanism
    from microcred.verification.presentation_result import CredentialResult, PresentationResult
    from microcred.verification.verifier import Verifier, verify_many

_LAZY = {
    "issue": "microcred.api",
    "issue_many": "microcred.batch",
    "sign": "microcred.api",
    "sign_jwt": "microcred.api",
    "did_jwk": "microcred.keys.did_jwk",
    "resolve_did_jwk": "microcred.keys.did_jwk",
    "HttpsControllerResolver": "microcred.keys.https_controller",
    "JwtVcIssuerResolver": "microcred.keys.jwt_vc_issuer",
    "resolve_offline": "microcred.keys.resolvers",
    "verify": "microcred.api",
    "from_credential": "microcred.bindings.elm",
    "to_credential": "microcred.bindings.elm",
    "to_ob3": "microcred.bindings.ob3",
    "from_ob3": "microcred.bindings.ob3",
    "LossReport": "microcred.bindings.ob3",
    "read_ob3": "microcred.bindings.ob3_read",
    "Ob3Reading": "microcred.bindings.ob3_read",
    "stack": "microcred.bindings.clr",
    "describe": "microcred.display.describing",
    "VerificationMethod": "microcred.keys.did_key",
    "resolve_did_key": "microcred.keys.did_key",
    "DidWebResolver": "microcred.keys.did_web",
    "did_web_document": "microcred.keys.did_web",
    "did_web_to_url": "microcred.keys.did_web",
    "signer_for": "microcred.keys.signing",
    "present": "microcred.presentation.present",
    "present_sd_jwt": "microcred.presentation.sd_jwt",
    "verify_presentation": "microcred.api",
    "Verifier": "microcred.verification.verifier",
    "verify_many": "microcred.verification.verifier",
    "SECURING_MECHANISMS": "microcred.verification.mechanisms",
    "SecuringMechanism": "microcred.verification.mechanisms",
    "CredentialResult": "microcred.verification.presentation_result",
    "PresentationResult": "microcred.verification.presentation_result",
    "CachingResolver": "microcred.keys.resolvers",
    "chain_resolvers": "microcred.keys.resolvers",
    "BundledLoader": "microcred.jsonld.loader",
    "StaticLoader": "microcred.jsonld.loader",
    "chain": "microcred.jsonld.loader",
    "KeyPair": "microcred.keys.keypair",
    "KeyType": "microcred.keys.keypair",
    "ecdsa_der_to_raw": "microcred.keys.signing",
    "PublicKey": "microcred.keys.keypair",
    "Signer": "microcred.keys.keypair",
    "IndexAllocator": "microcred.status.bitstring",
    "StatusList": "microcred.status.bitstring",
    "StatusListLoader": "microcred.status.lists",
    "StatusVerdict": "microcred.status.check",
    "status_dir_loader": "microcred.status.lists",
    "status_file_name": "microcred.status.lists",
    "status_entry": "microcred.status.credential",
    "status_list_credential": "microcred.status.credential",
    **{
        name: "microcred.model"
        for name in (
            "Assessment",
            "FurtherInformation",
            "Grade",
            "LangText",
            "Learner",
            "LearningOutcome",
            "Level",
            "MicroCredential",
            "Organisation",
            "Participation",
            "QualityAssurance",
            "Stackability",
            "Workload",
        )
    },
}

__all__ = [
    "SECURING_MECHANISMS",
    "Assessment",
    "BundledLoader",
    "CachingResolver",
    "Check",
    "CheckStatus",
    "CredentialResult",
    "DidWebResolver",
    "FurtherInformation",
    "Grade",
    "HttpsControllerResolver",
    "IndexAllocator",
    "InvalidMicroCredential",
    "JwtVcIssuerResolver",
    "KeyPair",
    "KeyType",
    "LangText",
    "Learner",
    "LearningOutcome",
    "Level",
    "LossReport",
    "MicroCredential",
    "MicrocredError",
    "Ob3Reading",
    "Organisation",
    "Participation",
    "PresentationResult",
    "Problem",
    "PublicKey",
    "QualityAssurance",
    "SecuringMechanism",
    "Signer",
    "Stackability",
    "StaticLoader",
    "StatusList",
    "StatusListLoader",
    "StatusVerdict",
    "VerificationMethod",
    "VerificationResult",
    "Verifier",
    "Workload",
    "chain",
    "chain_resolvers",
    "describe",
    "did_jwk",
    "did_web_document",
    "did_web_to_url",
    "ecdsa_der_to_raw",
    "from_credential",
    "from_ob3",
    "issue",
    "issue_many",
    "present",
    "present_sd_jwt",
    "read_ob3",
    "resolve_did_jwk",
    "resolve_did_key",
    "resolve_offline",
    "sign",
    "sign_jwt",
    "signer_for",
    "stack",
    "status_dir_loader",
    "status_entry",
    "status_file_name",
    "status_list_credential",
    "to_credential",
    "to_ob3",
    "verify",
    "verify_many",
    "verify_presentation",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'microcred' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
