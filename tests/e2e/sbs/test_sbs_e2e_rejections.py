"""Flows that must not produce tokens: an unregistered callback, and a user who declines at ANAF."""
from __future__ import annotations

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { authorizationUrl state clientId oauthCallback }
}"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id }
}"""
LIST = "query($org: ID!) { authorizations(organizationId: $org) { id } }"


def test_unknown_callback_is_rejected_before_anaf(seeded) -> None:
    s = seeded.seeded
    body = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "EFACTURA",
                                             "oauthCallback": "http://127.0.0.1:9/anaf/callback/unregistered"}})
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("oauthCallback http://127.0.0.1:9/anaf/callback/unregistered is not "
                                       "configured for e-Factura")
    assert s["main_callback"] in error["message"] and s["branch_callback"] in error["message"]
    assert s["main"]["clientSecret"] not in error["message"]
    assert seeded.token_calls() == []
    assert [e for e in seeded.sbs_outgoing() if "/anaf-oauth2/" in e["path"]] == [], "SBS never called ANAF's OAuth"
    seeded.advance(seeded.access_lifetime)
    assert seeded.http.post(f"{seeded.sbs_url}/__admin/refresh-sweep", timeout=10).json() == {
        "refreshed": 0, "failed": 0}
    assert seeded.token_calls() == []


def test_access_denied_at_anaf_gives_access_denied_and_no_tokens(seeded) -> None:
    s = seeded.seeded
    request = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "EFACTURA",
                                                "oauthCallback": s["branch_callback"]}})["data"][
        "generateAuthorizationRequest"]
    hop = seeded.authorize(request["authorizationUrl"], decision="deny")
    back = seeded.redirect_query(hop)
    assert hop.headers["Location"].startswith(s["branch_callback"] + "?")
    assert back == {"error": "access_denied", "state": request["state"]}
    body = seeded.oauth(PROCESS, {"input": {"state": back["state"], "error": back["error"]}})
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    again = seeded.oauth(PROCESS, {"input": {"state": back["state"], "code": "anything"}})
    assert again["errors"][0]["extensions"]["code"] == "AUTHORIZATION_REQUEST_USED"
    assert seeded.oauth(LIST, {"org": s["org"]})["data"]["authorizations"] == []
    seeded.advance(seeded.access_lifetime)
    assert seeded.http.post(f"{seeded.sbs_url}/__admin/refresh-sweep", timeout=10).json() == {
        "refreshed": 0, "failed": 0}
    assert seeded.token_calls() == [], "no client id ever reached the token endpoint"
