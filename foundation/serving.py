"""Serving a Flask app on a real multi-threaded HTTP server, in the background of this process or as a process.

The server is granian's: its Rust engine (hyper on tokio) accepts, parses and writes HTTP/1.1 and hands
each request to the WSGI app on a small pool of Python threads. Per request that costs a fraction of the
Python-side work of a pure-Python server (no select loop, trigger pipe or hand-off between threads).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable, Iterable

import requests

# granian's own entry points (its CLI, Granian(...).serve()) run workers as processes and own the
# process's signals. One worker served from inside this process needs its worker API, which is
# internal: pyproject pins granian to the minor version this module was written against.
from granian._futures import _new_cbscheduler
from granian._granian import SocketHolder, WorkerSignal, WSGIWorker
from granian.http import HTTP1Settings

log = logging.getLogger(__name__)
# granian's engine logs each worker's start and stop at INFO: noise beside the services' own log.
logging.getLogger("_granian").setLevel(logging.WARNING)

IDENT = "anaf-sandbox"  # the Server header, unless the app sets its own
BACKLOG = 1024
NO_TLS = (False, None, None, None, "tls1.3", None, [], False)
# What PEP 3333 asks of a server beyond the request itself (granian's scope has the CGI variables).
BASE_ENVIRON = {
    "GATEWAY_INTERFACE": "CGI/1.1",
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": IDENT,
    "wsgi.version": (1, 0),
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,  # the body is read to its end (chunked or not), as werkzeug may rely on
}
UNAVAILABLE = (503, [("Content-Type", "text/plain"), ("Server", IDENT)], b"stopping")
# What an app leaves unread of a request body (a 405, a 401 before an upload is read) is read and dropped,
# up to this much, so that the connection can carry the next request: a connection whose last body was
# not read to its end cannot be reused, and a keep-alive client would find it broken. Past the limit the
# answer says `Connection: close` instead.
DRAIN_LIMIT = 16 * 1024 * 1024


class ServerThread:
    """An HTTP server bound at construction (port 0 picks a free one), serving a WSGI app in the background.

    Binding first lets a caller learn the URL before it builds the app, which the launcher needs:
    mock SBS must know its own URL to register its callback at mock ANAF. ``threads`` Python
    threads run the app, so a slow request (an injected delay) does not hold up the others.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, threads: int = 4) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be from 0 to 65535, got {port}")  # the socket layer would wrap it
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=BACKLOG)
        # Accepted connections inherit it: without it a response written in two parts waits for the
        # client's delayed ACK (40 ms). granian sets it on the listeners it makes itself, too.
        self._listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = host
        self.port: int = int(self._listener.getsockname()[1])
        self._threads = threads
        self._app: Callable[..., Any] | None = None
        self._stopping = False
        self._signal = WorkerSignal()
        self._finished = threading.Event()
        self._signal.add_cb(self._finished.set)  # granian calls it once its threads have ended
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = 0
        self._idle = threading.Condition()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, app: Callable[..., Any]) -> "ServerThread":
        """Serve ``app`` from granian's threads; returns at once."""
        self._app = app
        # The worker wants an event loop for the async interfaces; WSGI calls never run on it.
        self._loop = asyncio.new_event_loop()
        worker = WSGIWorker(
            1, (None, SocketHolder(self._listener.dup().detach(), False, BACKLOG)), None,
            1,  # one Rust thread for the connections
            512,  # granian's default bound on its own blocking threads
            self._threads, 30,  # Python threads that run the app, kept 30 s when idle
            BACKLOG,  # requests in flight before new ones wait
            "1", HTTP1Settings(), None, None, *NO_TLS, (None, None),
        )
        worker.serve_str(_new_cbscheduler(self._loop, self._call, impl_asyncio=True), self._loop, self._signal)
        return self

    def _call(self, proto: Any, scope: dict[str, Any]) -> int:
        """One request from granian: run the WSGI app and hand back its status, headers and body."""
        with self._idle:
            self._busy += 1
        try:
            if self._stopping or self._app is None:
                proto.response_bytes(*UNAVAILABLE)
                return 503
            try:
                status, headers, body = run_wsgi(self._app, {**BASE_ENVIRON, "wsgi.errors": sys.stderr, **scope})
            except Exception:  # the services answer their own errors; this is a bug below them
                log.exception("unhandled error serving %s %s", scope.get("REQUEST_METHOD"), scope.get("PATH_INFO"))
                status, headers, body = 500, [("Content-Type", "text/plain"), ("Server", IDENT)], [b"internal error"]
            if not read_to_end(scope["wsgi.input"], DRAIN_LIMIT):
                headers = [*headers, ("Connection", "close")]
            if isinstance(body, list):
                proto.response_bytes(status, headers, b"".join(body))
            else:
                proto.response_iter(status, headers, Body(body))  # read to the end here, then closed
            return status
        finally:
            with self._idle:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening (the port is free again at once), let requests in progress finish, wait for granian."""
        if not self._stopping:
            self._stopping = True  # a request that still arrives on an open connection gets a 503
            self._signal.set()  # granian stops accepting and closes connections as they go idle
            self._listener.close()
        if self._loop is None:
            return  # never started
        deadline = time.monotonic() + timeout
        # Its threads touch Python as they end: they must be done before the interpreter may exit.
        self._finished.wait(timeout)
        with self._idle:
            self._idle.wait_for(lambda: self._busy == 0, max(0.0, deadline - time.monotonic()))
        self._loop.close()

    def __enter__(self) -> "ServerThread":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_wsgi(app: Callable[..., Any], environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], Iterable[bytes]]:
    """Call a WSGI app (PEP 3333): its status code, headers (with a Server header) and body iterable."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    body = app(environ, start_response)
    if written:  # the old write() callable was used: what it got comes first
        rest = Body(body)
        try:
            body = [*written, *rest]
        finally:
            rest.close()
    status, headers = started
    if not any(name.lower() == "server" for name, _ in headers):
        headers = [*headers, ("Server", IDENT)]
    return int(status.split(" ", 1)[0]), headers, body


