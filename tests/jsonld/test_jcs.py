"""microcred.jsonld.jcs: RFC 8785 vectors, ES number serialisation, I-JSON errors, properties."""

from __future__ import annotations

import hashlib
import json
import math
import struct
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from c14n.Canonicalize import canonicalize as pyld_jcs  # type: ignore[import-untyped]  # oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.errors import CanonicalizationError, MicrocredError
from microcred.jsonld import jcs
from microcred.jsonld.jcs import MAX_SAFE_INTEGER, canonicalize

DATA = Path(__file__).resolve().parents[1] / "data" / "jcs"
PAIRS = json.loads((DATA / "rfc8785-pairs.json").read_text("utf-8"))["pairs"]
ES6 = json.loads((DATA / "es6-numbers.json").read_text("utf-8"))


# --- vectors --------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_recorded_rfc8785_pairs(pair: dict[str, str]) -> None:
    assert canonicalize(json.loads(pair["input"])).hex() == pair["outputHex"]


def test_every_rfc8785_pair_in_reference_folder(reference_dir: Path) -> None:
    folder = reference_dir / "vectors" / "jcs-rfc8785"
    names = sorted(path.name for path in (folder / "input").glob("*.json"))
    assert len(names) == 6
    for name in names:
        value = json.loads((folder / "input" / name).read_text("utf-8"))
        expected = (folder / "output" / name).read_bytes()
        assert canonicalize(value) == expected, name
        hex_text = (folder / "outhex" / name.replace(".json", ".txt")).read_text("ascii")
        assert canonicalize(value) == bytes.fromhex("".join(hex_text.split())), name


def test_jcs_cryptosuite_vectors_in_reference_folder(reference_dir: Path) -> None:
    """The canonical document and proof configuration of eddsa-jcs-2022 / ecdsa-jcs-2019."""
    vectors = reference_dir / "vectors"
    cases = [
        (vectors / "vc-di-eddsa", "eddsa-jcs-2022", "JCS"),
        (vectors / "vc-di-ecdsa", "ecdsa-jcs-2019-p256", "JCSECDSAP256"),
        (vectors / "vc-di-ecdsa", "ecdsa-jcs-2019-p384", "JCSECDSAP384"),
    ]
    for base, suite, stem in cases:
        unsigned = json.loads((base / "unsigned.json").read_text("utf-8"))
        assert canonicalize(unsigned) == (base / suite / f"canonDoc{stem}.txt").read_bytes()
        config = json.loads((base / suite / f"proofConfig{stem}.json").read_text("utf-8"))
        assert canonicalize(config) == (base / suite / f"proofCanon{stem}.txt").read_bytes()


def _es6_test_values() -> Iterator[int]:
    """The value sequence of the RFC 8785 authors' ES6 number test file (see es6-numbers.json)."""
    yield from (int(text, 16) for text in ES6["staticU64Hex"])
    base = int(ES6["serialBaseHex"], 16)
    yield from (base + i for i in range(ES6["serialCount"]))
    block = bytes(32)
    while True:
        block = hashlib.sha256(block).digest()
        for (bits,) in struct.iter_unpack("<Q", block):
            value = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if value != 0 and math.isfinite(value):
                yield bits


def test_es6_number_file_hashes() -> None:
    """100,000 doubles (edge cases + pseudo-random) serialise exactly as ECMAScript does."""
    digest = hashlib.sha256()
    checkpoints = {int(n): expected for n, expected in ES6["sha256OfFirstLines"].items()}
    for count, bits in enumerate(_es6_test_values(), start=1):
        value = struct.unpack("<d", struct.pack("<Q", bits))[0]
        digest.update(f"{bits:x},".encode() + canonicalize(value) + b"\n")
        if count in checkpoints:
            assert digest.hexdigest() == checkpoints[count], f"first {count} lines"
        if count == max(checkpoints):
            break


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (123.456, "123.456"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e21, "1.5e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-7, "1.25e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992.0, "9007199254740992"),
        (MAX_SAFE_INTEGER, "9007199254740991"),
        (-MAX_SAFE_INTEGER, "-9007199254740991"),
        (10, "10"),
        (MAX_SAFE_INTEGER + 1, "9007199254740992"),
        (10**20, "100000000000000000000"),
    ],
)
def test_number_serialisation(number: float, text: str) -> None:
    assert canonicalize(number) == text.encode()


def test_string_escapes_follow_json_stringify() -> None:
    value = '\u0000\u0001\u001f\b\f\n\r\t"\\/\u007f\u2028</script>é😂'
    expected = '"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\"\\\\/\u007f\u2028</script>é😂"'
    assert canonicalize(value) == expected.encode("utf-8")


def test_keys_sort_by_utf16_code_units_not_code_points() -> None:
    # U+FB33 (one UTF-16 unit 0xFB33) sorts AFTER U+1F602 (surrogates 0xD83D 0xDE02).
    assert canonicalize({"\ufb33": 1, "\U0001f602": 2, "a": 3}) == (
        '{"a":3,"\U0001f602":2,"\ufb33":1}'.encode()
    )


