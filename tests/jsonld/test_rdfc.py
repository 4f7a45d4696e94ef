"""RDFC-1.0 canonicalisation: the Recommendation's worked examples, options, limits, errors."""

from __future__ import annotations

import hashlib
import itertools
import math
from typing import Any

import pytest

from microcred.errors import (
    CanonicalizationError,
    CanonicalizationLimitError,
    InvalidRdfTermError,
    UnsupportedHashAlgorithmError,
)
from microcred.jsonld.nquads import Quad, parse
from microcred.jsonld.rdfc import (
    DEFAULT_WORK_LIMIT,
    _permutations,
    canonicalize,
    canonicalize_with_map,
)


def ex(name: str) -> str:
    """`:name` of the Recommendation's examples (prefix `:` = http://example.com/#)."""
    return f"<http://example.com/#{name}>"


# RDFC-1.0 §4.4.2 Example 2 (unique hashes) and Example 3 (shared hashes).
UNIQUE_HASHES: list[Quad] = [
    (ex("p"), ex("q"), "_:e0", ""),
    (ex("p"), ex("r"), "_:e1", ""),
    ("_:e0", ex("s"), ex("u"), ""),
    ("_:e1", ex("t"), ex("u"), ""),
]
SHARED_HASHES: list[Quad] = [
    (ex("p"), ex("q"), "_:e0", ""),
    (ex("p"), ex("q"), "_:e1", ""),
    ("_:e0", ex("p"), "_:e2", ""),
    ("_:e1", ex("p"), "_:e3", ""),
    ("_:e2", ex("r"), "_:e3", ""),
]


def test_example_unique_hashes() -> None:
    """§4.4.2 Example 2: first-degree hashes 21d1dd5b... (e0) < 6fa0b9bd... (e1)."""
    text, issued = canonicalize_with_map(UNIQUE_HASHES)
    assert issued == {"e0": "c14n0", "e1": "c14n1"}
    assert text == (
        f"{ex('p')} {ex('q')} _:c14n0 .\n"
        f"{ex('p')} {ex('r')} _:c14n1 .\n"
        f"_:c14n0 {ex('s')} {ex('u')} .\n"
        f"_:c14n1 {ex('t')} {ex('u')} .\n"
    )


def test_example_shared_hashes() -> None:
    """§4.4.2 Example 3: e0 and e1 share a first-degree hash; §4.4.3 step 6 map."""
    text, issued = canonicalize_with_map(SHARED_HASHES)
    assert issued == {"e2": "c14n0", "e3": "c14n1", "e1": "c14n2", "e0": "c14n3"}
    assert text == (
        f"{ex('p')} {ex('q')} _:c14n2 .\n"
        f"{ex('p')} {ex('q')} _:c14n3 .\n"
        f"_:c14n0 {ex('r')} _:c14n1 .\n"
        f"_:c14n2 {ex('p')} _:c14n1 .\n"
        f"_:c14n3 {ex('p')} _:c14n0 .\n"
    )


def test_example_blank_node_named_graph() -> None:
    """§9.3 Example 10: a graph named by a blank node that is also an object."""
    quads: list[Quad] = [
        ("_:e0", ex("p1"), "_:e1", ""),
        ("_:e1", ex("p2"), '"Foo"', ""),
        ("_:e1", ex("p3"), "_:g0", ""),
        ("_:e0", ex("p1"), "_:e1", "_:g0"),
        ("_:e1", ex("p2"), '"Bar"', "_:g0"),
    ]
    text, issued = canonicalize_with_map(quads)
    assert issued == {"e0": "c14n0", "e1": "c14n1", "g0": "c14n2"}
    assert f'_:c14n1 {ex("p2")} "Bar" _:c14n2 .\n' in text


def test_a_quad_mentioning_a_node_twice_is_in_its_mention_set_once() -> None:
    """§4.4.3 step 2.1 adds each quad once per blank node (pyld 3.3.0 adds it twice).

    The first-degree hashes are computed here from the §4.6 text to know which node wins.
    """
    quads: list[Quad] = [
        ("_:x", "<http://e/p>", "_:x", ""),
        ("_:x", "<http://e/q>", '"1"', ""),
        ("_:y", "<http://e/p>", "_:y", ""),
        ("_:y", "<http://e/q>", '"2"', ""),
    ]

    def first_degree(value: str) -> str:
        text = f'_:a <http://e/p> _:a .\n_:a <http://e/q> "{value}" .\n'
        return hashlib.sha256(text.encode()).hexdigest()

    x_first = first_degree("1") < first_degree("2")
    _, issued = canonicalize_with_map(quads)
    assert issued == ({"x": "c14n0", "y": "c14n1"} if x_first else {"y": "c14n0", "x": "c14n1"})


def test_no_blank_nodes_is_sorted_n_quads() -> None:
    quads: list[Quad] = [("<x:b>", "<x:p>", '"2"', "<x:g>"), ("<x:a>", "<x:p>", '"1"', "")]
    assert canonicalize(quads) == '<x:a> <x:p> "1" .\n<x:b> <x:p> "2" <x:g> .\n'
    assert canonicalize_with_map([]) == ("", {})


def test_duplicate_quads_count_once_and_any_iterable_works() -> None:
    doubled = SHARED_HASHES + list(reversed(SHARED_HASHES))
    assert canonicalize(iter(doubled)) == canonicalize(SHARED_HASHES)
    assert canonicalize_with_map(doubled)[1] == canonicalize_with_map(SHARED_HASHES)[1]


