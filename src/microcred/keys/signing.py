"""A signer's output checked before anything is written, and signers built from a function.

Every proof, JWS and SD-JWT microcred makes goes through `checked_signer`: the signature must
be bytes of the length the key type's algorithm gives (Ed25519 64, P-256 64, P-384 96, raw
`r || s` for ECDSA), and must verify with the signer's public key. A KMS or PKCS#11 wrapper
that returns DER, a digest signed twice, or another key's signature is a `SignerOutputError`
naming the fix, never a credential that cannot verify (docs/keys.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from microcred.errors import InvalidOptionError, ProofGenerationError, SignerOutputError
from microcred.keys.did_key import ResolutionFailure
from microcred.keys.keypair import KeyType, PublicKey, Signer, parse_key_type
from microcred.keys.resolvers import resolve_offline

__all__ = [
    "CheckedSigner",
    "FunctionSigner",
    "check_signature",
    "checked_signer",
    "ecdsa_der_to_raw",
    "signature_length",
    "signer_for",
    "signer_public_key",
]

_LENGTHS: dict[str, int] = {"Ed25519": 64, "P-256": 64, "P-384": 96}
_ALGORITHMS: dict[str, str] = {
    "Ed25519": "Ed25519 (EdDSA)",
    "P-256": "ECDSA P-256 with SHA-256",
    "P-384": "ECDSA P-384 with SHA-384",
}
_HELP = "see docs/keys.md"


def signature_length(key_type: KeyType) -> int:
    """Bytes of a raw signature: 64 (Ed25519, P-256 `r || s`) or 96 (P-384 `r || s`)."""
    return _LENGTHS[key_type]


def ecdsa_der_to_raw(signature: bytes, key_type: KeyType | str) -> bytes:
    """An ECDSA signature in DER (`SEQUENCE { r, s }`, what AWS KMS, Google Cloud KMS, OpenSSL
    and pyca return) as the raw `r || s` that Data Integrity and JWS use."""
    kind = parse_key_type(key_type)
    if kind == "Ed25519":
        raise InvalidOptionError("Ed25519 signatures are raw 64 bytes; they have no DER form")
    size = signature_length(kind) // 2
    decoded = _der_pair(signature)
    if decoded is None:
        raise SignerOutputError(f"not a DER-encoded ECDSA signature (SEQUENCE of r, s); {_HELP}")
    r, s = decoded
    if not (0 < r < 1 << (8 * size) and 0 < s < 1 << (8 * size)):
        raise SignerOutputError(f"this DER signature's r or s does not fit {kind}; {_HELP}")
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _der_pair(signature: object) -> tuple[int, int] | None:
    """(r, s) when `signature` is exactly a DER ECDSA signature, else None."""
    if not isinstance(signature, bytes | bytearray | memoryview):
        return None
    data = bytes(signature)
    if len(data) < 8 or data[0] != 0x30:
        return None
    try:
        r, s = decode_dss_signature(data)
    except ValueError:
        return None
    return r, s


def check_signature(
    signature: object, data: bytes, *, public_key: PublicKey, verification_method: str
) -> bytes:
    """`signature` as bytes when it is a valid signature of `data` under `public_key`, else a
    `SignerOutputError` saying what is wrong (type, DER, length, or it does not verify)."""
    key_type = public_key.key_type
    expected = signature_length(key_type)
    algorithm = _ALGORITHMS[key_type]
    if not isinstance(signature, bytes | bytearray | memoryview):
        raise SignerOutputError(
            f"the signer for {verification_method} returned a {type(signature).__name__}, "
            f"not bytes: {algorithm} gives {expected} bytes; {_HELP}"
        )
    raw = bytes(signature)
    if len(raw) == expected and public_key.verify(raw, data):
        return raw
    if key_type != "Ed25519" and _der_pair(raw) is not None:
        raise SignerOutputError(
            f"the signer for {verification_method} returned a DER-encoded ECDSA signature "
            f"({len(raw)} bytes): return raw r||s ({expected} bytes), e.g. "
            f"ecdsa_der_to_raw(signature, {key_type!r}); {_HELP}"
        )
    if len(raw) != expected:
        raise SignerOutputError(
            f"the signer for {verification_method} returned {len(raw)} bytes: {algorithm} "
            f"gives {expected} raw bytes{'' if key_type == 'Ed25519' else ' (r||s)'}; {_HELP}"
        )
    hashed = (
        ""
        if key_type == "Ed25519"
        else (
            " (ECDSA here signs the data itself: the signer hashes it once, never a digest of it)"
        )
    )
    raise SignerOutputError(
        f"the signer's signature does not verify with the public key of {verification_method}:"
        f" it signed other data or holds another key{hashed}; {_HELP}"
    )


def signer_public_key(signer: Signer) -> PublicKey:
    """The key a signer's output is checked with: its `public_key` attribute, else the key its
    did:key or did:jwk verification method names; both must agree when both are there."""
    method = signer.verification_method
    if not isinstance(method, str) or not method:
        raise ProofGenerationError("the signer's verification_method must be a non-empty string")
    given = getattr(signer, "public_key", None)
    named = _offline_key(method)
    if given is not None and not isinstance(given, PublicKey):
        raise ProofGenerationError(
            f"the signer's public_key is a {type(given).__name__}, not a microcred PublicKey "
            f"(PublicKey.from_pem, from_der or from_jwk read one); {_HELP}"
        )
    if given is not None and named is not None and given != named:
        raise ProofGenerationError(
            f"the signer's public_key is not the key its verification method {method} names"
        )
    key = given if given is not None else named
    if key is None:
        raise ProofGenerationError(
            f"cannot check the signer's signatures: it has no public_key and {method} names no "
            "key offline; give it a public_key property or build it with signer_for(sign, "
            f"public_key, verification_method); {_HELP}"
        )
    if key.key_type != signer.key_type:
        raise ProofGenerationError(
            f"the signer says its key is {signer.key_type!r}, its public key is {key.key_type}"
        )
    return key


def _offline_key(method: str) -> PublicKey | None:
    """The public key a did:key / did:jwk verification method encodes, else None."""
    if not method.startswith(("did:key:", "did:jwk:")):
        return None
    found = resolve_offline(method)
    if isinstance(found, ResolutionFailure) or not isinstance(found.public_key, PublicKey):
        detail = found.message if isinstance(found, ResolutionFailure) else "not a signing key"
        raise ProofGenerationError(f"the signer's verification method {method}: {detail}")
    return found.public_key


@dataclass(frozen=True, slots=True)
class CheckedSigner:
    """A signer whose every signature is checked (`check_signature`) before it is returned."""

    signer: Signer
    public_key: PublicKey

    @property
    def key_type(self) -> KeyType:
        return self.public_key.key_type

    @property
    def verification_method(self) -> str:
        return self.signer.verification_method

    def sign(self, data: bytes) -> bytes:
        """The signer's signature of `data`, checked; a `SignerOutputError` otherwise."""
        return check_signature(
            self.signer.sign(data),
            data,
            public_key=self.public_key,
            verification_method=self.verification_method,
        )


