"""Serving a Flask app on a real multi-threaded WSGI server (waitress), in a thread or as a process."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from typing import Any, Callable

import requests
from waitress.server import create_server

log = logging.getLogger(__name__)


class ServerThread:
    """A waitress server bound at construction (port 0 picks a free one), served from a thread.

    Binding first lets a caller learn the URL before it builds the app, which the launcher needs:
    mock SBS must know its own URL to register its callback at mock ANAF.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, threads: int = 4) -> None:
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be from 0 to 65535, got {port}")  # the socket layer would wrap it
        self._app: Callable[..., Any] | None = None
        self._server = create_server(
            # waitress reads asyncore_loop_timeout with int(): a fraction becomes 0, a select() that never
            # sleeps and a core burnt per idle server. stop() wakes the loop through its trigger instead.
            self._dispatch, host=host, port=port, threads=threads, asyncore_loop_timeout=1,
            clear_untrusted_proxy_headers=True, ident="anaf-sandbox",
        )
        self.host = host
        # waitress reports the port as a string when one was asked for, as an int for port 0.
        self.port: int = int(self._server.effective_port)  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _dispatch(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self._app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self._app(environ, start_response)

    def start(self, app: Callable[..., Any]) -> "ServerThread":
        """Serve ``app`` from a daemon thread."""
        self._app = app
        self._thread = threading.Thread(target=self._run, name=f"wsgi-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:
            # stop() closes the sockets under the loop's select(): EBADF then means "stopped".
            if not self._stopping:
                raise

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection, then let the worker threads finish."""
        self._stopping = True
        if self._thread is not None and self._thread.is_alive():
            # Wake the loop's select() and close everything from its own thread; it then finds
            # nothing left to serve and returns at once.
            self._server.trigger.pull_trigger(self._close_all)  # type: ignore[attr-defined]
        else:
            self._close_all()
        self._server.task_dispatcher.shutdown(timeout=timeout)  # type: ignore[attr-defined]
        if self._thread is not None:
            self._thread.join(timeout)

    def _close_all(self) -> None:
        for dispatcher in list(self._server._map.values()):  # type: ignore[attr-defined]
            try:
                dispatcher.close()
            except OSError:
                pass

    def __enter__(self) -> "ServerThread":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


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
