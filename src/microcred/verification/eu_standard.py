"""The `eu_standard` check: does a credential carry every mandatory element of Annex I?

Council Recommendation 2022/C 243/02 lists 11 mandatory elements (level only "if
applicable"). The table in `data/annex-i.json` says where each lives in an ELM credential
(ours or Europass EDC). By default a missing element is a warning; under the
"eu-microcredential" profile it fails verification.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from microcred.result import Check, CheckStatus, Problem

__all__ = [
    "PROFILES",
    "Profile",
    "annex_i_elements",
    "check_eu_standard",
    "check_eu_standard_claims",
]

Profile = Literal["default", "eu-microcredential"]
PROFILES: tuple[Profile, ...] = ("default", "eu-microcredential")


@cache
def _table() -> Mapping[str, Any]:
    text = (resources.files("microcred") / "data" / "annex-i.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def annex_i_elements() -> tuple[Mapping[str, Any], ...]:
    """The Annex I elements: id (M1-M11, O1-O5), name, mandatory, and the JSON paths (`anyOf`)."""
    return tuple(_table()["elements"])


def _present(node: Any, keys: tuple[str, ...], depth: int = 0) -> bool:
    """Whether a non-empty value sits at the dotted path `keys`, stepping through arrays."""
    if type(node) is list:
        return any(_present(item, keys, depth) for item in node)
    if depth == len(keys):
        return node not in (None, "", [], {})
    if (type(node) is dict or isinstance(node, Mapping)) and keys[depth] in node:
        return _present(node[keys[depth]], keys, depth + 1)
    return False


@cache
def _paths() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each element's `anyOf` paths, split once."""
    return tuple(tuple(tuple(p.split(".")) for p in e["anyOf"]) for e in annex_i_elements())


def _speaks_elm(document: Mapping[str, Any]) -> bool:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    return any(isinstance(c, str) and c in _table()["contexts"] for c in contexts)


@cache
def _ob3_table() -> Mapping[str, Any]:
    text = (resources.files("microcred") / "data" / "annex-i-ob3.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _speaks_ob3(document: Mapping[str, Any]) -> bool:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    return any(isinstance(c, str) and c in _ob3_table()["contexts"] for c in contexts)


def _ob3_paths(document: Mapping[str, Any]) -> list[list[tuple[str, ...]]]:
    """Each element's paths in an OB3 credential: native ones, and those of microcred's Annex
    I record (`euMicroCredential`, read as JSON) when the credential carries one."""
    record = document.get("euMicroCredential")
    try:
        parsed = json.loads(record) if isinstance(record, str) else None
    except ValueError:
        parsed = None
    table = _ob3_table()["elements"]
    found = []
    for element in annex_i_elements():
        row = table[element["id"]]
        paths = [tuple(p.split(".")) for p in row["ob3"]]
        if isinstance(parsed, dict):
            paths += [("euMicroCredential", *p.split(".")) for p in row["record"]]
        found.append(paths)
    return found


def _ob3_view(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with its Annex I record parsed, for presence checks only."""
    record = document.get("euMicroCredential")
    try:
        parsed = json.loads(record) if isinstance(record, str) else None
    except ValueError:
        return document
    return {**document, "euMicroCredential": parsed} if isinstance(parsed, dict) else document


def check_eu_standard(document: Mapping[str, Any], profile: Profile = "default") -> Check:
    """Annex I completeness of the raw credential: one finding per missing mandatory element.
    ELM credentials (ours, EDC) by the ELM paths; Open Badges 3.0 credentials by the OB3
    paths and, for ours, the Annex I record of the extension (data/annex-i-ob3.json)."""
    strict = profile == "eu-microcredential"
    if not _speaks_elm(document) and _speaks_ob3(document):
        at = ("credentialSubject", "achievement")
        return _judge(_ob3_view(document), _ob3_paths(document), profile, "ob3", at)
    if not _speaks_elm(document):
        if not strict:
            return Check(
                "eu_standard",
                CheckStatus.SKIPPED,
                details={"reason": "not an ELM micro-credential"},
            )
        missing = Problem(
            "EU_ELEMENT_MISSING",
            "the credential is not expressed in the European Learning Model (no ELM context)",
            ("@context",),
        )
        return Check.from_problems("eu_standard", [missing])
    return _judge(document, _paths(), profile, "elm")


def check_eu_standard_claims(
    claims: Mapping[str, Any], vct: Any, profile: Profile = "default"
) -> Check:
    """Annex I completeness of an SD-JWT VC's disclosed claims, for the types whose claims
    we know (ours and the EUDI Learning Credential); an element a type has no claim for is
    missing, as a verifier cannot learn it from that credential."""
    table = _table()["sdJwtVc"]
    if not isinstance(vct, str) or vct == "source" or vct not in table:
        reason = f"no Annex I mapping for the credential type {vct!r}"
        if profile != "eu-microcredential":
            return Check("eu_standard", CheckStatus.SKIPPED, details={"reason": reason})
        missing = Problem("EU_ELEMENT_MISSING", reason, ("vct",))
        return Check.from_problems("eu_standard", [missing])
    paths = tuple(
        tuple(tuple(p.split(".")) for p in table[vct][element["id"]])
        for element in annex_i_elements()
    )
    return _judge(claims, paths, profile, "sd-jwt-vc")


def _judge(
    document: Mapping[str, Any],
    all_paths: Any,
    profile: Profile,
    kind: str,
    missing_at: tuple[str, ...] = (),
) -> Check:
    """One finding per mandatory element none of whose paths holds a value (reported at
    its first path, or at `missing_at` for an element the format has no place for)."""
    strict = profile == "eu-microcredential"
    findings, present = [], []
    for element, paths in zip(annex_i_elements(), all_paths, strict=True):
        if any(_present(document, path) for path in paths):
            present.append(element["id"])
        elif element["mandatory"]:
            where = paths[0] if paths else missing_at
            message = f"Annex I element {element['id']} ({element['name']}) is missing"
            findings.append(Problem("EU_ELEMENT_MISSING", message, tuple(where)))
    details = {"profile": profile, "present": present, "binding": kind}
    if strict:
        return Check.from_problems("eu_standard", findings, details=details)
    return Check.from_problems("eu_standard", warnings=findings, details=details)
