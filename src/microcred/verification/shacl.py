"""SHACL validation of a JSON-LD credential against shapes the caller gives (optional extra).

W3C SHACL §3 (validation report): each `sh:ValidationResult` becomes a Problem. The credential
goes to RDF through our safe `to_rdf` (bundled contexts only, no data loss), then into rdflib
as N-Triples, so neither rdflib's JSON-LD loader nor the network is involved. pyshacl (and
rdflib) come with `pip install microcred[shacl]` and are imported only when used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from microcred.errors import InvalidOptionError, MicrocredError, MissingDependencyError
from microcred.jsonld.expand import to_rdf
from microcred.jsonld.loader import DocumentLoader
from microcred.jsonld.nquads import serialize
from microcred.result import Check, Problem, VerificationResult

__all__ = ["SHACL_VIOLATION", "SHACL_WARNING", "ShapesInput", "check_shacl", "validate_shacl"]

SHACL_VIOLATION = "SHACL_VIOLATION"
SHACL_WARNING = "SHACL_WARNING"

ShapesInput = str | Path | Sequence[str | Path]
"""One Turtle shapes file, or several that import each other (loaded together)."""

_SH = "http://www.w3.org/ns/shacl#"


def _import(name: str) -> ModuleType:
    try:
        return import_module(name)
    except ImportError:
        raise MissingDependencyError(
            f"SHACL validation needs {name}: pip install microcred[shacl]"
        ) from None


def _shapes_graph(shapes: ShapesInput) -> Any:
    """One rdflib graph of every shapes file (`owl:imports` are not followed: list them)."""
    rdflib = _import("rdflib")
    files = [shapes] if isinstance(shapes, str | Path) else list(shapes)
    if not files:
        raise InvalidOptionError("no SHACL shapes file given")
    graph = rdflib.Graph()
    for file in files:
        try:
            graph.parse(Path(file), format="turtle")
        except (OSError, ValueError, SyntaxError) as error:  # rdflib's BadSyntax: SyntaxError
            raise InvalidOptionError(f"cannot read SHACL shapes {str(file)!r}: {error}") from None
    return graph


def _data_graph(document: Mapping[str, Any], loader: DocumentLoader | None) -> Any:
    """The credential's default graph as an rdflib graph, via our safe JSON-LD to RDF."""
    rdflib = _import("rdflib")
    triples = [q for q in to_rdf(document, loader=loader) if not q[3]]
    graph = rdflib.Graph()
    graph.parse(data=serialize(triples), format="nt")
    return graph


def _text(graph: Any, node: Any) -> str:
    """An RDF term as a reader wants it: the IRI or literal itself, else its Turtle form."""
    if node is None:
        return ""
    rdflib = _import("rdflib")
    if isinstance(node, rdflib.URIRef | rdflib.Literal):
        return str(node)
    return str(node.n3(graph.namespace_manager))


def _problems(report: Any) -> tuple[list[Problem], list[Problem]]:
    """(violations, warnings and infos) of a SHACL validation report graph, in stable order."""
    rdflib = _import("rdflib")
    sh = rdflib.Namespace(_SH)
    violations: list[Problem] = []
    others: list[Problem] = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = _text(report, report.value(result, sh.focusNode))
        path = _text(report, report.value(result, sh.resultPath))
        message = report.value(result, sh.resultMessage)
        component = _text(report, report.value(result, sh.sourceConstraintComponent))
        text = str(message) if message is not None else f"violates {component}"
        where = (focus, path) if path else (focus,)
        if report.value(result, sh.resultSeverity) == sh.Violation:
            violations.append(Problem(SHACL_VIOLATION, text, where))
        else:
            others.append(Problem(SHACL_WARNING, text, where))
    order = lambda p: (p.path, p.message)  # noqa: E731
    return sorted(violations, key=order), sorted(others, key=order)


def check_shacl(
    document: Mapping[str, Any], shapes: ShapesInput, *, loader: DocumentLoader | None = None
) -> Check:
    """The `shacl` check: does the credential's RDF graph conform to the shapes (SHACL §3)?

    A document that cannot become RDF safely (unknown context, data loss) fails the check
    with that error as its problem. Raises `MissingDependencyError` without pyshacl and
    `InvalidOptionError` for unreadable shapes.
    """
    pyshacl = _import("pyshacl")
    shapes_graph = _shapes_graph(shapes)
    try:
        data = _data_graph(document, loader)
    except MicrocredError as error:
        return Check.from_problems("shacl", [Problem.from_error(error)])
    _conforms, report, _text_report = pyshacl.validate(
        data, shacl_graph=shapes_graph, inference="none", advanced=False, do_owl_imports=False
    )
    violations, others = _problems(report)
    return Check.from_problems("shacl", violations, others, details={"triples": len(data)})


def validate_shacl(
    document: Mapping[str, Any], shapes: ShapesInput, *, loader: DocumentLoader | None = None
) -> VerificationResult:
    """Validate a JSON-LD credential (e.g. an EDC) against SHACL shapes, offline.

    `shapes` is a Turtle file or a list of files (EDC-generic-full.ttl imports
    EDC-generic-no-cv.ttl: give both). One Problem per violation: code SHACL_VIOLATION,
    message = sh:resultMessage, path = (focus node, sh:resultPath).
    """
    return VerificationResult.from_checks([check_shacl(document, shapes, loader=loader)])
