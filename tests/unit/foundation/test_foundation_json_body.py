"""The one JSON reader (foundation.json_body): depth, UTF-8, constants and lone surrogates are clear errors."""
from __future__ import annotations

import json

import pytest

from foundation.json_body import JsonBodyError, LoneSurrogate, nesting_depth, read_json


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        pytest.param("1", 0, id="scalar"),
        pytest.param("[]", 1, id="empty-array"),
        pytest.param('{"a": [1, {"b": []}]}', 4, id="mixed"),
        pytest.param('["[[[[", "{{{"]', 1, id="brackets-inside-strings-do-not-count"),
        pytest.param(r'["\"[[[", "\\"]', 1, id="escaped-quotes-inside-strings"),
        pytest.param("[" * 5000 + "]" * 5000, 5000, id="very-deep"),
    ],
)
def test_nesting_depth(text, depth) -> None:
    assert nesting_depth(text) == depth


def test_nesting_depth_stops_counting_past_the_limit() -> None:
    assert nesting_depth("[" * 100_000, stop_above=64) == 65


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_too_deep_is_a_400_not_a_recursion_error(opening, closing, depth) -> None:
    with pytest.raises(JsonBodyError) as caught:
        read_json((opening * depth + "1" + closing * depth).encode())
    assert caught.value.status == 400
    assert caught.value.message == "The body's JSON nests arrays and objects more than 64 levels deep."


def test_exactly_the_limit_is_read() -> None:
    assert read_json("[" * 64 + "]" * 64) == json.loads("[" * 64 + "]" * 64)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b"\xff\xfe", "The body is not UTF-8 text.", id="not-utf8"),
        pytest.param(b"{", "The body is not valid JSON.", id="truncated"),
        pytest.param(b'{"advance": NaN}', "The body is not valid JSON.", id="nan"),
        pytest.param(b"Infinity", "The body is not valid JSON.", id="infinity"),
        pytest.param(b"9" * 5000, "The body is not valid JSON.", id="int-past-python-digit-limit"),
    ],
)
def test_unusable_bodies_say_why(raw, message) -> None:
    with pytest.raises(JsonBodyError) as caught:
        read_json(raw)
    assert (caught.value.status, caught.value.message) == (400, message)


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        pytest.param(r'"\ud800"', (), id="top-level"),
        pytest.param(r'{"a": [1, "x\udfffy"]}', ("a", 1), id="inside"),
        pytest.param(r'{"k\ud800": 1}', ("k?",), id="in-a-key"),
        pytest.param(r'{"pair": "\ud83d\ude00", "lone": "\uDBFF"}', ("lone",), id="upper-case-escape"),
    ],
)
def test_lone_surrogates_are_refused_with_their_place(raw, where) -> None:
    with pytest.raises(LoneSurrogate) as caught:
        read_json(raw)
    assert caught.value.where == where
    assert caught.value.status == 400
    assert "not valid Unicode (a lone surrogate such as \\ud800)" in caught.value.message


def test_a_surrogate_pair_is_text() -> None:
    assert read_json(r'{"smile": "\ud83d\ude00"}'.encode()) == {"smile": "\U0001F600"}
