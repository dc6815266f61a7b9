"""Fixtures for e-Transport's contract tests: one mock ANAF per session, reset per test, tokens per identity.

The token and control-plane helpers are e-Factura's contract `Api` (same gateway, same control plane); the
e-Transport calls are added here.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask

from mock_anaf import anaf_time
from tests.contract.efactura.conftest import ION, MARIA, NOBODY, Api, enrolled, session_anaf

__all__ = ["ION", "MARIA", "NOBODY", "EtApi", "fixture", "golden", "notification", "declaration", "UIT_PATTERN"]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api"
GOLDENS = FIXTURES / "responses" / "etransport"
BASE = "/test/ETRANSPORT/ws/v1"
UIT_PATTERN = re.compile(r"[0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}")
TRACE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MINUTE = re.compile(r"20\d{10}")
V2 = 'xmlns="mfp:anaf:dgti:eTransport:declaratie:v2"'


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def golden(name: str) -> Any:
    return json.loads((GOLDENS / name).read_text(encoding="utf-8"))


def notification(transport_date: str | None = None, tip_op: str = "30", declarant: str = "12345674",
                 carrier: str = "12345674", reference: str = "SBX-TR-0001", correction_of: str | None = None,
                 vehicle: str = "B123SBX") -> bytes:
    """The v2 notification fixture with its transport date, operation, declarant, carrier or vehicle changed."""
    body = fixture("etransport_notificare_v2.xml")
    if transport_date is not None:
        body = body.replace(b'dataTransport="2025-03-12"', f'dataTransport="{transport_date}"'.encode())
    body = body.replace(b'codTipOperatiune="30"', f'codTipOperatiune="{tip_op}"'.encode())
    body = body.replace(b'codDeclarant="12345674"', f'codDeclarant="{declarant}"'.encode())
    body = body.replace(b'codOrgTransport="12345674"', f'codOrgTransport="{carrier}"'.encode())
    body = body.replace(b'refDeclarant="SBX-TR-0001"', f'refDeclarant="{reference}"'.encode())
    body = body.replace(b'nrVehicul="B123SBX"', f'nrVehicul="{vehicle}"'.encode())
    if correction_of is not None:
        body = body.replace(f'<notificare codTipOperatiune="{tip_op}">'.encode(),
                            f'<notificare codTipOperatiune="{tip_op}"><corectie uit="{correction_of}"/>'.encode())
    return body


def declaration(inner: str, declarant: str = "12345674") -> bytes:
    """A v2 declaration around ``inner`` (`<stergere uit=…/>`, `<confirmare …/>`, `<modifVehicul …/>`)."""
    return f'<eTransport {V2} codDeclarant="{declarant}">{inner}</eTransport>'.encode()


class EtApi(Api):
    """The contract `Api` plus e-Transport's four operations."""

    def et_upload(self, body: bytes, cif: str = "12345674", version: str | None = "2", serial: str = ION,
                  env: str = "test", standard: str = "ETRANSP", **kwargs: Any) -> Any:
        path = f"/{env}/ETRANSPORT/ws/v1/upload/{standard}/{cif}" + (f"/{version}" if version is not None else "")
        kwargs.setdefault("content_type", "application/xml")
        return self.client.post(path, data=body, headers=self.bearer(serial), **kwargs)

    def accepted(self, body: bytes, cif: str = "12345674", version: str | None = "2", serial: str = ION,
                 env: str = "test") -> dict[str, Any]:
        """Upload and return the answer (asserts it was accepted)."""
        answer = self.et_upload(body, cif, version, serial, env).get_json()
        assert answer["ExecutionStatus"] == 0, answer
        return answer

    def uit(self, transport_date: str | None = None, env: str = "test", **changes: Any) -> str:
        """A notification for a transport ``transport_date`` (default: the service clock's tomorrow), its UIT."""
        return self.accepted(notification(transport_date or self.day(1), **changes), env=env)["UIT"]

    def day(self, offset_days: int = 0) -> str:
        """The service clock's Bucharest date, moved by ``offset_days``, as `yyyy-MM-dd`."""
        return (anaf_time.local(self.now()) + timedelta(days=offset_days)).strftime("%Y-%m-%d")

    def et_get(self, path: str, serial: str = ION, env: str = "test") -> Any:
        return self.client.get(f"/{env}/ETRANSPORT/ws/v1/{path}", headers=self.bearer(serial))

    def et_stare(self, index: int | str, serial: str = ION, env: str = "test") -> dict[str, Any]:
        return self.et_get(f"stareMesaj/{index}", serial, env).get_json()

    def et_lista(self, zile: int | str = 1, cif: str = "12345674", serial: str = ION, env: str = "test") -> dict:
        return self.et_get(f"lista/{zile}/{cif}", serial, env).get_json()

    def et_info(self, query: str = "cui_op=12345674", serial: str = ION, env: str = "test") -> Any:
        return self.et_get(f"info?{query}", serial, env)


@pytest.fixture(scope="session")
def etransport_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One mock ANAF for the session, processing revealed at once (each test resets it)."""
    yield from session_anaf(tmp_path_factory)


@pytest.fixture()
def et(etransport_app: Flask) -> EtApi:
    """Mock ANAF in its fresh state with one app enrolled in both services."""
    return enrolled(etransport_app, EtApi)


def assert_errors(answer: dict[str, Any], message: str) -> None:
    """ANAF's `Errors[]` shape: exactly these keys in this order, one message, fresh trace id."""
    assert list(answer) == ["Errors", "dateResponse", "ExecutionStatus", "trace_id"], answer
    assert answer["Errors"] == [{"errorMessage": message}]
    assert answer["ExecutionStatus"] == 1
    assert MINUTE.fullmatch(answer["dateResponse"]) and TRACE_ID.fullmatch(answer["trace_id"])
