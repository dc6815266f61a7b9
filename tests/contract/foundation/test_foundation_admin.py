"""The shared `/__admin` control plane through a Flask test client."""
from __future__ import annotations

import pytest
from flask import Flask

from foundation import journal as journaling
from foundation.admin import create_admin_blueprint
from foundation.clock import FixedClock, OffsetClock
from foundation.faults import FaultInjector


@pytest.fixture()
def parts():
    clock = OffsetClock(FixedClock(1_000.0))
    journal = journaling.Journal("test", clock)
    faults = FaultInjector(("token",))
    resets: list[int] = []
    snaps: list[int] = []
    app = Flask("t")
    journaling.install(app, journal)
    app.register_blueprint(create_admin_blueprint(journal, clock, lambda: resets.append(1), faults,
                                                  snapshot=lambda: snaps.append(1)))

    @app.post("/anaf-oauth2/v1/token")
    def token():
        return {"ok": True}

    return app.test_client(), clock, journal, faults, resets, snaps


def test_journal_lists_calls_without_secrets(parts) -> None:
    client, *_ = parts
    client.post("/anaf-oauth2/v1/token?x=1", data={"grant_type": "authorization_code", "code": "CODE123",
                                                  "client_id": "cid", "client_secret": "SECRET"})
    entries = client.get("/__admin/requests?path=/anaf-oauth2").get_json()
    assert [(e["method"], e["path"], e["status"], e["client_id"], e["grant_type"]) for e in entries] == [
        ("POST", "/anaf-oauth2/v1/token", 200, "cid", "authorization_code")
    ]
    text = client.get("/__admin/requests").get_data(as_text=True)
    assert "CODE123" not in text and "SECRET" not in text and "x=1" not in text


def test_clock_moves_and_rejects_bad_input(parts) -> None:
    client, clock, *_ = parts
    assert client.post("/__admin/clock", json={"advance": 90}).get_json()["epoch"] == 1090.0
    for bad in ({"advance": -1}, {"advance": "soon"}, {"advance": True}, ["advance"], {"advance": 1e300}):
        response = client.post("/__admin/clock", json=bad)
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    for raw in ('{"advance": Infinity}', '{"advance": NaN}'):
        response = client.post("/__admin/clock", data=raw, content_type="application/json")
        assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert clock.now() == 1090.0
    assert client.get("/__admin/clock").get_json()["offset"] == 90.0


def test_faults_reset_and_snapshot(parts) -> None:
    client, clock, journal, faults, resets, snaps = parts
    assert client.post("/__admin/faults", json={"endpoint": "token", "error": "server_error", "times": 2}).status_code == 201
    assert len(client.get("/__admin/faults").get_json()) == 2
    bad = client.post("/__admin/faults", json={"endpoint": "authorize", "error": "server_error"})
    assert bad.status_code == 400 and "endpoint must be" in bad.get_json()["error_description"]
    assert client.post("/__admin/snapshot").status_code == 200 and snaps == [1]
    client.post("/__admin/clock", json={"advance": 5})
    assert client.post("/__admin/reset").get_json() == {"reset": True}
    assert resets == [1] and faults.pending() == [] and clock.offset == 0 and journal.entries() == []
