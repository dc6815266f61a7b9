"""SBS-managed (implicit) secrets: ANAF returns to SBS's own callback, SBS completes the flow itself."""
from __future__ import annotations

from urllib.parse import urlsplit

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { id authorizationUrl oauthCallback clientId secretSource }
}"""
LIST = """query($org: ID!) {
  authorizations(organizationId: $org) { id scope clientId secretSource oauthCallback accessTokenExpiresAt status }
}"""


def test_implicit_flow_through_sbs_callback_and_refresh_by_sweep(seeded) -> None:
    s = seeded.seeded
    request = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "ETRANSPORT",
                                                "returnUrl": "http://127.0.0.1:9/done"}})["data"][
        "generateAuthorizationRequest"]
    sbs_callback = seeded.sbs_url + "/ro-anaf-oauth-api/oauth-callback"
    assert (request["oauthCallback"], request["secretSource"]) == (sbs_callback, "IMPLICIT")
    implicit_id = request["clientId"]
    assert implicit_id not in (s["main"]["clientId"], s["branch"]["clientId"])
    registered = [e for e in seeded.sbs_outgoing() if e["path"] == seeded.anaf_url + "/portal/api/apps"]
    assert [(e["method"], e["status"]) for e in registered] == [("POST", 201)], "SBS registered its implicit app"

    hop = seeded.authorize(request["authorizationUrl"])
    assert hop.headers["Location"].startswith(sbs_callback + "?")
    back = seeded.http.get(hop.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://127.0.0.1:9/done"
    returned = seeded.redirect_query(back)
    assert returned["authorizationRequestId"] == request["id"]
    assert seeded.token_calls() == [(implicit_id, "authorization_code")]

    listed = seeded.oauth(LIST, {"org": s["org"]})["data"]["authorizations"]
    assert [(a["id"], a["scope"], a["clientId"], a["secretSource"], a["oauthCallback"]) for a in listed] == [
        (returned["authorizationId"], "ETRANSPORT", implicit_id, "IMPLICIT", sbs_callback)]

    seeded.advance(seeded.access_lifetime)
    swept = seeded.http.post(f"{seeded.sbs_url}/__admin/refresh-sweep", timeout=10).json()
    assert swept == {"refreshed": 1, "failed": 0}
    assert seeded.token_calls() == [(implicit_id, "authorization_code"), (implicit_id, "refresh_token")]
    after = seeded.oauth(LIST, {"org": s["org"]})["data"]["authorizations"][0]
    assert after["status"] == "ACTIVE" and after["accessTokenExpiresAt"] > listed[0]["accessTokenExpiresAt"]


def test_implicit_app_shows_sbs_client_id_without_secret(seeded) -> None:
    app = seeded.ok("account-api", "sbs_acc_e2e-key", "query($id: ID!) { app(id: $id) { "
                    "roAnafEtransportClientSecret { clientId clientSecret oauthCallback } } }",
                    {"id": seeded.seeded["app"]})["app"]["roAnafEtransportClientSecret"]
    assert app["clientSecret"] is None
    assert app["oauthCallback"] == seeded.sbs_url + "/ro-anaf-oauth-api/oauth-callback"
    portal = seeded.http.get(f"{seeded.anaf_url}/portal/api/apps/{app['clientId']}", timeout=10)
    assert portal.status_code == 200 and portal.json()["callbacks"] == [app["oauthCallback"]]
