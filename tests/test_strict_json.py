"""The strict JSON reader: one meaning per document (no duplicate names, no NaN), bounded depth."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.errors import MalformedDocumentError
from microcred.jades.jws import parse_json as parse_jws_json
from microcred.strict_json import DEFAULT_MAX_DEPTH, parse_json


def refused(text: str | bytes, **options: Any) -> MalformedDocumentError:
    with pytest.raises(MalformedDocumentError) as caught:
        parse_json(text, **options)
    assert caught.value.code == "MALFORMED_VALUE_ERROR"
    return caught.value


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def test_valid_json_reads_as_json_loads_reads_it() -> None:
    text = '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\ud83d\\ude00"], "b": {"c": {}}, "d": []}'
    assert parse_json(text) == json.loads(text)
    assert parse_json(text.encode("utf-8")) == json.loads(text)


def test_a_duplicate_member_at_the_top_is_named() -> None:
    error = refused('{"a": 1, "b": 2, "a": 3}')
    assert "duplicate member name 'a'" in error.message and error.path == ()


def test_a_forged_subject_before_the_signed_one_is_refused() -> None:
    """Last-wins reading would show the signed subject to one reader, the forged to another."""
    forged = '{"credentialSubject": {"name": "Mallory"}, "credentialSubject": {"name": "Ana"}}'
    assert "'credentialSubject'" in refused(forged).message


def test_a_nested_duplicate_is_named_with_the_path_of_its_object() -> None:
    error = refused('{"credentialSubject": {"hasClaim": [{}, {"title": 1, "title": 2}]}}')
    assert "duplicate member name 'title'" in error.message
    assert error.path == ("credentialSubject", "hasClaim", 1)
    assert "$.credentialSubject.hasClaim[1]" in str(error)


@pytest.mark.parametrize("nested", [nested_arrays, nested_objects])
def test_nesting_exactly_at_the_limit_is_read(nested: Any) -> None:
    assert parse_json(nested(DEFAULT_MAX_DEPTH)) == json.loads(nested(DEFAULT_MAX_DEPTH))
    assert parse_json(nested(3), max_depth=3) == json.loads(nested(3))


@pytest.mark.parametrize("nested", [nested_arrays, nested_objects])
def test_nesting_one_level_above_the_limit_is_refused(nested: Any) -> None:
    assert "nested too deeply" in refused(nested(DEFAULT_MAX_DEPTH + 1)).message
    assert "at most 3 levels" in refused(nested(4), max_depth=3).message


def test_a_scalar_has_no_depth() -> None:
    assert parse_json('"text"', max_depth=0) == "text"
    refused("[]", max_depth=0)


def test_200000_levels_give_a_clean_error_not_a_recursion_error() -> None:
    assert "nested too deeply" in refused(nested_arrays(200_000)).message
    assert "nested too deeply" in refused("[" * 200_000).message  # unterminated as well


@pytest.mark.parametrize("text", ['{"a": NaN}', "[Infinity]", "-Infinity", "1e400", "[-1E+999]"])
def test_nan_infinity_and_overflowing_numbers_are_refused(text: str) -> None:
    refused(text)


@pytest.mark.parametrize(
    ("text", "path"),
    [('{"a": ["\\ud800"]}', ("a", 0)), ('{"x": {"\\udfff": 1}}', ("x",))],
)
def test_unpaired_surrogates_are_not_text(text: str, path: tuple[Any, ...]) -> None:
    error = refused(text)
    assert "surrogate" in error.message and error.path == path


@pytest.mark.parametrize("data", [b'{"a": "\xe9"}', b"\xff", '{"a": 1}'.encode("utf-16")])
def test_bytes_must_be_utf8(data: bytes) -> None:
    assert "not UTF-8" in refused(data).message


@pytest.mark.parametrize("text", ["", "{", "{'a': 1}", "[1,]", '"\t"', "1 2", "\ufeff{}"])
def test_what_is_not_json_is_refused(text: str) -> None:
    assert refused(text).message.startswith("not JSON")


def test_the_jws_reader_is_the_strict_reader_and_keeps_raising_value_error() -> None:
    with pytest.raises(ValueError, match="duplicate member name 'alg'"):
        parse_jws_json(b'{"alg": "ES256", "alg": "none"}')
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_jws_json(nested_arrays(200_000))
    assert parse_jws_json(b'{"alg": "ES256"}') == {"alg": "ES256"}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=40,
)


@given(json_values, st.booleans())
def test_any_json_value_reads_back_as_itself(value: Any, ascii_only: bool) -> None:
    assert parse_json(json.dumps(value, ensure_ascii=ascii_only)) == value
