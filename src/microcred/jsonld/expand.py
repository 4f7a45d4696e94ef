"""Safe JSON-LD expansion and conversion to RDF (VC Data Integrity 1.0 §2.4.3).

pyld silently drops undefined terms and relative IRIs, which would leave data unsigned.
Here every drop becomes a `DataLossError` naming the JSON path, the base IRI is null, only
our loader is used, and pyld's context errors become typed errors naming context and term.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pyld import jsonld as _pyld

from microcred.errors import (
    DataLossError,
    InvalidContextError,
    JsonLdError,
    MalformedDocumentError,
    MicrocredError,
    Path,
    ProtectedTermRedefinitionError,
    UnknownContextError,
)
from microcred.jsonld import compacted
from microcred.jsonld.compacted import MAX_DEPTH
from microcred.jsonld.contexts import pyld_options
from microcred.jsonld.deserialize import to_quads
from microcred.jsonld.loader import BundledLoader, DocumentLoader
from microcred.jsonld.nquads import Dataset

__all__ = ["MAX_DEPTH", "expand", "to_rdf"]


class _Located(dict[str, Any]):
    """A JSON object that remembers its JSON path; the path survives pyld's deep copy."""

    path: Path


def _locate(value: Any, path: Path, depth: int = 0) -> Any:
    """Copy `value`, wrapping every object in `_Located`; refuse hostile nesting."""
    if depth > MAX_DEPTH:
        raise MalformedDocumentError(f"JSON nesting deeper than {MAX_DEPTH} levels", path=path)
    if isinstance(value, Mapping):
        located = _Located()
        located.path = path
        for key, item in value.items():
            if not isinstance(key, str):
                raise MalformedDocumentError(f"object key {key!r} is not a string", path=path)
            located[key] = _locate(item, (*path, key), depth + 1)
        return located
    if isinstance(value, (list, tuple)):
        return [_locate(item, (*path, i), depth + 1) for i, item in enumerate(value)]
    return value


def _is_absolute_or_blank(value: str) -> bool:
    return value.startswith("_:") or _pyld._is_absolute_iri(value)


