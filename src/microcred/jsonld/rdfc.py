"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024-05-21) with a work limit.

Blank nodes are relabelled `_:c14n0`, `_:c14n1`, ... and the quads serialised in canonical
N-Quads, sorted. Poison datasets (RDFC-1.0 §7.1) stop with CanonicalizationLimitError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from types import MappingProxyType
from typing import cast

from microcred.errors import (
    CanonicalizationLimitError,
    InvalidRdfTermError,
    UnsupportedHashAlgorithmError,
)
from microcred.jsonld.nquads import Dataset, Quad

__all__ = ["DEFAULT_WORK_LIMIT", "WorkBudget", "canonicalize", "canonicalize_with_map"]

DEFAULT_WORK_LIMIT = 500_000
"""Work units one canonicalization may spend before CanonicalizationLimitError. Units track
running time (each is one elementary step, well under a microsecond): a Hash N-Degree Quads
call (§4.8) costs 1 plus 1 per related blank node mention it hashes (step 3), and each
permutation it examines (step 5.4) costs its length plus the size of the issuer it copies.
The W3C evaluation tests need at most 23,148 units (test044-046, "computable poison"); a
7-node blank-node clique needs 3.4 million and larger cliques (test074) far more, so they
stop once the budget is spent, in a fraction of a second."""


@dataclass(slots=True)
class WorkBudget:
    """Work units several canonicalizations share, e.g. every proof and status list of one
    verify() call, so many small poison graphs cannot add up to a long run."""

    limit: int = DEFAULT_WORK_LIMIT
    remaining: int = field(init=False)

    def __post_init__(self) -> None:
        self.remaining = self.limit


_HASH_ALGORITHMS = MappingProxyType({"sha256": hashlib.sha256, "sha384": hashlib.sha384})

_Issuer = dict[str, str]  # identifier issuer: existing term -> issued "_:<prefix><n>", ordered
_Result = tuple[str, _Issuer]  # (hash, issuer) returned by Hash N-Degree Quads
_Mention = tuple[str, str]  # (position + "<predicate>" prefix of §4.7 input, related term)
_Step = Generator[tuple[str, _Issuer], _Result, _Result]


def canonicalize(
    dataset: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    work_limit: int = DEFAULT_WORK_LIMIT,
    budget: WorkBudget | None = None,
) -> str:
    """The serialized canonical form of `dataset` (RDFC-1.0 §4.4.3, §5).

    Duplicate quads count once. SHA-384 serves the P-384 cryptosuites. With a `budget`, the
    work is charged to it (and `work_limit` is ignored).
    """
    return canonicalize_with_map(
        dataset, hash_algorithm=hash_algorithm, work_limit=work_limit, budget=budget
    )[0]


def canonicalize_with_map(
    dataset: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    work_limit: int = DEFAULT_WORK_LIMIT,
    budget: WorkBudget | None = None,
) -> tuple[str, dict[str, str]]:
    """The serialized canonical form plus the issued identifiers map (RDFC-1.0 §4.4.3 step 7).

    The map relates each input blank node label to its canonical label, both without `_:`.
    """
    quads = dataset if isinstance(dataset, Dataset) else _input_dataset(dataset)
    budget = budget if budget is not None else WorkBudget(work_limit)
    state = _CanonicalizationState(quads, _hasher(hash_algorithm), budget)
    try:
        _issue_canonical_identifiers(state)
        canonical = state.canonical_issuer
        if canonical:
            lines = [_serialize_quad(quad, canonical) for quad in quads]
        else:  # no blank nodes: each quad is already canonical
            lines = [f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads]
        lines.sort()
        text = "".join(lines)
        if not isinstance(dataset, Dataset):  # a Dataset's terms escape lone surrogates
            text.encode("utf-8")  # the caller hashes these bytes: refuse lone surrogates here
    except UnicodeEncodeError as error:
        raise InvalidRdfTermError(f"a term holds an unencodable character: {error}") from None
    issued = {existing[2:]: label[2:] for existing, label in canonical.items()}
    return text, issued