def checked_signer(signer: Signer) -> CheckedSigner:
    """`signer` with its output checked; its public key is found now, before any work."""
    if isinstance(signer, CheckedSigner):
        return signer
    return CheckedSigner(signer, signer_public_key(signer))


@dataclass(frozen=True, slots=True)
class FunctionSigner:
    """A `Signer` made of a sign function (a KMS or PKCS#11 call) and its public key."""

    function: Callable[[bytes], bytes]
    public_key: PublicKey
    verification_method: str

    @property
    def key_type(self) -> KeyType:
        return self.public_key.key_type

    def sign(self, data: bytes) -> bytes:
        return self.function(data)


@dataclass(frozen=True, slots=True)
class _MethodSigner:
    key: Signer
    verification_method: str

    @property
    def key_type(self) -> KeyType:
        return self.key.key_type

    @property
    def public_key(self) -> PublicKey | None:
        found = getattr(self.key, "public_key", None)
        return found if isinstance(found, PublicKey) else None

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


@overload
def signer_for(key: Signer, verification_method: str, /) -> Signer: ...
@overload
def signer_for(
    key: Callable[[bytes], bytes], public_key: PublicKey, verification_method: str | None = None, /
) -> Signer: ...
def signer_for(
    key: Signer | Callable[[bytes], bytes],
    second: str | PublicKey,
    verification_method: str | None = None,
    /,
) -> Signer:
    """`signer_for(key, "did:web:example.com#key-1")`: `key` signing for another verification
    method; `signer_for(sign, public_key[, verification_method])`: a Signer from a function
    (a KMS call) and its public key, for its did:key unless a method is given."""
    if isinstance(second, PublicKey):
        if not callable(key):
            raise InvalidOptionError("signer_for(sign, public_key, ...) takes a sign function")
        method = verification_method or second.verification_method
        _check_method(method)
        function = key.sign if isinstance(key, Signer) else key
        return FunctionSigner(function, second, method)
    if verification_method is not None or not isinstance(key, Signer):
        raise InvalidOptionError(
            "signer_for takes (signer, verification_method) or (sign, public_key[, method])"
        )
    _check_method(second)
    return _MethodSigner(key, second)


def _check_method(method: object) -> None:
    if not isinstance(method, str) or "#" not in method:
        raise InvalidOptionError("a verification method is a DID URL with a #fragment")
