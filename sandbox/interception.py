"""ANAF's real URLs answered in-process: `requests` calls to logincert.anaf.ro and api.anaf.ro reach mock ANAF.

Under `intercept_anaf()`, `requests`' transport (``HTTPAdapter.send``) is replaced for the block. Each
call to `https://logincert.anaf.ro/...` or `https://api.anaf.ro/...` is handed to one in-memory mock
ANAF app (the same `create_app` and code path as the server, called through WSGI, no sockets) and its
answer comes back as a `requests.Response` built the way `requests` builds one from the network
(headers, cookies, redirects, streaming). Any other URL fails loudly with UnmatchedRequest naming it,
unless it was let through with ``passthrough``. A test that already has a `responses` mock can pass it
instead, and ANAF's hosts are added to that mock for the block.
"""
from __future__ import annotations

import http.client
import io
import re
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import requests
from flask import Flask
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from foundation import anaf
from mock_anaf import create_app
from mock_anaf.config import Config
from sandbox.call_log import Answer, Call, CallLog
from sandbox.harness import AnafClient

OAUTH_URL = anaf.OAUTH_HOST
API_URL = anaf.API_HOST
HOSTS = anaf.HOSTS
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class UnmatchedRequest(requests.exceptions.ConnectionError):
    """A call under `intercept_anaf()` went to a URL that nothing answers in-process."""


class WsgiTransport:
    """Hands a `requests.PreparedRequest` to a WSGI app: its status code, headers and whole body."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.answer(request, body_bytes(request))

    def answer(self, request: requests.PreparedRequest, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """The app's answer to ``request``, whose body (read already) is ``body``."""
        parts = urlsplit(str(request.url))
        default_port = "443" if parts.scheme == "https" else "80"
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method or "GET",
            "SCRIPT_NAME": "",
            # WSGI carries the decoded path as latin-1 text (PEP 3333).
            "PATH_INFO": unquote(parts.path or "/").encode("utf-8").decode("latin-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or default_port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": parts.netloc,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": parts.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            elif key not in ("CONTENT_LENGTH", "HOST"):
                environ[f"HTTP_{key}"] = value
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        # The body is handed over whole; a length the app computed for a stream would not apply.
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding")]
        return int(status.split(" ", 1)[0]), kept, b"".join(chunks)


def body_bytes(request: requests.PreparedRequest) -> bytes:
    """The body `requests` would send for ``request``, read whole (a file or a generator is consumed)."""
    body = request.body or b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):  # data=open(...): requests streams the file as it is
        body = body.read()
        return body.encode("utf-8") if isinstance(body, str) else body
    if not isinstance(body, bytes):
        return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8") for chunk in body)
    return body


class _SetCookies:
    """What `requests` reads cookies from (``_original_response.msg.get_all``), for an answer that sets some."""

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.msg = self
        self._headers = headers

    def get_all(self, name: str, default: Any = None) -> Any:
        found = [value for key, value in self._headers if key.lower() == name.lower()]
        return found or default

    def isclosed(self) -> bool:
        return True

    def close(self) -> None:
        pass


def build_response(adapter: HTTPAdapter, request: requests.PreparedRequest, status: int,
                   headers: list[tuple[str, str]], body: bytes) -> requests.Response:
    """The `requests.Response` an adapter makes of this answer had it come from the network."""
    cookies = _SetCookies(headers) if any(k.lower() == "set-cookie" for k, _ in headers) else None
    raw = HTTPResponse(body=io.BytesIO(body), headers=headers, status=status,  # headers: repeats kept
                       reason=http.client.responses.get(status), preload_content=False,
                       original_response=cookies, request_method=request.method)
    return adapter.build_response(request, raw)


class AnafInterception(AnafClient):
    """What `intercept_anaf()` yields: the AnafClient helpers at ANAF's real URLs, plus the app itself."""

    def __init__(self, app: Flask, mock: Any, session: requests.Session) -> None:
        super().__init__(session, OAUTH_URL, API_URL)
        self.app = app
        self.mock = mock  # the caller's `responses` mock, when one was joined
        self.unmatched: list[str] = []
        self._log = CallLog(build_response)

    @property
    def calls(self) -> list[Call | Any]:
        """Every call made in the block to ANAF or refused, in order (``.request`` and ``.response`` of each).

        With a joined `responses` mock, that mock's calls (other URLs included).
        """
        if self.mock is not None:
            return list(self.mock.calls)
        return self._log.calls()

    def httpx_transport(self, **kwargs: Any) -> Any:
        """An httpx transport to this same mock ANAF (`sandbox.httpx_transport.AnafTransport`; needs httpx)."""
        from sandbox.httpx_transport import AnafTransport

        return AnafTransport(app=self.app, **kwargs)

    def httpx_async_transport(self, **kwargs: Any) -> Any:
        """The same for `httpx.AsyncClient` (`AsyncAnafTransport`)."""
        from sandbox.httpx_transport import AsyncAnafTransport

        return AsyncAnafTransport(app=self.app, **kwargs)


