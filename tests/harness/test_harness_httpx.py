"""The httpx transport: code that calls ANAF's real URLs with httpx talks to mock ANAF in-process, no sockets."""
from __future__ import annotations

import asyncio
import socket
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from sandbox.httpx_transport import AnafTransport, AsyncAnafTransport, UnmatchedHttpxRequest
from sandbox.interception import intercept_anaf
from tests.support.local_server import answering

CALLBACK = "https://erp.example.test/anaf/callback"
TOKEN = "https://logincert.anaf.ro/anaf-oauth2/v1/token"
HELLO = "https://api.anaf.ro/TestOauth/jaxrs/hello"


class HttpxAnafClient:
    """A team's own ANAF client built on httpx, which takes its transport from the caller (as httpx clients do)."""

    def __init__(self, client_id: str, client_secret: str, transport: httpx.BaseTransport | None = None) -> None:
        self.credentials = (client_id, client_secret)
        self.http = httpx.Client(transport=transport, timeout=10)

    def exchange(self, code: str) -> dict[str, Any]:
        response = self.http.post(TOKEN, auth=self.credentials, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "token_content_type": "jwt"})
        response.raise_for_status()
        return response.json()

    def hello(self, access_token: str, name: str) -> httpx.Response:
        return self.http.get(HELLO, params={"name": name}, headers={"Authorization": f"Bearer {access_token}"})


@pytest.fixture()
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a socket connection was attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_an_httpx_client_completes_a_flow_against_the_intercepted_anaf(no_sockets) -> None:
    with intercept_anaf() as anaf:  # the helpers (requests) and the httpx client share one mock ANAF
        app = anaf.register_app([CALLBACK], name="erp-httpx")
        client = HttpxAnafClient(app.client_id, app.client_secret, anaf.httpx_transport())
        code = anaf.authorize(app, CALLBACK).code
        tokens = client.exchange(code)
        assert tokens["token_type"] == "Bearer"
        hello = client.hello(tokens["access_token"], "httpx")
        assert (hello.status_code, hello.text) == (200, 'Hello, "httpx"')
        assert client.hello("not-a-token", "x").status_code == 403
        grants = [e["grant_type"] for e in anaf.journal("/anaf-oauth2/v1/token")]
        assert grants == ["authorization_code"]


def test_a_fresh_transport_has_its_own_mock_anaf(no_sockets) -> None:
    transport = AnafTransport()
    with httpx.Client(transport=transport) as client:
        metadata = client.get("https://logincert.anaf.ro/.well-known/oauth-authorization-server").json()
        assert metadata["token_endpoint"] == TOKEN
        identities = client.get("https://logincert.anaf.ro/portal/api/identities").json()
        assert identities and transport.app.name == "mock_anaf"


def test_other_urls_are_refused_naming_them_without_the_query(no_sockets) -> None:
    with httpx.Client(transport=AnafTransport()) as client:
        with pytest.raises(UnmatchedHttpxRequest) as raised:
            client.get("https://webservicesp.anaf.ro/PlatitorTvaRest/api/v8/ws/tva?key=k")
        assert "GET https://webservicesp.anaf.ro/PlatitorTvaRest/api/v8/ws/tva" in str(raised.value)
        assert "key=k" not in str(raised.value)
        with pytest.raises(httpx.ConnectError, match="logincert.anaf.ro.example.test"):
            client.get("https://logincert.anaf.ro.example.test/anaf-oauth2/v1/token")


def test_passthrough_sends_other_urls_to_the_network() -> None:
    with answering("local") as url:
        with httpx.Client(transport=AnafTransport(passthrough=httpx.HTTPTransport())) as client:
            assert client.get(f"{url}/ping").text == "local"
            assert client.get("https://logincert.anaf.ro/portal/api/identities").status_code == 200


def test_config_fields_reach_the_transports_app(no_sockets) -> None:
    with httpx.Client(transport=AnafTransport(strict_client_auth=True)) as client:
        refused = client.post(TOKEN, data={"grant_type": "authorization_code", "code": "c", "redirect_uri": CALLBACK,
                                           "client_id": "x", "client_secret": "y"})
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_the_async_transport_serves_an_async_client(no_sockets) -> None:
    with intercept_anaf() as anaf:
        app = anaf.register_app([CALLBACK])
        code = anaf.authorize(app, CALLBACK).code

        async def flow() -> tuple[int, str]:
            async with httpx.AsyncClient(transport=anaf.httpx_async_transport()) as client:
                token = await client.post(TOKEN, auth=(app.client_id, app.client_secret), content=urlencode({
                    "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
                token.raise_for_status()
                hello = await client.get(HELLO, params={"name": "async"},
                                         headers={"Authorization": f"Bearer {token.json()['access_token']}"})
                with pytest.raises(UnmatchedHttpxRequest):
                    await client.get("https://example.test/")
                return hello.status_code, hello.text

        assert asyncio.run(flow()) == (200, 'Hello, "async"')


def test_the_transports_are_importable_from_the_interception_module() -> None:
    from sandbox import interception

    assert interception.AnafTransport is AnafTransport and interception.AsyncAnafTransport is AsyncAnafTransport
    with pytest.raises(AttributeError):
        interception.NoSuchThing  # noqa: B018
