"""Input that used to break SBS's GraphQL endpoints: lone surrogates, and documents that ask for too much work."""
from __future__ import annotations

import json

import pytest
from graphql import get_introspection_query

from mock_sbs.routes import TITLES

ENDPOINTS = sorted(TITLES)  # every GraphQL service SBS serves, the ones added later included

ACCOUNT_KEY = "sbs_acc_contract-test-key"
LONE = "\ud800"

# The nine operations that answered INTERNAL_SERVER_ERROR for a lone surrogate in a String or ID.
SURROGATE_CASES = [
    pytest.param("account-api", "query($v: ID!) { app(id: $v) { id } }", id="app"),
    pytest.param("account-api", "mutation($v: String!) { createTenant(input: {name: $v}) { id } }",
                 id="createTenant"),
    pytest.param("account-api", "mutation($v: String!) { createApp(input: {name: $v}) { id } }", id="createApp"),
    pytest.param("organizations-api", "query($v: ID!) { organization(id: $v) { id } }", id="organization"),
    pytest.param("ro-anaf-oauth-api", "mutation($v: String!) { processAuthorizationResponse("
                 "input: {state: $v, code: \"c\"}) { id } }", id="processAuthorizationResponse"),
    pytest.param("ro-anaf-oauth-api", "query($v: ID!) { authorization(id: $v) { id } }", id="authorization"),
    pytest.param("ro-anaf-oauth-api", "mutation($v: ID!) { refreshAuthorization(id: $v) { id } }",
                 id="refreshAuthorization"),
    pytest.param("ro-anaf-oauth-api", "mutation($v: ID!) { deleteAuthorization(id: $v) { id } }",
                 id="deleteAuthorization"),
    pytest.param("ro-anaf-oauth-api", "mutation($v: ID!) { testAuthorization(id: $v) { answer } }",
                 id="testAuthorization"),
]


def post_raw(sbs, endpoint: str, key: str, body: dict) -> tuple[int, dict]:
    # json.dumps writes a lone surrogate as the escape \ud800, exactly what an attacker would send.
    response = sbs.client.post(f"/{endpoint}/graphql", data=json.dumps(body), content_type="application/json",
                               headers={"x-api-key": key})
    return response.status_code, response.get_json()


def counts(sbs, brokered) -> tuple[int, int, int]:
    account = sbs.account("{ apps { id } tenants { id } }")
    orgs = sbs.ok("organizations-api", brokered["key"], "{ organizations { id } }")["organizations"]
    return len(account["apps"]), len(account["tenants"]), len(orgs)


@pytest.mark.parametrize(("endpoint", "document"), SURROGATE_CASES)
def test_lone_surrogate_in_a_variable_is_bad_user_input_and_changes_nothing(sbs, brokered, endpoint, document) -> None:
    key = ACCOUNT_KEY if endpoint == "account-api" else brokered["key"]
    before = counts(sbs, brokered)
    for value in (LONE, f"org{LONE}x", "\U0001F600" + LONE, "\udfff"):
        status, body = post_raw(sbs, endpoint, key, {"query": document, "variables": {"v": value}})
        assert status == 400, body
        assert body["errors"] == [{
            "message": "Variable '$v' holds text that is not valid Unicode (a lone surrogate such as \\ud800); "
                       "send UTF-8 text.",
            "extensions": {"code": "BAD_USER_INPUT"},
        }]
    assert counts(sbs, brokered) == before


def test_lone_surrogate_deep_in_an_input_object_is_refused(sbs, brokered) -> None:
    status, body = post_raw(sbs, "account-api", ACCOUNT_KEY, {
        "query": "mutation($id: ID!, $i: UpdateAppInput!) { updateApp(id: $id, input: $i) { id } }",
        "variables": {"id": brokered["app"], "i": {"roAnafEfacturaAdditionalClientSecrets": [
            {"clientId": "x", "clientSecret": "s" + LONE, "oauthCallback": "https://a.example/cb"}]}}})
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    stored = sbs.app_settings(brokered["app"])["roAnafEfacturaAdditionalClientSecrets"]
    assert [s["clientId"] for s in stored] == ["branch-id"]


