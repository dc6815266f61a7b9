"""The one JSON reader for request bodies: UTF-8, nesting depth and Unicode checked before and after json.loads.

Python's json module recurses once per nesting level, so `[[[[...` a thousand deep raised RecursionError
(a 500) wherever a body was read; JSON's `\\uD800` escape yields a lone surrogate that SQLite and UTF-8
cannot hold; and `NaN`/`Infinity` are not JSON at all. Every service reads JSON bodies through
`read_json` (or `request_json` in a view), so the whole class is answered with a clear 4xx.
"""
from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonBodyError(ValueError):
    """A body that is not usable JSON; ``status`` is the HTTP status to answer with, the message says why."""

    def __init__(self, message: str, status: int = 400, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.where = where


class LoneSurrogate(JsonBodyError):
    """A string (or key) holds half of a UTF-16 pair; ``where`` is its path in the document."""


class TooDeep(JsonBodyError):
    """Arrays and objects nest more than the reader allows."""


def nesting_depth(text: str, stop_above: int | None = None) -> int:
    """How deeply arrays and objects nest in JSON ``text`` (brackets inside strings do not count).

    With ``stop_above``, counting stops as soon as the depth passes it.
    """
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def read_json(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """``raw`` parsed as JSON; raises JsonBodyError (or LoneSurrogate) saying what is wrong, never RecursionError."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonBodyError("The body is not UTF-8 text.") from None
    if nesting_depth(text, stop_above=max_depth) > max_depth:
        raise TooDeep(f"The body's JSON nests arrays and objects more than {max_depth} levels deep.")
    try:
        value = json.loads(text, parse_constant=_not_json)
    except ValueError:
        raise JsonBodyError("The body is not valid JSON.") from None
    if _SURROGATE_ESCAPE.search(text):
        where = lone_surrogate_at(value)
        if where is not None:
            shown = ".".join(str(part) for part in where) or "the body"
            raise LoneSurrogate(f"{shown} holds text that is not valid Unicode (a lone surrogate such as \\ud800); "
                                "send UTF-8 text.", where=where)
    return value


def lone_surrogate_at(value: Any) -> tuple[str | int, ...] | None:
    """The path to the first string or key in ``value`` holding a lone surrogate, or None."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path
        elif isinstance(item, dict):
            for key, inner in item.items():
                if _SURROGATE.search(key):
                    return path + (_SURROGATE.sub("?", key),)
                stack.append((path + (key,), inner))
        elif isinstance(item, list):
            stack.extend((path + (index,), inner) for index, inner in enumerate(item))
    return None


def request_json(*, max_depth: int = MAX_DEPTH) -> Any:
    """The current Flask request's body as JSON (size already bounded by the app's MAX_CONTENT_LENGTH).

    A body of another Content-Type is refused with 415, an empty one with 400.
    """
    from flask import request

    if not request.is_json:
        raise JsonBodyError("Send the body as JSON, with Content-Type: application/json.", status=415)
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise JsonBodyError("The body is empty; send a JSON value.")
    return read_json(raw, max_depth=max_depth)
