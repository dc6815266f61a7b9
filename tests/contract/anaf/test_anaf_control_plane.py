"""Mock ANAF's control plane and discovery: faults, journal, clock, reset, snapshot, JWKS, metadata, health."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("error", "status", "expected"),
    [
        pytest.param("invalid_grant", 400, "invalid_grant", id="invalid-grant"),
        pytest.param("server_error", 500, "server_error", id="server-error"),
        pytest.param("invalid_client", 401, "invalid_client", id="invalid-client"),
        pytest.param("temporarily_unavailable", 503, "temporarily_unavailable", id="unavailable"),
    ],
)
def test_token_faults_fail_the_next_call_only(anaf, error: str, status: int, expected: str) -> None:
    code = anaf.code()
    armed = anaf.client.post("/__admin/faults", json={"endpoint": "token", "error": error, "times": 1})
    assert armed.status_code == 201
    answer = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback})
    assert answer.status_code == status
    body = answer.get_json()
    assert body["error"] == expected and "/__admin/faults" in body["error_description"]
    assert anaf.token({"grant_type": "authorization_code", "code": code,
                       "redirect_uri": anaf.callback}).status_code == 200


@pytest.mark.parametrize("endpoint", ["authorize", "revoke", "hello"])
def test_server_error_on_other_endpoints(anaf, endpoint: str) -> None:
    token = anaf.tokens()["access_token"]
    anaf.client.post("/__admin/faults", json={"endpoint": endpoint, "error": "server_error"})
    if endpoint == "authorize":
        answer = anaf.authorize()
    elif endpoint == "revoke":
        answer = anaf.client.post("/anaf-oauth2/v1/revoke", data={"token": token}, headers=anaf.basic)
    else:
        answer = anaf.hello(token)
    assert answer.status_code == 500 and answer.get_json()["error"] == "server_error"
    assert anaf.hello(token).status_code == 200


def test_delay_fault_then_works(anaf) -> None:
    anaf.client.post("/__admin/faults", json={"endpoint": "token", "error": "delay", "seconds": 0.05})
    assert anaf.client.get("/__admin/faults").get_json() == [{"endpoint": "token", "error": "delay", "seconds": 0.05}]
    assert anaf.tokens()["token_type"] == "Bearer"
    assert anaf.client.get("/__admin/faults").get_json() == []


def test_unknown_fault_endpoint_refused(anaf) -> None:
    answer = anaf.client.post("/__admin/faults", json={"endpoint": "portal", "error": "server_error"})
    assert answer.status_code == 400 and "authorize, token, revoke, hello" in answer.get_json()["error_description"]


def test_journal_names_client_and_grant_never_secrets(anaf) -> None:
    pair = anaf.tokens()
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}).get_json()
    anaf.hello(refreshed["access_token"])
    anaf.token({"grant_type": "refresh_token", "refresh_token": "bad"})
    entries = anaf.client.get("/__admin/requests?path=/anaf-oauth2/v1/token").get_json()
    assert [(e["status"], e["client_id"], e["grant_type"], e.get("error")) for e in entries] == [
        (200, anaf.client_id, "authorization_code", None),
        (200, anaf.client_id, "refresh_token", None),
        (400, anaf.client_id, "refresh_token", "invalid_grant"),
    ]
    hello = anaf.client.get("/__admin/requests?path=/TestOauth").get_json()
    assert [(e["status"], e["client_id"]) for e in hello] == [(200, anaf.client_id)]
    everything = json.dumps(anaf.client.get("/__admin/requests").get_json())
    for secret in (anaf.client_secret, pair["access_token"], pair["refresh_token"], refreshed["access_token"],
                   anaf.basic["Authorization"].split()[1]):
        assert secret not in everything


def test_clock_moves_expiry(anaf) -> None:
    shown = anaf.client.post("/__admin/clock", json={"advance": 120}).get_json()
    assert shown["offset"] == 120
    assert abs(anaf.services.clock.now() - shown["epoch"]) < 5


def test_reset_returns_to_the_fresh_state(anaf) -> None:
    anaf.tokens()
    anaf.client.post("/portal/api/identities", json={"name": "Extra", "cifs": ["1234"]})
    anaf.advance(100)
    assert anaf.client.post("/__admin/reset").status_code == 200
    counts = anaf.counts()
    assert {k: counts[k] for k in ("developers", "apps", "identities", "codes", "tokens")} == {
        "developers": 0, "apps": 0, "identities": 3, "codes": 0, "tokens": 0}
    # The APIs' tables: empty but for the seeded taxpayer registry.
    assert {k: v for k, v in counts.items() if k.startswith(("api_", "efactura_"))} == dict.fromkeys(
        ("api_counters", "api_sequences", "efactura_armed", "efactura_messages", "efactura_uploads"), 0)
    assert counts["taxpayers"] == 4
    assert anaf.services.clock.offset == 0 and anaf.client.get("/__admin/requests").get_json() == []


def test_reset_returns_to_the_snapshot(anaf_with) -> None:
    anaf = anaf_with()  # its own app: a snapshot would otherwise outlive this test
    assert anaf.client.post("/__admin/snapshot").status_code == 200
    seeded = anaf.counts()
    anaf.tokens()
    anaf.register(name="later")
    anaf.client.post("/__admin/reset")
    assert anaf.counts() == seeded
    assert anaf.client.get(f"/portal/api/apps/{anaf.client_id}").status_code == 200


def test_jwks_and_metadata(anaf) -> None:
    keys = anaf.client.get("/anaf-oauth2/v1/jwks").get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS512" and keys[0]["use"] == "sig"
    assert "d" not in keys[0] and keys[0]["kid"] == anaf.services.key.kid
    meta = anaf.client.get("/.well-known/oauth-authorization-server").get_json()
    base = "http://127.0.0.1:8001"
    assert meta["issuer"] == "https://logincert.anaf.ro"
    assert (meta["authorization_endpoint"], meta["token_endpoint"], meta["revocation_endpoint"], meta["jwks_uri"]) == (
        f"{base}/anaf-oauth2/v1/authorize", f"{base}/anaf-oauth2/v1/token", f"{base}/anaf-oauth2/v1/revoke",
        f"{base}/anaf-oauth2/v1/jwks")
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["token_signing_alg_values_supported"] == ["RS512"]


def test_metadata_uses_public_url(anaf_with) -> None:
    meta = anaf_with(public_url="https://anaf.sandbox.test/").client.get("/.well-known/oauth-authorization-server")
    assert meta.get_json()["token_endpoint"] == "https://anaf.sandbox.test/anaf-oauth2/v1/token"


def test_health_and_unknown_paths(anaf) -> None:
    assert anaf.client.get("/healthz").get_json() == {"status": "ok", "service": "mock_anaf"}
    missing = anaf.client.get("/anaf-oauth2/v1/nothing")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    page = anaf.client.get("/portal/nothing")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_bare_host_is_a_page_for_people_and_json_for_scripts(anaf) -> None:
    page = anaf.client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<title>Mock ANAF (sandbox)</title>" in text and "<style>" in text
    assert 'href="/portal/"' in text and "/.well-known/oauth-authorization-server" in text
    scripted = anaf.client.get("/", headers={"Accept": "application/json"})
    assert scripted.get_json() == {"service": "mock ANAF", "portal": "/portal/",
                                   "metadata": "/.well-known/oauth-authorization-server"}


def test_unknown_page_outside_the_apis_is_a_styled_404(anaf) -> None:
    page = anaf.client.get("/nothing/here")
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<title>Eroare 404 — ANAF (sandbox)</title>" in text and "<style>" in text


def test_unexpected_error_is_a_generic_500(anaf, monkeypatch, caplog) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(anaf.services.registry, "identities", boom)
    answer = anaf.client.get("/portal/api/identities")
    assert answer.status_code == 500
    assert answer.get_json() == {"error": "server_error", "error_description": "Internal server error"}
    assert "database on fire" not in answer.get_data(as_text=True) and "database on fire" in caplog.text
