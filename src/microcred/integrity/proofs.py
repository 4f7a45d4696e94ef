"""Data Integrity 1.0 proofs: Add Proof (§4.2), sets and chains (§4.3), Verify Proof (§4.4-4.5).

Everything here works on plain dicts and never mutates its input. Creation raises typed
errors; verification returns a `ProofResult` per proof with the problems it found.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred.errors import (
    InvalidOptionError,
    KeyTypeMismatchError,
    MicrocredError,
    Path,
    ProofGenerationError,
    ProofLimitError,
)
from microcred.integrity.cryptosuites import (
    CRYPTOSUITES,
    LEGACY_SUITES,
    Cryptosuite,
    default_cryptosuite,
    get_cryptosuite,
)
from microcred.jsonld.loader import DocumentLoader
from microcred.jsonld.rdfc import WorkBudget
from microcred.keys.did_key import KeyResolver, ResolutionFailure
from microcred.keys.keypair import PublicKey, Signer
from microcred.keys.signing import checked_signer
from microcred.result import Problem
from microcred.timestamps import format_timestamp, parse_timestamp
from microcred.vcdm import CREDENTIALS_V2, as_list

__all__ = [
    "MAX_PROOFS",
    "PROOF_PURPOSES",
    "VERIFY_SUITES",
    "ProofResult",
    "add_proof",
    "create_proof",
    "proofs_of",
    "unsecured_document",
    "verify_proofs",
]

PROOF_PURPOSES = frozenset(
    {
        "assertionMethod",
        "authentication",
        "keyAgreement",
        "capabilityInvocation",
        "capabilityDelegation",
    }
)
"""Verification relationships a proof may claim (DI §2.1 proofPurpose, CID §2.3)."""

VERIFY_SUITES: Mapping[str, Cryptosuite] = {**CRYPTOSUITES, **LEGACY_SUITES}
"""What verification accepts by default: the four REC suites, legacy Ed25519Signature2020
and the draft name eddsa-2022."""

MAX_PROOFS = 32
"""Most proofs one document may carry: each is canonicalised with its previous proofs."""

_DI_V2 = "https://w3id.org/security/data-integrity/v2"


def unsecured_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of `document` without its `proof` (the unsecured document of DI §4)."""
    return {k: v for k, v in document.items() if k != "proof"}


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The proof set of a document: its `proof` value as a list (DI §2.1.1)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _with_di_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """Context injection (DI §2.4.2): a VC 1.1 document gets the data-integrity/v2 context."""
    contexts = as_list(document.get("@context"))
    if CREDENTIALS_V2 in contexts or _DI_V2 in contexts:
        return dict(document)
    return {**document, "@context": [*contexts, _DI_V2]}


def create_proof(
    document: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    suite: Cryptosuite,
    signer: Signer,
    loader: DocumentLoader,
) -> dict[str, Any]:
    """Create Proof (EDDSA §3.2.1 / §3.3.1, ECDSA §3.2.1): proof options -> signed proof object."""
    proof = dict(options)
    if proof.get("type") != suite.proof_type or proof.get("cryptosuite") != suite.name:
        raise ProofGenerationError(
            "proof options do not name this cryptosuite", path=("proof", "type")
        )
    if "created" in proof and parse_timestamp(proof["created"]) is None:
        raise ProofGenerationError("created is not a dateTimeStamp", path=("proof", "created"))
    if suite.keeps_proof_context and "@context" in document:
        proof["@context"] = document["@context"]
    config = suite.proof_configuration(proof, document, key_type=signer.key_type, loader=loader)
    canonical = suite.transform(document, key_type=signer.key_type, loader=loader)
    hash_data = suite.hash(config, canonical, key_type=signer.key_type)
    proof["proofValue"] = suite.serialize_proof(hash_data, signer)
    return proof


