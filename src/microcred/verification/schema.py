"""The "schema" check: an Open Badges 3.0 credential against 1EdTech's JSON Schema (and any
JSON Schema its `credentialSchema` names) that the caller's schema loader serves.

OB 3.0 §8.2 (JSON Schema validation) and the 1EdTech validator's schema probes. Schemas are
not bundled: a caller hands in `schemas` (URL -> parsed schema), so no schema is fetched.
jsonschema comes with `pip install microcred[ob3]` and is imported only when a check runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import Any

from microcred.errors import MissingDependencyError
from microcred.result import Check, Problem
from microcred.vcdm import as_list

__all__ = [
    "OB3_CONTEXT",
    "OB3_SCHEMA",
    "OB3_TYPES",
    "SchemaLoader",
    "check_schema",
    "is_ob3",
    "json_ld_arrays",
]

SchemaLoader = Callable[[str], Mapping[str, Any]]
"""JSON Schema URL -> the parsed schema; may raise (the schema is then unavailable)."""

OB3_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
"""The 1EdTech JSON Schema every OB3 AchievementCredential must satisfy."""
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
"""The current OB3 context; earlier versions still verify, with a warning."""
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_JSON_SCHEMA_TYPES = frozenset({"1EdTechJsonSchemaValidator2019", "JsonSchema"})
_OLDER_OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context"
_MAX_ERRORS = 32
_VC11 = "https://www.w3.org/2018/credentials/v1"


def is_ob3(document: Any) -> bool:
    """An Open Badges 3.0 achievement credential (by its type)."""
    return isinstance(document, Mapping) and any(
        isinstance(t, str) and t in OB3_TYPES for t in as_list(document.get("type"))
    )


def _schema_urls(document: Mapping[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """The schemas to apply: OB3's own, then each JSON Schema `credentialSchema` names."""
    urls: list[tuple[str, tuple[Any, ...]]] = [(OB3_SCHEMA, ("type",))] if is_ob3(document) else []
    entries = document.get("credentialSchema")
    for index, entry in enumerate(as_list(entries)):
        if not isinstance(entry, Mapping):
            continue
        if not any(t in _JSON_SCHEMA_TYPES for t in as_list(entry.get("type"))):
            continue
        at = ("credentialSchema", index) if isinstance(entries, list) else ("credentialSchema",)
        url = entry.get("id")
        if isinstance(url, str) and url not in (u for u, _ in urls):
            urls.append((url, at))
    return urls


def _context_warnings(document: Mapping[str, Any]) -> Iterator[Problem]:
    for index, context in enumerate(as_list(document.get("@context"))):
        if isinstance(context, str) and context.startswith(_OLDER_OB3) and context != OB3_CONTEXT:
            yield Problem(
                "OB3_CONTEXT_VERSION",
                f"{context} is an earlier Open Badges 3.0 context than {OB3_CONTEXT}",
                ("@context", index),
            )


def check_schema(document: Any, schemas: SchemaLoader | None) -> Check | None:
    """The "schema" check, or None when no schemas are given or none applies."""
    if schemas is None or not isinstance(document, Mapping):
        return None
    urls = _schema_urls(document)
    if not urls:
        return None
    validators = _import()
    problems: list[Problem] = []
    warnings = list(_context_warnings(document)) if is_ob3(document) else []
    for url, at in urls:
        try:
            schema = schemas(url)
        except Exception as error:  # the caller's loader may raise anything
            message = f"the JSON Schema {url} is not available: {error!r}"
            warnings.append(Problem("SCHEMA_UNAVAILABLE", message, at))
            continue
        try:
            usable = json_ld_arrays(schema) if url == OB3_SCHEMA else schema
            validator = validators.validator_for(usable)(usable)
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        except Exception as error:  # a malformed schema is the loader's, not the document's
            warnings.append(Problem("SCHEMA_UNAVAILABLE", f"{url} is unusable: {error}", at))
            continue
        # the OB3 schema is VC 2.0's: a VC 1.1 badge (OB 3.0 before 3.0.3) only warns
        legacy = url == OB3_SCHEMA and as_list(document.get("@context"))[:1] == [_VC11]
        for found in errors[:_MAX_ERRORS]:
            path = tuple(found.absolute_path)
            problem = Problem("SCHEMA_VIOLATION", f"{url}: {found.message[:300]}", path)
            (warnings if legacy else problems).append(problem)
    return Check.from_problems("schema", problems, warnings, {"schemas": [u for u, _ in urls]})


def json_ld_arrays(schema: Any, depth: int = 0) -> Any:
    """The schema read as JSON-LD writes values: where it asks for an array of items, one
    item alone is accepted too (a one-element set), as 1EdTech's json-ld schemas and its
    validator do; a new schema, the given one is not changed."""
    if depth > 64:
        return schema
    if isinstance(schema, list):
        return [json_ld_arrays(item, depth + 1) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    copied = {key: json_ld_arrays(value, depth + 1) for key, value in schema.items()}
    if copied.get("type") == "array" and isinstance(copied.get("items"), Mapping):
        return {"anyOf": [copied, copied["items"]]}
    return copied


def _import() -> Any:
    try:
        return import_module("jsonschema.validators")
    except ImportError:
        raise MissingDependencyError(
            "the JSON Schema check needs jsonschema: pip install microcred[ob3]"
        ) from None
