"""The "credentials" check: every credential embedded in a CLR 2.0 (`ClrSubject.
verifiableCredential`) verified by its own proof with the same settings, named by its path.

The canonical-form reader treats each embedded credential as a scope of its own (a learner
may be described differently by two issuers inside one CLR graph), which is sound only
because each is verified here: a value moved into or out of an embedded credential breaks
that credential's own proof (docs/security.md, "Embedded credentials").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from microcred.errors import Path
from microcred.result import Check, Problem, VerificationResult
from microcred.vcdm import as_list

__all__ = ["CLR_SUBJECT_TYPES", "MAX_EMBEDDED", "check_embedded", "embedded_credentials"]

MAX_EMBEDDED = 64
"""Most embedded credentials one document may carry (each is verified in the same call)."""

CLR_SUBJECT_TYPES = frozenset(
    {"ClrSubject", "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrSubject"}
)
_MAX_WALK = 64  # JSON depth; the canonical-form reader refuses deeper documents anyway


def embedded_credentials(document: Any) -> list[tuple[Path, Any]]:
    """(path, credential) for each `verifiableCredential` item of every ClrSubject node,
    outside the embedded credentials themselves (each verifies its own)."""
    return list(_walk(document, (), 0))


def _walk(value: Any, at: Path, depth: int) -> Iterator[tuple[Path, Any]]:
    if depth > _MAX_WALK:
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*at, index), depth + 1)
        return
    if not isinstance(value, Mapping):
        return
    types = as_list(value.get("type"))
    is_clr_subject = any(isinstance(t, str) and t in CLR_SUBJECT_TYPES for t in types)
    for key, item in value.items():
        if is_clr_subject and key == "verifiableCredential":
            if isinstance(item, list):
                yield from (((*at, key, i), each) for i, each in enumerate(item))
            else:
                yield (*at, key), item
        else:
            yield from _walk(item, (*at, key), depth + 1)


def check_embedded(
    document: Mapping[str, Any], verify: Callable[[Any], VerificationResult]
) -> Check | None:
    """The "credentials" check, or None when nothing is embedded. `verify` verifies one
    embedded credential (the same Verifier's settings, now and budget)."""
    found = embedded_credentials(document)
    if not found:
        return None
    if len(found) > MAX_EMBEDDED:
        message = f"{len(found)} embedded credentials: one verification reads {MAX_EMBEDDED}"
        return Check.from_problems("credentials", [Problem("EMBEDDED_LIMIT", message, ())])
    problems: list[Problem] = []
    warnings: list[Problem] = []
    verdicts: list[dict[str, Any]] = []
    for at, credential in found:
        result = verify(credential)
        verdicts.append({"path": list(at), "verified": result.verified})
        warnings += [Problem(w.code, w.message, (*at, *w.path)) for w in result.warnings]
        if result.verified:
            continue
        failed = [p for c in result for p in c.problems if not c.ok]
        first = failed[0] if failed else Problem("VERIFICATION_ERROR", "not verified", ())
        problems.append(
            Problem(
                "EMBEDDED_CREDENTIAL_NOT_VERIFIED",
                f"the embedded credential does not verify: {first.code}: {first.message}",
                at,
            )
        )
        problems += [Problem(p.code, p.message, (*at, *p.path)) for p in failed]
    return Check.from_problems("credentials", problems, warnings, {"credentials": verdicts})
