"""The demo's pages through the test client: home, errors, health, admin reset, no secrets shown."""
from __future__ import annotations

import html
import re

import pytest
import requests
import responses

from demo_app import create_app
from demo_app.config import Config


def test_home_shows_organization_settings_and_a_card_per_rule(client, seeded_secrets, urls):
    response = client.get("/")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Demo Organization SRL" in page and "RO12345678" in page
    assert '"roAnafEfacturaClientSecret"' in page and '"roAnafEtransportUseImplicitClientSecret": true' in page
    assert '"clientSecret": null' in page and "never reveals its implicit secret" in page
    cards = re.findall(r'data-testid="card-([a-z]+-[a-z0-9-]+)"', page)
    assert cards == ["efactura-omitted", "efactura-main", "efactura-additional-0", "efactura-unregistered",
                     "etransport-implicit", "etransport-unregistered"]
    assert f"{urls['demo']}/anaf/callback/unregistered" in page
    for value in seeded_secrets:
        assert value not in page


@pytest.mark.parametrize("path", ["/", "/settings/efactura", "/settings/etransport", "/authorizations", "/flows"])
def test_every_page_links_back_home_and_shows_no_secret(client, seeded_secrets, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/"' in page
    for value in seeded_secrets:
        assert value not in page


def test_unknown_page_is_an_html_page_with_a_way_home(client):
    response = client.get("/settings/efactur")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "the demo knows e-Factura and e-Transport" in response.get_data(as_text=True)


def test_healthz_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_post_without_csrf_token_is_refused_and_sends_nothing(client, fake_sbs):
    response = client.post("/connect", data={"service": "efactura", "card": "omitted", "callback": ""})
    assert response.status_code == 400
    assert "CSRF token" in response.get_data(as_text=True)
    assert "generateAuthorizationRequest" not in fake_sbs.calls


def test_form_that_is_not_utf8_is_refused_as_such(client, csrf, fake_sbs):
    body = f"csrf_token={csrf(client)}&service=efactura&card=omitted&callback=\xff".encode("latin-1")
    response = client.post("/connect", data=body, content_type="application/x-www-form-urlencoded")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "did not arrive as UTF-8" in page and "CSRF" not in page
    assert "generateAuthorizationRequest" not in fake_sbs.calls


def test_home_names_the_deny_button_as_anaf_labels_it(client):
    assert "Nu am token USB / Anulare" in html.unescape(client.get("/").get_data(as_text=True))


def test_post_with_another_sessions_csrf_token_is_refused(demo_app, client, csrf, fake_sbs):
    token = csrf(client)
    other = demo_app.test_client()
    response = other.post("/connect", data={"csrf_token": token, "service": "efactura", "card": "omitted",
                                            "callback": ""})
    assert response.status_code == 400
    assert "generateAuthorizationRequest" not in fake_sbs.calls


def test_oversized_form_gets_413_page(client, csrf):
    response = client.post("/settings/efactura", data={"csrf_token": csrf(client), "main-clientId": "x" * 70_000})
    assert response.status_code == 413
    assert "larger than the 64 KB" in response.get_data(as_text=True)


def test_admin_reset_forgets_flows_and_sessions(client, csrf):
    token = csrf(client)
    started = client.post("/connect", data={"csrf_token": token, "service": "efactura", "card": "omitted",
                                            "callback": ""})
    assert started.status_code == 303
    assert "No flows yet" not in client.get("/flows").get_data(as_text=True)
    assert client.post("/__admin/reset").get_json() == {"reset": True}
    assert "No flows yet" in client.get("/flows").get_data(as_text=True)
    again = client.post("/connect", data={"csrf_token": token, "service": "efactura", "card": "omitted",
                                          "callback": ""})
    assert again.status_code == 400  # the old session, and its CSRF token, are gone


def test_demo_journals_its_calls_without_query_strings(client, csrf, demo_app):
    client.post("/connect", data={"csrf_token": csrf(client), "service": "efactura", "card": "omitted",
                                  "callback": ""})
    client.get("/anaf/callback/main?code=secret-code-123&state=wrong")
    entries = client.get("/__admin/requests").get_json()
    paths = [(e["method"], e["path"], e["status"]) for e in entries]
    assert ("POST", "/connect", 303) in paths
    assert ("GET", "/anaf/callback/main", 400) in paths
    assert "secret-code-123" not in str(entries)
    assert next(e for e in entries if e["path"] == "/anaf/callback/main")["error"] == "state_mismatch"


SBS_URL = "http://sbs.unreachable.test"


def _real_client_app(**overrides):
    values = dict(sbs_url=SBS_URL, anaf_url="http://anaf.unreachable.test", account_key="acc-key-1",
                  service_key="svc-key-1", app_id="app-1", organization_id="org-1", secret_key="k")
    values.update(overrides)
    return create_app(Config(**values))


@responses.activate
def test_sbs_unreachable_gives_a_clear_page():
    responses.add(responses.POST, f"{SBS_URL}/account-api/graphql", body=requests.exceptions.ConnectionError("refused"))
    app = _real_client_app()
    response = app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "SBS is not answering" in page and SBS_URL in page and "anaf-sandbox up" in page
    journal = app.test_client().get("/__admin/requests").get_json()
    out = [(e["direction"], e["target"], e["operation"], e["error"], e["path"]) for e in journal if e["direction"] == "out"]
    assert out == [("out", "sbs", "app", "unreachable", f"{SBS_URL}/account-api/graphql")]


@responses.activate
def test_wrong_account_key_names_the_setting_and_is_never_shown():
    responses.add(responses.POST, f"{SBS_URL}/account-api/graphql", status=401, json={
        "data": None, "errors": [{"message": "Unknown API key.", "extensions": {"code": "UNAUTHENTICATED"}}]})
    response = _real_client_app().test_client().get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 502
    assert "SBS refused the demo's key" in html.unescape(page) and "DEMO_ACCOUNT_KEY" in page
    assert "acc-key-1" not in page
    assert responses.calls[0].request.headers["x-api-key"] == "acc-key-1"


def test_missing_configuration_names_the_variable():
    response = _real_client_app(app_id=None).test_client().get("/")
    assert response.status_code == 503
    assert "DEMO_APP_ID" in response.get_data(as_text=True)
