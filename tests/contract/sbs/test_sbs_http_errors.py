"""Request-level errors of the GraphQL endpoints: keys, bodies, documents, variables, sizes (never a 500)."""
from __future__ import annotations

import pytest

ACCOUNT_KEY = "sbs_acc_contract-test-key"
APPS = "{ apps { id name } }"


@pytest.mark.parametrize(
    ("endpoint", "key", "message"),
    [
        pytest.param("account-api", None, "Send an account access key in the x-api-key header.", id="no-key"),
        pytest.param("account-api", "sbs_acc_wrong", "The x-api-key is not a known key.", id="unknown-key"),
        pytest.param("account-api", "x" * 5000, "The x-api-key is not a known key.", id="huge-key"),
        pytest.param("organizations-api", ACCOUNT_KEY,
                     "/organizations-api/graphql needs a service access key; this is an account access key.",
                     id="account-key-on-service"),
        pytest.param("ro-anaf-oauth-api", None, "Send a service access key in the x-api-key header.",
                     id="no-service-key"),
    ],
)
def test_bad_key_is_unauthenticated(sbs, endpoint, key, message) -> None:
    error = sbs.error(endpoint, key, "{ __typename }", status=401)
    assert error == {"message": message, "extensions": {"code": "UNAUTHENTICATED"}}
    entry = sbs.journal(f"/{endpoint}")[-1]
    assert (entry["status"], entry["error"]) == (401, "UNAUTHENTICATED")


def test_service_key_on_account_api_is_unauthenticated(sbs, brokered) -> None:
    error = sbs.error("account-api", brokered["key"], APPS, status=401)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == "/account-api/graphql needs an account access key; this is a service access key."


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "message"),
    [
        pytest.param(b"not json", "application/json", 400, "BAD_REQUEST",
                     'The body must be JSON: {"query": "...", "variables": {...}}.', id="not-json"),
        pytest.param(b"\xff\xfe", "application/json", 400, "BAD_REQUEST",
                     'The body must be JSON: {"query": "...", "variables": {...}}.', id="not-utf8"),
        pytest.param(b"[1, 2]", "application/json", 400, "BAD_REQUEST",
                     'The body must be a JSON object: {"query": "...", "variables": {...}}.', id="json-array"),
        pytest.param(b'{"variables": {}}', "application/json", 400, "BAD_REQUEST",
                     '"query" must be a string holding a GraphQL document.', id="no-query"),
        pytest.param(b'{"query": "{ apps { id } }", "variables": [1]}', "application/json", 400, "BAD_REQUEST",
                     '"variables" must be a JSON object or null.', id="variables-list"),
        pytest.param(b'{"query": "{ apps { id } }", "operationName": 5}', "application/json", 400, "BAD_REQUEST",
                     '"operationName" must be a string or null.', id="operation-name-number"),
        pytest.param(b'{"query": "{ apps { id }"}', "application/json", 400, "GRAPHQL_PARSE_FAILED",
                     "Syntax Error: Expected Name, found <EOF>.", id="unparsable-document"),
        pytest.param(b'{"query": "{ apps { secret } }"}', "application/json", 400, "GRAPHQL_VALIDATION_FAILED",
                     "Cannot query field 'secret' on type 'App'.", id="unknown-field"),
        pytest.param(b'{"query": "query A { apps { id } } query B { tenants { id } }"}', "application/json", 400,
                     "GRAPHQL_VALIDATION_FAILED", "Must provide operation name", id="two-operations-no-name"),
        pytest.param(b'{"query": "query A { apps { id } }", "operationName": "Z"}', "application/json", 400,
                     "GRAPHQL_VALIDATION_FAILED", "Unknown operation named 'Z'.", id="unknown-operation"),
        pytest.param(b'{"query": "query($id: ID!) { app(id: $id) { id } }", "variables": {"id": {"a": 1}}}',
                     "application/json", 400, "BAD_USER_INPUT", "Variable '$id' has invalid value",
                     id="wrong-variable-type"),
        pytest.param(b'{"query": "query($id: ID!) { app(id: $id) { id } }"}', "application/json", 400,
                     "BAD_USER_INPUT", "Variable '$id' has invalid value", id="missing-variable"),
        pytest.param(b'{"query": "' + b"{ apps { id } } " * 2000 + b'"}', "application/json", 413,
                     "PAYLOAD_TOO_LARGE", "The request body is larger than 16384 bytes.", id="oversize"),
    ],
)
def test_unusable_request_is_a_graphql_error_and_changes_nothing(sbs, body, content_type, status, code,
                                                                 message) -> None:
    sbs.create_app("kept")
    before = sbs.account(APPS)
    response = sbs.client.post("/account-api/graphql", data=body, content_type=content_type,
                               headers={"x-api-key": ACCOUNT_KEY})
    assert response.status_code == status
    errors = response.get_json()["errors"]
    assert len(errors) == 1 and errors[0]["extensions"]["code"] == code
    assert errors[0]["message"].startswith(message), errors[0]["message"]
    assert sbs.account(APPS) == before


