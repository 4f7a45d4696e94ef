"""Context Processing (JSON-LD 1.1 API §4.1) and IRI Expansion (§4.2) for the contexts
credentials use, without pyld: the direct path reads bundled contexts through this, so
verifying does not import pyld (cold start matters to wallets).

It builds the same active context pyld does (same `mappings` entries, `@vocab`,
`@language`, `previousContext`), for term definitions with `@id`, `@type`, `@container`,
`@language`, `@context` and `@protected`, and `@version`/`@vocab`/`@protected`/`@language`
entries. Anything else, and every error case (a protected term redefined, an invalid
definition, a cycle...), raises `Unsupported`: the caller then asks pyld, so refusals and
their codes stay pyld's. tests/jsonld/test_processing.py compares both on every bundled
context and on the frames of every test credential.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Unsupported", "expand_iri", "initial_context", "process_context"]

Load = Callable[[str], Any]
"""A context URL -> the document the loader serves for it."""

_KEYWORDS = frozenset(
    [
        "@base",
        "@container",
        "@context",
        "@default",
        "@direction",
        "@embed",
        "@explicit",
        "@first",
        "@graph",
        "@id",
        "@import",
        "@included",
        "@index",
        "@json",
        "@language",
        "@list",
        "@nest",
        "@none",
        "@omitDefault",
        "@propagate",
        "@protected",
        "@preserve",
        "@requireAll",
        "@reverse",
        "@set",
        "@type",
        "@value",
        "@version",
        "@vocab",
    ]
)
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_IRI_LIKE_TERM = re.compile(r".*((:[^:])|/)")
_PREFIX_END = re.compile(r".*[:/\?#\[\]@]$")
_TERM_KEYS = frozenset({"@id", "@type", "@container", "@language", "@context", "@protected"})
_CONTAINERS = frozenset({"@set", "@list", "@language", "@graph"})
_ids = itertools.count()


class Unsupported(Exception):
    """Outside what this module processes (or an error case): pyld decides."""


def _uuid() -> str:
    """pyld's cache key of an active context; unique within the process is enough."""
    return f"microcred-{next(_ids)}"


def initial_context() -> dict[str, Any]:
    """The initial active context in JSON-LD 1.1 processing mode (pyld's shape)."""
    return {"_uuid": _uuid(), "processingMode": "json-ld-1.1", "mappings": {}}


def _clone(active: Mapping[str, Any]) -> dict[str, Any]:
    child: dict[str, Any] = {"mappings": dict(active["mappings"])}
    for key in ("@base", "previousContext", "@language", "@vocab"):
        if key in active:
            child[key] = active[key]
    return child


def _documents(local: Any, load: Load) -> list[dict[str, Any] | None]:
    """The context objects of a local context: each URL's document `@context` (an object),
    inline objects and None for a null context; anything else is not read here."""
    listed = local if type(local) is list else [local]
    found: list[dict[str, Any] | None] = []
    for entry in listed:
        if entry is None or entry is False:
            found.append(None)
            continue
        if type(entry) is str:
            document = load(entry)
            if not isinstance(document, Mapping) or not isinstance(
                document.get("@context"), Mapping
            ):
                raise Unsupported(entry)
            entry = document["@context"]
        if not isinstance(entry, Mapping) or "@context" in entry:
            raise Unsupported("not a context object")
        found.append(dict(entry))
    return found


def process_context(
    active: Mapping[str, Any], local: Any, load: Load, *, propagate: bool, override: bool
) -> dict[str, Any]:
    """The active context after processing `local` (§4.1.2), as pyld's `_process_context`
    builds it; `Unsupported` for anything else."""
    if isinstance(local, Mapping) and type(local.get("@context")) is list:
        local = local["@context"]
    if type(local) is list and not local:
        raise Unsupported("an empty context")
    documents = _documents(local, load)
    if any(each is not None and "@propagate" in each for each in documents):
        raise Unsupported("@propagate")
    result: Mapping[str, Any] = active
    if not propagate and not result.get("previousContext"):
        clone = _clone(result)
        clone["previousContext"] = active
        result = clone
    for document in documents:
        if document is not None:
            result = _one(result, document, load, override)
        elif override or not any(m and m.get("protected") for m in result["mappings"].values()):
            result = initial_context()  # a null context (§4.1.2 step 5.1)
        else:
            raise Unsupported("invalid context nullification")
    return dict(result)


def _one(
    active: Mapping[str, Any], ctx: dict[str, Any], load: Load, override: bool
) -> dict[str, Any]:
    if not set(ctx) <= {"@version", "@vocab", "@language", "@protected"} | {
        k for k in ctx if not k.startswith("@")
    }:
        raise Unsupported("context entries")
    if active.get("processingMode", "json-ld-1.1") != "json-ld-1.1":
        raise Unsupported("processing mode")
    result = _clone(active)
    defined: dict[str, bool] = {}
    if "@version" in ctx:
        if ctx["@version"] != 1.1 or type(ctx["@version"]) is not float:
            raise Unsupported("@version")
        result["@version"] = ctx["@version"]
        defined["@version"] = True
    result["processingMode"] = "json-ld-1.1"
    if "@vocab" in ctx:
        value = ctx["@vocab"]
        if type(value) is not str:
            raise Unsupported("@vocab")
        result["@vocab"] = expand_iri(result, value)
        if not isinstance(result["@vocab"], str) or not _ABSOLUTE.match(result["@vocab"]):
            raise Unsupported("relative @vocab")
        defined["@vocab"] = True
    if "@language" in ctx:
        value = ctx["@language"]
        if type(value) is not str:
            raise Unsupported("@language")
        result["@language"] = value.lower()
        defined["@language"] = True
    protected = ctx.get("@protected", False)
    if type(protected) is not bool:
        raise Unsupported("@protected")
    defined["@protected"] = protected
    result["_uuid"] = _uuid()
    defined["_uuid"] = True
    for term, value in ctx.items():
        _define(result, ctx, term, defined, override)
        if isinstance(value, Mapping) and "@context" in value:
            scoped = value["@context"]
            if scoped is None:
                continue  # a null scoped context, with protected terms overridden, is valid
            if not isinstance(scoped, Mapping):
                raise Unsupported("a scoped context that is not an object")
            process_context(result, scoped, load, propagate=True, override=True)  # validates
    result["_uuid"] = _uuid()
    return result