def add_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    loader: DocumentLoader,
    cryptosuite: str | None = None,
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    expires: datetime | None = None,
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    nonce: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    cryptosuites: Mapping[str, Cryptosuite] = CRYPTOSUITES,
) -> dict[str, Any]:
    """Add Proof / Add Proof Set/Chain (DI §4.2, §4.3): a new document with one more proof.

    `cryptosuite` None follows the key type (`default_cryptosuite`); the signer's output is
    checked against its public key before the proof is written (`checked_signer`)."""
    if cryptosuite is None:
        cryptosuite = default_cryptosuite(signer.key_type)
    suite = get_cryptosuite(cryptosuite, cryptosuites)
    if signer.key_type not in suite.key_types:
        fitting = sorted(n for n, s in cryptosuites.items() if signer.key_type in s.key_types)
        raise KeyTypeMismatchError(
            f"a {signer.key_type} key cannot sign with {suite.name} "
            f"(it takes {', '.join(sorted(suite.key_types))} keys): use "
            f"{' or '.join(fitting) or 'another key'}, or name no cryptosuite and it follows "
            "the key type"
        )
    signer = checked_signer(signer)
    if proof_purpose not in PROOF_PURPOSES:
        raise InvalidOptionError(f"unknown proof purpose {proof_purpose!r}")
    all_proofs = proofs_of(document)
    input_document = _with_di_context(unsecured_document(document))
    if previous_proof is not None:  # §4.3 steps 3-6: the previous proofs are signed too
        wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
        by_id = {
            p["id"]: p for p in all_proofs if isinstance(p, Mapping) and _hashable(p.get("id", []))
        }
        missing = [w for w in wanted if w not in by_id]
        if missing:
            raise ProofGenerationError(f"previousProof {missing[0]!r} matches no existing proof id")
        input_document["proof"] = [by_id[w] for w in wanted]
    options: dict[str, Any] = {"type": suite.proof_type, "cryptosuite": suite.name}
    if proof_id is not None:
        options["id"] = proof_id
    options["created"] = format_timestamp(created or datetime.now(UTC))
    if expires is not None:
        options["expires"] = format_timestamp(expires)
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = proof_purpose
    for name, value in (("domain", domain), ("challenge", challenge), ("nonce", nonce)):
        if value is not None:
            options[name] = value if isinstance(value, str) else list(value)
    if previous_proof is not None:
        options["previousProof"] = (
            previous_proof if isinstance(previous_proof, str) else list(previous_proof)
        )
    proof = create_proof(input_document, options, suite=suite, signer=signer, loader=loader)
    output = {k: v for k, v in input_document.items() if k != "proof"}
    output["proof"] = [*all_proofs, proof] if all_proofs else proof
    return output


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The verdict on one proof: what it claimed, who controls its key, and what went wrong."""

    path: Path
    proof_type: str | None
    cryptosuite: str | None
    verification_method: str | None
    proof_purpose: str | None
    controller: str | None
    verified: bool
    problems: tuple[Problem, ...] = field(default=())
    canonicalization: str | None = None
    """How the proof's suite reads the document: "rdfc" signs its RDF graph (so a verified
    proof also shows the unsecured document is in canonical compacted form), "jcs" its JSON
    text; None when the suite is unknown."""
    key_confirmed: bool = True
    """False when the key came from its own URL, not a controller document (see
    microcred.keys.fragment_key): the issuer check then cannot confirm the issuer."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "type": self.proof_type,
            "cryptosuite": self.cryptosuite,
            "verificationMethod": self.verification_method,
            "proofPurpose": self.proof_purpose,
            "controller": self.controller,
            "verified": self.verified,
            "keyConfirmed": self.key_confirmed,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class _Expectations:
    """What the verifier expects of every proof (DI §4.4 options)."""

    purpose: str
    domain: str | Sequence[str] | None
    challenge: str | None
    now: datetime
    skew: timedelta
    resolver: KeyResolver
    loader: DocumentLoader
    suites: Mapping[str, Cryptosuite]
    budget: WorkBudget


class _ProofProblem(Exception):
    def __init__(self, code: str, message: str, path: Path) -> None:
        super().__init__(message)
        self.problem = Problem(code, message, path)


def _string(proof: Mapping[str, Any], key: str, at: Path, *, required: bool = True) -> str | None:
    value = proof.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _ProofProblem(
            "MALFORMED_PROOF_ERROR", f"proof {key} must be a non-empty string", (*at, key)
        )
    return value


