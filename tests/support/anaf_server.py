"""A real mock ANAF for end-to-end and browser tests: a real HTTP server on 127.0.0.1, port 0, redirects never followed."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from mock_anaf import create_app
from mock_anaf.config import Config
from foundation.serving import ServerThread

CALLBACK = "http://127.0.0.1:9/anaf/callback"


class Client:
    """What an ANAF client does over HTTP, without following redirects, so each hop is asserted."""

    callback = CALLBACK

    def __init__(self, url: str, app: Any = None) -> None:
        self.url = url
        self.app = app  # the Flask app behind ``url``, for spying on it
        self.http = requests.Session()
        self.client_id = ""
        self.client_secret = ""
        self.serial = ""

    def register(self, name: str = "e2e-app") -> dict[str, Any]:
        answer = self.http.post(f"{self.url}/portal/api/apps", timeout=10, json={
            "name": name, "callbacks": [CALLBACK], "services": ["EFACTURA", "ETRANSPORT"],
            "developer": "e2e@example.ro"})
        assert answer.status_code == 201, answer.text
        body = answer.json()
        self.client_id, self.client_secret = body["clientId"], body["clientSecret"]
        self.serial = self.http.get(f"{self.url}/portal/api/identities", timeout=10).json()[0]["serial"]
        return body

    @property
    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    def code(self, state: str = "st") -> str:
        answer = self.http.post(f"{self.url}/anaf-oauth2/v1/authorize", allow_redirects=False, timeout=10, data={
            "response_type": "code", "client_id": self.client_id, "redirect_uri": CALLBACK, "state": state,
            "token_content_type": "jwt", "identity": self.serial, "decision": "allow"})
        assert answer.status_code == 302, answer.text
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    def token(self, data: dict[str, str]) -> requests.Response:
        return requests.post(f"{self.url}/anaf-oauth2/v1/token", data=data, headers=self.basic, timeout=10,
                             allow_redirects=False)

    def exchange(self, code: str) -> requests.Response:
        return self.token({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})

    def hello(self, token: str) -> requests.Response:
        return requests.get(f"{self.url}/TestOauth/jaxrs/hello", params={"name": "e2e"}, timeout=10,
                            headers={"Authorization": f"Bearer {token}"}, allow_redirects=False)

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = self.http.post(f"{self.url}/__admin/{path}", json=body or {}, timeout=10)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()


@pytest.fixture(scope="session")
def anaf_key_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(Path(tmp_path_factory.mktemp("anaf-e2e-key")) / "anaf-signing-key.pem")


@pytest.fixture()
def start_anaf(anaf_key_file: str) -> Iterator[Callable[..., Client]]:
    """Start mock ANAF on a free port (stopped after the test); settings as keyword arguments."""
    servers: list[ServerThread] = []
    apps: list[Any] = []

    def start(**settings: Any) -> Client:
        server = ServerThread("127.0.0.1", 0)
        servers.append(server)
        settings.setdefault("signing_key_file", anaf_key_file)
        app = create_app(Config(host="127.0.0.1", port=server.port, public_url=server.url, **settings))
        apps.append(app)
        server.start(app)
        return Client(server.url, app)

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
        for app in apps:
            app.extensions["sandbox.shutdown"]()


@pytest.fixture()
def anaf(start_anaf: Callable[..., Client]) -> Client:
    """A running mock ANAF with one registered app."""
    client = start_anaf()
    client.register()
    return client
