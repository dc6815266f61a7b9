"""The RO ANAF OAuth service through the test client, with an in-memory ANAF (SPEC §3.3)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest

GENERATE = """mutation generate($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) {
    id organizationId scope authorizationUrl state oauthCallback clientId secretSource reason returnUrl expiresAt
  }
}"""
PROCESS = """mutation process($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) {
    id organizationId scope secretSource clientId oauthCallback status statusMessage
    createdAt updatedAt accessTokenExpiresAt refreshTokenExpiresAt
  }
}"""
LIST = """query list($org: ID!, $filter: AuthorizationFilter) {
  authorizations(organizationId: $org, filter: $filter) { id scope secretSource clientId status }
}"""
MAIN_CALLBACK = "http://localhost:8000/anaf/callback/main"
BRANCH_CALLBACK = "http://localhost:8000/anaf/callback/branch"
SBS_CALLBACK = "http://sbs.test/ro-anaf-oauth-api/oauth-callback"


def generate(sbs, brokered, **fields) -> dict:
    return sbs.ok("ro-anaf-oauth-api", brokered["key"], GENERATE,
                  {"input": {"organizationId": brokered["org"], "scope": "EFACTURA", **fields}})[
        "generateAuthorizationRequest"]


def complete(sbs, brokered, request: dict) -> dict:
    code = sbs.anaf.authorize(request["clientId"], request["oauthCallback"])
    return sbs.ok("ro-anaf-oauth-api", brokered["key"], PROCESS,
                  {"input": {"state": request["state"], "code": code}})["processAuthorizationResponse"]


@pytest.mark.parametrize(
    ("fields", "client_id", "callback", "source"),
    [
        pytest.param({}, "main-id", MAIN_CALLBACK, "MAIN", id="main-by-omission"),
        pytest.param({"oauthCallback": MAIN_CALLBACK}, "main-id", MAIN_CALLBACK, "MAIN", id="main-by-callback"),
        pytest.param({"oauthCallback": ""}, "main-id", MAIN_CALLBACK, "MAIN", id="empty-callback-is-omitted"),
        pytest.param({"oauthCallback": BRANCH_CALLBACK}, "branch-id", BRANCH_CALLBACK, "ADDITIONAL", id="additional"),
        pytest.param({"scope": "ETRANSPORT"}, "implicit-id", SBS_CALLBACK, "IMPLICIT", id="implicit"),
    ],
)
def test_request_uses_the_resolved_secret(sbs, brokered, fields, client_id, callback, source) -> None:
    got = generate(sbs, brokered, **fields)
    assert (got["clientId"], got["oauthCallback"], got["secretSource"]) == (client_id, callback, source)
    url = urlsplit(got["authorizationUrl"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://127.0.0.1:8001/anaf-oauth2/v1/authorize"
    assert parse_qs(url.query) == {"response_type": ["code"], "client_id": [client_id], "redirect_uri": [callback],
                                   "state": [got["state"]], "token_content_type": ["jwt"]}
    assert len(got["state"]) >= 40
    assert got["expiresAt"] == "2025-06-15T15:16:40Z", "pending for 10 minutes on SBS's clock"
    assert got["organizationId"] == brokered["org"] and got["reason"]
    entry = sbs.journal("/ro-anaf-oauth-api/graphql")[-1]
    assert (entry["operation"], entry["client_id"], entry["secret_source"]) == ("generate", client_id, source)
    assert got["state"] not in str(sbs.journal())


def test_states_are_fresh(sbs, brokered) -> None:
    assert generate(sbs, brokered)["state"] != generate(sbs, brokered)["state"]


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        pytest.param({"oauthCallback": "https://evil.example/cb"}, "BAD_USER_INPUT",
                     "oauthCallback https://evil.example/cb is not configured for e-Factura", id="unknown-callback"),
        pytest.param({"oauthCallback": "http://localhost:8000/anaf/callback/BRANCH"}, "BAD_USER_INPUT",
                     "oauthCallback http://localhost:8000/anaf/callback/BRANCH is not configured for e-Factura",
                     id="additional-callback-upper-cased"),
        pytest.param({"oauthCallback": BRANCH_CALLBACK + "/"}, "BAD_USER_INPUT",
                     f"oauthCallback {BRANCH_CALLBACK}/ is not configured for e-Factura",
                     id="additional-callback-with-trailing-slash"),
        pytest.param({"oauthCallback": MAIN_CALLBACK.upper()}, "BAD_USER_INPUT",
                     f"oauthCallback {MAIN_CALLBACK.upper()} is not configured for e-Factura",
                     id="main-callback-upper-cased"),
        pytest.param({"organizationId": "org_other"}, "NOT_FOUND",
                     "No organization with id org_other for this tenant.", id="unknown-organization"),
        pytest.param({"returnUrl": "javascript:alert(1)"}, "BAD_USER_INPUT", "input.returnUrl: must be an absolute",
                     id="bad-return-url"),
    ],
)
def test_request_errors(sbs, brokered, fields, code, message) -> None:
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], GENERATE,
                      {"input": {"organizationId": brokered["org"], "scope": "EFACTURA", **fields}})
    assert error["extensions"]["code"] == code
    assert error["message"].startswith(message)
    assert not any(v in error["message"] for v in ("main-secret", "branch-secret", "implicit-secret"))
    assert sbs.app.extensions["mock_sbs"].store.db.query("SELECT * FROM authorization_requests") == []


def test_unknown_callback_lists_configured_callbacks(sbs, brokered) -> None:
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], GENERATE,
                      {"input": {"organizationId": brokered["org"], "scope": "EFACTURA",
                                 "oauthCallback": "http://localhost:8000/other"}})
    assert f"Configured callbacks: {MAIN_CALLBACK}, {BRANCH_CALLBACK}." in error["message"]
    assert "main-secret" not in error["message"] and "branch-secret" not in error["message"]


def test_process_response_stores_tokens_but_never_shows_them(sbs, brokered) -> None:
    request = generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK)
    auth = complete(sbs, brokered, request)
    assert auth["clientId"] == "branch-id" and auth["secretSource"] == "ADDITIONAL" and auth["status"] == "ACTIVE"
    assert auth["accessTokenExpiresAt"] == "2025-09-13T15:06:40Z", "90 days"
    assert auth["refreshTokenExpiresAt"] == "2026-06-15T15:06:40Z", "365 days"
    assert sbs.anaf.token_calls() == [("branch-id", "authorization_code")]
    listed = sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"]
    assert listed == [{"id": auth["id"], "scope": "EFACTURA", "secretSource": "ADDITIONAL", "clientId": "branch-id",
                       "status": "ACTIVE"}]
    text = sbs.client.get("/__admin/requests").get_data(as_text=True)
    assert "access-" not in text and "refresh-" not in text and "code-" not in text


def test_new_authorization_replaces_the_older_one_for_the_same_scope(sbs, brokered) -> None:
    first = complete(sbs, brokered, generate(sbs, brokered))
    other_scope = complete(sbs, brokered, generate(sbs, brokered, scope="ETRANSPORT"))
    second = complete(sbs, brokered, generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK))
    listed = sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"]
    assert [a["id"] for a in listed] == [second["id"], other_scope["id"]]
    only = sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST,
                  {"org": brokered["org"], "filter": {"scope": "ETRANSPORT"}})["authorizations"]
    assert [(a["id"], a["secretSource"]) for a in only] == [(other_scope["id"], "IMPLICIT")]
    assert first["id"] not in {a["id"] for a in listed}


def test_state_is_single_use(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    complete(sbs, brokered, request)
    code = sbs.anaf.authorize("main-id", MAIN_CALLBACK)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": request["state"], "code": code}})
    assert error["extensions"]["code"] == "AUTHORIZATION_REQUEST_USED"
    assert sbs.anaf.token_calls() == [("main-id", "authorization_code")]


def test_pending_request_expires_on_sbs_clock(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    assert sbs.client.post("/__admin/clock", json={"advance": 601}).status_code == 200
    code = sbs.anaf.authorize("main-id", MAIN_CALLBACK)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": request["state"], "code": code}})
    assert error["extensions"]["code"] == "AUTHORIZATION_REQUEST_EXPIRED"
    assert error["message"].startswith("This authorization request expired at 2025-06-15T15:16:40Z")
    assert sbs.anaf.token_calls() == []


def test_access_denied_consumes_the_request(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS,
                      {"input": {"state": request["state"], "error": "access_denied"}})
    assert error["extensions"]["code"] == "ACCESS_DENIED"
    assert error["message"] == "The user declined at ANAF (access_denied); nothing was authorized."
    again = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS,
                      {"input": {"state": request["state"], "code": "code-1"}})
    assert again["extensions"]["code"] == "AUTHORIZATION_REQUEST_USED"
    assert sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"] == []


def test_missing_code_and_error_does_not_use_the_request(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": request["state"]}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    complete(sbs, brokered, request)


def test_anaf_refusal_is_anaf_error_with_anafs_words(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS,
                      {"input": {"state": request["state"], "code": "forged"}})
    assert error["extensions"]["code"] == "ANAF_ERROR"
    assert error["extensions"]["anafError"] == "invalid_grant"
    assert "invalid_grant" in error["message"]


def test_unknown_state_is_not_found(sbs, brokered) -> None:
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": "nope", "code": "c"}})
    assert (error["extensions"]["code"], error["message"]) == (
        "NOT_FOUND", "No authorization request has this state for this tenant.")


def test_refresh_test_and_delete(sbs, brokered) -> None:
    auth = complete(sbs, brokered, generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK))
    key = brokered["key"]
    tested = sbs.ok("ro-anaf-oauth-api", key, 'mutation($id: ID!) { testAuthorization(id: $id, name: "learner") '
                    "{ answer httpStatus endpoint refreshed environment apiBaseUrl authorization { id } } }",
                    {"id": auth["id"]})["testAuthorization"]
    assert tested == {"answer": 'Hello, "learner"', "httpStatus": 200,
                      "endpoint": "http://anaf.test/TestOauth/jaxrs/hello", "refreshed": False, "environment": "PROD",
                      "apiBaseUrl": "http://127.0.0.1:8001/prod/FCTEL/rest", "authorization": {"id": auth["id"]}}
    sbs.update_app(brokered["app"], {"roAnafEfacturaUseTestEnvironment": True})
    sbs.clock.advance(100)
    refreshed = sbs.ok("ro-anaf-oauth-api", key, "mutation($id: ID!) { refreshAuthorization(id: $id) "
                       "{ id clientId updatedAt status } }", {"id": auth["id"]})["refreshAuthorization"]
    assert refreshed == {"id": auth["id"], "clientId": "branch-id", "updatedAt": "2025-06-15T15:08:20Z",
                         "status": "ACTIVE"}
    assert sbs.anaf.token_calls()[-1] == ("branch-id", "refresh_token")
    env = sbs.ok("ro-anaf-oauth-api", key, "mutation($id: ID!) { testAuthorization(id: $id) "
                 "{ environment apiBaseUrl } }", {"id": auth["id"]})["testAuthorization"]
    assert env == {"environment": "TEST", "apiBaseUrl": "http://127.0.0.1:8001/test/FCTEL/rest"}
    deleted = sbs.ok("ro-anaf-oauth-api", key, "mutation($id: ID!) { deleteAuthorization(id: $id) "
                     "{ id revoked revokeError } }", {"id": auth["id"]})["deleteAuthorization"]
    assert deleted == {"id": auth["id"], "revoked": True, "revokeError": None}
    assert [c.client_id for c in sbs.anaf.calls if c.endpoint == "revoke"] == ["branch-id", "branch-id"]
    error = sbs.error("ro-anaf-oauth-api", key, "mutation($id: ID!) { testAuthorization(id: $id) { answer } }",
                      {"id": auth["id"]})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_removed_additional_secret_needs_reauthorization(sbs, brokered) -> None:
    auth = complete(sbs, brokered, generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK))
    sbs.update_app(brokered["app"], {"roAnafEfacturaAdditionalClientSecrets": []})
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], "mutation($id: ID!) { refreshAuthorization(id: $id) "
                      "{ id } }", {"id": auth["id"]})
    assert error["extensions"]["code"] == "NEEDS_REAUTHORIZATION"
    assert BRANCH_CALLBACK in error["message"]
    got = sbs.ok("ro-anaf-oauth-api", brokered["key"], "query($id: ID!) { authorization(id: $id) "
                 "{ status statusMessage clientId oauthCallback secretSource } }", {"id": auth["id"]})["authorization"]
    assert got["status"] == "NEEDS_REAUTHORIZATION" and BRANCH_CALLBACK in got["statusMessage"]
    assert (got["clientId"], got["oauthCallback"], got["secretSource"]) == ("branch-id", BRANCH_CALLBACK,
                                                                             "ADDITIONAL")
    # Put the secret back: the same authorization refreshes again, nothing was lost.
    sbs.update_app(brokered["app"], {"roAnafEfacturaAdditionalClientSecrets": [
        {"clientId": "branch-id", "clientSecret": "branch-secret", "oauthCallback": BRANCH_CALLBACK}]})
    back = sbs.ok("ro-anaf-oauth-api", brokered["key"], "mutation($id: ID!) { refreshAuthorization(id: $id) "
                  "{ status statusMessage } }", {"id": auth["id"]})["refreshAuthorization"]
    assert back == {"status": "ACTIVE", "statusMessage": None}


TEST = ('mutation($id: ID!) { testAuthorization(id: $id, name: "t") { answer httpStatus refreshed '
        "authorization { status statusMessage accessTokenExpiresAt } } }")


def test_an_authorization_that_cannot_be_refreshed_still_tests_while_its_access_token_lives(sbs, brokered) -> None:
    """The README tutorial's step 6: the secret is removed and Refresh marks the authorization
    NEEDS_REAUTHORIZATION. Its access token, valid for 90 days, still works at ANAF, so "Test the token" works."""
    auth = complete(sbs, brokered, generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK))
    sbs.update_app(brokered["app"], {"roAnafEfacturaAdditionalClientSecrets": []})
    sbs.error("ro-anaf-oauth-api", brokered["key"], "mutation($id: ID!) { refreshAuthorization(id: $id) { id } }",
              {"id": auth["id"]})
    tested = sbs.ok("ro-anaf-oauth-api", brokered["key"], TEST, {"id": auth["id"]})["testAuthorization"]
    assert (tested["answer"], tested["httpStatus"], tested["refreshed"]) == ('Hello, "t"', 200, False)
    assert tested["authorization"]["status"] == "NEEDS_REAUTHORIZATION"
    assert BRANCH_CALLBACK in tested["authorization"]["statusMessage"]
    assert tested["authorization"]["accessTokenExpiresAt"] == auth["accessTokenExpiresAt"]
    assert sbs.anaf.token_calls() == [("branch-id", "authorization_code")], "no refresh was attempted at ANAF"
    # Once the access token is due, there is nothing left to test with: the refusal says why.
    sbs.clock.advance(90 * 24 * 3600)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], TEST, {"id": auth["id"]})
    assert error["extensions"]["code"] == "NEEDS_REAUTHORIZATION"


def test_a_secret_replaced_while_the_user_is_at_anaf_is_refused_without_a_token_call(sbs, brokered) -> None:
    """The flow started with additional secret `branch-id`; before the code comes back, updateApp puts another
    client id on the same callback. The code was issued to `branch-id`: SBS must not redeem it as someone else."""
    request = generate(sbs, brokered, oauthCallback=BRANCH_CALLBACK)
    code = sbs.anaf.authorize("branch-id", BRANCH_CALLBACK)
    sbs.anaf.register("branch-2-id", "branch-2-secret", BRANCH_CALLBACK)
    sbs.update_app(brokered["app"], {"roAnafEfacturaAdditionalClientSecrets": [
        {"clientId": "branch-2-id", "clientSecret": "branch-2-secret", "oauthCallback": BRANCH_CALLBACK}]})
    calls_before = list(sbs.anaf.calls)
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS,
                      {"input": {"state": request["state"], "code": code}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (f"The client id for {BRANCH_CALLBACK} changed since this request was generated; "
                                "generate a new request.")
    assert sbs.anaf.calls == calls_before, "no token call to ANAF"
    assert sbs.ok("ro-anaf-oauth-api", brokered["key"], LIST, {"org": brokered["org"]})["authorizations"] == []
    # The request is used up: the same state cannot be retried into a token call either.
    again = sbs.error("ro-anaf-oauth-api", brokered["key"], PROCESS, {"input": {"state": request["state"], "code": code}})
    assert again["extensions"]["code"] == "AUTHORIZATION_REQUEST_USED"
    assert sbs.anaf.calls == calls_before


def test_sweep_route_refreshes_due_authorizations(sbs, brokered) -> None:
    complete(sbs, brokered, generate(sbs, brokered))
    assert sbs.client.post("/__admin/refresh-sweep").get_json() == {"refreshed": 0, "failed": 0}
    sbs.clock.advance(90 * 86400)
    assert sbs.client.post("/__admin/refresh-sweep").get_json() == {"refreshed": 1, "failed": 0}
    assert sbs.anaf.token_calls() == [("main-id", "authorization_code"), ("main-id", "refresh_token")]


def test_concurrent_completions_of_one_state_succeed_once(sbs, brokered) -> None:
    request = generate(sbs, brokered)
    code = sbs.anaf.authorize("main-id", MAIN_CALLBACK)

    def attempt(_: int) -> str:
        client = sbs.app.test_client()
        body = client.post("/ro-anaf-oauth-api/graphql", headers={"x-api-key": brokered["key"]}, json={
            "query": PROCESS, "variables": {"input": {"state": request["state"], "code": code}}}).get_json()
        return "ok" if not body.get("errors") else body["errors"][0]["extensions"]["code"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(attempt, range(8)))
    assert outcomes == ["AUTHORIZATION_REQUEST_USED"] * 7 + ["ok"]
    assert sbs.anaf.token_calls() == [("main-id", "authorization_code")]