def test_tuples_mappings_and_deep_nesting() -> None:
    assert canonicalize(MappingProxyType({"b": (1, 2), "a": []})) == b'{"a":[],"b":[1,2]}'
    deep: Any = "x"
    for _ in range(20000):
        deep = [deep]
    assert canonicalize(deep) == b"[" * 20000 + b'"x"' + b"]" * 20000
    assert canonicalize([True, False, None]) == b"[true,false,null]"


def test_input_is_not_mutated() -> None:
    value = {"b": [3, {"y": 1, "x": 2}], "a": 1.0}
    snapshot = json.dumps(value)
    canonicalize(value)
    assert json.dumps(value) == snapshot


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ({"a": [1, float("nan")]}, ("a", 1), "not a JSON number"),
        ({"a": float("inf")}, ("a",), "not a JSON number"),
        ([-math.inf], (0,), "not a JSON number"),
        ({"a": {1: "x"}}, ("a",), "not a string"),
        ({"a": {None: "x"}}, ("a",), "not a string"),
        ({"k": {1, 2}}, ("k",), "set is not a JSON type"),
        ({"k": b"bytes"}, ("k",), "bytes is not a JSON type"),
        ([object()], (0,), "object is not a JSON type"),
        ({"k": "lone \ud800 surrogate"}, ("k",), "surrogate"),
        ({"\udc00": 1}, ("\udc00",), "surrogate"),
        ({"n": [10**309]}, ("n", 0), "not how any IEEE 754 double prints"),
        ({"n": -(2**1024)}, ("n",), "not how any IEEE 754 double prints"),
        # the security review's case: signed as ...992, a reader would see ...993
        ({"n": MAX_SAFE_INTEGER + 2}, ("n",), "not how any IEEE 754 double prints"),
        ({"n": [123456789012345678901234567890]}, ("n", 0), "not how any IEEE 754 double prints"),
        ({"n": 10**21}, ("n",), "not how any IEEE 754 double prints"),  # ES prints 1e+21
        ({"n": -(2**64)}, ("n",), "not how any IEEE 754 double prints"),
    ],
)
def test_non_json_values_raise_with_path(value: Any, path: tuple[Any, ...], message: str) -> None:
    with pytest.raises(CanonicalizationError, match=message) as caught:
        canonicalize(value)
    assert caught.value.path == path
    assert isinstance(caught.value, MicrocredError)
    assert caught.value.code == "PROOF_TRANSFORMATION_ERROR"


def test_cycles_raise() -> None:
    looped: dict[str, Any] = {"a": []}
    looped["a"].append(looped)
    with pytest.raises(CanonicalizationError, match="circular") as caught:
        canonicalize(looped)
    assert caught.value.path == ("a", 0)
    shared = [1]
    assert canonicalize([shared, shared]) == b"[[1],[1]]"  # repeated, not circular


# --- properties -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_matches_oracle_is_idempotent_and_round_trips(value: Any) -> None:
    out = canonicalize(value)
    assert out == pyld_jcs(value)
    assert canonicalize(json.loads(out)) == out
    assert json.loads(out, parse_int=float) == value  # numbers read back as doubles, like JS


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_match_oracle_and_round_trip(number: float) -> None:
    out = canonicalize(number)
    assert out == pyld_jcs(number)
    assert float(out) == number
    assert canonicalize(json.loads(out)) == out  # large doubles come back as Python ints


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(2**1023), max_value=2**1023))
def test_an_integer_is_signed_only_as_its_own_digits(number: int) -> None:
    """An integer whose digits are how its double prints serialises as itself; any other
    is refused, so no two JSON numbers share one canonical form."""
    try:
        out = canonicalize(number)
    except CanonicalizationError:
        assert canonicalize(float(number)) != str(number).encode()
    else:
        assert out == str(number).encode() == canonicalize(float(number))
        assert canonicalize(json.loads(out)) == out


# --- the json-module fast path ----------------------------------------------------------------

_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from("\x00\x1f\x7f\u2028\ue000\U0001f600")
)
plain_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60) | _TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_TEXT, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(plain_values)
def test_the_json_module_path_writes_what_the_serializer_writes(value: Any) -> None:
    """Control characters, U+2028, keys beyond the BMP, unsafe integers: whichever path
    `canonicalize` takes, the bytes are the general serializer's."""
    try:
        expected = jcs._serialize(value)
    except CanonicalizationError:
        with pytest.raises(CanonicalizationError):
            canonicalize(value)
        return
    assert canonicalize(value) == expected


def test_a_credential_takes_the_json_module_path() -> None:
    credential = json.loads(
        (
            Path(__file__).resolve().parents[2] / "docs" / "examples" / "microcredential.json"
        ).read_text(encoding="utf-8")
    )
    assert jcs._json_module_agrees(credential, 0)
    assert not jcs._json_module_agrees({"\U0001f600": 1}, 0)  # UTF-16 order differs there
    assert not jcs._json_module_agrees([1.0], 0)  # "1.0" in Python, "1" in JCS
    assert not jcs._json_module_agrees(2**53, 0)
