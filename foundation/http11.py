"""HTTP/1.1 on the wire, for the sandbox's server: requests read from bytes, and the pieces of an answer.

llhttp (Node.js's parser, through httptools) does the parsing: request line, headers, chunked or
fixed-length bodies, keep-alive and pipelining rules, and the refusal of ambiguous framing (two
lengths, a length beside chunked). `RequestReader` collects what it hands over into whole requests,
their headers already as WSGI environ entries, and enforces the size limits.
"""
from __future__ import annotations

import socket
import time
from collections import deque
from email.utils import formatdate
from http import HTTPStatus

import httptools

IDENT = "anaf-sandbox"  # the Server header, unless the app sets its own
# A request line and headers larger than this get 431; a body larger than this gets 413 without the app
# running (each service refuses far smaller bodies itself, in its own words). Read at run time.
HEAD_LIMIT = 64 * 1024
BODY_LIMIT = 16 * 1024 * 1024
RECV_SIZE = 65536
# After a refusal, how long and how much of what the client still sends is read before the connection closes.
LINGER = 1.0
LINGER_BYTES = 1024 * 1024
TOO_LARGE = (413, "the request body is too large")
HEAD_TOO_LARGE = (431, "the request line and headers are too large")

Headers = list[tuple[str, str]]


class Request:
    """One request as llhttp hands it over; its headers already as environ entries (PEP 3333)."""

    __slots__ = ("url", "headers", "head_size", "body", "size", "method", "version", "keep_alive",
                 "expects_continue", "head_done", "refusal")

    def __init__(self) -> None:
        self.url = b""
        self.headers: dict[str, str] = {}  # HTTP_X_Y (and CONTENT_TYPE, CONTENT_LENGTH) → value
        self.head_size = 0
        self.body: list[bytes] = []
        self.size = 0
        self.method = ""
        self.version = "1.1"
        self.keep_alive = True
        self.expects_continue = False
        self.head_done = False
        self.refusal: tuple[int, str] | None = None  # the status and text it gets instead of an answer


def environ_key(name: bytes) -> str:
    """The environ key of a header: HTTP_ and the name upper-cased, "-" as "_"; "" for a name with "_".

    A name with "_" would pose as another (X_Foo as X-Foo), so it is dropped, as most servers do.
    """
    text = name.decode("latin-1")
    if "_" in text:
        return ""
    key = text.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key


_environ_keys: dict[bytes, str] = {}  # header names seen, up to a bound: most clients send the same few


class RequestReader:
    """Feeds a connection's bytes to llhttp and keeps the requests it completes, in order."""

    def __init__(self, body_limit: int | None = None) -> None:
        self._parser = httptools.HttpRequestParser(self)
        self._body_limit = BODY_LIMIT if body_limit is None else body_limit
        self.current: Request | None = None
        self.ready: deque[Request] = deque()
        self.head_bytes = 0  # bytes of the current request before its headers ended
        self.upgraded = False  # llhttp stops at an Upgrade request: nothing after it can be read

    def feed(self, data: bytes) -> None:
        """Parse ``data``; raises httptools.HttpParserError for bytes that are not HTTP/1.x."""
        if self.current is None or not self.current.head_done:
            self.head_bytes += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.upgraded = True

    # llhttp's callbacks
    def on_message_begin(self) -> None:
        self.current = Request()

    def on_url(self, url: bytes) -> None:
        assert self.current is not None
        self.current.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        request = self.current
        assert request is not None
        request.head_size += len(name) + len(value) + 4
        key = _environ_keys.get(name)
        if key is None:
            key = environ_key(name)
            if len(_environ_keys) < 256:
                _environ_keys[name] = key
        if not key:
            return
        text = value.decode("latin-1")
        headers = request.headers
        if key in headers:  # a repeated header: one value, comma-joined (cookies with "; ")
            headers[key] += ("; " if key == "HTTP_COOKIE" else ",") + text
        else:
            headers[key] = text

    def on_headers_complete(self) -> None:
        request = self.current
        assert request is not None
        parser = self._parser
        request.method = parser.get_method().decode("ascii")
        request.version = parser.get_http_version()
        request.keep_alive = parser.should_keep_alive()
        request.head_done = True
        self.head_bytes = 0
        headers = request.headers
        if int(headers.get("CONTENT_LENGTH") or 0) > self._body_limit:  # llhttp checked it is a number
            request.refusal = TOO_LARGE
        if "HTTP_EXPECT" in headers and headers["HTTP_EXPECT"].lower() == "100-continue":
            request.expects_continue = True
        if request.head_size + len(request.url) > HEAD_LIMIT:
            request.refusal = HEAD_TOO_LARGE

    def on_body(self, body: bytes) -> None:
        request = self.current
        assert request is not None
        request.size += len(body)
        if request.size > self._body_limit:
            request.refusal = TOO_LARGE
        if request.refusal is None:
            request.body.append(body)

    def on_message_complete(self) -> None:
        assert self.current is not None
        self.ready.append(self.current)
        self.current = None


def refuse(sock: socket.socket, status: int, text: str) -> None:
    """Answer ``status`` with ``text`` and end the connection, without the app.

    What the client may still be sending is read and dropped for a moment first: closing a socket with
    unread bytes resets the connection, and the client could lose the answer.
    """
    body = text.encode() + b"\n"
    answer = head("1.1", status, [("Content-Type", "text/plain; charset=utf-8"), ("Server", IDENT),
                                 ("Content-Length", str(len(body))), ("Connection", "close")])
    try:
        sock.sendall(answer + body)
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(LINGER)
        left = LINGER_BYTES
        while left > 0:
            chunk = sock.recv(RECV_SIZE)
            if not chunk:
                break
            left -= len(chunk)
    except OSError:
        pass


_REASONS = {status.value: status.phrase for status in HTTPStatus}


def head(version: str, status: int, headers: Headers) -> bytes:
    """The status line and headers of an answer, ready to send."""
    lines = [f"HTTP/{version} {status} {_REASONS.get(status, '')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_date = (0, "")


def http_date() -> str:
    """The Date header's value (RFC 9110 §6.6.1), computed once a second."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, formatdate(now, usegmt=True))
    return _date[1]
