"""Canonical N-Quads terms, serialisation and parsing (RDFC-1.0 Appendix A, RDF 1.1 N-Quads)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import CanonicalizationError, InvalidRdfTermError, NQuadsSyntaxError
from microcred.jsonld.nquads import (
    RDF_LANGSTRING,
    XSD_STRING,
    Quad,
    blank_node,
    iri,
    literal,
    parse,
    serialize,
)

# RDFC-1.0 Appendix A, "Within STRING_LITERAL_QUOTE": the one representation of each code point.
ECHAR_FORMS = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
ECHAR_FORMS["\\"] = "\\\\"
UCHAR_CODE_POINTS = [*range(0x08), 0x0B, *range(0x0E, 0x20), 0x7F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF]


def canonical_char(char: str) -> str:
    """The Appendix A form of one character, written independently of the implementation."""
    if char in ECHAR_FORMS:
        return ECHAR_FORMS[char]
    if ord(char) in UCHAR_CODE_POINTS or 0xD800 <= ord(char) <= 0xDFFF:
        return "\\u" + format(ord(char), "04X")
    return char


class TestTerms:
    def test_iri_is_written_between_angle_brackets_as_is(self) -> None:
        assert iri("https://example.org/a?b#c") == "<https://example.org/a?b#c>"
        assert iri("urn:ex:∞") == "<urn:ex:∞>"

    @pytest.mark.parametrize(
        "value", ["relative/path", "", "http://a b", "http://a<b", "http://a\\b", "x:\x01", "x:`"]
    )
    def test_iri_refuses_what_n_quads_cannot_write(self, value: str) -> None:
        with pytest.raises(InvalidRdfTermError) as caught:
            iri(value)
        assert caught.value.code == "INVALID_RDF_TERM"

    def test_blank_node(self) -> None:
        assert blank_node("b0") == "_:b0"
        assert blank_node("a.b-c") == "_:a.b-c"
        for bad in ["", "a b", "a.", "-a", "a>"]:
            with pytest.raises(InvalidRdfTermError):
                blank_node(bad)

    def test_simple_literal_omits_xsd_string(self) -> None:
        assert literal("plain") == '"plain"'
        assert literal("plain", XSD_STRING) == '"plain"'

    def test_typed_and_language_literals(self) -> None:
        integer = "http://www.w3.org/2001/XMLSchema#integer"
        assert literal("1", integer) == f'"1"^^<{integer}>'
        assert literal("Hallo", language="de-AT") == '"Hallo"@de-AT'
        assert literal("Hallo", RDF_LANGSTRING, "de") == '"Hallo"@de'
        # JSON-LD i18n-datatype direction: just an IRI datatype
        assert literal("x", "https://www.w3.org/ns/i18n#ar-EG_rtl").endswith("#ar-EG_rtl>")

    @pytest.mark.parametrize(
        ("value", "datatype", "language"),
        [
            ("x", RDF_LANGSTRING, None),
            ("x", "http://www.w3.org/2001/XMLSchema#integer", "en"),
            ("x", XSD_STRING, "en_GB"),
            ("x", XSD_STRING, ""),
            ("x", "not-absolute", None),
        ],
    )
    def test_literal_refuses_inconsistent_parts(
        self, value: str, datatype: str, language: str | None
    ) -> None:
        with pytest.raises(InvalidRdfTermError):
            literal(value, datatype, language)

    def test_escaping_follows_appendix_a(self) -> None:
        # RDFC-1.0 test060 characters: ECHAR for BS HT LF FF CR " \, uppercase UCHAR for others
        value = "".join(chr(c) for c in range(0x20)) + '\x7f"\\ é∞🌃\x80\u2028\ufffd'
        expected = "".join(canonical_char(c) for c in value)
        assert literal(value) == f'"{expected}"'
        assert "\\u000B" in expected and "\\u007F" in expected and "\\b\\t\\n" in expected

    def test_code_points_outside_xml_char_are_escaped(self) -> None:
        assert literal("\ud800\ufffe\uffff") == '"\\uD800\\uFFFE\\uFFFF"'

    @given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF)))
    def test_every_character_has_its_one_canonical_form(self, value: str) -> None:
        assert literal(value) == '"' + "".join(canonical_char(c) for c in value) + '"'


class TestSerialize:
    def test_default_and_named_graph_lines(self) -> None:
        quads: list[Quad] = [
            ("<x:s>", "<x:p>", '"o"', ""),
            ("_:b0", "<x:p>", "<x:o>", "_:g"),
        ]
        assert serialize(quads) == '<x:s> <x:p> "o" .\n_:b0 <x:p> <x:o> _:g .\n'

    def test_keeps_the_given_order(self) -> None:
        quads: list[Quad] = [("<x:b>", "<x:p>", "<x:o>", ""), ("<x:a>", "<x:p>", "<x:o>", "")]
        assert serialize(quads).startswith("<x:b>")

    def test_refuses_non_quads(self) -> None:
        with pytest.raises(InvalidRdfTermError):
            serialize([("<x:s>", "<x:p>")])  # type: ignore[list-item]


class TestParse:
    def test_terms_come_back_canonical(self) -> None:
        text = (
            "# comment line\n"
            '<urn:ex:\\u0073> <urn:ex:p> "a\\u0009b\\U0001F303"'
            "^^<http://www.w3.org/2001/XMLSchema#string> .\r\n"
            "\n"
            '_:x.1 <urn:ex:p> "chat"@fr-CA <urn:ex:g> . # trailing comment\r'
            '_:y\t<urn:ex:p>\t"d\\"q"^^<urn:ex:dt>\t_:g.\n'
        )
        assert parse(text) == [
            ("<urn:ex:s>", "<urn:ex:p>", '"a\\tb🌃"', ""),
            ("_:x.1", "<urn:ex:p>", '"chat"@fr-CA', "<urn:ex:g>"),
            ("_:y", "<urn:ex:p>", '"d\\"q"^^<urn:ex:dt>', "_:g"),
        ]

    def test_raw_characters_allowed_in_strings_are_re_escaped(self) -> None:
        (quad,) = parse('<x:s> <x:p> "tab\there\x01\x7f\u2028" .')
        assert quad[2] == '"tab\\there\\u0001\\u007F\u2028"'

    def test_empty_document(self) -> None:
        assert parse("") == []
        assert parse("  \n# only a comment\n\n") == []

    @pytest.mark.parametrize(
        ("line", "fragment"),
        [
            ("<x:s> <x:p> <x:o>", "expected '.'"),
            ("<x:s> _:p <x:o> .", "predicate"),
            ('"s" <x:p> <x:o> .', "subject"),
            ('<x:s> <x:p> <x:o> "g" .', "graph"),
            ("<x:s> <x:p> <x:o> <x:g> <x:h> .", "expected '.'"),
            ('<x:s> <x:p> "unterminated .', "object"),
            ('<x:s> <x:p> "bad \\q escape" .', "object"),
            ('<x:s> <x:p> "x"@ .', "malformed graph"),
            ("<x:s> <x:p> <x:o> # no dot", "expected '.'"),
            ('<x:s> <x:p> "x"^^<rel> .', "absolute IRI"),
            ("<rel> <x:p> <x:o> .", "absolute IRI"),
            ("<x:a\\u0020b> <x:p> <x:o> .", "absolute IRI"),
            ("<x:a b> <x:p> <x:o> .", "subject"),
            ('<x:s> <x:p> "\\U00110000" .', "beyond U+10FFFF"),
            ('<x:s> <x:p> "x"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .', "lang"),
        ],
    )
    def test_errors_name_the_line(self, line: str, fragment: str) -> None:
        with pytest.raises(NQuadsSyntaxError) as caught:
            parse("<x:s> <x:p> <x:o> .\n# fine so far\n" + line + "\n")
        assert caught.value.code == "NQUADS_SYNTAX_ERROR"
        assert caught.value.line == 3
        assert str(caught.value).startswith("line 3: ")
        assert fragment in str(caught.value)
        assert isinstance(caught.value, CanonicalizationError)


_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12)
_iri_text = st.text(
    alphabet=st.characters(
        min_codepoint=0x21, max_codepoint=0x2FFF, exclude_characters='<>"{}|^`\\'
    ),
    max_size=8,
)
_iris = _iri_text.map(lambda tail: iri("urn:x:" + tail))
_blanks = st.from_regex(r"[A-Za-z_0-9][A-Za-z0-9_.\-]{0,4}[A-Za-z0-9]", fullmatch=True).map(
    blank_node
)
_literals = st.one_of(
    _text.map(literal),
    st.tuples(_text, _iri_text).map(lambda vd: literal(vd[0], "urn:dt:" + vd[1])),
    st.tuples(_text, st.from_regex(r"[a-z]{1,8}(-[A-Za-z0-9]{1,8}){0,2}", fullmatch=True)).map(
        lambda vl: literal(vl[0], language=vl[1])
    ),
)
_quads = st.tuples(
    st.one_of(_iris, _blanks),
    _iris,
    st.one_of(_iris, _blanks, _literals),
    st.one_of(st.just(""), _iris, _blanks),
)


@settings(max_examples=200)
@given(st.lists(_quads, max_size=6))
def test_parse_reads_back_what_serialize_writes(quads: list[Quad]) -> None:
    assert parse(serialize(quads)) == quads