def test_mutation_with_bad_variables_does_not_run(sbs) -> None:
    before = sbs.account(APPS)
    response = sbs.post("account-api", ACCOUNT_KEY, "mutation($n: String!) { createApp(input: {name: $n}) { id } }",
                        {"n": 42})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert sbs.account(APPS) == before


def test_get_on_an_endpoint_points_to_the_console(sbs) -> None:
    page = sbs.client.get("/ro-anaf-oauth-api/graphql")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "RO ANAF OAuth service" in text and 'href="/console"' in text and "service access key" in text


def test_unsupported_method_is_graphql_shaped(sbs) -> None:
    response = sbs.client.put("/account-api/graphql", json={})
    assert response.status_code == 405
    assert response.get_json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_unexpected_exception_is_a_generic_error(sbs, monkeypatch, caplog) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(sbs.app.extensions["mock_sbs"].domain.accounts, "apps", boom)
    response = sbs.post("account-api", ACCOUNT_KEY, APPS)
    body = response.get_json()
    assert response.status_code == 200 and body["data"] is None
    assert body["errors"][0]["message"] == "Internal server error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret detail" not in response.get_data(as_text=True)
    assert "secret detail" in caplog.text, "the traceback goes to the log"


def test_introspection_is_on_and_documents_the_api(sbs) -> None:
    data = sbs.account('{ __type(name: "App") { description fields { name description } } }')["__type"]
    names = [f["name"] for f in data["fields"]]
    assert "roAnafEfacturaAdditionalClientSecrets" in names
    assert "Additional callback URLs" in data["description"]


def test_journal_names_the_operation_and_never_a_key_or_secret(sbs) -> None:
    app_id = sbs.create_app()
    sbs.ok("account-api", ACCOUNT_KEY, "mutation setSecrets($id: ID!, $input: UpdateAppInput!) "
           "{ updateApp(id: $id, input: $input) { id } }",
           {"id": app_id, "input": {"roAnafEfacturaClientSecret": {
               "clientId": "cid", "clientSecret": "VERY-SECRET", "oauthCallback": "https://a.example/cb"}}})
    entries = sbs.journal("/account-api")
    assert entries[-1]["operation"] == "setSecrets"
    text = sbs.client.get("/__admin/requests").get_data(as_text=True)
    assert "VERY-SECRET" not in text and ACCOUNT_KEY not in text


UPDATE = "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) { id } }"
GENERATE = ("mutation($input: GenerateAuthorizationRequestInput!) "
            "{ generateAuthorizationRequest(input: $input) { id } }")


