"""The microcred exception hierarchy: every error has a stable code, a message and a JSON path.

`issue()`/`sign()` and the builders raise these for misuse or bad input; `verify()` never
raises them to its caller but turns each into a `Problem` of its result
(`Problem.from_error`). This module imports nothing of microcred.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

__all__ = [
    "CanonicalizationError",
    "CanonicalizationLimitError",
    "ContextLimitError",
    "CredentialLimitError",
    "DataLossError",
    "FieldError",
    "InvalidCertificateError",
    "InvalidContextError",
    "InvalidDidError",
    "InvalidJwsError",
    "InvalidKeyError",
    "InvalidMicroCredential",
    "InvalidMultibaseError",
    "InvalidOptionError",
    "InvalidRdfTermError",
    "JournalError",
    "JournalInUseError",
    "JsonLdError",
    "KeyTypeMismatchError",
    "LimitExceededError",
    "MalformedDocumentError",
    "MalformedProofError",
    "MicrocredError",
    "MissingDependencyError",
    "MissingGlyphError",
    "NQuadsSyntaxError",
    "NonCanonicalFormError",
    "Path",
    "ProofGenerationError",
    "ProofLimitError",
    "ProtectedTermRedefinitionError",
    "SealError",
    "SignerOutputError",
    "StatusLimitError",
    "StatusListFullError",
    "StatusListLengthError",
    "StatusRangeError",
    "StatusRetrievalError",
    "UnknownContextError",
    "UnsupportedCryptosuiteError",
    "UnsupportedHashAlgorithmError",
    "UnsupportedJwsAlgorithmError",
    "UnsupportedJwsHeaderError",
    "format_path",
]

Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """Render a JSON path as `$.credentialSubject.hasClaim[0].title` for messages."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class MicrocredError(Exception):
    """Base of every microcred error: `code` (stable, machine-readable), `message`, `path`."""

    code: ClassVar[str] = "MICROCRED_ERROR"

    def __init__(self, message: str, *, path: Sequence[str | int] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path: Path = tuple(path)

    def __str__(self) -> str:
        return f"{self.message} (at {format_path(self.path)})" if self.path else self.message


class FieldError(NamedTuple):
    """One validation failure: where (path into the input), what kind (code), and why."""

    path: Path
    code: str
    message: str


class InvalidMicroCredential(MicrocredError):
    """A micro-credential failed validation; `errors` lists every (path, code, message)."""

    code: ClassVar[str] = "INVALID_MICROCREDENTIAL"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        first = self.errors[0] if self.errors else FieldError((), "invalid", "invalid")
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(
            f"invalid micro-credential: {format_path(first.path)}: {first.message}{more}",
            path=first.path,
        )


class InvalidOptionError(MicrocredError):
    """A caller passed an unusable option (a naive datetime, an unknown proof purpose, ...)."""

    code: ClassVar[str] = "INVALID_OPTION"


class MalformedDocumentError(MicrocredError):
    """A document handed to sign()/issue() is not the JSON shape the spec requires."""

    code: ClassVar[str] = "MALFORMED_VALUE_ERROR"


class JsonLdError(MicrocredError):
    """JSON-LD processing of a document failed (base of the JSON-LD errors)."""

    code: ClassVar[str] = "JSONLD_PROCESSING_ERROR"


class UnknownContextError(JsonLdError):
    """A context URL is neither bundled nor served by the caller's loader (we never fetch)."""

    code: ClassVar[str] = "UNKNOWN_CONTEXT"

    def __init__(self, url: str, *, path: Sequence[str | int] = ()) -> None:
        self.url = url
        super().__init__(
            f"unknown JSON-LD context {url!r}: not bundled and no loader serves it", path=path
        )


class InvalidContextError(JsonLdError):
    """A context is not a valid JSON-LD context; `context` and `term` name the culprit."""

    code: ClassVar[str] = "INVALID_CONTEXT"

    def __init__(
        self,
        message: str,
        *,
        context: str | None = None,
        term: str | None = None,
        path: Sequence[str | int] = (),
    ) -> None:
        self.context = context
        self.term = term
        super().__init__(message, path=path)


class ProtectedTermRedefinitionError(InvalidContextError):
    """A context tries to redefine a term that an earlier context protects."""

    code: ClassVar[str] = "PROTECTED_TERM_REDEFINITION"


class DataLossError(JsonLdError):
    """JSON-LD expansion would silently drop data (undefined term, relative IRI): DI §2.4.3."""

    code: ClassVar[str] = "DATA_LOSS_DETECTION_ERROR"


class NonCanonicalFormError(JsonLdError):
    """A document is not in the canonical compacted form microcred signs and verifies: some
    value sits where a reader of the JSON would not look for it (`@nest`, an IRI as a key, a
    second spelling of a term, ...), so the JSON could say other than what is signed."""

    code: ClassVar[str] = "NON_CANONICAL_FORM"


class LimitExceededError(MicrocredError):
    """Hostile input reached one of the limits of a single verify() call; each limit has
    its own subclass and code."""

    code: ClassVar[str] = "LIMIT_EXCEEDED"


class ContextLimitError(LimitExceededError):
    """Too many contexts, or too many distinct active contexts, for one document."""

    code: ClassVar[str] = "CONTEXT_LIMIT_EXCEEDED"


class ProofLimitError(LimitExceededError):
    """More proofs, or previousProof references, than one verification accepts."""

    code: ClassVar[str] = "PROOF_LIMIT_EXCEEDED"


class CredentialLimitError(LimitExceededError):
    """More credentials in one presentation than one verification reads."""

    code: ClassVar[str] = "CREDENTIAL_LIMIT_EXCEEDED"


class StatusLimitError(LimitExceededError):
    """More credentialStatus entries (status list loads) than one verification makes."""

    code: ClassVar[str] = "STATUS_LIMIT_EXCEEDED"


class CanonicalizationError(MicrocredError):
    """Canonicalisation (RDFC-1.0 or JCS) of a document failed."""

    code: ClassVar[str] = "PROOF_TRANSFORMATION_ERROR"


class CanonicalizationLimitError(CanonicalizationError):
    """RDFC-1.0 stopped at its work limit: the dataset looks like a poison graph."""

    code: ClassVar[str] = "CANONICALIZATION_LIMIT_EXCEEDED"


class InvalidKeyError(MicrocredError):
    """Key material is malformed or of the wrong kind (a secret key where a public key goes)."""

    code: ClassVar[str] = "INVALID_KEY"


class KeyTypeMismatchError(MicrocredError):
    """The key's type does not fit the cryptosuite (e.g. a P-256 key under eddsa-rdfc-2022)."""

    code: ClassVar[str] = "KEY_TYPE_MISMATCH"


class UnsupportedCryptosuiteError(MicrocredError):
    """The cryptosuite is unknown or not in the caller's allowlist."""

    code: ClassVar[str] = "UNSUPPORTED_CRYPTOSUITE"


class ProofGenerationError(MicrocredError):
    """A proof cannot be created from the given options (DI §4.2)."""

    code: ClassVar[str] = "PROOF_GENERATION_ERROR"


class SignerOutputError(ProofGenerationError):
    """A `Signer` returned no valid signature of the data for its key (not bytes, the wrong
    length, DER where raw `r || s` is due, or bytes its public key does not verify)."""

    code: ClassVar[str] = "INVALID_SIGNER_OUTPUT"


class MalformedProofError(MicrocredError):
    """A proof object lacks a required property or holds a malformed value (DI §4.4)."""

    code: ClassVar[str] = "MALFORMED_PROOF_ERROR"


class InvalidMultibaseError(MicrocredError):
    """A multibase value has an unsupported header, characters outside its alphabet, or a
    non-canonical form (multibase draft; base58btc `z`, base64url-no-pad `u`)."""

    code: ClassVar[str] = "INVALID_MULTIBASE"


class InvalidDidError(MicrocredError):
    """A DID is malformed, names a method we do not resolve, or does not encode a usable key."""

    code: ClassVar[str] = "INVALID_DID"


class NQuadsSyntaxError(CanonicalizationError):
    """An N-Quads document does not follow the grammar (RDF 1.1 N-Quads); `line` is 1-based."""

    code: ClassVar[str] = "NQUADS_SYNTAX_ERROR"

    def __init__(
        self, message: str, *, line: int | None = None, path: Sequence[str | int] = ()
    ) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message, path=path)