def test_input_is_not_mutated() -> None:
    quads = list(SHARED_HASHES)
    canonicalize_with_map(quads)
    assert quads == SHARED_HASHES


@pytest.mark.parametrize(
    ("hash_algorithm", "digest"), [("sha256", hashlib.sha256), ("sha384", hashlib.sha384)]
)
def test_hash_algorithm_is_the_hash_parameter(hash_algorithm: str, digest: Any) -> None:
    """§4.6 first-degree inputs of Example 4 decide the order; SHA-384 (P-384 suites) flips it."""
    e0 = f"{ex('p')} {ex('q')} _:a .\n_:a {ex('s')} {ex('u')} .\n"
    e1 = f"{ex('p')} {ex('r')} _:a .\n_:a {ex('t')} {ex('u')} .\n"
    assert hashlib.sha256(e0.encode()).hexdigest().startswith("21d1dd5ba21f3dee")  # Example 4
    e0_first = digest(e0.encode()).hexdigest() < digest(e1.encode()).hexdigest()
    _, issued = canonicalize_with_map(UNIQUE_HASHES, hash_algorithm=hash_algorithm)
    assert issued == (
        {"e0": "c14n0", "e1": "c14n1"} if e0_first else {"e1": "c14n0", "e0": "c14n1"}
    )


@pytest.mark.parametrize("name", ["sha1", "SHA256", "sha512", "md5", ""])
def test_other_hash_algorithms_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedHashAlgorithmError) as caught:
        canonicalize(UNIQUE_HASHES, hash_algorithm=name)
    assert caught.value.code == "UNSUPPORTED_HASH_ALGORITHM"


def test_unique_first_degree_hashes_need_no_work() -> None:
    """The fast path: with unique first-degree hashes Hash N-Degree Quads never runs."""
    assert canonicalize(UNIQUE_HASHES, work_limit=0) == canonicalize(UNIQUE_HASHES)


def test_work_limit_stops_shared_hashes_when_too_small() -> None:
    with pytest.raises(CanonicalizationLimitError) as caught:
        canonicalize(SHARED_HASHES, work_limit=0)
    assert caught.value.code == "CANONICALIZATION_LIMIT_EXCEEDED"
    assert isinstance(caught.value, CanonicalizationError)
    assert canonicalize(SHARED_HASHES, work_limit=100)  # a little budget is enough


def test_default_limit_stops_a_clique() -> None:
    clique = [(f"_:n{i}", "<x:knows>", f"_:n{j}", "") for i in range(7) for j in range(7)]
    with pytest.raises(CanonicalizationLimitError):
        canonicalize(clique)
    assert DEFAULT_WORK_LIMIT > 0


def twin_chains(length: int) -> list[Quad]:
    """Two identical linked lists: every node shares its first-degree hash with its twin."""
    quads: list[Quad] = []
    for chain, i in itertools.product("ab", range(length)):
        quads.append((f"_:{chain}{i}", "<x:index>", f'"{i}"', ""))
        if i + 1 < length:
            quads.append((f"_:{chain}{i}", "<x:next>", f"_:{chain}{i + 1}", ""))
    return quads


def test_deep_recursion_does_not_overflow_the_stack() -> None:
    """Hash N-Degree Quads recurses along each chain, 1,050+ levels deep: deeper than
    Python's default recursion limit, where a recursive implementation (pyld) fails."""
    quads = twin_chains(2_100)
    relabelled = [
        tuple(t.replace("_:a", "_:z").replace("_:b", "_:a").replace("_:z", "_:b") for t in q)
        for q in reversed(quads)
    ]
    text = canonicalize(quads, work_limit=50_000_000)
    assert text == canonicalize(relabelled, work_limit=50_000_000)  # type: ignore[arg-type]
    assert text.count("\n") == len(quads)


@pytest.mark.parametrize(
    "bad",
    [
        ["<x:s>", "<x:p>", "<x:o>", ""],
        ("<x:s>", "<x:p>", "<x:o>"),
        ("<x:s>", "<x:p>", 1, ""),
        ('"lit"', "<x:p>", "<x:o>", ""),
        ("<x:s>", "_:p", "<x:o>", ""),
        ("<x:s>", "<x:p>", "x:o", ""),
        ("<x:s>", "<x:p>", "<x:o>", '"g"'),
    ],
)
def test_malformed_quads_are_refused(bad: object) -> None:
    with pytest.raises(InvalidRdfTermError):
        canonicalize([bad])  # type: ignore[list-item]


def test_unencodable_terms_are_refused() -> None:
    with pytest.raises(InvalidRdfTermError):
        canonicalize([("_:b", "<x:p>", "<x:\ud800>", "")])


def test_parsed_input_round_trips() -> None:
    text = canonicalize(SHARED_HASHES)
    assert canonicalize(parse(text)) == text


@pytest.mark.parametrize("size", range(1, 7))
def test_permutations_enumerate_each_ordering_of_distinct_items_once(size: int) -> None:
    items = [f"_:n{i}" for i in reversed(range(size))]
    seen = list(_permutations(items))
    assert len(seen) == math.factorial(size) == len(set(seen))
    assert seen[0] == tuple(sorted(items))
    assert items == [f"_:n{i}" for i in reversed(range(size))]  # caller's list untouched
