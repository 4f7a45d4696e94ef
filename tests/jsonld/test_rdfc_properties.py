"""Differential and invariance properties of RDFC-1.0 on generated datasets.

Datasets are random blank-node graphs with cycles and symmetric parts (cliques, rings,
disjoint copies), named graphs (IRI and blank node), and literals of every kind. Our output
must equal pyld 3.3.0's URDNA2015 except where pyld is known to deviate from RDFC-1.0:
  * escaping: pyld writes C0 controls, U+007F, U+FFFE/U+FFFF raw (rdf-canon test060), so
    such characters go only into quads without blank nodes and pyld's output is
    re-escaped before comparing;
  * a quad naming the same blank node twice is counted twice in pyld's mention sets
    (RDFC-1.0 §4.4.3 step 2.1 counts it once), so such quads are not sent to pyld.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015  # type: ignore[import-untyped]

from microcred.jsonld.nquads import RDF_LANGSTRING, XSD_STRING, Quad, parse, serialize
from microcred.jsonld.nquads import blank_node as bnode_term
from microcred.jsonld.nquads import iri as iri_term
from microcred.jsonld.nquads import literal as literal_term
from microcred.jsonld.rdfc import canonicalize, canonicalize_with_map

# An abstract term: ("iri", value) | ("bnode", label) | ("literal", value, datatype, language)
Term = tuple[Any, ...]
AbstractQuad = tuple[Term, Term, Term, Term | None]

PREDICATES = [("iri", f"http://example.org/vocab#{name}") for name in ("p", "q", "r")]
RESOURCES = [("iri", f"urn:ex:{name}") for name in ("a", "b", "∞")]
GRAPHS = [("iri", "urn:ex:graph1"), ("iri", "urn:ex:graph2")]
DATATYPES = [XSD_STRING, "http://www.w3.org/2001/XMLSchema#integer", "urn:ex:dt:∞"]

# Characters pyld 3.3.0 writes as RDFC-1.0 does, and every code point.
PYLD_SAFE = st.characters(
    min_codepoint=0x09,
    max_codepoint=0x10FFFF,
    categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cn"),
    exclude_characters="\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f\x7f\ufffe\uffff",
)
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)
MUST_NOT_BE_RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def literals(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[Term]:
    text = st.text(alphabet=alphabet, max_size=6)
    typed = st.tuples(text, st.sampled_from(DATATYPES)).map(lambda v: ("literal", v[0], v[1], None))
    tagged = st.tuples(text, st.sampled_from(["en", "fr-CA", "EN-gb"])).map(
        lambda v: ("literal", v[0], RDF_LANGSTRING, v[1])
    )
    return st.one_of(typed, tagged)


@st.composite
def datasets(draw: st.DrawFn, *, once_per_quad: bool) -> list[AbstractQuad]:
    """A dataset over a few blank nodes: random edges, a symmetric part, literals.

    With `once_per_quad` no quad names the same blank node twice (see module docstring).
    """
    labels = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9]{0,3}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    nodes: list[Term] = [("bnode", label) for label in labels]
    graph = st.one_of(st.none(), st.sampled_from(GRAPHS), st.sampled_from(nodes))
    predicate = st.sampled_from(PREDICATES)
    quads: list[AbstractQuad] = []
    for _ in range(draw(st.integers(0, 10))):  # random edges, cycles included
        quads.append(
            (
                draw(st.sampled_from(nodes)),
                draw(predicate),
                draw(st.sampled_from(nodes + RESOURCES)),
                draw(graph),
            )
        )
    shape = draw(st.sampled_from(["none", "ring", "clique", "copies", "deep"]))
    size = draw(st.integers(2, 4))
    fresh = [("bnode", f"s{i}") for i in range(4 * size + 2)]
    p, g = draw(predicate), draw(graph)
    if shape == "deep":  # two trees whose children look alike until their leaves
        leaves = draw(st.lists(st.sampled_from("123"), min_size=2 * size, max_size=2 * size))
        for tree, root in enumerate((0, 2 * size + 1)):
            for i in range(1, size + 1):
                child, grandchild = fresh[root + i], fresh[root + size + i]
                leaf = ("literal", leaves[tree * size + i - 1], XSD_STRING, None)
                quads += [(fresh[root], p, child, g), (child, p, grandchild, g)]
                quads.append((grandchild, PREDICATES[1], leaf, g))
    elif shape == "ring":  # a ring of identical nodes, both directions
        for i in range(size):
            quads.append((fresh[i], p, fresh[(i + 1) % size], g))
    elif shape == "clique":
        quads.extend((a, p, b, g) for a in fresh[:size] for b in fresh[:size] if a != b)
    elif shape == "copies":  # two identical disjoint subgraphs
        for offset in (0, size):
            for i in range(size - 1):
                quads.append((fresh[offset + i], p, fresh[offset + i + 1], None))
            quads.append((fresh[offset], PREDICATES[0], RESOURCES[0], None))
    literal_alphabet = PYLD_SAFE if once_per_quad else ANY_CHARACTER
    for _ in range(draw(st.integers(0, 4))):
        quads.append(
            (
                draw(st.sampled_from(nodes + fresh[:size])),
                draw(predicate),
                draw(literals(literal_alphabet)),
                draw(graph),
            )
        )
    for _ in range(draw(st.integers(0, 3))):  # quads without blank nodes: any character
        quads.append(
            (
                draw(st.sampled_from(RESOURCES)),
                draw(predicate),
                draw(literals(ANY_CHARACTER)),
                draw(st.sampled_from([None, *GRAPHS])),
            )
        )
    if once_per_quad:
        quads = [q for q in quads if len(_blank_labels(q)) == len(set(_blank_labels(q)))]
    return quads


def _blank_labels(quad: AbstractQuad) -> list[str]:
    return [t[1] for t in (quad[0], quad[2], quad[3]) if t is not None and t[0] == "bnode"]


def term(value: Term | None, relabel: Callable[[str], str] = str) -> str:
    """Our canonical term string for an abstract term."""
    if value is None:
        return ""
    if value[0] == "iri":
        return iri_term(value[1])
    if value[0] == "bnode":
        return bnode_term(relabel(value[1]))
    return literal_term(value[1], value[2], value[3])


def ours(quads: list[AbstractQuad], relabel: Callable[[str], str] = str) -> list[Quad]:
    return [(term(s, relabel), term(p), term(o, relabel), term(g, relabel)) for s, p, o, g in quads]


def pyld_canonical(quads: list[AbstractQuad]) -> str:
    """pyld's URDNA2015 over the same (de-duplicated) dataset, re-escaped per RDFC-1.0."""
    dataset: dict[str, list[dict[str, Any]]] = {}
    for s, p, o, g in dict.fromkeys(quads):
        name = "@default" if g is None else g[1] if g[0] == "iri" else "_:" + g[1]
        dataset.setdefault(name, []).append(
            {"subject": _pyld_node(s), "predicate": _pyld_node(p), "object": _pyld_node(o)}
        )
    text = URDNA2015().main(dataset, {"format": "application/n-quads"})
    return "".join(sorted(serialize([quad]) for quad in parse(text)))


