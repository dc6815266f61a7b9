"""A tenant app with custom callbacks: main by omission, main by explicit callback, additional (seed rules 1-3).

Each flow goes hop by hop through real mock ANAF and mock SBS; mock ANAF's own journal shows which
client id reached its token endpoint, first for the code and, after 90 days, for the refresh.
"""
from __future__ import annotations

import pytest

GENERATE = """mutation generate($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { id authorizationUrl state oauthCallback clientId secretSource }
}"""
PROCESS = """mutation process($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id clientId secretSource oauthCallback status }
}"""
TEST = """mutation test($id: ID!) {
  testAuthorization(id: $id, name: "e2e") { answer httpStatus refreshed authorization { clientId status } }
}"""


@pytest.mark.parametrize(
    ("callback", "app", "source"),
    [
        pytest.param(None, "main", "MAIN", id="main-by-omission"),
        pytest.param("main_callback", "main", "MAIN", id="main-by-explicit-callback"),
        pytest.param("branch_callback", "branch", "ADDITIONAL", id="additional"),
    ],
)
def test_rule_decides_the_client_id_at_anaf_for_code_and_refresh(seeded, callback, app, source) -> None:
    s = seeded.seeded
    client_id = s[app]["clientId"]
    expected_callback = s[f"{app}_callback"]
    request_input = {"organizationId": s["org"], "scope": "EFACTURA"}
    if callback:
        request_input["oauthCallback"] = s[callback]
    request = seeded.oauth(GENERATE, {"input": request_input})["data"]["generateAuthorizationRequest"]
    assert (request["clientId"], request["oauthCallback"], request["secretSource"]) == (client_id, expected_callback,
                                                                                       source)

    hop = seeded.authorize(request["authorizationUrl"])
    assert hop.headers["Location"].startswith(expected_callback + "?")
    back = seeded.redirect_query(hop)
    assert back["state"] == request["state"]

    done = seeded.oauth(PROCESS, {"input": {"state": back["state"], "code": back["code"]}})
    assert done["data"]["processAuthorizationResponse"] == {
        "id": done["data"]["processAuthorizationResponse"]["id"], "clientId": client_id, "secretSource": source,
        "oauthCallback": expected_callback, "status": "ACTIVE"}
    assert seeded.token_calls() == [(client_id, "authorization_code")]

    auth_id = done["data"]["processAuthorizationResponse"]["id"]
    first = seeded.oauth(TEST, {"id": auth_id})["data"]["testAuthorization"]
    assert (first["answer"], first["httpStatus"], first["refreshed"]) == ('Hello, "e2e"', 200, False)

    seeded.advance(seeded.access_lifetime + 60)
    later = seeded.oauth(TEST, {"id": auth_id})["data"]["testAuthorization"]
    assert (later["answer"], later["refreshed"], later["authorization"]) == (
        'Hello, "e2e"', True, {"clientId": client_id, "status": "ACTIVE"})
    assert seeded.token_calls() == [(client_id, "authorization_code"), (client_id, "refresh_token")]

    outgoing = [(e["method"], e["path"], e["status"], e["client_id"], e["grant_type"], e["target"])
                for e in seeded.sbs_outgoing() if e["path"].endswith("/token")]
    token_url = seeded.anaf_url + "/anaf-oauth2/v1/token"
    assert outgoing == [("POST", token_url, 200, client_id, "authorization_code", "anaf"),
                        ("POST", token_url, 200, client_id, "refresh_token", "anaf")]
    journal = seeded.http.get(f"{seeded.sbs_url}/__admin/requests", timeout=10).text
    assert back["code"] not in journal and s[app]["clientSecret"] not in journal and s["key"] not in journal
