"""What `intercept_anaf()` keeps of each call: plain strings and bytes, and the live objects while the caller holds them.

A `requests` call leaves behind a request, a response, their header dicts, a cookie jar and urllib3's raw
response: about 11 KB and sixty objects that Python's cyclic garbage collector walks again and again for as
long as they live. Kept for every call of a long block, they made each call about a tenth slower and the
block's memory grow without end. So a call is kept as its method, URL, headers and bodies, with weak
references to the request and response themselves: ``calls()`` hands back those very objects while the
caller still holds them, and otherwise builds equal ones from what was kept (status, headers, body,
cookies; not ``elapsed``, ``history`` or changes the caller made to the originals).
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, NamedTuple

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

Headers = tuple[tuple[str, str], ...]


class Call(NamedTuple):
    """One call answered or refused under `intercept_anaf()`: what was sent and what came back (None if refused)."""

    request: requests.PreparedRequest
    response: requests.Response | None


class Answer(NamedTuple):
    """What mock ANAF answered: status, headers (repeats kept) and the whole body."""

    status: int
    headers: Headers
    body: bytes


class _Kept(NamedTuple):
    method: str | None
    url: str | None
    headers: Headers
    body: str | bytes | None
    answer: Answer | None
    request: Callable[[], requests.PreparedRequest | None]
    response: Callable[[], requests.Response | None]


def _gone() -> None:
    return None


class CallLog:
    """Every call of a block, in order; ``build`` makes a `requests.Response` of an answer (for rebuilt calls)."""

    def __init__(self, build: Callable[[HTTPAdapter, requests.PreparedRequest, int, list[tuple[str, str]], bytes],
                                       requests.Response]) -> None:
        self._build = build
        self._kept: list[_Kept] = []
        self._lock = threading.Lock()
        self._adapter: HTTPAdapter | None = None

    def add(self, request: requests.PreparedRequest, sent: bytes | None, answer: Answer | None,
            response: requests.Response | None) -> None:
        """Keep a call: ``sent`` is the body as sent when it was not plain text or bytes (a file, a generator)."""
        body: Any = request.body
        if not (body is None or isinstance(body, (str, bytes))):
            body = sent
        kept = _Kept(request.method, request.url, tuple(request.headers.items()), body, answer,
                     weakref.ref(request), _gone if response is None else weakref.ref(response))
        with self._lock:
            self._kept.append(kept)

    def calls(self) -> list[Call]:
        """Every call so far, in order: the caller's own objects where still alive, equal ones otherwise."""
        with self._lock:
            kept = list(self._kept)
        return [self._call(k) for k in kept]

    def _call(self, kept: _Kept) -> Call:
        request = kept.request()
        if request is None:
            request = requests.PreparedRequest()
            request.method, request.url, request.body = kept.method, kept.url, kept.body
            request.headers = CaseInsensitiveDict(kept.headers)
        if kept.answer is None:
            return Call(request, None)
        response = kept.response()
        if response is None:
            status, headers, body = kept.answer
            response = self._build(self._rebuilding_adapter(), request, status, list(headers), body)
        return Call(request, response)

    def _rebuilding_adapter(self) -> HTTPAdapter:
        with self._lock:
            if self._adapter is None:
                self._adapter = HTTPAdapter()
            return self._adapter