def _define(
    active: dict[str, Any],
    local: Mapping[str, Any],
    term: str,
    defined: dict[str, bool],
    override: bool,
) -> None:
    """Create Term Definition (§4.1.3), as pyld does it, for the subset."""
    if term in defined:
        if defined[term]:
            return
        raise Unsupported("cyclic IRI mapping")
    defined[term] = False
    if term.startswith("@") or term == "" or term == "@type":
        raise Unsupported("keyword-like term")
    mappings = active["mappings"]
    previous = mappings.pop(term, None)
    value = local[term]
    simple = type(value) is str
    if simple:
        value = {"@id": value}
    if not isinstance(value, Mapping) or not set(value) <= _TERM_KEYS:
        raise Unsupported("term definition")
    mapping: dict[str, Any] = {"reverse": False, "protected": False, "_prefix": False}
    colon = term.find(":")
    mapping["_term_has_colon"] = colon > 0
    if "@id" in value:
        id_ = value["@id"]
        if type(id_) is not str or (id_ not in _KEYWORDS and _KEYWORD_LIKE.match(id_)):
            raise Unsupported("@id")
        if id_ != term:
            id_ = _expand_defining(active, local, id_, defined)
            if not isinstance(id_, str) or not (_ABSOLUTE.match(id_) or id_ in _KEYWORDS):
                raise Unsupported("invalid IRI mapping")
            if _IRI_LIKE_TERM.match(term):
                again = _expand_defining(active, local, term, {**defined, term: True})
                if again != id_:
                    raise Unsupported("term in form of IRI")
            mapping["@id"] = id_
            mapping["_prefix"] = (
                simple
                and not mapping["_term_has_colon"]
                and (id_.startswith("_:") or bool(_PREFIX_END.match(id_)))
            )
    if "@id" not in mapping:
        if mapping["_term_has_colon"]:
            prefix = term[:colon]
            if prefix in local:
                _define(active, local, prefix, defined, False)
            parent = mappings.get(prefix)
            mapping["@id"] = parent["@id"] + term[colon + 1 :] if parent is not None else term
        elif "@vocab" in active:
            mapping["@id"] = active["@vocab"] + term
        else:
            raise Unsupported("no @id")
    if value.get("@protected") or (defined.get("@protected") and value.get("@protected", True)):
        mapping["protected"] = True
    if "@type" in value:
        type_ = value["@type"]
        if type(type_) is not str:
            raise Unsupported("@type")
        if type_ not in ("@id", "@vocab", "@json", "@none"):
            type_ = _expand_defining(active, local, type_, defined)
            if not isinstance(type_, str) or not _ABSOLUTE.match(type_) or type_.startswith("_:"):
                raise Unsupported("invalid type mapping")
        mapping["@type"] = type_
    if "@container" in value:
        container = value["@container"]
        container = container if type(container) is list else [container]
        if (
            not container
            or not set(container) <= _CONTAINERS
            or len(set(container)) != len(container)
        ):
            raise Unsupported("@container")
        others = [c for c in container if c != "@set"]
        if len(others) > 1 or ("@list" in container and len(container) != 1):
            raise Unsupported("@container")
        mapping["@container"] = list(container)
    if "@context" in value:
        mapping["@context"] = False if value["@context"] is None else value["@context"]
    if "@language" in value and "@type" not in value:
        language = value["@language"]
        if language is not None and type(language) is not str:
            raise Unsupported("@language")
        mapping["@language"] = language.lower() if language is not None else None
    if mapping["@id"] in ("@context", "@preserve"):
        raise Unsupported("invalid keyword alias")
    if previous is not None and previous["protected"] and not override:
        mapping["protected"] = True
        if previous != mapping:
            raise Unsupported("protected term redefinition")
    mappings[term] = mapping
    defined[term] = True


def _expand_defining(
    active: dict[str, Any], local: Mapping[str, Any], value: str, defined: dict[str, bool]
) -> Any:
    """IRI Expansion during context processing: defines the terms `value` depends on."""
    if value in _KEYWORDS:
        return value
    if _KEYWORD_LIKE.match(value):
        return None
    if value in local and defined.get(value) is not True:
        _define(active, local, value, defined, False)
    colon = value.find(":")
    if value not in active["mappings"] and colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if (
            prefix != "_"
            and not suffix.startswith("//")
            and prefix in local
            and not defined.get(prefix)
        ):
            _define(active, local, prefix, defined, False)
    return expand_iri(active, value)


def expand_iri(active: Mapping[str, Any], value: Any) -> Any:
    """IRI Expansion (§4.2.2), vocabulary-relative, with a null base IRI (DI §2.4.3)."""
    if value is None or type(value) is not str or value in _KEYWORDS:
        return value
    if _KEYWORD_LIKE.match(value):
        return None
    mappings = active["mappings"]
    if value in mappings:
        mapping = mappings[value]
        return None if mapping is None else mapping["@id"]
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        mapping = mappings.get(prefix)
        if mapping and mapping["_prefix"]:
            return mapping["@id"] + suffix
        if _ABSOLUTE.match(value):
            return value
    if "@vocab" in active:
        return active["@vocab"] + value
    return value
