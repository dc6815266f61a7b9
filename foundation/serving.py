"""Serving a WSGI app on a real multi-threaded HTTP/1.1 server, in the background of this process.

Each accepted connection gets a thread of its own that reads its requests, runs the app and writes
the answers (`foundation.connection`; llhttp parses the bytes, `foundation.http11`). A keep-alive
client's request is served on the thread that read it: no event loop, no hand-off between threads,
no wake-up of another one, and a slow request (an injected delay) holds up only its own connection.
"""
from __future__ import annotations

import argparse
import logging
import selectors
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable

import requests

from foundation.connection import Connection, WsgiApp
from foundation.http11 import IDENT, refuse

log = logging.getLogger(__name__)

BACKLOG = 1024
# Connections served at once; one more is answered 503 and closed, rather than left waiting unseen.
MAX_CONNECTIONS = 512
# What PEP 3333 asks of a server beyond the request itself.
BASE_ENVIRON = {
    "GATEWAY_INTERFACE": "CGI/1.1",
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": IDENT,
    "wsgi.version": (1, 0),
    "wsgi.url_scheme": "http",
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,  # the body is there whole (chunked or not), as werkzeug may rely on
}


class ServerThread:
    """An HTTP server bound at construction (port 0 picks a free one), serving a WSGI app in the background.

    Binding first lets a caller learn the URL before it builds the app, which the launcher needs:
    mock SBS must know its own URL to register its callback at mock ANAF.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be from 0 to 65535, got {port}")  # the socket layer would wrap it
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=BACKLOG)
        self.host = host
        self.port: int = int(self._listener.getsockname()[1])
        self.base_environ = {**BASE_ENVIRON, "SERVER_NAME": host, "SERVER_PORT": str(self.port)}
        self.stopping = False
        self._app: WsgiApp | None = None
        self._acceptor: threading.Thread | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._lock = threading.Condition()
        self._connections: dict[Connection, bool] = {}  # connection → busy with a request

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, app: Callable[..., Any]) -> "ServerThread":
        """Serve ``app``; returns at once."""
        self._app = app
        self._acceptor = threading.Thread(target=self._accept_loop, name=f"http-{self.port}", daemon=True)
        self._acceptor.start()
        return self

    def _accept_loop(self) -> None:
        self._listener.setblocking(False)
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self.stopping:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    try:
                        sock, peer = self._listener.accept()
                    except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                        continue
                    except OSError as exc:  # out of file descriptors, say: the client is refused
                        log.warning("cannot accept a connection: %s", exc)
                        time.sleep(0.01)
                        continue
                    self._serve(sock, peer)

    def _serve(self, sock: socket.socket, peer: Any) -> None:
        sock.setblocking(True)
        assert self._app is not None
        connection = Connection(sock, peer, self._app, self)
        with self._lock:
            admitted = len(self._connections) < MAX_CONNECTIONS
            if admitted:
                self._connections[connection] = False
        if not admitted:  # refused on a thread of its own, so that accepting goes on meanwhile
            threading.Thread(target=_overloaded, args=(sock,), name=f"http-{self.port}-refuse", daemon=True).start()
            return
        threading.Thread(target=connection.serve, name=f"http-{self.port}-conn", daemon=True).start()

    # What a Connection tells its server.
    def idle(self, connection: Connection) -> bool:
        """The connection waits for its next request; False when the server is stopping (it closes then)."""
        with self._lock:
            self._connections[connection] = False
            if self.stopping:
                self._lock.notify_all()  # stop() may be waiting for this request
                return False
            return True

    def busy(self, connection: Connection) -> None:
        with self._lock:
            self._connections[connection] = True

    def closed(self, connection: Connection) -> None:
        with self._lock:
            self._connections.pop(connection, None)
            self._lock.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening (the port is free again at once), let requests in progress finish, close the rest."""
        with self._lock:
            first = not self.stopping
            self.stopping = True  # a request that still arrives on an open connection gets a 503
            idle = [c for c, busy in self._connections.items() if not busy]
        if first:
            self._wake_w.send(b"x")
            if self._acceptor is not None:
                self._acceptor.join(timeout)
            self._listener.close()
            self._wake_r.close()
            self._wake_w.close()
        for connection in idle:
            connection.shutdown()
        deadline = time.monotonic() + timeout
        with self._lock:
            while any(self._connections.values()) and time.monotonic() < deadline:
                self._lock.wait(max(0.0, deadline - time.monotonic()))
            # Connections that finished their request after the snapshot above are closing by now.
            for connection, busy in list(self._connections.items()):
                if not busy:
                    connection.shutdown()

    def __enter__(self) -> "ServerThread":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _overloaded(sock: socket.socket) -> None:
    try:
        refuse(sock, 503, "too many connections")
    finally:
        sock.close()


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


LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def log_to_stderr() -> None:
    """The services' log on stderr, a line per event (INFO and up).

    The record fields that the format does not show (caller's file and line, thread, process) are not
    gathered: the Logging HOWTO's optimizations, which matter at a log line per sign-in.
    """
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)


def run_standalone(name: str, default_port: int, build: Callable[[str, int], Any]) -> None:
    """`python -m <service> --host H --port P`: build the app for that address and serve it until stopped."""
    parser = argparse.ArgumentParser(prog=f"python -m {name}", description=f"Run {name} alone.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=port, default=default_port)
    args = parser.parse_args()
    log_to_stderr()
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
