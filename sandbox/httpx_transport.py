"""ANAF's real URLs answered in-process for httpx clients: a transport that hands them to mock ANAF.

`intercept_anaf()` covers code that uses `requests`. Code that uses httpx takes a transport instead:
`httpx.Client(transport=AnafTransport())` sends every call to `https://logincert.anaf.ro/...` and
`https://api.anaf.ro/...` to an in-memory mock ANAF through httpx's own WSGI transport (no sockets),
and refuses any other URL with UnmatchedHttpxRequest naming it, unless a ``passthrough`` transport
is given for them. `AsyncAnafTransport` is the same for `httpx.AsyncClient`. Pass ``app=handle.app``
from `intercept_anaf()` to share one mock ANAF (and its helpers) between `requests` and httpx.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

try:
    import httpx
except ImportError as exc:  # httpx is optional: only clients that use it need this module
    raise ImportError("sandbox.httpx_transport needs httpx: pip install httpx") from exc

from foundation.anaf import HOSTS, on_anaf_host
from sandbox.interception import build_anaf_app

if TYPE_CHECKING:
    from flask import Flask


class UnmatchedHttpxRequest(httpx.ConnectError):
    """A call through AnafTransport went to a URL that nothing answers in-process."""


def is_anaf_url(url: httpx.URL) -> bool:
    """Whether ``url`` is on one of ANAF's two hosts (scheme, host and default port exactly)."""
    return on_anaf_host(str(url))


class AnafTransport(httpx.BaseTransport):
    """An httpx transport answering ANAF's URLs with mock ANAF (``app``, or a fresh in-memory one)."""

    def __init__(self, app: "Flask | None" = None, *, passthrough: httpx.BaseTransport | None = None,
                 **config: Any) -> None:
        self.app = app if app is not None else build_anaf_app(**config)
        self._anaf = httpx.WSGITransport(app=self.app)
        self._passthrough = passthrough

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """ANAF's hosts to mock ANAF, the rest to ``passthrough`` or refused."""
        if is_anaf_url(request.url):
            return self._anaf.handle_request(request)
        if self._passthrough is not None:
            return self._passthrough.handle_request(request)
        url = str(request.url).split("?", 1)[0]
        raise UnmatchedHttpxRequest(
            f"AnafTransport: no in-process answer for {request.method} {url} — only {' and '.join(HOSTS)} are "
            "mocked; give passthrough=httpx.HTTPTransport() to let other URLs reach the network", request=request)

    def close(self) -> None:
        """Close the passthrough transport, if any (mock ANAF holds nothing to close)."""
        if self._passthrough is not None:
            self._passthrough.close()


class AsyncAnafTransport(httpx.AsyncBaseTransport):
    """AnafTransport for `httpx.AsyncClient`: mock ANAF runs in a worker thread, the event loop stays free."""

    def __init__(self, app: "Flask | None" = None, *, passthrough: httpx.AsyncBaseTransport | None = None,
                 **config: Any) -> None:
        self._sync = AnafTransport(app, **config)
        self.app = self._sync.app
        self._passthrough = passthrough

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """ANAF's hosts to mock ANAF, the rest to ``passthrough`` or refused."""
        if not is_anaf_url(request.url) and self._passthrough is not None:
            return await self._passthrough.handle_async_request(request)
        await request.aread()
        response = await asyncio.to_thread(self._sync.handle_request, request)
        # The WSGI body is a sync stream; read it in the thread too and hand over bytes.
        content = await asyncio.to_thread(response.read)
        return httpx.Response(response.status_code, headers=response.headers, content=content,
                              request=request)

    async def aclose(self) -> None:
        """Close the passthrough transport, if any."""
        if self._passthrough is not None:
            await self._passthrough.aclose()