def read_to_end(body: Any, limit: int) -> bool:
    """Read and drop what is left of a request body; False when more than ``limit`` bytes were left or it broke."""
    left = limit
    try:
        while left >= 0:
            chunk = body.read(min(65536, left + 1))
            if not chunk:
                return True
            left -= len(chunk)
    except Exception:  # the client went away mid-body: nothing to keep alive
        return False
    return False


class Body:
    """A response body as granian reads it: chunks, then ``close()`` as PEP 3333 requires."""

    __slots__ = ("_chunks", "_body")

    def __init__(self, body: Iterable[bytes]) -> None:
        self._body = body
        self._chunks = iter(body)

    def __iter__(self) -> "Body":
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


def port(text: str) -> int:
    """A TCP port for argparse: 0 (pick a free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 0 (a free port) to 65535")
    return value


def wait_healthy(url: str, timeout: float = 10.0) -> None:
    """Wait until ``url``/healthz answers 200, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.02)
    raise TimeoutError(f"{url}/healthz did not answer 200 within {timeout:.0f} s ({last})")


def stop_requested() -> threading.Event:
    """An event that Ctrl-C or SIGTERM sets from now on; install it before starting, so an early stop is kept."""
    stop = threading.Event()

    def _handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return stop


def wait_for_signal(stop: threading.Event | None = None) -> None:
    """Block until Ctrl-C or SIGTERM (or until ``stop``, from `stop_requested()`, is set)."""
    stop = stop if stop is not None else stop_requested()
    while not stop.wait(0.5):
        pass


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def exposure_warning(host: str) -> str | None:
    """A loud warning when services listen beyond this machine (`--host 0.0.0.0`), or None on loopback."""
    if host in LOOPBACK_HOSTS:
        return None
    return (f"WARNING: --host {host} serves the sandbox to the network. Anyone who can reach this machine can "
            "reset it, move its clocks and read its journals under /__admin/, and use the seeded SBS keys. "
            "Use it only on a network you trust, and stop it when you are done.")


def run_standalone(name: str, default_port: int, build: Callable[[str, int], Any]) -> None:
    """`python -m <service> --host H --port P`: build the app for that address and serve it until stopped."""
    parser = argparse.ArgumentParser(prog=f"python -m {name}", description=f"Run {name} alone.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=port, default=default_port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    try:
        server = ServerThread(args.host, args.port)
    except OSError as exc:
        raise SystemExit(f"{name}: cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    server.start(build(args.host, server.port))
    print(f"{name} listening on {server.url} (Ctrl-C to stop)", flush=True)
    try:
        wait_for_signal()
    finally:
        server.stop()
