"""microcred: issue and verify EU micro-credentials as W3C Verifiable Credentials, offline."""

from microcred.errors import InvalidMicroCredential, MicrocredError
from microcred.result import Check, CheckStatus, Problem, VerificationResult

__all__ = [
    "Check",
    "CheckStatus",
    "InvalidMicroCredential",
    "MicrocredError",
    "Problem",
    "VerificationResult",
]
