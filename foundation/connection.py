"""One HTTP/1.1 connection, served from start to end on one thread: requests in, the WSGI app run, answers out.

The loop around `foundation.http11`'s reader, and PEP 3333: read until a whole request is there,
build the environ, call the app, write its answer with the right framing (Content-Length, chunked,
or the connection's end), and go on while the connection may be kept alive. A request never changes
threads, which is what makes a keep-alive client's call cheap: no hand-off, no wake-up of another thread.
"""
from __future__ import annotations

import io
import logging
import socket
import struct
import sys
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

import httptools

from foundation import http11
from foundation.http11 import HEAD_TOO_LARGE, IDENT, RECV_SIZE, Headers, Request, RequestReader, head, http_date, refuse

log = logging.getLogger(__name__)

# A connection with no request for this long is closed; a request that stalls mid-way as well.
IDLE_TIMEOUT = 60.0
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
NO_BODY_STATUSES = frozenset({204, 304})

WsgiApp = Callable[..., Iterable[bytes]]


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
            elif reader.head_bytes > http11.HEAD_LIMIT:  # headers that never end
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
        start = head(request.version, status, headers + extra)
        if bodiless:
            self.sock.sendall(start)
            return keep
        if stream is None:
            self.sock.sendall(start + payload)
            return keep
        self.sock.sendall(start)
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
