"""Connect cards, callbacks with their `state` check, SBS's return, result pages and the trail."""
from __future__ import annotations

import html
import re
import time

import pytest


def connect(client, token, service, card, callback=""):
    return client.post("/connect", data={"csrf_token": token, "service": service, "card": card,
                                         "callback": callback})


def text(response):
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("service, card, callback_key, rule, client_id", [
    pytest.param("efactura", "omitted", None, "MAIN", "client-main", id="main-by-omission"),
    pytest.param("efactura", "main", "main", "MAIN", "client-main", id="main-by-callback"),
    pytest.param("efactura", "additional-0", "branch", "ADDITIONAL", "client-branch", id="additional"),
])
def test_custom_callback_flow_shows_the_rule_that_applied(client, csrf, fake_sbs, query, urls, service, card,
                                                          callback_key, rule, client_id):
    token = csrf(client)
    sent = urls[callback_key] if callback_key else ""
    started = connect(client, token, service, card, sent)
    assert started.status_code == 303
    target = started.headers["Location"]
    assert target.startswith(f"{urls['anaf']}/anaf-oauth2/v1/authorize?")
    params = query(target)
    assert params["client_id"] == client_id
    name = params["redirect_uri"].rsplit("/", 1)[1]

    back = client.get(f"/anaf/callback/{name}", query_string={"code": "the-code", "state": params["state"]})
    assert back.status_code == 303
    assert fake_sbs.calls.count("processAuthorizationResponse") == 1
    result = client.get(back.headers["Location"])
    page = text(result)
    assert result.status_code == 200
    assert re.search(r'data-testid="outcome">Connected<', page)
    assert f'data-testid="rule">{rule}<' in page
    assert f'data-testid="client-id">{client_id}<' in page
    assert f'data-testid="callback">{params["redirect_uri"]}<' in page
    assert ("seed rule 3" if card == "omitted" else "seed rule 2" if card == "main" else "seed rule 1") in page
    assert "the-code" not in page and params["state"] not in page


def test_implicit_flow_comes_back_through_sbs_return(client, csrf, fake_sbs, query, urls):
    started = connect(client, csrf(client), "etransport", "implicit")
    params = query(started.headers["Location"])
    assert params["redirect_uri"] == urls["implicit"]
    made = fake_sbs.requests[params["state"]]
    assert made["returnUrl"] == f"{urls['demo']}/anaf/return"
    auth = fake_sbs.complete(made)  # SBS's own callback finished the flow

    back = client.get("/anaf/return", query_string={"authorizationId": auth["id"],
                                                    "authorizationRequestId": made["id"]})
    assert back.status_code == 303
    page = text(client.get(back.headers["Location"]))
    assert 'data-testid="rule">IMPLICIT<' in page
    assert 'data-testid="client-id">client-implicit<' in page
    assert "roAnafEtransportUseImplicitClientSecret is true" in page
    assert "processAuthorizationResponse" not in fake_sbs.calls


@pytest.mark.parametrize("error, outcome, shown", [
    pytest.param("anaf_error", "Refused by SBS", "SBS answered ANAF_ERROR:</b> mock ANAF refused "
                 "authorization_code: server_error", id="anaf-error"),
    pytest.param("access_denied", "Access denied", "nothing to exchange", id="denied"),
])
def test_implicit_flow_that_sbs_could_not_finish_shows_its_description(client, csrf, fake_sbs, query, error, outcome,
                                                                       shown):
    made = fake_sbs.requests[query(connect(client, csrf(client), "etransport", "implicit").headers["Location"])["state"]]
    back = client.get("/anaf/return", query_string={
        "error": error, "error_description": "mock ANAF refused authorization_code: server_error",
        "authorizationRequestId": made["id"]})
    page = text(client.get(back.headers["Location"]))
    assert f'data-testid="outcome">{outcome}<' in page
    assert shown in page
    assert "SBS exchanged it" not in page


def test_return_from_sbs_without_a_pending_flow_is_refused(client):
    response = client.get("/anaf/return", query_string={"authorizationId": "auth-etransport"})
    assert response.status_code == 400
    assert "No flow is waiting for SBS" in text(response)


@pytest.mark.parametrize("state", [
    pytest.param(None, id="missing"),
    pytest.param("forged-state", id="mismatch"),
])
def test_callback_with_wrong_state_is_refused_and_sbs_is_not_called(client, csrf, fake_sbs, state):
    connect(client, csrf(client), "efactura", "omitted")
    args = {"code": "stolen-code"} if state is None else {"code": "stolen-code", "state": state}
    response = client.get("/anaf/callback/main", query_string=args)
    page = text(response)
    assert response.status_code == 400
    assert "This answer from ANAF was refused" in page and "Nothing was sent to SBS" in page
    assert "processAuthorizationResponse" not in fake_sbs.calls
    assert "stolen-code" not in page
    assert "No flows yet" not in text(client.get("/flows"))  # the flow is still pending, untouched
    assert ">pending<" in text(client.get("/flows"))


