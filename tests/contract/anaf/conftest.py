"""Fixtures for mock ANAF's contract tests: a fresh app per test through Flask's test client."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_anaf import create_app
from mock_anaf.config import Config
from mock_anaf.services import Services

CALLBACK = "https://erp.example.ro/anaf/callback"
SECOND_CALLBACK = "http://localhost:8000/anaf/callback?branch=2"


@dataclass
class Anaf:
    """A mock ANAF under test with the steps a client takes, each returning the raw response."""

    app: Flask
    client: FlaskClient
    callback = CALLBACK
    second_callback = SECOND_CALLBACK
    client_id: str = ""
    client_secret: str = ""
    serial: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.app.extensions["mock_anaf"]

    @property
    def basic(self) -> dict[str, str]:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}

    def register(self, name: str = "facturare-test", callbacks: list[str] | None = None,
                 services: list[str] | None = None) -> dict[str, Any]:
        answer = self.client.post("/portal/api/apps", json={
            "name": name, "callbacks": callbacks or [CALLBACK, SECOND_CALLBACK],
            "services": services or ["EFACTURA", "ETRANSPORT"], "developer": "dev@example.ro"})
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    def authorize(self, **overrides: str | None) -> Any:
        fields = {"response_type": "code", "client_id": self.client_id, "redirect_uri": CALLBACK, "state": "st-1",
                  "token_content_type": "jwt", "identity": self.serial, "decision": "allow", **overrides}
        return self.client.post("/anaf-oauth2/v1/authorize", data={k: v for k, v in fields.items() if v is not None})

    def code(self, **overrides: str | None) -> str:
        answer = self.authorize(**overrides)
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    def token(self, data: dict[str, str], headers: dict[str, str] | None = None) -> Any:
        return self.client.post("/anaf-oauth2/v1/token", data=data,
                                headers=self.basic if headers is None else headers)

    def tokens(self, **overrides: str | None) -> dict[str, Any]:
        answer = self.token({"grant_type": "authorization_code", "code": self.code(**overrides),
                             "redirect_uri": overrides.get("redirect_uri") or CALLBACK})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    def hello(self, token: str | None, path: str = "/TestOauth/jaxrs/hello?name=ana") -> Any:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.client.get(path, headers=headers)

    def counts(self) -> dict[str, int]:
        return self.services.store.counts()

    def advance(self, seconds: float) -> None:
        assert self.client.post("/__admin/clock", json={"advance": seconds}).status_code == 200


@pytest.fixture(scope="session")
def anaf_key_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One RSA key for the whole session, so each app starts quickly."""
    return str(Path(tmp_path_factory.mktemp("anaf-key")) / "anaf-signing-key.pem")


@pytest.fixture(scope="session")
def anaf_app(anaf_key_file: str) -> Iterator[Flask]:
    """One mock ANAF for the session (building a Flask app costs ~0.1 s); each test resets it."""
    app = create_app(Config(signing_key_file=anaf_key_file))
    yield app
    app.extensions["sandbox.shutdown"]()


def make_handle(app: Flask, callbacks: list[str] | None = None) -> Anaf:
    handle = Anaf(app, app.test_client())
    created = handle.register(callbacks=callbacks)
    handle.client_id, handle.client_secret = created["clientId"], created["clientSecret"]
    handle.serial = handle.client.get("/portal/api/identities").get_json()[0]["serial"]
    return handle


@pytest.fixture()
def anaf(anaf_app: Flask) -> Anaf:
    """Mock ANAF back in its fresh state (`/__admin/reset`), with one app (two callbacks, both services)."""
    reset = anaf_app.test_client().post("/__admin/reset")
    assert reset.status_code == 200
    return make_handle(anaf_app)


@pytest.fixture()
def anaf_with(anaf_key_file: str) -> Iterator[Callable[..., Anaf]]:
    """A separate mock ANAF built with other settings, e.g. ``anaf_with(strict_client_auth=True)``."""
    apps: list[Flask] = []

    def build(callbacks: list[str] | None = None, **settings: Any) -> Anaf:
        app = create_app(Config(signing_key_file=anaf_key_file, **settings))
        apps.append(app)
        return make_handle(app, callbacks)

    yield build
    for app in apps:
        app.extensions["sandbox.shutdown"]()