class InvalidRdfTermError(CanonicalizationError):
    """A value cannot be an RDF term in canonical N-Quads (relative IRI, bad label or tag)."""

    code: ClassVar[str] = "INVALID_RDF_TERM"


class UnsupportedHashAlgorithmError(CanonicalizationError):
    """RDFC-1.0 was asked for a hash algorithm other than SHA-256 or SHA-384."""

    code: ClassVar[str] = "UNSUPPORTED_HASH_ALGORITHM"


class SealError(MicrocredError):
    """A JAdES seal cannot be made from the given key, certificates or options."""

    code: ClassVar[str] = "SEAL_ERROR"


class InvalidCertificateError(MicrocredError):
    """Certificate material is not a parsable X.509 certificate (PEM or DER)."""

    code: ClassVar[str] = "INVALID_CERTIFICATE"


class MissingDependencyError(MicrocredError):
    """An optional feature needs a package that is not installed (e.g. `microcred[shacl]`)."""

    code: ClassVar[str] = "MISSING_DEPENDENCY"


class MissingGlyphError(MicrocredError):
    """A text to draw holds a character that no font microcred can find covers (the
    renderers of `microcred.display` never drop a character or draw an empty box)."""

    code: ClassVar[str] = "MISSING_GLYPH"


class StatusListLengthError(MicrocredError):
    """A status list holds fewer entries than the minimum (131,072 by default; BSL §3.2 step 9)."""

    code: ClassVar[str] = "STATUS_LIST_LENGTH_ERROR"


