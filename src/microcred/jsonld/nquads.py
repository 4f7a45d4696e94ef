"""Canonical N-Quads: RDF terms as their canonical strings, serialisation and parsing.

A term is its canonical N-Quads string (RDFC-1.0 Appendix A) and a quad a 4-tuple of
terms, so canonicalisation and hashing work on plain strings without re-encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from types import MappingProxyType

from microcred.errors import InvalidRdfTermError, NQuadsSyntaxError

__all__ = [
    "RDF_FIRST",
    "RDF_LANGSTRING",
    "RDF_NIL",
    "RDF_REST",
    "RDF_TYPE",
    "XSD_STRING",
    "Dataset",
    "Quad",
    "blank_node",
    "iri",
    "language_tag",
    "literal",
    "parse",
    "quote",
    "serialize",
]

Quad = tuple[str, str, str, str]
"""(subject, predicate, object, graph) in canonical term form; graph "" is the default graph."""


class Dataset(tuple[Quad, ...]):
    """A set of quads whose terms were built by `iri`, `literal`, `blank_node`, `quote` and
    `language_tag` (so well-formed), without duplicates: what `to_rdf` returns. Canonicalization
    trusts it and skips re-checking every term."""

    __slots__ = ()


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = f"<{_RDF}type>"
RDF_FIRST, RDF_REST, RDF_NIL = f"<{_RDF}first>", f"<{_RDF}rest>", f"<{_RDF}nil>"
"""The terms of rdf:type and of RDF collections (JSON-LD 1.1 API §8.1.2, §8.1.4)."""

# RDFC-1.0 Appendix A: ECHAR for BS HT LF FF CR " \, UCHAR (\uXXXX, uppercase HEX) for the
# other C0 controls, DEL and code points outside XML 1.1 Char (surrogates, U+FFFE, U+FFFF).
_UCHAR_ESCAPED = (*range(0x20), 0x7F, *range(0xD800, 0xE000), 0xFFFE, 0xFFFF)
_ECHARS = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"'}
_ESCAPES = MappingProxyType(
    {cp: f"\\u{cp:04X}" for cp in _UCHAR_ESCAPED} | _ECHARS | {0x5C: "\\\\"}
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff\ufffe\uffff]')

# RDF 1.1 N-Quads grammar productions.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_LABEL = f"[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI_CHAR = '[^\\x00-\\x20<>"{}|^`\\\\\ud800-\udfff]'

_ABSOLUTE_IRI_RE = re.compile(f"[A-Za-z][A-Za-z0-9+.\\-]*:{_IRI_CHAR}*")
_LANGTAG_RE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")

_IRIREF_TOKEN = re.compile(f"<((?:{_IRI_CHAR}|{_UCHAR})*)>")
_STRING_TOKEN = re.compile(f'"((?:[^"\\\\\\n\\r]|\\\\[tbnrf"\'\\\\]|{_UCHAR})*)"')
_LANGTAG_TOKEN = re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")
_END = re.compile(r"[ \t]*\.[ \t]*(?:#.*)?\Z")
_BLANK_LINE = re.compile(r"[ \t]*(?:#.*)?\Z")
_EOL = re.compile(r"\r\n|\r|\n")
_ESCAPE_SEQUENCE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"\'\\]))')


@cache
def _labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """BLANK_NODE_LABEL as a label and as a token: their Unicode classes take most of a
    cold start's import time to compile, so they compile on first use."""
    return re.compile(_LABEL), re.compile(f"_:{_LABEL}")