def _check_options(proof: Mapping[str, Any], at: Path, expect: _Expectations) -> None:
    """DI §4.4 steps 5-7 and §2.1 created/expires: purpose, domain, challenge, timing."""
    purpose = proof["proofPurpose"]
    if purpose != expect.purpose:
        raise _ProofProblem(
            "MISMATCHED_PROOF_PURPOSE_ERROR",
            f"proofPurpose is {purpose!r}, expected {expect.purpose!r}",
            (*at, "proofPurpose"),
        )
    if expect.domain is not None:
        wanted = {expect.domain} if isinstance(expect.domain, str) else set(expect.domain)
        given = proof.get("domain")
        given_set = (
            {given} if isinstance(given, str) else set(given) if isinstance(given, list) else None
        )
        if given_set != wanted:
            raise _ProofProblem(
                "INVALID_DOMAIN_ERROR",
                f"proof domain {given!r} is not the expected one",
                (*at, "domain"),
            )
    if expect.challenge is not None and proof.get("challenge") != expect.challenge:
        raise _ProofProblem(
            "INVALID_CHALLENGE_ERROR", "proof challenge is not the expected one", (*at, "challenge")
        )
    moments = {}
    for key in ("created", "expires"):
        if key in proof:
            moments[key] = parse_timestamp(proof[key])
            if moments[key] is None:
                raise _ProofProblem(
                    "MALFORMED_PROOF_ERROR", f"proof {key} is not a dateTimeStamp", (*at, key)
                )
    created, expires = moments.get("created"), moments.get("expires")
    if created is not None and created > expect.now + expect.skew:
        raise _ProofProblem(
            "PROOF_CREATED_IN_FUTURE",
            f"the proof says it was created at {proof['created']}, after now",
            (*at, "created"),
        )
    if expires is not None and expect.now > expires + expect.skew:
        raise _ProofProblem(
            "PROOF_EXPIRED", f"the proof expired at {proof['expires']}", (*at, "expires")
        )


def _resolve(
    proof: Mapping[str, Any], at: Path, suite: Cryptosuite, expect: _Expectations
) -> tuple[str, PublicKey, bool]:
    """Retrieve Verification Method (CID §3.3): key, relationship, and key type for the suite;
    the controller, the key and whether a controller document confirmed it."""
    url = proof["verificationMethod"]
    method = expect.resolver(url)
    if isinstance(method, ResolutionFailure):
        raise _ProofProblem(method.code, method.message, (*at, "verificationMethod"))
    if proof["proofPurpose"] not in method.relationships:
        raise _ProofProblem(
            "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
            f"{url} is not listed under {proof['proofPurpose']} by its controller",
            (*at, "verificationMethod"),
        )
    key = method.public_key
    if not isinstance(key, PublicKey) or key.key_type not in suite.key_types:
        raise _ProofProblem(
            "KEY_TYPE_MISMATCH",
            f"a {key.key_type} key cannot verify {suite.name}",
            (*at, "verificationMethod"),
        )
    return method.controller, key, method.confirmed


def _input_document(
    document: Mapping[str, Any], proof: Mapping[str, Any], at: Path, all_proofs: list[Any]
) -> dict[str, Any]:
    """The document the proof signed: without proofs, plus its previous proofs (DI §4.5)."""
    unsecured = unsecured_document(document)
    previous = proof.get("previousProof")
    if previous is not None:
        wanted = [previous] if isinstance(previous, str) else previous
        by_id = {
            p["id"]: p for p in all_proofs if isinstance(p, Mapping) and _hashable(p.get("id", []))
        }
        if not isinstance(wanted, list) or any(
            not isinstance(w, str) or w not in by_id for w in wanted
        ):
            raise _ProofProblem(
                "PROOF_VERIFICATION_ERROR",
                "previousProof names a proof that is not here",
                (*at, "previousProof"),
            )
        if len(set(wanted)) != len(wanted):
            raise _ProofProblem(
                "MALFORMED_PROOF_ERROR", "previousProof names a proof twice", (*at, "previousProof")
            )
        unsecured["proof"] = [by_id[w] for w in wanted]
    return unsecured


def _jcs_context(document: dict[str, Any], proof: Mapping[str, Any], at: Path) -> dict[str, Any]:
    """JCS suites: the proof's @context must start the document's (EDDSA §3.3.2 step 2)."""
    if "@context" not in proof:
        return document
    mine = as_list(proof["@context"])
    if as_list(document.get("@context"))[: len(mine)] != mine:
        raise _ProofProblem(
            "PROOF_VERIFICATION_ERROR",
            "the proof's @context does not start the document's",
            (*at, "@context"),
        )
    return {**document, "@context": proof["@context"]}


def _hash_data(
    suite: Cryptosuite,
    proof: Mapping[str, Any],
    unsecured: Mapping[str, Any],
    key_type: str,
    at: Path,
    expect: _Expectations,
) -> bytes:
    """Transformation, proof configuration and hashing; JSON-LD and canonicalisation errors
    become problems whose paths point into the document or into the proof."""
    try:
        config = suite.proof_configuration(
            proof, unsecured, key_type=key_type, loader=expect.loader, budget=expect.budget
        )
    except MicrocredError as error:
        inside = error.path if error.path[:1] == ("@context",) else (*at, *error.path)
        raise _ProofProblem(error.code, error.message, inside) from None
    try:
        canonical = suite.transform(
            unsecured, key_type=key_type, loader=expect.loader, budget=expect.budget
        )
    except MicrocredError as error:
        raise _ProofProblem(error.code, error.message, error.path) from None
    return suite.hash(config, canonical, key_type=key_type)


