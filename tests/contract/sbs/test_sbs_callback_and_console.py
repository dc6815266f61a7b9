"""SBS's own OAuth callback route, the console page, health and the admin reset/snapshot."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { id state clientId oauthCallback }
}"""
LIST = "query($org: ID!) { authorizations(organizationId: $org) { id secretSource clientId } }"
CALLBACK = "/ro-anaf-oauth-api/oauth-callback"


def implicit_request(sbs, brokered, **extra) -> dict:
    return sbs.ok("ro-anaf-oauth-api", brokered["key"], GENERATE, {"input": {
        "organizationId": brokered["org"], "scope": "ETRANSPORT", **extra}})["generateAuthorizationRequest"]


def test_callback_completes_and_shows_the_rule(sbs, brokered) -> None:
    request = implicit_request(sbs, brokered)
    code = sbs.anaf.authorize("implicit-id", request["oauthCallback"])
    page = sbs.client.get(f"{CALLBACK}?code={code}&state={request['state']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ANAF authorization complete" in text and "IMPLICIT" in text and "implicit-id" in text
    assert "roAnafEtransportUseImplicitClientSecret" in text
    assert code not in text and request["state"] not in text
    listed = sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"]
    assert [(a["secretSource"], a["clientId"]) for a in listed] == [("IMPLICIT", "implicit-id")]
    assert sbs.anaf.token_calls() == [("implicit-id", "authorization_code")]
    entry = sbs.journal(CALLBACK)[-1]
    assert (entry["path"], entry["status"], entry["client_id"], entry["rule"]) == (CALLBACK, 200, "implicit-id",
                                                                                  "IMPLICIT")


def test_callback_redirects_to_return_url(sbs, brokered) -> None:
    request = implicit_request(sbs, brokered, returnUrl="http://localhost:8000/done?tab=2")
    code = sbs.anaf.authorize("implicit-id", request["oauthCallback"])
    hop = sbs.client.get(f"{CALLBACK}?code={code}&state={request['state']}")
    assert hop.status_code == 302
    target = urlsplit(hop.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "http://localhost:8000/done"
    query = parse_qs(target.query)
    listed = sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"]
    assert query == {"tab": ["2"], "authorizationId": [listed[0]["id"]], "authorizationRequestId": [request["id"]]}


def test_callback_denied_redirects_with_error(sbs, brokered) -> None:
    request = implicit_request(sbs, brokered, returnUrl="http://localhost:8000/done")
    hop = sbs.client.get(f"{CALLBACK}?error=access_denied&state={request['state']}")
    assert hop.status_code == 302
    query = parse_qs(urlsplit(hop.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["authorizationRequestId"] == [request["id"]]
    assert sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"] == []


def test_callback_denied_without_return_url_shows_a_page(sbs, brokered) -> None:
    request = implicit_request(sbs, brokered)
    page = sbs.client.get(f"{CALLBACK}?error=access_denied&state={request['state']}")
    assert page.status_code == 403
    assert "declined at ANAF" in page.get_data(as_text=True)


def test_bad_used_or_expired_state_is_an_error_page(sbs, brokered) -> None:
    assert sbs.client.get(f"{CALLBACK}?code=x&state=unknown").status_code == 400
    assert sbs.client.get(f"{CALLBACK}?code=x").status_code == 400
    request = implicit_request(sbs, brokered)
    assert sbs.client.get(f"{CALLBACK}?state={request['state']}").status_code == 400, "neither code nor error"
    code = sbs.anaf.authorize("implicit-id", request["oauthCallback"])
    assert sbs.client.get(f"{CALLBACK}?code={code}&state={request['state']}").status_code == 200
    used = sbs.client.get(f"{CALLBACK}?code={code}&state={request['state']}")
    assert used.status_code == 400 and "already used" in used.get_data(as_text=True)
    late = implicit_request(sbs, brokered)
    sbs.client.post("/__admin/clock", json={"advance": 600})
    expired = sbs.client.get(f"{CALLBACK}?code=c&state={late['state']}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert sbs.anaf.token_calls() == [("implicit-id", "authorization_code")]


def test_callback_does_not_complete_a_custom_callback_request(sbs, brokered) -> None:
    request = sbs.ok("ro-anaf-oauth-api", brokered["key"], GENERATE, {"input": {
        "organizationId": brokered["org"], "scope": "EFACTURA"}})["generateAuthorizationRequest"]
    code = sbs.anaf.authorize("main-id", request["oauthCallback"])
    page = sbs.client.get(f"{CALLBACK}?code={code}&state={request['state']}")
    assert page.status_code == 400 and "processAuthorizationResponse" in page.get_data(as_text=True)
    done = sbs.ok("ro-anaf-oauth-api", brokered["key"], "mutation($i: ProcessAuthorizationResponseInput!) "
                  "{ processAuthorizationResponse(input: $i) { clientId } }",
                  {"i": {"state": request["state"], "code": code}})
    assert done == {"processAuthorizationResponse": {"clientId": "main-id"}}


def test_console_is_offline_and_preloaded_with_the_seed(sbs) -> None:
    page = sbs.client.get("/console")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Seed: use SBS-managed (implicit) ANAF secrets" in text
    assert "roAnafEfacturaAdditionalClientSecrets" in text
    assert "http://" not in text.replace("http://localhost", "").replace("http://127.0.0.1", ""), "no CDN"
    assert "<script src" not in text
    assert sbs.client.get("/healthz").get_json() == {"status": "ok", "service": "mock-sbs"}


def test_index_names_the_service_and_leads_to_the_console(sbs) -> None:
    page = sbs.client.get("/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<title>Mock SBS</title>" in text and "<style>" in text
    assert 'href="/console"' in text
    for endpoint in ("account-api", "organizations-api", "ro-anaf-oauth-api"):
        assert f'href="/{endpoint}/graphql"' in text
    assert "/ro-anaf-oauth-api/oauth-callback" in text


def test_console_with_a_trailing_slash_is_the_console(sbs) -> None:
    page = sbs.client.get("/console/")
    assert page.status_code == 308 and page.headers["Location"] == "/console"
    assert sbs.client.get("/console/", follow_redirects=True).status_code == 200


@pytest.mark.parametrize("path", ["/nothing", "/console/extra", "/ro-anaf-oauth-api"])
def test_unknown_page_is_a_styled_404(sbs, path) -> None:
    page = sbs.client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<title>Nothing here · Mock SBS</title>" in text and "<style>" in text
    assert "HTTP 404" in text and 'href="/console"' in text


def test_reset_returns_to_the_snapshot(sbs, brokered) -> None:
    assert sbs.client.post("/__admin/snapshot").status_code == 200
    sbs.create_app("after-snapshot")
    sbs.client.post("/__admin/clock", json={"advance": 60})
    assert sbs.client.post("/__admin/reset").get_json() == {"reset": True}
    assert sbs.client.get("/__admin/requests").get_json() == []
    assert sbs.client.get("/__admin/clock").get_json()["offset"] == 0
    names = [a["name"] for a in sbs.account("{ apps { name } }")["apps"]]
    assert names == ["demo-app"]


def test_reset_without_snapshot_keeps_the_bootstrap_account(sbs, brokered) -> None:
    sbs.client.post("/__admin/reset")
    assert sbs.account("{ apps { id } tenants { id } }") == {"apps": [], "tenants": []}
    assert sbs.error("organizations-api", brokered["key"], "{ organizations { id } }", status=401)
