"""One HTTP/1.1 connection, served from start to end on one thread: requests in, the WSGI app run, answers out.

The bytes are parsed by llhttp (Node.js's parser, through httptools): request line, headers, chunked
or fixed-length bodies, keep-alive and pipelining rules. What is left here is the loop around it and
PEP 3333: read until a whole request is there, build the environ, call the app, write its answer
with the right framing (Content-Length, chunked, or the connection's end), and go on while the
connection may be kept alive. A request never changes threads, which is what makes a keep-alive
client's call cheap: no hand-off, no wake-up of another thread.
"""
from __future__ import annotations

import io
import logging
import socket
import struct
import sys
import time
from collections import deque
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

import httptools

log = logging.getLogger(__name__)

IDENT = "anaf-sandbox"  # the Server header, unless the app sets its own
# A connection with no request for this long is closed; a request that stalls mid-way as well.
IDLE_TIMEOUT = 60.0
# A request line and headers larger than this get 431; a body larger than this gets 413 without the app
# running (each service refuses far smaller bodies itself, in its own words).
HEAD_LIMIT = 64 * 1024
BODY_LIMIT = 16 * 1024 * 1024
RECV_SIZE = 65536
# After a refusal, how long and how much of what the client still sends is read before the connection closes.
LINGER = 1.0
LINGER_BYTES = 1024 * 1024
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
TOO_LARGE = (413, "the request body is too large")
HEAD_TOO_LARGE = (431, "the request line and headers are too large")
NO_BODY_STATUSES = frozenset({204, 304})

WsgiApp = Callable[..., Iterable[bytes]]
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