def _pyld_node(value: Term) -> dict[str, str]:
    if value[0] == "iri":
        return {"type": "IRI", "value": value[1]}
    if value[0] == "bnode":
        return {"type": "blank node", "value": "_:" + value[1]}
    node = {"type": "literal", "value": value[1], "datatype": value[2]}
    return node | ({"language": value[3]} if value[3] else {})


@settings(max_examples=150, deadline=None)
@given(datasets(once_per_quad=True))
def test_equals_pyld_urdna2015(quads: list[AbstractQuad]) -> None:
    assert canonicalize(ours(quads)) == pyld_canonical(quads)


@settings(max_examples=150, deadline=None)
@given(datasets(once_per_quad=False), st.randoms(use_true_random=False))
def test_invariant_under_relabelling_and_quad_order(quads: list[AbstractQuad], rnd: Any) -> None:
    original = ours(quads)
    text, issued = canonicalize_with_map(original)
    labels = sorted({label for q in quads for label in _blank_labels(q)})
    renamed = dict(
        zip(labels, rnd.sample([f"x{i}" for i in range(len(labels))], len(labels)), strict=True)
    )
    shuffled = ours(quads, renamed.__getitem__) * 2
    rnd.shuffle(shuffled)
    text2, issued2 = canonicalize_with_map(shuffled)
    assert text2 == text
    # each map really produces the output: relabel the input by it and compare as sets
    for dataset, mapping in ((original, issued), (shuffled, issued2)):
        assert set(mapping) == {t[2:] for q in dataset for t in q if t.startswith("_:")}
        relabelled = [tuple(_apply(t, mapping) for t in q) for q in dataset]
        assert set(serialize([q]) for q in relabelled) == set(_lines(text))  # type: ignore[list-item]


def _apply(value: str, mapping: dict[str, str]) -> str:
    return "_:" + mapping[value[2:]] if value.startswith("_:") else value


def _lines(text: str) -> list[str]:
    return [line + "\n" for line in text.split("\n")[:-1]]


@settings(max_examples=100, deadline=None)
@given(datasets(once_per_quad=False))
def test_output_escapes_every_character_per_rdfc_and_parses_back(quads: list[AbstractQuad]) -> None:
    text = canonicalize(ours(quads))
    assert MUST_NOT_BE_RAW.search(text.replace("\n", "")) is None
    assert all(line.endswith(" .\n") for line in _lines(text))
    assert _lines(text) == sorted(_lines(text))
    for _, _, o, _ in quads:
        if o[0] == "literal":
            assert term(o) in text
    assert canonicalize(parse(text)) == text