def test_state_from_another_browser_is_refused(demo_app, client, csrf, fake_sbs, query):
    started = connect(client, csrf(client), "efactura", "omitted")
    state = query(started.headers["Location"])["state"]
    other = demo_app.test_client()
    response = other.get("/anaf/callback/main", query_string={"code": "c", "state": state})
    assert response.status_code == 400
    assert "processAuthorizationResponse" not in fake_sbs.calls


def test_replayed_callback_is_refused_the_second_time(client, csrf, fake_sbs, query):
    state = query(connect(client, csrf(client), "efactura", "omitted").headers["Location"])["state"]
    first = client.get("/anaf/callback/main", query_string={"code": "c", "state": state})
    second = client.get("/anaf/callback/main", query_string={"code": "c", "state": state})
    assert (first.status_code, second.status_code) == (303, 400)
    assert fake_sbs.calls.count("processAuthorizationResponse") == 1


def test_denied_on_anaf_page_shows_access_denied(client, csrf, fake_sbs, query):
    state = query(connect(client, csrf(client), "efactura", "additional-0",
                          "http://demo.test/anaf/callback/branch").headers["Location"])["state"]
    back = client.get("/anaf/callback/branch", query_string={"error": "access_denied", "state": state})
    page = text(client.get(back.headers["Location"]))
    assert 'data-testid="outcome">Access denied<' in page
    assert "No USB token / cancel" in page
    assert "\u201cNu am token USB / Anulare\u201d" in page  # the button's label on ANAF's page
    assert 'data-testid="rule">ADDITIONAL<' in page  # the rule that would have applied
    assert fake_sbs.held == {}


def test_unregistered_callback_shows_sbs_error_explained(client, csrf, fake_sbs, urls):
    unregistered = f"{urls['demo']}/anaf/callback/unregistered"
    started = connect(client, csrf(client), "efactura", "unregistered", unregistered)
    assert started.status_code == 303
    assert started.headers["Location"].startswith("/flows/")
    page = text(client.get(started.headers["Location"]))
    assert 'data-testid="outcome">Refused by SBS<' in page
    assert "SBS answered BAD_USER_INPUT:" in page and f"oauthCallback {unregistered} is not configured" in page
    assert "none of the seed's rules applies" in page
    assert fake_sbs.requests == {}


def test_card_that_no_longer_matches_the_settings_is_refused(client, csrf, fake_sbs):
    response = connect(client, csrf(client), "efactura", "additional-0", "http://demo.test/anaf/callback/other")
    assert response.status_code == 409
    assert "settings changed" in text(response)
    assert "generateAuthorizationRequest" not in fake_sbs.calls


def test_result_page_draws_the_trail_in_call_order(client, csrf, fake_journals, query):
    state = query(connect(client, csrf(client), "efactura", "omitted").headers["Location"])["state"]
    now = time.time() - 1  # all of these happened before the callback below
    fake_journals.entries["anaf"] += [
        {"id": 7, "direction": "in", "method": "GET", "path": "/anaf-oauth2/v1/authorize", "status": 200,
         "epoch": now + 0.2, "duration_ms": 2, "client_id": "client-main"},
        {"id": 8, "direction": "in", "method": "POST", "path": "/anaf-oauth2/v1/token", "status": 200,
         "epoch": now + 0.4, "duration_ms": 3, "grant_type": "authorization_code"},
    ]
    fake_journals.entries["sbs"] += [
        {"id": 3, "direction": "out", "method": "POST", "path": "http://anaf.test/anaf-oauth2/v1/token",
         "status": 200, "epoch": now + 0.401, "duration_ms": 6, "target": "anaf"},
    ]
    fake_journals.entries["demo"] += [
        {"id": 1, "direction": "in", "method": "POST", "path": "/connect", "status": 303, "epoch": now,
         "duration_ms": 5},
    ]
    back = client.get("/anaf/callback/main", query_string={"code": "c", "state": state})
    page = text(client.get(back.headers["Location"]))
    arrows = re.findall(r'data-from="(\w+)" data-to="(\w+)"', page)
    assert arrows == [("browser", "demo"), ("browser", "anaf"), ("sbs", "anaf")]
    assert "POST /anaf-oauth2/v1/token" in page and "grant authorization_code" in page


def test_connect_with_unknown_service_is_refused(client, csrf):
    response = connect(client, csrf(client), "efiscal", "omitted")
    assert response.status_code == 400