def _verify_one(
    document: Mapping[str, Any],
    proof: Any,
    at: Path,
    all_proofs: list[Any],
    expect: _Expectations,
    shared_ids: frozenset[Any] = frozenset(),
) -> ProofResult:
    """Verify Proof (DI §4.4) for one proof of the set."""
    claims: Mapping[str, Any] = proof if isinstance(proof, Mapping) else {}
    controller: str | None = None
    canonicalization: str | None = None
    confirmed = True
    try:
        if not isinstance(proof, Mapping):
            raise _ProofProblem("MALFORMED_PROOF_ERROR", "a proof must be a JSON object", at)
        if _hashable(proof.get("id")) and proof.get("id") in shared_ids:
            message = f"another proof of the set has the id {proof['id']!r}: a chain is ambiguous"
            raise _ProofProblem("MALFORMED_PROOF_ERROR", message, (*at, "id"))
        proof_type = _string(proof, "type", at)
        for key in ("verificationMethod", "proofPurpose", "proofValue"):
            _string(proof, key, at)
        name = (
            _string(proof, "cryptosuite", at) if proof_type == "DataIntegrityProof" else proof_type
        )
        suite = expect.suites.get(name or "")
        if suite is None or suite.proof_type != proof_type:
            raise _ProofProblem(
                "UNSUPPORTED_CRYPTOSUITE",
                f"cryptosuite {name!r} is not supported",
                (*at, "cryptosuite"),
            )
        canonicalization = getattr(suite, "canonicalization", None)
        _check_options(proof, at, expect)
        controller, public_key, confirmed = _resolve(proof, at, suite, expect)
        unsecured = _input_document(document, proof, at, all_proofs)
        if suite.keeps_proof_context:
            unsecured = _jcs_context(unsecured, proof, at)
        hash_data = _hash_data(suite, proof, unsecured, public_key.key_type, at, expect)
        if not suite.verify_signature(hash_data, proof["proofValue"], public_key):
            raise _ProofProblem(
                "PROOF_VERIFICATION_ERROR", "the signature does not verify", (*at, "proofValue")
            )
        problems: tuple[Problem, ...] = ()
    except _ProofProblem as failure:
        problems = (failure.problem,)
    except MicrocredError as error:  # e.g. a malformed proofValue
        problems = (Problem(error.code, error.message, (*at, *error.path)),)
    return ProofResult(
        path=at,
        proof_type=_text(claims.get("type")),
        cryptosuite=_text(claims.get("cryptosuite")),
        verification_method=_text(claims.get("verificationMethod")),
        proof_purpose=_text(claims.get("proofPurpose")),
        controller=controller,
        verified=not problems,
        problems=problems,
        canonicalization=canonicalization,
        key_confirmed=confirmed,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: KeyResolver,
    loader: DocumentLoader,
    now: datetime,
    expected_proof_purpose: str = "assertionMethod",
    domain: str | Sequence[str] | None = None,
    challenge: str | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
    cryptosuites: Mapping[str, Cryptosuite] = VERIFY_SUITES,
    budget: WorkBudget | None = None,
    max_proofs: int = MAX_PROOFS,
) -> tuple[ProofResult, ...]:
    """Verify Proof Sets and Chains (DI §4.5): one result per proof, never raising.

    `budget`: the RDFC work all proofs (and whatever else the caller charges) may spend;
    a set of more than `max_proofs` proofs is refused before any is verified.
    """
    expect = _Expectations(
        expected_proof_purpose,
        domain,
        challenge,
        now,
        max_clock_skew,
        resolver,
        loader,
        cryptosuites,
        budget if budget is not None else WorkBudget(),
    )
    all_proofs = proofs_of(document)
    if len(all_proofs) > max_proofs:
        message = f"{len(all_proofs)} proofs: one verification takes at most {max_proofs}"
        problem = Problem(ProofLimitError.code, message, ("proof",))
        return (ProofResult(("proof",), None, None, None, None, None, False, (problem,)),)
    ids = Counter(
        p["id"] for p in all_proofs if isinstance(p, Mapping) and _hashable(p.get("id", []))
    )
    shared = frozenset(i for i, n in ids.items() if n > 1)
    single = not isinstance(document.get("proof"), list)
    return tuple(
        _verify_one(
            document, proof, ("proof",) if single else ("proof", i), all_proofs, expect, shared
        )
        for i, proof in enumerate(all_proofs)
    )


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None