@dataclass(slots=True)
class _CanonicalizationState:
    """Canonicalization state (§4.2) plus the per-node caches and the remaining work budget."""

    quads: tuple[Quad, ...]
    hash: Callable[[str], str]
    budget: WorkBudget
    blank_node_to_quads: dict[str, list[Quad]] = field(default_factory=dict)
    canonical_issuer: _Issuer = field(default_factory=dict)
    first_degree_hashes: dict[str, str] = field(default_factory=dict)
    related_mentions: dict[str, list[_Mention]] = field(default_factory=dict)

    def charge(self, units: int) -> None:
        """Spend work units; stop with CanonicalizationLimitError once the budget is gone."""
        self.budget.remaining -= units
        if self.budget.remaining < 0:
            raise CanonicalizationLimitError(
                f"RDFC-1.0 work limit ({self.budget.limit} units) reached: the dataset's blank "
                "nodes are too alike to canonicalize within it (poison dataset, RDFC-1.0 §7.1)"
            )


def _hasher(name: str) -> Callable[[str], str]:
    """The hash function of §3.1 as `text -> lowercase hex digest` (SHA-256 or SHA-384)."""
    constructor = _HASH_ALGORITHMS.get(name)
    if constructor is None:
        raise UnsupportedHashAlgorithmError(
            f"unsupported RDFC-1.0 hash algorithm {name!r}; use 'sha256' or 'sha384'"
        )
    return lambda text: constructor(text.encode("utf-8")).hexdigest()


def _input_dataset(dataset: Iterable[Quad]) -> tuple[Quad, ...]:
    """The input dataset as a set of quads in first-seen order (a dataset is a set)."""
    quads: dict[Quad, None] = {}
    for quad in dataset:
        try:
            s, p, o, g = quad
            valid = (
                isinstance(quad, tuple)
                and s.startswith(("<", "_:"))
                and p.startswith("<")
                and o.startswith(("<", "_:", '"'))
                and (g == "" or g.startswith(("<", "_:")))
            )
        except (TypeError, ValueError, AttributeError):
            valid = False
        if not valid:
            raise InvalidRdfTermError(f"not a 4-tuple of canonical N-Quads terms: {quad!r}")
        quads[quad] = None
    return tuple(quads)


def _issue_canonical_identifiers(state: _CanonicalizationState) -> None:
    """Steps 2-6 of the canonicalization algorithm (§4.4.3)."""
    to_quads = state.blank_node_to_quads
    for quad in state.quads:  # step 2: blank node to quads map, each quad once per node
        s, _, o, g = quad
        if s[0] == "_":
            to_quads.setdefault(s, []).append(quad)
        if o[0] == "_" and o != s:
            to_quads.setdefault(o, []).append(quad)
        if g[:1] == "_" and g != s and g != o:
            to_quads.setdefault(g, []).append(quad)
    hash_to_blank_nodes: dict[str, list[str]] = {}
    for node in state.blank_node_to_quads:  # step 3
        first_degree = _hash_first_degree_quads(state, node)
        state.first_degree_hashes[node] = first_degree
        hash_to_blank_nodes.setdefault(first_degree, []).append(node)
    canonical = state.canonical_issuer
    shared = []
    for first_degree in sorted(hash_to_blank_nodes):  # step 4: unique hashes first
        nodes = hash_to_blank_nodes[first_degree]
        if len(nodes) == 1:
            _issue_identifier(canonical, nodes[0], "_:c14n")
        else:
            shared.append(nodes)
    for nodes in shared:  # step 5: shared hashes, via Hash N-Degree Quads
        hash_path_list = [
            _run_hash_n_degree_quads(state, node, {node: "_:b0"})
            for node in nodes
            if node not in canonical
        ]
        hash_path_list.sort(key=itemgetter(0))
        for _, issuer in hash_path_list:
            for existing in issuer:
                _issue_identifier(canonical, existing, "_:c14n")


def _issue_identifier(issuer: _Issuer, existing: str, prefix: str) -> str:
    """Issue Identifier algorithm (§4.5): the counter is the number already issued."""
    issued = issuer.get(existing)
    if issued is None:
        issued = issuer[existing] = f"{prefix}{len(issuer)}"
    return issued


def _hash_first_degree_quads(state: _CanonicalizationState, reference: str) -> str:
    """Hash First Degree Quads (§4.6): the mention set with `_:a` for the node, `_:z` others."""
    nquads = [
        _serialize_quad(quad, {reference: "_:a"}, "_:z")
        for quad in state.blank_node_to_quads[reference]
    ]
    nquads.sort()
    return state.hash("".join(nquads))


