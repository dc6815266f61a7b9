"""A service key of tenant A never sees or completes anything of tenant B, and the other way round."""
from __future__ import annotations

import pytest

GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { state clientId oauthCallback }
}"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id }
}"""


@pytest.fixture()
def two_tenants(sbs, brokered):
    other_tenant, other_key = sbs.tenant_with_key(brokered["app"], "tenant-b")
    other = {"app": brokered["app"], "tenant": other_tenant, "key": other_key,
             "org": sbs.organization(other_key, "B SRL", "RO87654321")}
    return brokered, other


def authorize(sbs, tenant) -> str:
    request = sbs.ok("ro-anaf-oauth-api", tenant["key"], GENERATE,
                     {"input": {"organizationId": tenant["org"], "scope": "EFACTURA"}})["generateAuthorizationRequest"]
    code = sbs.anaf.authorize(request["clientId"], request["oauthCallback"])
    return sbs.ok("ro-anaf-oauth-api", tenant["key"], PROCESS,
                  {"input": {"state": request["state"], "code": code}})["processAuthorizationResponse"]["id"]


@pytest.mark.parametrize("direction", ["a-to-b", "b-to-a"])
def test_tenants_see_only_their_own(sbs, two_tenants, direction) -> None:
    me, them = two_tenants if direction == "a-to-b" else two_tenants[::-1]
    their_auth = authorize(sbs, them)
    mine = sbs.ok("organizations-api", me["key"], "{ organizations { id } }")["organizations"]
    assert [o["id"] for o in mine] == [me["org"]]

    cases = [
        ("organizations-api", "query($id: ID!) { organization(id: $id) { id } }", {"id": them["org"]}),
        ("ro-anaf-oauth-api", "query($id: ID!) { authorizations(organizationId: $id) { id } }", {"id": them["org"]}),
        ("ro-anaf-oauth-api", "query($id: ID!) { authorization(id: $id) { id } }", {"id": their_auth}),
        ("ro-anaf-oauth-api", "mutation($id: ID!) { refreshAuthorization(id: $id) { id } }", {"id": their_auth}),
        ("ro-anaf-oauth-api", "mutation($id: ID!) { testAuthorization(id: $id) { answer } }", {"id": their_auth}),
        ("ro-anaf-oauth-api", "mutation($id: ID!) { deleteAuthorization(id: $id) { id } }", {"id": their_auth}),
        ("ro-anaf-oauth-api", GENERATE, {"input": {"organizationId": them["org"], "scope": "EFACTURA"}}),
    ]
    calls_before = list(sbs.anaf.calls)
    for endpoint, query, variables in cases:
        error = sbs.error(endpoint, me["key"], query, variables)
        assert error["extensions"]["code"] == "NOT_FOUND", (query, error)
    assert sbs.anaf.calls == calls_before, "nothing reached ANAF for the other tenant"
    theirs = sbs.ok("ro-anaf-oauth-api", them["key"], "query($id: ID!) { authorization(id: $id) { id status } }",
                    {"id": their_auth})["authorization"]
    assert theirs == {"id": their_auth, "status": "ACTIVE"}


@pytest.mark.parametrize("direction", ["a-to-b", "b-to-a"])
def test_a_tenant_cannot_complete_anothers_request(sbs, two_tenants, direction) -> None:
    me, them = two_tenants if direction == "a-to-b" else two_tenants[::-1]
    request = sbs.ok("ro-anaf-oauth-api", them["key"], GENERATE,
                     {"input": {"organizationId": them["org"], "scope": "EFACTURA"}})["generateAuthorizationRequest"]
    code = sbs.anaf.authorize(request["clientId"], request["oauthCallback"])
    error = sbs.error("ro-anaf-oauth-api", me["key"], PROCESS, {"input": {"state": request["state"], "code": code}})
    assert (error["extensions"]["code"], error["message"]) == (
        "NOT_FOUND", "No authorization request has this state for this tenant.")
    assert sbs.anaf.token_calls() == []
    # Not used up: the owner still completes it.
    done = sbs.ok("ro-anaf-oauth-api", them["key"], PROCESS, {"input": {"state": request["state"], "code": code}})
    assert done["processAuthorizationResponse"]["id"]
