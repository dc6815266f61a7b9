"""The request reader of the HTTP server (`foundation.http11`): whatever way the bytes arrive, the same requests."""
from __future__ import annotations

import httptools
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.http11 import RequestReader, environ_key

TOKENS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
PATHS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789%20._~", min_size=1, max_size=10),
                 min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts))


@st.composite
def requests_(draw: st.DrawFn) -> tuple[bytes, tuple[str, str, dict[str, str], bytes]]:
    """One request's bytes, and what the reader must make of it: method, URL, header environ, body."""
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"]))
    url = draw(PATHS) + draw(st.sampled_from(["", "?a=1", "?x=%20y&z="]))
    names = draw(st.lists(TOKENS.map(lambda t: "X-" + t), max_size=4, unique_by=str.lower))
    headers = {name: draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz 0123456789;=,/", max_size=20)).strip()
               for name in names}
    body = draw(st.binary(max_size=300)) if method in ("POST", "PUT") else b""
    chunked = bool(body) and draw(st.booleans())
    head = f"{method} {url} HTTP/1.1\r\nHost: sandbox.test\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    if chunked:
        cut = draw(st.integers(0, len(body)))
        pieces = [p for p in (body[:cut], body[cut:]) if p]
        payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        head += "Transfer-Encoding: chunked\r\n"
    else:
        payload = body
        if body:
            head += f"Content-Length: {len(body)}\r\n"
    expected_headers = {"HTTP_HOST": "sandbox.test", **{environ_key(n.encode()): v for n, v in headers.items()}}
    if body and not chunked:
        expected_headers["CONTENT_LENGTH"] = str(len(body))
    if chunked:
        expected_headers["HTTP_TRANSFER_ENCODING"] = "chunked"
    return (head + "\r\n").encode() + payload, (method, url, expected_headers, body)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(requests_(), min_size=1, max_size=3), st.data())
def test_any_split_of_pipelined_requests_gives_the_same_requests(batch, data) -> None:
    stream = b"".join(raw for raw, _ in batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    reader = RequestReader()
    for start, end in zip([0, *cuts], [*cuts, len(stream)]):
        if end > start:
            reader.feed(stream[start:end])
    got = [(r.method, r.url.decode(), r.headers, b"".join(r.body)) for r in reader.ready]
    assert got == [expected for _, expected in batch]
    assert reader.current is None and all(r.refusal is None and r.keep_alive for r in reader.ready)


@pytest.mark.parametrize("raw", [
    b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",  # smuggling by two lengths
    b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",  # an obsolete folded header
    b"GET /\x00 HTTP/1.1\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # TLS spoken to a plain HTTP port
])
def test_ambiguous_or_broken_requests_are_errors(raw: bytes) -> None:
    with pytest.raises(httptools.HttpParserError):
        RequestReader().feed(raw)


def test_header_names_with_underscores_are_dropped_and_repeats_joined() -> None:
    reader = RequestReader()
    reader.feed(b"GET / HTTP/1.1\r\nX_Forwarded_For: 6.6.6.6\r\nX-A: 1\r\nx-a: 2\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n")
    (request,) = reader.ready
    assert request.headers == {"HTTP_X_A": "1,2", "HTTP_COOKIE": "a=1; b=2"}