class StatusRangeError(MicrocredError):
    """A status list index or status value lies outside the list (BSL §3.2 step 10)."""

    code: ClassVar[str] = "RANGE_ERROR"


class StatusListFullError(MicrocredError):
    """Every index of a status list is already allocated; start a new list."""

    code: ClassVar[str] = "STATUS_LIST_FULL"


class StatusRetrievalError(MicrocredError):
    """A status list credential could not be retrieved (BSL §3.2 step 4); loaders raise it."""

    code: ClassVar[str] = "STATUS_RETRIEVAL_ERROR"


class InvalidJwsError(MicrocredError):
    """A compact JWS that is not well formed: segments, base64url, header or payload JSON."""

    code: ClassVar[str] = "MALFORMED_JWS"


class UnsupportedJwsAlgorithmError(MicrocredError):
    """A JWS `alg` outside the allowlist (never `none`, never an HMAC)."""

    code: ClassVar[str] = "UNSUPPORTED_JWS_ALGORITHM"


class UnsupportedJwsHeaderError(MicrocredError):
    """A JWS header parameter we do not implement and must not ignore (`crit`, `b64`, `typ`)."""

    code: ClassVar[str] = "UNSUPPORTED_JWS_HEADER"


class JournalError(MicrocredError):
    """A batch journal cannot be used for this run: torn in its middle, written for another
    key, input or output, or inconsistent with the output it belongs to."""

    code: ClassVar[str] = "JOURNAL_ERROR"


class JournalInUseError(JournalError):
    """Another run holds the journal's lock: two runs on one journal could issue twice."""

    code: ClassVar[str] = "JOURNAL_IN_USE"
