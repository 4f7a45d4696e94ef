"""The W3C RDF Dataset Canonicalization test suite, driven by its manifest.

The full suite lives in ../shared/reference/vectors/rdf-canon (skipped when absent); a few of
its cases, plus an 8-node poison clique, are kept in tests/data/rdfc/cases.json so they
always run. Negative (poison) cases must stop with the work-limit error within 1 s.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

from microcred.errors import CanonicalizationLimitError
from microcred.jsonld.nquads import parse
from microcred.jsonld.rdfc import canonicalize_with_map

SUITE = Path(__file__).resolve().parents[2].parent / "shared/reference/vectors/rdf-canon"
KEPT = json.loads((Path(__file__).parents[1] / "data/rdfc/cases.json").read_text("utf-8"))
POISON_SECONDS = 1.0  # the bound for stopping a poison dataset


def run_case(kind: str, nquads: str, hash_algorithm: str, expected: Any) -> None:
    """Run one test of the suite's three kinds (tests/README.md of w3c/rdf-canon)."""
    dataset = parse(nquads)
    if kind == "RDFC10NegativeEvalTest":
        started = time.perf_counter()
        with pytest.raises(CanonicalizationLimitError) as caught:
            canonicalize_with_map(dataset, hash_algorithm=hash_algorithm)
        assert time.perf_counter() - started < POISON_SECONDS
        assert caught.value.code == "CANONICALIZATION_LIMIT_EXCEEDED"
        return
    text, issued = canonicalize_with_map(dataset, hash_algorithm=hash_algorithm)
    if kind == "RDFC10EvalTest":
        assert text == expected
    else:
        assert kind == "RDFC10MapTest"
        assert issued == expected


def _suite_params() -> list[Any]:
    manifest = SUITE / "manifest.jsonld"
    if not manifest.is_file():
        return [pytest.param(None, id="rdf-canon-suite-absent")]
    entries = json.loads(manifest.read_text("utf-8"))["entries"]
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in entries]


def _read(relative: str) -> str:
    return (SUITE / relative).read_bytes().decode("utf-8")  # bytes as stored, no newline mapping


def _hash_algorithm(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256")).lower()


def _expected(entry: dict[str, Any]) -> Any:
    kind = entry["type"].split(":")[1]
    if kind == "RDFC10EvalTest":
        return _read(entry["result"])
    if kind == "RDFC10MapTest":
        return json.loads(_read(entry["result"]))
    return None


@pytest.mark.parametrize("entry", _suite_params())
def test_w3c_suite(entry: dict[str, Any] | None, reference_dir: Path) -> None:
    """Every manifest entry: evaluation, map, and negative (poison) tests; test075 SHA-384."""
    if entry is None:
        pytest.skip(f"{SUITE} is absent although ../shared/reference exists")
    run_case(
        entry["type"].split(":")[1],
        _read(entry["action"]),
        _hash_algorithm(entry),
        _expected(entry),
    )


def test_w3c_manifest_is_complete(reference_dir: Path) -> None:
    """The runner sees all 86 entries: 64 evaluation, 21 map, 1 negative (so none is lost)."""
    entries = json.loads(_read("manifest.jsonld"))["entries"]
    kinds = [entry["type"] for entry in entries]
    assert kinds.count("rdfc:RDFC10EvalTest") == 64
    assert kinds.count("rdfc:RDFC10MapTest") == 21
    assert kinds.count("rdfc:RDFC10NegativeEvalTest") == 1
    assert {_hash_algorithm(e) for e in entries} == {"sha256", "sha384"}


@pytest.mark.parametrize("case", KEPT["cases"], ids=[case["id"] for case in KEPT["cases"]])
def test_kept_case(case: dict[str, Any]) -> None:
    """The always-run subset (test060 escaping, SHA-384, maps, poison cliques)."""
    expected = case.get("expected", case.get("expected_map"))
    run_case(case["type"], case["input"], case["hash_algorithm"], expected)


def test_kept_cases_match_the_suite(reference_dir: Path) -> None:
    """The kept copies are byte-for-byte the suite's files."""
    entries = {e["id"].lstrip("#"): e for e in json.loads(_read("manifest.jsonld"))["entries"]}
    kept_w3c = [case for case in KEPT["cases"] if case["source"].startswith("W3C")]
    assert len(kept_w3c) >= 10
    for case in kept_w3c:
        entry = entries[case["id"]]
        assert case["input"] == _read(entry["action"])
        assert case["hash_algorithm"] == _hash_algorithm(entry)
        assert case.get("expected", case.get("expected_map")) == _expected(entry)


DATA_INTEGRITY_VECTORS = [  # (folder under vectors/, canonical document, its hash, algorithm)
    ("vc-di-eddsa/eddsa-rdfc-2022/employ", "canonDocDataInt.txt", "docHashDataInt.txt", "sha256"),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ",
        "canonDocECDSAP256.txt",
        "docHashECDSAP256.txt",
        "sha256",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ",
        "canonDocECDSAP384.txt",
        "docHashECDSAP384.txt",
        "sha384",
    ),
]


@pytest.mark.parametrize(
    ("folder", "canonical", "digest", "algorithm"),
    DATA_INTEGRITY_VECTORS,
    ids=[v[0] for v in DATA_INTEGRITY_VECTORS],
)
def test_data_integrity_vectors(
    folder: str, canonical: str, digest: str, algorithm: str, reference_dir: Path
) -> None:
    """The REC vectors' canonical documents (blank nodes; P-384 uses SHA-384 inside RDFC,
    vc-di-ecdsa §3.3) come back byte-exact from relabelled, reordered input."""
    base = reference_dir / "vectors" / folder
    expected = (base / canonical).read_bytes().decode("utf-8")
    relabelled = [
        tuple(t.replace("_:c14n", "_:input") for t in quad) for quad in reversed(parse(expected))
    ]
    text = canonicalize_with_map(relabelled, hash_algorithm=algorithm)[0]  # type: ignore[arg-type]
    assert text == expected
    assert hashlib.new(algorithm, text.encode()).hexdigest() == (base / digest).read_text().strip()