def __getattr__(name: str) -> Any:
    """`from sandbox.interception import AnafTransport` works too, once httpx is installed (it is optional)."""
    if name in ("AnafTransport", "AsyncAnafTransport", "UnmatchedHttpxRequest"):
        from sandbox import httpx_transport

        return getattr(httpx_transport, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_anaf_app(**config: Any) -> Flask:
    """A fresh in-memory mock ANAF that believes it is logincert.anaf.ro."""
    settings: dict[str, Any] = {"public_url": OAUTH_URL, "data_dir": None}
    settings.update(config)
    return create_app(Config(**settings))


@contextmanager
def intercept_anaf(
    app: Flask | None = None,
    *,
    passthrough: Iterable[str] = (),
    mock: Any = None,
    **config: Any,
) -> Iterator[AnafInterception]:
    """Answer ANAF's real URLs in-process for the duration of the block.

    ``app`` is a mock ANAF app to use (default: a fresh in-memory one; ``config`` holds extra
    mock_anaf Config fields such as ``strict_client_auth=True``). ``passthrough`` lists URL prefixes
    (e.g. ``"http://127.0.0.1"``) that go to the real network; anything else unknown raises
    UnmatchedRequest, and if a caller swallowed that error, leaving the block raises it again.

    A test that already mocks other APIs with `responses` passes its own ``mock`` (a started
    `responses.RequestsMock`): ANAF's hosts are added to it for the block and removed after, and
    calls to other URLs stay that mock's business.
    """
    passthrough = tuple(passthrough)
    if mock is not None and passthrough:
        raise ValueError("with your own mock, let URLs through with mock.add_passthru() instead")
    app = app if app is not None else build_anaf_app(**config)
    transport = WsgiTransport(app)
    session = requests.Session()
    session.trust_env = False  # in-process: no proxy or netrc applies, and looking them up costs ~0.5 ms a call
    handle = AnafInterception(app, mock, session)

    def refuse(request: requests.PreparedRequest) -> UnmatchedRequest:
        url = str(request.url).split("?", 1)[0]
        handle.unmatched.append(f"{request.method} {url}")
        error = UnmatchedRequest(
            f"intercept_anaf: no in-process answer for {request.method} {url} — only "
            f"{' and '.join(HOSTS)} are mocked; pass passthrough=[...] to let other URLs reach the network"
        )
        error.request = request
        return error

    scope = _answering(transport, handle, passthrough, refuse) if mock is None else _joined(mock, transport)
    try:
        with scope:
            yield handle
    finally:
        session.close()
    if handle.unmatched:
        raise UnmatchedRequest(
            "intercept_anaf: calls to URLs that are not mocked were made and their error was caught: "
            + ", ".join(handle.unmatched)
        )


@contextmanager
def _answering(transport: WsgiTransport, handle: AnafInterception, passthrough: tuple[str, ...],
               refuse: Callable[[requests.PreparedRequest], UnmatchedRequest]) -> Iterator[None]:
    """``HTTPAdapter.send`` replaced for the block: ANAF's hosts in-process, passthrough to the network."""
    network = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = str(request.url)
        if anaf.on_anaf_host(url):
            body = body_bytes(request)
            status, headers, content = transport.answer(request, body)
            response = build_response(adapter, request, status, headers, content)
            handle._log.add(request, body, Answer(status, tuple(headers), content), response)
            return response
        if url.startswith(passthrough):
            return network(adapter, request, *args, **kwargs)
        handle._log.add(request, None, None, None)
        raise refuse(request)

    HTTPAdapter.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        HTTPAdapter.send = network  # type: ignore[method-assign]


@contextmanager
def _joined(mock: Any, transport: WsgiTransport) -> Iterator[None]:
    """ANAF's hosts added to the caller's `responses` mock for the block, removed after."""
    # `responses` consumes the first of several matching entries, so the patterns name the hosts exactly.
    mocked = [re.compile(re.escape(host) + r"(?:[/?#]|$)") for host in HOSTS]
    added = [mock.add_callback(method, pattern, callback=transport) for method in METHODS for pattern in mocked]
    try:
        yield
    finally:
        for response in added:
            mock.remove(response)
