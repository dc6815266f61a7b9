"""Fixtures for e-Factura's contract tests: one mock ANAF per session, reset per test, tokens per identity."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_anaf import create_app
from mock_anaf.config import Config
from mock_anaf.services import Services

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api"
GOLDENS = FIXTURES / "responses" / "efactura"
CALLBACK = "https://erp.example.ro/anaf/callback"
ION = "4F1A9C2E7B3D5A60"  # 12345674 and RO23456783
MARIA = "7C0D2B4E6F8A1357"  # 34567892
NOBODY = "0B5E3D7A9C1F2468"  # no CIFs
BASE = "/test/FCTEL/rest"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def golden(name: str) -> bytes:
    return (GOLDENS / name).read_bytes()


@dataclass
class Api:
    """Mock ANAF under test, with a registered app and helpers that call e-Factura as a client would."""

    app: Flask
    client: FlaskClient
    client_id: str = ""
    client_secret: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.app.extensions["mock_anaf"]

    def register(self, services: list[str]) -> tuple[str, str]:
        made = self.client.post("/portal/api/apps", json={"name": f"app-{len(services)}-{len(self.tokens)}",
                                                          "callbacks": [CALLBACK], "services": services,
                                                          "developer": "dev@example.ro"}).get_json()
        return made["clientId"], made["clientSecret"]

    def login(self, serial: str = ION, jwt: bool = True, app: tuple[str, str] | None = None) -> dict[str, Any]:
        """Authorize as ``serial`` and exchange the code: the token answer."""
        client_id, secret = app or (self.client_id, self.client_secret)
        form = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK, "state": "s",
                "identity": serial, "decision": "allow"}
        if jwt:
            form["token_content_type"] = "jwt"
        answer = self.client.post("/anaf-oauth2/v1/authorize", data=form)
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
        if jwt:
            data["token_content_type"] = "jwt"
        got = self.client.post("/anaf-oauth2/v1/token", data=data, headers={"Authorization": f"Basic {basic}"})
        assert got.status_code == 200, got.get_json()
        return got.get_json()

    def token(self, serial: str = ION) -> str:
        if serial not in self.tokens:
            self.tokens[serial] = self.login(serial)["access_token"]
        return self.tokens[serial]

    def bearer(self, serial: str = ION) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(serial)}"}

    def upload(self, body: bytes | str, query: str = "standard=UBL&cif=12345674", serial: str = ION,
               op: str = "upload", env: str = "test", **kwargs: Any) -> Any:
        data = fixture(body) if isinstance(body, str) else body
        return self.client.post(f"/{env}/FCTEL/rest/{op}?{query}", data=data, headers=self.bearer(serial),
                                content_type="text/plain", **kwargs)

    def index(self, body: bytes | str, query: str = "standard=UBL&cif=12345674", serial: str = ION,
              env: str = "test", op: str = "upload") -> str:
        """Upload and return the new index (asserts it was accepted)."""
        answer = self.upload(body, query, serial, op=op, env=env)
        text = answer.get_data(as_text=True)
        assert 'ExecutionStatus="0"' in text, text
        return text.split('index_incarcare="')[1].split('"')[0]

    def get(self, op: str, query: str, serial: str = ION, env: str = "test") -> Any:
        return self.client.get(f"/{env}/FCTEL/rest/{op}?{query}", headers=self.bearer(serial))

    def stare(self, index: str, serial: str = ION, env: str = "test") -> str:
        return self.get("stareMesaj", f"id_incarcare={index}", serial, env).get_data(as_text=True)

    def download_id(self, index: str, env: str = "test") -> str:
        text = self.stare(index, env=env)
        assert "id_descarcare" in text, text
        return text.split('id_descarcare="')[1].split('"')[0]

    def lista(self, query: str, serial: str = ION, env: str = "test") -> dict[str, Any]:
        return self.get("listaMesajeFactura", query, serial, env).get_json()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return getattr(self.client, method)(f"/__admin/{path}", json=body)

    def advance(self, seconds: float) -> None:
        assert self.client.post("/__admin/clock", json={"advance": seconds}).status_code == 200

    def now(self) -> float:
        return self.services.clock.now()

    def settings(self, **changes: Any) -> None:
        answer = self.client.put("/__admin/api-settings", json=changes)
        assert answer.status_code == 200, answer.get_json()

    def journal(self) -> list[dict[str, Any]]:
        return self.client.get("/__admin/requests").get_json()


ApiT = TypeVar("ApiT", bound=Api)


def session_anaf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One mock ANAF for the session, processing revealed at once (each test resets it)."""
    key = str(Path(tmp_path_factory.mktemp("anaf-key")) / "anaf-signing-key.pem")
    app = create_app(Config(signing_key_file=key, api_processing_seconds=0))
    yield app
    app.extensions["sandbox.shutdown"]()


def enrolled(app: Flask, kind: type[ApiT]) -> ApiT:
    """Mock ANAF in its fresh state with one app enrolled in both services."""
    assert app.test_client().post("/__admin/reset").status_code == 200
    handle = kind(app, app.test_client())
    handle.client_id, handle.client_secret = handle.register(["EFACTURA", "ETRANSPORT"])
    return handle


@pytest.fixture(scope="session")
def efactura_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One mock ANAF for the session, processing revealed at once (each test resets it)."""
    yield from session_anaf(tmp_path_factory)


@pytest.fixture()
def api(efactura_app: Flask) -> Api:
    """Mock ANAF in its fresh state with one app enrolled in both services."""
    return enrolled(efactura_app, Api)


def json_of(answer: Any) -> Any:
    return json.loads(answer.get_data(as_text=True))