class _SafeProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with data-loss detection that knows where in the input it is."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        self._stack: list[tuple[Any, Any]] = []
        self.losses: list[tuple[Path, str]] = []
        self._expanded_keys: dict[tuple[int, str], Any] = {}

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        inside_list: bool = False,
        type_key: Any = None,
        type_scoped_ctx: Any = None,
    ) -> Any:
        self._stack.append((element, active_ctx))
        try:
            result = super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                inside_list,
                type_key,
                type_scoped_ctx,
            )
        finally:
            self._stack.pop()
        self._check_relative_iris(active_ctx, element, expanded_parent)
        self._check_unsigned_keys(active_ctx, element)
        return result

    def _create_term_definition(
        self, active_ctx: Any, local_ctx: Any, term: str, *args: Any, **kw: Any
    ) -> Any:
        try:
            return super()._create_term_definition(active_ctx, local_ctx, term, *args, **kw)
        except _pyld.JsonLdError as error:
            if error.code == "protected term redefinition":
                raise ProtectedTermRedefinitionError(
                    f"a context redefines the protected term {term!r}", term=term
                ) from error
            raise

    def _path_of(self, element: Any) -> Path:
        return element.path if isinstance(element, _Located) else ()

    def _expand_key(self, active_ctx: Any, key: str) -> Any:
        """IRI expansion of a key (vocab-relative), once per active context and key: the
        contexts live through the expansion, so their ids are stable keys."""
        memo = (id(active_ctx), key)
        if memo not in self._expanded_keys:
            self._expanded_keys[memo] = self._expand_iri(active_ctx, key, vocab=True)
        return self._expanded_keys[memo]

    def _keys_expanding_to(self, active_ctx: Any, element: Any, expanded: str | None) -> list[str]:
        return [
            key
            for key in element
            if key != "@context" and self._expand_key(active_ctx, key) == expanded
        ]

    def _property_dropped(self, expanded_property: str | None) -> None:
        """pyld's callback for a dropped key: record the key's JSON path."""
        element, active_ctx = self._stack[-1] if self._stack else (None, None)
        keys = self._keys_expanding_to(active_ctx, element, expanded_property) if element else []
        for key in keys or ["?"]:
            self.losses.append(
                ((*self._path_of(element), key), f"term {key!r} is not defined by any context")
            )

    def _check_unsigned_keys(self, active_ctx: Any, element: Any) -> None:
        """Report keys JSON-LD keeps out of RDF without pyld saying so: blank-node properties
        (RDF has none), keywords a node object cannot hold, and `@set` beside other keys."""
        for key, value in element.items():
            if key == "@context" or value is None:  # null is "no value": nothing goes unsigned
                continue
            expanded = self._expand_key(active_ctx, key)
            if not isinstance(expanded, str):
                continue
            if expanded.startswith("_:"):
                why = f"property {key!r} is a blank node identifier, which RDF cannot sign"
            elif expanded == "@set" and set(element) - {"@set", "@context"}:
                why = f"{key!r} beside other keys is not a set object"
            elif expanded.startswith("@") and expanded not in _NODE_KEYWORDS:
                why = f"keyword {key!r} has no meaning in an object and would not be signed"
            else:
                continue
            self.losses.append(((*self._path_of(element), key), why))

    def _check_relative_iris(self, active_ctx: Any, element: Any, expanded: Any) -> None:
        """Report node ids, types and node references that stayed relative (base IRI is null)."""
        if not isinstance(expanded, dict):
            return
        base = self._path_of(element)
        for prop, values in expanded.items():
            if prop == "@id":
                values = [{"@id": values}]
            elif prop == "@type":
                values = [{"@id": t} for t in (values if isinstance(values, list) else [values])]
            elif not isinstance(values, list):
                continue
            for item in values:
                ref = (
                    item.get("@id")
                    if isinstance(item, dict) and set(item) <= {"@id", "@index"}
                    else None
                )
                if isinstance(ref, str) and not _is_absolute_or_blank(ref):
                    keys = self._keys_expanding_to(active_ctx, element, prop) or [prop]
                    path = (*base, keys[0], *_index_of(element.get(keys[0]), ref))
                    self.losses.append((path, f"relative IRI {ref!r} (the base IRI is null)"))


_NODE_KEYWORDS = frozenset(
    {"@id", "@type", "@graph", "@included", "@reverse", "@nest", "@set", "@list"}
    | {"@value", "@language", "@direction"}
)
"""Keywords of node, value, list and set objects that reach RDF; `@index` does not, so a
signature over RDF would not cover it (JSON-LD 1.1 §4.6.1)."""