class Connection:
    """Serves the requests of one accepted socket with ``app`` until either side ends the connection.

    ``server`` is told when a request starts and ends (``busy``/``idle``), and says whether it is stopping;
    its ``base_environ`` holds what every request's environ shares.
    """

    def __init__(self, sock: socket.socket, peer: Any, app: WsgiApp, server: Any) -> None:
        self.sock = sock
        self.app = app
        self.server = server
        self.reader = RequestReader()
        self.peer = (str(peer[0]), str(peer[1])) if isinstance(peer, tuple) and len(peer) >= 2 else ("", "")

    def serve(self) -> None:
        sock = self.sock
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            set_timeouts(sock, IDLE_TIMEOUT)
            while self.server.idle(self):
                request = self._next_request()
                if request is None:
                    return
                self.server.busy(self)
                if not self._answer(request):
                    return
        except OSError:
            pass  # the client went away
        finally:
            self.server.closed(self)
            try:
                sock.close()
            except OSError:
                pass

    def shutdown(self) -> None:
        """Wake a read in progress (the server is stopping and this connection is idle)."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _next_request(self) -> Request | None:
        """The next whole request, or None once the connection is over (closed, broken, refused)."""
        reader = self.reader
        while not reader.ready:
            if reader.upgraded:
                return None
            current = reader.current
            if current is not None and current.head_done:
                if current.refusal is not None:
                    self._refuse(*current.refusal)
                    return None
                if current.expects_continue:
                    current.expects_continue = False
                    self.sock.sendall(CONTINUE)
            elif reader.head_bytes > HEAD_LIMIT:  # headers that never end
                self._refuse(*HEAD_TOO_LARGE)
                return None
            try:
                data = self.sock.recv(RECV_SIZE)
            except (TimeoutError, BlockingIOError):  # nothing came for IDLE_TIMEOUT seconds
                return None
            if not data:
                return None
            try:
                reader.feed(data)
            except httptools.HttpParserError:
                self._refuse(400, "malformed HTTP request")
                return None
        request = reader.ready.popleft()
        if request.refusal is not None:
            self._refuse(*request.refusal)
            return None
        return request

    def _refuse(self, status: int, text: str) -> None:
        refuse(self.sock, status, text)

    def _answer(self, request: Request) -> bool:
        """Run the app for ``request`` and write its answer; whether the connection goes on."""
        keep = request.keep_alive and not self.reader.upgraded
        try:
            environ = self._environ(request)
        except httptools.HttpParserInvalidURLError:
            self._refuse(400, "malformed request target")
            return False
        if self.server.stopping:
            status, headers, body = 503, [("Content-Type", "text/plain"), ("Server", IDENT)], [b"stopping"]
        else:
            try:
                status, headers, body = run_wsgi(self.app, environ)
            except Exception:  # the services answer their own errors; this is a bug below them
                log.exception("unhandled error serving %s %s", environ["REQUEST_METHOD"], environ["PATH_INFO"])
                status, headers, body = 500, [("Content-Type", "text/plain"), ("Server", IDENT)], [b"internal error"]
        try:
            return self._write(request, status, headers, body, keep and not self.server.stopping)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def _write(self, request: Request, status: int, headers: Headers, body: Iterable[bytes], keep: bool) -> bool:
        length = None
        chunked = has_connection = has_date = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length":
                length = value
            elif lowered == "transfer-encoding":
                chunked = True
            elif lowered == "connection":
                has_connection = True
                keep = keep and value.strip().lower() != "close"
            elif lowered == "date":
                has_date = True
        bodiless = request.method == "HEAD" or status in NO_BODY_STATUSES or status < 200
        extra: Headers = [] if has_date else [("Date", http_date())]
        if isinstance(body, list):
            payload = b"".join(body)
            if length is None and not chunked and not bodiless:
                extra.append(("Content-Length", str(len(payload))))
            stream = None
        else:
            payload = b""
            stream = body
            if length is None and not chunked and not bodiless:
                if request.version == "1.1":
                    extra.append(("Transfer-Encoding", "chunked"))
                    chunked = True
                else:
                    keep = False  # an HTTP/1.0 client reads to the connection's end
        if has_connection:
            pass  # the app said it
        elif not keep:
            extra.append(("Connection", "close"))
        elif request.version != "1.1":
            extra.append(("Connection", "keep-alive"))
        head = _head(request.version, status, headers + extra)
        if bodiless:
            self.sock.sendall(head)
            return keep
        if stream is None:
            self.sock.sendall(head + payload)
            return keep
        self.sock.sendall(head)
        try:
            for chunk in stream:
                if chunk:
                    self.sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        except OSError:  # the client went away
            return False
        except Exception:  # the status is out already: all that is left is to end the connection
            log.exception("error while streaming the answer to %s %s", request.method, request.url[:200])
            return False
        if chunked:
            self.sock.sendall(b"0\r\n\r\n")
        return keep

    def _environ(self, request: Request) -> dict[str, Any]:
        url = httptools.parse_url(request.url) if request.url != b"*" else None
        return {
            **self.server.base_environ,
            **request.headers,
            "REQUEST_METHOD": request.method,
            "PATH_INFO": unquote_to_bytes(url.path or b"/").decode("latin-1") if url is not None else "*",
            "QUERY_STRING": (url.query or b"").decode("latin-1") if url is not None else "",
            "RAW_URI": request.url.decode("latin-1"),
            "SERVER_PROTOCOL": f"HTTP/{request.version}",
            "REMOTE_ADDR": self.peer[0],
            "REMOTE_PORT": self.peer[1],
            "wsgi.input": io.BytesIO(b"".join(request.body)),
            "wsgi.errors": sys.stderr,
        }


def run_wsgi(app: WsgiApp, environ: dict[str, Any]) -> tuple[int, Headers, Iterable[bytes]]:
    """Call a WSGI app (PEP 3333): its status code, headers (with a Server header) and body iterable."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: Headers, exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    body = app(environ, start_response)
    if not started or written:
        # A generator app calls start_response as it yields its first chunk; what the old write()
        # callable got comes before the rest. Either way the body is read here, then closed.
        rest = body
        try:
            body = [*written, *rest]
        finally:
            close = getattr(rest, "close", None)
            if close is not None:
                close()
    if not started:
        raise RuntimeError("the WSGI app returned without calling start_response")
    status, headers = started
    if not any(name.lower() == "server" for name, _ in headers):
        headers = [*headers, ("Server", IDENT)]
    return int(status.split(" ", 1)[0]), headers, body


def set_timeouts(sock: socket.socket, seconds: float) -> None:
    """Make a read or write that waits longer than ``seconds`` fail, on a socket that stays blocking.

    The kernel keeps the timeout (SO_RCVTIMEO, SO_SNDTIMEO), so a call is one system call; Python's own
    socket timeout would poll before each one. Where the option cannot be set, Python's is used.
    """
    whole = int(seconds)
    timeval = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
    except (OSError, AttributeError):
        sock.settimeout(seconds)


def refuse(sock: socket.socket, status: int, text: str) -> None:
    """Answer ``status`` with ``text`` and end the connection, without the app.

    What the client may still be sending is read and dropped for a moment first: closing a socket with
    unread bytes resets the connection, and the client could lose the answer.
    """
    body = text.encode() + b"\n"
    head = _head("1.1", status, [("Content-Type", "text/plain; charset=utf-8"), ("Server", IDENT),
                                 ("Content-Length", str(len(body))), ("Connection", "close")])
    try:
        sock.sendall(head + body)
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


def _head(version: str, status: int, headers: Headers) -> bytes:
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
