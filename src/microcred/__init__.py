"""microcred: issue and verify EU micro-credentials as W3C Verifiable Credentials, offline."""

from microcred.bindings.elm import from_credential, to_credential
from microcred.errors import InvalidMicroCredential, MicrocredError
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
from microcred.result import Check, CheckStatus, Problem, VerificationResult

__all__ = [
    "Assessment",
    "Check",
    "CheckStatus",
    "FurtherInformation",
    "Grade",
    "InvalidMicroCredential",
    "LangText",
    "Learner",
    "LearningOutcome",
    "Level",
    "MicroCredential",
    "MicrocredError",
    "Organisation",
    "Participation",
    "Problem",
    "QualityAssurance",
    "Stackability",
    "VerificationResult",
    "Workload",
    "from_credential",
    "to_credential",
]
