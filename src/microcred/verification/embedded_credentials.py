"""The "credentials" check: every credential embedded in a CLR 2.0 (`ClrSubject.
verifiableCredential`) verified by its own proof with the same settings, named by its path.

The canonical-form reader treats each embedded credential as a scope of its own (a learner
may be described differently by two issuers inside one CLR graph), which is sound only
because each is verified here: a value moved into or out of an embedded credential breaks
that credential's own proof (docs/security.md, "Embedded credentials").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from microcred.errors import Path
from microcred.jsonld.compacted import CLR_SUBJECT_TYPES, is_clr_subject
from microcred.result import Check, Problem, VerificationResult

__all__ = [
    "CLR_SUBJECT_TYPES",
    "MAX_EMBEDDED",
    "check_embedded",
    "embedded_credentials",
    "is_clr_subject",
]

MAX_EMBEDDED = 64
"""Most embedded credentials one document may carry (each is verified in the same call)."""

_MAX_WALK = 64  # JSON depth; the canonical-form reader refuses deeper documents anyway


def embedded_credentials(document: Any) -> list[tuple[Path, Any]]:
    """(path, credential) for each `verifiableCredential` item of every ClrSubject node,
    outside the embedded credentials themselves (each verifies its own). A node counts as a
    ClrSubject by the same literal type names the canonical-form reader scopes by."""
    if not _has_clr_subject(document):
        return []  # the common case, found without building paths
    found: list[tuple[Path, Any]] = []
    stack: list[tuple[Any, Path]] = [(document, ())]
    while stack:
        value, at = stack.pop()
        if len(at) > _MAX_WALK:
            continue
        kind = type(value)
        if kind is list:
            stack.extend((item, (*at, i)) for i, item in enumerate(value) if type(item) in _NESTED)
            continue
        if kind is not dict and not isinstance(value, Mapping):
            continue
        clr = is_clr_subject(value)
        for key, item in value.items():
            if clr and key == "verifiableCredential":
                items = item if type(item) is list else None
                found += (
                    [((*at, key, i), each) for i, each in enumerate(items)]
                    if items is not None
                    else [((*at, key), item)]
                )
            elif type(item) in _NESTED or isinstance(item, Mapping):
                stack.append((item, (*at, key)))
    return sorted(found, key=lambda pair: [str(p) for p in pair[0]])


def _has_clr_subject(document: Any) -> bool:
    """Whether any object in `document` is a ClrSubject: one walk, no paths (each verify)."""
    stack = [document]
    push = stack.append
    while stack:
        value = stack.pop()
        if type(value) is list:
            for item in value:
                if type(item) is dict or type(item) is list:
                    push(item)
        elif type(value) is dict or isinstance(value, Mapping):
            if ("type" in value or "@type" in value) and is_clr_subject(value):
                return True
            for item in value.values():
                if type(item) is dict or type(item) is list:
                    push(item)
    return False


_NESTED = (dict, list)


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