_ECHAR_VALUES = MappingProxyType(
    {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
)


def iri(value: str) -> str:
    """The canonical term for an absolute IRI: `<value>`, characters written as they are.

    IRIs that N-Quads cannot write (relative, or holding spaces, controls, `<>"{}|^\\` or
    backquote) are refused: written raw they would make two quads serialise alike.
    """
    if _ABSOLUTE_IRI_RE.fullmatch(value) is None:
        raise InvalidRdfTermError(f"not an absolute IRI that N-Quads can write: {value!r}")
    return f"<{value}>"


def blank_node(label: str) -> str:
    """The term for a blank node: `_:label` (label per the N-Quads BLANK_NODE_LABEL rule)."""
    if _labels()[0].fullmatch(label) is None:
        raise InvalidRdfTermError(f"not a valid blank node label: {label!r}")
    return f"_:{label}"


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """The canonical term for a literal (RDFC-1.0 Appendix A escaping).

    xsd:string is left implicit; a `language` makes an rdf:langString (`"v"@tag`).
    """
    text = quote(value)
    if language is not None:
        if datatype not in (XSD_STRING, RDF_LANGSTRING):
            raise InvalidRdfTermError(
                f"a literal with language {language!r} must be rdf:langString, not {datatype!r}"
            )
        return text + language_tag(language)
    if datatype == XSD_STRING:
        return text
    if datatype == RDF_LANGSTRING:
        raise InvalidRdfTermError("an rdf:langString literal needs a language tag")
    return f"{text}^^{iri(datatype)}"


def quote(value: str) -> str:
    """A literal's lexical form in quotes, escaped as RDFC-1.0 Appendix A says."""
    return f'"{value.translate(_ESCAPES)}"' if _NEEDS_ESCAPE.search(value) else f'"{value}"'


def language_tag(tag: str) -> str:
    """A language tag as N-Quads writes it (`@tag`), refused unless well-formed."""
    if _LANGTAG_RE.fullmatch(tag) is None:
        raise InvalidRdfTermError(f"not a valid language tag: {tag!r}")
    return f"@{tag}"


def serialize(quads: Iterable[Quad]) -> str:
    """Canonical N-Quads: one `s p o [g] .` line per quad, LF-terminated, in the given order."""
    try:
        return "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)
    except (TypeError, ValueError) as error:
        raise InvalidRdfTermError(f"a quad must be a 4-tuple of term strings: {error}") from None


def parse(text: str) -> list[Quad]:
    """Parse an N-Quads document into quads of canonical terms (escapes decoded, re-escaped).

    Raises NQuadsSyntaxError naming the 1-based line of the first error.
    """
    quads: list[Quad] = []
    for number, line in enumerate(_EOL.split(text), start=1):
        if _BLANK_LINE.match(line):
            continue
        try:
            quads.append(_statement(line))
        except (NQuadsSyntaxError, InvalidRdfTermError) as error:
            raise NQuadsSyntaxError(error.message, line=number) from None
    return quads


def _statement(line: str) -> Quad:
    """One N-Quads `statement` production: subject predicate object graphLabel? '.'."""
    subject, pos = _term(line, _skip_spaces(line, 0), "subject")
    predicate, pos = _term(line, pos, "predicate")
    obj, pos = _term(line, pos, "object")
    graph = ""
    if pos < len(line) and line[pos] not in ".#":
        graph, pos = _term(line, pos, "graph")
    if _END.match(line, pos) is None:
        raise NQuadsSyntaxError(f"expected '.' at column {pos + 1}")
    return subject, predicate, obj, graph


def _term(line: str, pos: int, role: str) -> tuple[str, int]:
    """Read the term for `role` at `pos`; return it and the position after the spaces after it."""
    first = line[pos : pos + 1]
    found: tuple[str, int] | None = None
    if first == "<":
        match = _IRIREF_TOKEN.match(line, pos)
        if match is not None:
            found = iri(_unescape(match.group(1))), match.end()
    elif first == "_" and role != "predicate":
        match = _labels()[1].match(line, pos)
        if match is not None:
            found = match.group(0), match.end()
    elif first == '"' and role == "object":
        match = _STRING_TOKEN.match(line, pos)
        if match is not None:
            found = _literal_term(line, match)
    if found is None:
        raise NQuadsSyntaxError(f"malformed {role} at column {pos + 1}")
    return found[0], _skip_spaces(line, found[1])


def _skip_spaces(line: str, pos: int) -> int:
    while line[pos : pos + 1] in (" ", "\t"):
        pos += 1
    return pos


def _literal_term(line: str, match: re.Match[str]) -> tuple[str, int]:
    """The canonical literal for a STRING_LITERAL_QUOTE match and its optional suffix."""
    value = _unescape(match.group(1))
    end = match.end()
    if line.startswith("^^", end):
        datatype = _IRIREF_TOKEN.match(line, end + 2)
        if datatype is None:
            raise NQuadsSyntaxError(f"malformed datatype IRI at column {end + 3}")
        return literal(value, _unescape(datatype.group(1))), datatype.end()
    language = _LANGTAG_TOKEN.match(line, end)
    if language is not None:
        return literal(value, RDF_LANGSTRING, language.group(1)), language.end()
    return literal(value), end


def _unescape(text: str) -> str:
    """Decode UCHAR and ECHAR escapes (the grammar has already checked where they may occur)."""
    return _ESCAPE_SEQUENCE.sub(_decode_escape, text) if "\\" in text else text


def _decode_escape(match: re.Match[str]) -> str:
    short, long, echar = match.groups()
    if echar is not None:
        return _ECHAR_VALUES[echar]
    code = int(short or long, 16)
    if code > 0x10FFFF:
        raise NQuadsSyntaxError(f"escape {match.group(0)} is beyond U+10FFFF")
    return chr(code)
