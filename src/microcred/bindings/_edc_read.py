"""Lenient reading of any EDC: what it carries, and a list of problems instead of an error.

`read_edc` reads EDCs of every tool we have seen (the EC's samples and its issuer's upload
form, sealed or not, EBSI's VCDM 2.0 examples, DC4EU's, MyNextID's): each claim, full
xsd:durations, local concepts with their own labels, inline contexts, unknown terms. It
never raises for a JSON value; `from_edc` is the strict reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from microcred.bindings._edc_terms import local_concepts, own_label, unknown_terms
from microcred.bindings._elm_to_model import claims, read_claim, uses_context
from microcred.bindings._elm_walker import Dialect, Input, Reader, relocate
from microcred.errors import FieldError, InvalidMicroCredential, Path
from microcred.jades.jws import is_jades, read_payload
from microcred.model import MicroCredential
from microcred.result import Problem

__all__ = ["EDCReading", "read_edc_leniently"]


@dataclass(frozen=True, slots=True)
class EDCReading:
    """What an EDC carries; unpacks as `fields, problems = read_edc(document)`."""

    fields: Input
    """The micro-credential's Annex I elements in the model's JSON input format, not
    validated: those of the chosen claim (`claim`) and of the credential around it."""
    problems: tuple[FieldError, ...]
    """Everything the strict reader would refuse, each at its JSON path in the document:
    structure, model validation (`missing`, `unknown_*`), `local_concept`, `unknown_term`."""
    achievements: tuple[Input, ...] = ()
    """Every claim (`hasClaim`), read the same way, in the EDC's order."""
    claim: int | None = None
    """The index in `hasClaim` of the claim `fields` holds (None: the EDC has none)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Concept IRI -> the label the EDC gives it (what to show for a local concept)."""

    def __iter__(self) -> Iterator[Any]:
        return iter((self.fields, self.problems))


def _credential(document: Any) -> tuple[Path, Mapping[str, Any] | None, list[FieldError]]:
    """(path prefix, the credential, problems): a seal's payload, the `credential` member of
    an EDC issuer's upload file, or the document itself."""
    if is_jades(document):
        payload = read_payload(document)
        if isinstance(payload, Problem):
            error = FieldError(payload.path, "malformed_credential", payload.message)
            return ("payload",), None, [error]
        return ("payload",), payload, []
    if not isinstance(document, Mapping):
        return (), None, [FieldError((), "malformed_credential", "an EDC must be a JSON object")]
    inner = document.get("credential")
    if "@context" not in document and isinstance(inner, Mapping):
        return ("credential",), inner, []
    return (), document, []


def _moved(errors: list[FieldError], prefix: Path) -> list[FieldError]:
    return [FieldError((*prefix, *e.path), e.code, e.message) for e in errors]


def read_edc_leniently(document: Any, dialect: Dialect, claim: int | None) -> EDCReading:
    """See `bindings.edc.read_edc`."""
    prefix, credential, problems = _credential(document)
    if credential is None:
        return EDCReading({}, tuple(problems))
    if not uses_context(credential, dialect):
        names = " or ".join(sorted(dialect.contexts))
        problems.append(
            FieldError(
                ("@context",),
                "unknown_context",
                f"the credential does not use the {names} context; read by ELM's term names",
            )
        )
    r = Reader(credential, dialect, lenient=True)
    fields, index = read_claim(r, credential, claim)
    problems += r.problems
    try:
        MicroCredential.model_validate(fields)
    except InvalidMicroCredential as error:
        problems += relocate(error, r.origins).errors
    problems += unknown_terms(credential) + local_concepts(credential)
    return EDCReading(
        fields,
        tuple(_moved(problems, prefix)),
        _achievements(credential, dialect),
        index,
        {iri: label for iri, node in r.index.items() if (label := own_label(node))},
    )


def _achievements(credential: Mapping[str, Any], dialect: Dialect) -> tuple[Input, ...]:
    """Every claim read as the micro-credential would be (problems are the chosen one's)."""
    r = Reader(credential, dialect, lenient=True)
    subject = r.one_at(credential, "credentialSubject", (), first=True)
    count = len(claims(r, subject[1], subject[0])) if subject else 0
    return tuple(
        read_claim(Reader(credential, dialect, lenient=True), credential, i)[0]
        for i in range(count)
    )