def _serialize_quad(quad: Quad, labels: dict[str, str], other: str | None = None) -> str:
    """One canonical N-Quads line, blank nodes relabelled by `labels` (else `other` if given)."""
    s, p, o, g = quad  # validated terms: only blank nodes start with "_"
    if s[0] == "_":
        s = labels.get(s) or other or s
    if o[0] == "_":
        o = labels.get(o) or other or o
    if g[:1] == "_":
        g = labels.get(g) or other or g
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def _mentions(state: _CanonicalizationState, identifier: str) -> list[_Mention]:
    """Step 3 inputs of §4.8: each other blank node in the mention set, with its §4.7 prefix."""
    mentions = state.related_mentions.get(identifier)
    if mentions is None:
        mentions = []
        for quad in state.blank_node_to_quads[identifier]:
            for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if term != identifier and term.startswith("_:"):
                    prefix = position if position == "g" else position + quad[1]
                    mentions.append((prefix, term))
        state.related_mentions[identifier] = mentions
    return mentions


def _hash_related_blank_node(
    state: _CanonicalizationState, related: str, prefix: str, issuer: _Issuer
) -> str:
    """Hash Related Blank Node (§4.7): position, `<predicate>`, then the best identifier."""
    identifier = (
        state.canonical_issuer.get(related)
        or issuer.get(related)
        or state.first_degree_hashes[related]
    )
    return state.hash(prefix + identifier)


def _run_hash_n_degree_quads(
    state: _CanonicalizationState, identifier: str, issuer: _Issuer
) -> _Result:
    """Run Hash N-Degree Quads with an explicit stack, so deep recursion cannot overflow."""
    stack: list[_Step] = []
    step = _hash_n_degree_quads(state, identifier, issuer)
    result: _Result | None = None
    while True:
        try:
            call = next(step) if result is None else step.send(result)
        except StopIteration as finished:
            if not stack:
                return cast(_Result, finished.value)
            step, result = stack.pop(), cast(_Result, finished.value)
            continue
        stack.append(step)
        step, result = _hash_n_degree_quads(state, *call), None


def _hash_n_degree_quads(state: _CanonicalizationState, identifier: str, issuer: _Issuer) -> _Step:
    """Hash N-Degree Quads (§4.8) as a generator: each recursive call (step 5.4.5.1) is
    yielded as `(related, issuer copy)` and its `(hash, issuer)` result sent back."""
    mentions = _mentions(state, identifier)
    state.charge(1 + len(mentions))
    related_hashes: dict[str, list[str]] = {}  # H_n
    for prefix, related in mentions:
        related_hash = _hash_related_blank_node(state, related, prefix, issuer)
        related_hashes.setdefault(related_hash, []).append(related)
    canonical = state.canonical_issuer
    data_to_hash = []
    for related_hash in sorted(related_hashes):
        data_to_hash.append(related_hash)
        chosen_path, chosen_issuer = "", issuer
        for permutation in _permutations(related_hashes[related_hash]):
            state.charge(len(permutation) + len(issuer))
            issuer_copy, path, recursion_list = dict(issuer), "", []
            for related in permutation:
                label = canonical.get(related)
                if label is None:
                    if related not in issuer_copy:
                        recursion_list.append(related)
                    label = _issue_identifier(issuer_copy, related, "_:b")
                path += label
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    break
            else:
                for related in recursion_list:
                    result_hash, result_issuer = yield related, issuer_copy
                    path += f"{issuer_copy[related]}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break
                else:
                    if not chosen_path or path < chosen_path:
                        chosen_path, chosen_issuer = path, issuer_copy
        data_to_hash.append(chosen_path)
        issuer = chosen_issuer
    return state.hash("".join(data_to_hash)), issuer


def _permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Permutations in Steinhaus-Johnson-Trotter order from the sorted list, with directions
    kept per value, as the reference implementations (rdf-canonize, pyld) enumerate them."""
    elements = sorted(items)
    if len(elements) == 1:
        yield (elements[0],)
        return
    looks_left = dict.fromkeys(elements, True)
    last = len(elements) - 1
    while True:
        yield tuple(elements)
        mobile: str | None = None
        position = 0
        for i, element in enumerate(elements):
            neighbour = i - 1 if looks_left[element] else i + 1
            if (
                (mobile is None or element > mobile)
                and 0 <= neighbour <= last
                and element > elements[neighbour]
            ):
                mobile, position = element, i
        if mobile is None:
            return
        target = position - 1 if looks_left[mobile] else position + 1
        elements[position], elements[target] = elements[target], mobile
        for element in elements:
            if element > mobile:
                looks_left[element] = not looks_left[element]