@pytest.mark.parametrize(
    ("input_", "message"),
    [
        pytest.param({"roAnafEfacturaClientSecret": {"clientId": "a", "clientSecret": 880011223344,
                                                     "oauthCallback": "https://a.example/cb"}},
                     "Variable '$input' has invalid value at .roAnafEfacturaClientSecret.clientSecret: "
                     "String cannot represent a non string value.", id="secret-as-number"),
        pytest.param({"roAnafEfacturaClientSecret": {"clientId": "a", "clientSecret": ["880011223344"],
                                                     "oauthCallback": "https://a.example/cb"}},
                     "Variable '$input' has invalid value at .roAnafEfacturaClientSecret.clientSecret: "
                     "String cannot represent a non string value.", id="secret-in-a-list"),
        pytest.param({"roAnafEfacturaUseImplicitClientSecret": "880011223344"},
                     "Variable '$input' has invalid value at .roAnafEfacturaUseImplicitClientSecret: "
                     "Boolean cannot represent a non boolean value.", id="secret-as-flag"),
    ],
)
def test_wrong_variable_type_never_echoes_the_value(sbs, input_, message) -> None:
    app_id = sbs.create_app()
    before = sbs.app_settings(app_id)
    error = sbs.error("account-api", ACCOUNT_KEY, UPDATE, {"id": app_id, "input": input_}, status=400)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == message
    assert sbs.app_settings(app_id) == before


def test_wrong_id_variable_never_echoes_the_value(sbs) -> None:
    error = sbs.error("account-api", ACCOUNT_KEY, "query($id: ID!) { app(id: $id) { id } }",
                      {"id": {"secret": "880011223344"}}, status=400)
    assert (error["extensions"]["code"], error["message"]) == (
        "BAD_USER_INPUT", "Variable '$id' has invalid value: ID cannot represent value.")


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        pytest.param("EFACTURA_880011223344", "Variable '$input' has invalid value at .scope: "
                     "the value is not one of the AnafScope values.", id="unknown-enum-name"),
        pytest.param(880011223344, "Variable '$input' has invalid value at .scope: "
                     "Enum 'AnafScope' cannot represent non-string value.", id="enum-as-number"),
    ],
)
def test_wrong_enum_variable_never_echoes_the_value(sbs, brokered, scope, message) -> None:
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], GENERATE,
                      {"input": {"organizationId": brokered["org"], "scope": scope}}, status=400)
    assert (error["extensions"]["code"], error["message"]) == ("BAD_USER_INPUT", message)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param('mutation { updateApp(id: "x", input: {roAnafEfacturaClientSecret: {clientId: "a", '
                     'clientSecret: 880011223344, oauthCallback: "https://a.example/cb"}}) { id } }',
                     "String cannot represent a non string value.", id="literal-secret-as-number"),
        pytest.param('{ app(id: {secret: "880011223344"}) { id } }',
                     "ID cannot represent a non-string and non-integer value.", id="literal-object-id"),
        pytest.param("query($unused: String) { apps { id } }", "Variable '$unused' is never used.",
                     id="unused-variable"),
        pytest.param("{ app(id: $undeclared) { id } }", "Variable '$undeclared' is not defined.",
                     id="undeclared-variable"),
    ],
)
def test_document_that_does_not_fit_is_a_validation_error_without_values(sbs, document, message) -> None:
    error = sbs.error("account-api", ACCOUNT_KEY, document, status=400)
    assert (error["extensions"]["code"], error["message"]) == ("GRAPHQL_VALIDATION_FAILED", message)


def test_enum_literal_that_does_not_exist_is_not_echoed(sbs, brokered) -> None:
    document = ('mutation { generateAuthorizationRequest(input: {organizationId: "o", scope: EFACTURA_880011223344})'
                " { id } }")
    error = sbs.error("ro-anaf-oauth-api", brokered["key"], document, status=400)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "880011223344" not in error["message"] and "AnafScope" in error["message"]


def test_deeply_nested_json_body_is_a_bad_request(sbs) -> None:
    depth = 5000
    body = '{"query": "{ apps { id } }", "variables": {"a": ' + "[" * depth + "]" * depth + "}}"
    response = sbs.client.post("/account-api/graphql", data=body, content_type="application/json",
                               headers={"x-api-key": ACCOUNT_KEY})
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"message": "The body's JSON nests arrays and objects more than 64 "
                                                         "levels deep.",
                                              "extensions": {"code": "BAD_REQUEST"}}]
