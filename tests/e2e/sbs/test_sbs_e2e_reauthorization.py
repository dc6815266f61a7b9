"""Removing the additional secret that authorized: the authorization needs reauthorization, nothing else is lost."""
from __future__ import annotations

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { authorizationUrl }
}"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id clientId }
}"""
STATUS = """query($id: ID!) {
  authorization(id: $id) { id clientId oauthCallback secretSource status statusMessage accessTokenExpiresAt }
}"""


def test_removed_additional_secret_needs_reauthorization(seeded) -> None:
    s = seeded.seeded
    request = seeded.oauth(GENERATE, {"input": {"organizationId": s["org"], "scope": "EFACTURA",
                                                "oauthCallback": s["branch_callback"]}})["data"][
        "generateAuthorizationRequest"]
    back = seeded.redirect_query(seeded.authorize(request["authorizationUrl"]))
    auth = seeded.oauth(PROCESS, {"input": {"state": back["state"], "code": back["code"]}})["data"][
        "processAuthorizationResponse"]
    before = seeded.oauth(STATUS, {"id": auth["id"]})["data"]["authorization"]

    seeded.ok("account-api", "sbs_acc_e2e-key", "mutation($id: ID!) { updateApp(id: $id, input: "
              "{roAnafEfacturaAdditionalClientSecrets: []}) { id } }", {"id": s["app"]})
    seeded.advance(seeded.access_lifetime)
    swept = seeded.http.post(f"{seeded.sbs_url}/__admin/refresh-sweep", timeout=10).json()
    assert swept == {"refreshed": 0, "failed": 1}

    after = seeded.oauth(STATUS, {"id": auth["id"]})["data"]["authorization"]
    assert after["status"] == "NEEDS_REAUTHORIZATION"
    assert s["branch_callback"] in after["statusMessage"]
    unchanged = {k: v for k, v in after.items() if k not in ("status", "statusMessage")}
    assert unchanged == {k: v for k, v in before.items() if k not in ("status", "statusMessage")}
    refresh = seeded.oauth("mutation($id: ID!) { refreshAuthorization(id: $id) { id } }", {"id": auth["id"]})
    assert refresh["errors"][0]["extensions"]["code"] == "NEEDS_REAUTHORIZATION"
    assert seeded.token_calls() == [(s["branch"]["clientId"], "authorization_code")], \
        "the main secret was never used to refresh an additional authorization"