def _index_of(value: Any, ref: str) -> tuple[int, ...]:
    """Where in an input array the relative IRI `ref` sits, for a precise path."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if item == ref or (isinstance(item, Mapping) and ref in item.values()):
                return (i,)
    return ()


_CONTEXT_ERROR_CODES = frozenset(
    {
        "context overflow",
        "cyclic IRI mapping",
        "invalid @import value",
        "invalid @propagate value",
        "invalid @version value",
        "invalid base IRI",
        "invalid container mapping",
        "invalid context entry",
        "invalid context nullification",
        "invalid default language",
        "invalid IRI mapping",
        "invalid keyword alias",
        "invalid language mapping",
        "invalid local context",
        "invalid prefix value",
        "invalid protected value",
        "invalid remote context",
        "invalid reverse property",
        "invalid scoped context",
        "invalid term definition",
        "invalid type mapping",
        "invalid vocab mapping",
        "keyword redefinition",
        "loading remote context failed",
        "processing mode conflict",
        "recursive context inclusion",
    }
)
"""JSON-LD 1.1 API error codes (§9.4.2) raised while processing a context."""


def _find_protector(
    document: Mapping[str, Any], term: str | None, loader: DocumentLoader
) -> str | None:
    """Name the context that redefined `term`: the second top-level context that defines it."""
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    definers: list[str] = []
    for i, entry in enumerate(contexts):
        body: Any = entry
        if isinstance(entry, str):
            try:
                body = loader(entry).get("document", {}).get("@context", {})
            except MicrocredError:
                continue
        if isinstance(body, Mapping) and term in body:
            definers.append(entry if isinstance(entry, str) else f"inline context at @context[{i}]")
    return definers[1] if len(definers) > 1 else (definers[0] if definers else None)


def _translate(
    error: BaseException, document: Mapping[str, Any], loader: DocumentLoader
) -> MicrocredError:
    """Turn a pyld failure into our typed error (the cause chain holds ours if we raised it)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ProtectedTermRedefinitionError):
            culprit = _find_protector(document, cause.term, loader)
            where = f" ({culprit})" if culprit else ""
            return ProtectedTermRedefinitionError(
                f"context{where} redefines the protected term {cause.term!r}",
                context=culprit,
                term=cause.term,
                path=("@context",),
            )
        if isinstance(cause, UnknownContextError):
            return UnknownContextError(cause.url, path=("@context",))
        if isinstance(cause, MicrocredError):
            return cause
        cause = cause.__cause__
    if isinstance(error, RecursionError):
        return MalformedDocumentError("document too deeply nested for JSON-LD processing")
    code = getattr(error, "code", None)
    while code is None and error.__cause__ is not None:  # pyld wraps expansion errors in to_rdf
        error = error.__cause__
        code = getattr(error, "code", None)
    message = error.args[0] if error.args else str(error)
    if code in _CONTEXT_ERROR_CODES:
        return InvalidContextError(
            f"invalid JSON-LD context ({code}): {message}", path=("@context",)
        )
    return JsonLdError(f"JSON-LD processing failed ({code or type(error).__name__}): {message}")


def _run(
    document: Any, loader: DocumentLoader | None, operation: Callable[..., Any], **extra: Any
) -> Any:
    """Run a pyld operation through the safe processor and our loader; raise typed errors."""
    if not isinstance(document, Mapping):
        raise MalformedDocumentError("a JSON-LD document must be a JSON object")
    loader = loader if loader is not None else BundledLoader()
    processor = _SafeProcessor()
    try:
        output = operation(processor, _locate(document, ()), {**pyld_options(loader), **extra})
    except Exception as error:  # pyld's errors, and its crashes on odd input (pyld bugs)
        raise _translate(error, document, loader) from error
    if processor.losses:
        path, why = processor.losses[0]
        more = f" (and {len(processor.losses) - 1} more)" if len(processor.losses) > 1 else ""
        raise DataLossError(f"JSON-LD would drop data: {why}{more}", path=path)
    return output


def expand(document: Any, *, loader: DocumentLoader | None = None) -> list[dict[str, Any]]:
    """Expand a JSON-LD document safely: typed errors instead of silent data loss (DI §2.4.3)."""
    expanded = _run(document, loader, _pyld.JsonLdProcessor.expand)
    return _plain(expanded)  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    """Strip the `_Located` wrappers so callers get plain dicts."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_rdf(document: Any, *, loader: DocumentLoader | None = None, direct: bool = True) -> Dataset:
    """The RDF dataset of a JSON-LD document, after safe expansion, as quads.

    Documents in canonical compacted form take the direct path (`jsonld.compacted`, what
    signing and verification use); others, and `direct=False`, take the general path:
    pyld's safe expansion, then `jsonld.deserialize` (linear, unlike pyld's toRdf).
    `@direction` becomes an i18n datatype (as Digital Bazaar does) so a text's direction
    is signed too.
    """
    loader = loader if loader is not None else BundledLoader()
    if direct:
        try:
            return compacted.to_rdf(document, loader)
        except MicrocredError:
            pass  # the general path decides, and names the problem its own way
    return to_quads(expand(document, loader=loader))