def test_a_surrogate_pair_is_ordinary_text(sbs) -> None:
    status, body = post_raw(sbs, "account-api", ACCOUNT_KEY, {
        "query": "mutation($v: String!) { createTenant(input: {name: $v}) { name } }", "variables": {"v": "\U0001F600"}})
    assert (status, body) == (200, {"data": {"createTenant": {"name": "\U0001F600"}}})


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_standard_introspection_query_fits_the_limits(sbs, brokered, endpoint) -> None:
    assert len(ENDPOINTS) >= 3
    key = ACCOUNT_KEY if endpoint == "account-api" else brokered["key"]
    query = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True,
                                    schema_description=True, input_value_deprecation=True)
    data = sbs.ok(endpoint, key, query)
    assert data["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_thousands_of_aliases_are_refused_before_running(sbs, brokered, endpoint) -> None:
    key = ACCOUNT_KEY if endpoint == "account-api" else brokered["key"]
    field = {"account-api": "apps { id name }", "organizations-api": "organizations { id name tin }"}.get(
        endpoint, "__typename")
    document = "{ " + " ".join(f"a{i}: {field}" for i in range(400)) + " }"  # the fixture's body limit is 16 KB
    error = sbs.error(endpoint, key, document, status=400)
    assert error == {"message": "The document uses 400 aliases; at most 30 are allowed.",
                     "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}


def test_aliases_up_to_the_limit_run(sbs, brokered) -> None:
    document = "{ " + " ".join(f"a{i}: organizations {{ id }}" for i in range(30)) + " }"
    data = sbs.ok("organizations-api", brokered["key"], document)
    assert len(data) == 30 and data["a29"] == [{"id": brokered["org"]}]


def test_31_aliases_are_refused(sbs, brokered) -> None:
    document = "{ " + " ".join(f"a{i}: organizations {{ id }}" for i in range(31)) + " }"
    error = sbs.error("organizations-api", brokered["key"], document, status=400)
    assert error == {"message": "The document uses 31 aliases; at most 30 are allowed.",
                     "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
    assert sbs.journal("/organizations-api")[-1]["error"] == "GRAPHQL_VALIDATION_FAILED"


def test_too_many_tokens_are_refused_by_the_parser(sbs) -> None:
    document = "{ apps { " + "id " * 5000 + "} }"
    error = sbs.error("account-api", ACCOUNT_KEY, document, status=400)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "more than 5000 tokens" in error["message"]


def test_introspection_nested_too_deep_is_refused(sbs) -> None:
    inner = "name"
    for _ in range(17):
        inner = f"ofType {{ {inner} }}"
    error = sbs.error("account-api", ACCOUNT_KEY, f'{{ __type(name: "App") {{ fields {{ type {{ {inner} }} }} }} }}',
                      status=400)
    assert error == {"message": "The document nests fields 21 levels deep; at most 20 are allowed.",
                     "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}


def test_recursive_introspection_over_the_cost_is_refused(sbs) -> None:
    inner = "name"
    for _ in range(4):
        inner = f"fields {{ type {{ {inner} }} }}"
    error = sbs.error("account-api", ACCOUNT_KEY, f"{{ __schema {{ types {{ {inner} }} }} }}", status=400)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # __schema 1 + types 10 × (fields 10 × (type 1 + ...)): 222212
    assert error["message"] == ("The document's estimated cost is 222212 (each field 1, a list's fields 10 times); "
                                "at most 100000 is allowed. Ask for fewer fields.")


def test_fragment_fan_out_is_measured_without_expanding_it(sbs) -> None:
    # Each fragment spreads the next one twice: 2**40 fields if expanded naively.
    fragments = [f"fragment F{i} on App {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40)]
    fragments.append("fragment F40 on App { id }")
    document = "{ apps { ...F0 } } " + " ".join(fragments)
    error = sbs.error("account-api", ACCOUNT_KEY, document, status=400)
    assert error["message"].startswith("The document's estimated cost is ")
