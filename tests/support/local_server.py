"""A stand-in for a service that is not ANAF: a real HTTP server on 127.0.0.1, port 0, answering plain text."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from foundation.serving import ServerThread


@contextmanager
def answering(text: str) -> Iterator[str]:
    """Serve ``text`` (200, text/plain) to every request for the block; yields the server's URL."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [text.encode()]

    server = ServerThread("127.0.0.1", 0)
    server.start(app)
    try:
        yield server.url
    finally:
        server.stop()
