"""The Account API's rules: partial updates, list replacement, all-or-nothing validation, implicit display."""
from __future__ import annotations

import threading

import pytest

import mock_sbs.accounts
from mock_sbs import create_app
from mock_sbs.config import Config
from tests.support.fake_anaf import FakeAnaf
from foundation.clock import FixedClock

ACCOUNT_KEY = "sbs_acc_contract-test-key"
UPDATE = "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) { id } }"
OWN = {"clientId": "own-id", "clientSecret": "own-secret", "oauthCallback": "https://app.example/main"}
EXTRA = {"clientId": "extra-id", "clientSecret": "extra-secret", "oauthCallback": "https://app.example/extra"}


def test_update_changes_only_given_fields(sbs) -> None:
    app_id = sbs.create_app()
    sbs.update_app(app_id, {"roAnafEfacturaClientSecret": OWN, "roAnafEfacturaAdditionalClientSecrets": [EXTRA],
                            "roAnafEtransportUseTestEnvironment": True})
    before = sbs.app_settings(app_id)
    sbs.update_app(app_id, {"roAnafEfacturaUseTestEnvironment": True})
    after = sbs.app_settings(app_id)
    assert after == {**before, "roAnafEfacturaUseTestEnvironment": True}
    assert after["roAnafEfacturaClientSecret"] == OWN and after["roAnafEtransportUseTestEnvironment"] is True


def test_given_additional_list_replaces_the_stored_one(sbs) -> None:
    app_id = sbs.create_app()
    second = {**EXTRA, "clientId": "second", "oauthCallback": "https://app.example/second"}
    sbs.update_app(app_id, {"roAnafEfacturaAdditionalClientSecrets": [EXTRA, second]})
    sbs.update_app(app_id, {"roAnafEfacturaAdditionalClientSecrets": [second]})
    assert sbs.app_settings(app_id)["roAnafEfacturaAdditionalClientSecrets"] == [second]
    sbs.update_app(app_id, {"roAnafEfacturaAdditionalClientSecrets": []})
    assert sbs.app_settings(app_id)["roAnafEfacturaAdditionalClientSecrets"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [EXTRA, {**EXTRA, "clientId": "dup"}]},
                     "input.roAnafEfacturaAdditionalClientSecrets[1].oauthCallback: https://app.example/extra is "
                     "already used by input.roAnafEfacturaAdditionalClientSecrets[0]", id="duplicate-callback"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [EXTRA, {**EXTRA, "oauthCallback": "http://x.example"}]},
                     "input.roAnafEfacturaAdditionalClientSecrets[1].oauthCallback: must be an https:// URL",
                     id="http-callback"),
        pytest.param({"roAnafEtransportClientSecret": {**OWN, "clientSecret": ""}},
                     "input.roAnafEtransportClientSecret.clientSecret: is required", id="empty-secret"),
        pytest.param({"roAnafEfacturaClientSecret": {**OWN, "oauthCallback": "app.example/cb"}},
                     "input.roAnafEfacturaClientSecret.oauthCallback: must be an absolute https:// URL",
                     id="relative-callback"),
        pytest.param({"roAnafEfacturaAdditionalClientSecrets": [OWN], "roAnafEfacturaUseTestEnvironment": True},
                     "input.roAnafEfacturaAdditionalClientSecrets[0].oauthCallback: https://app.example/main is "
                     "already used by the stored roAnafEfacturaClientSecret", id="repeats-stored-main"),
        pytest.param({"roAnafEfacturaUseImplicitClientSecret": None, "name": "renamed"},
                     "input.roAnafEfacturaUseImplicitClientSecret: must be true or false", id="null-flag"),
        pytest.param({"name": ""}, "input.name: must not be empty", id="empty-name"),
    ],
)
def test_invalid_update_is_rejected_whole_and_changes_nothing(sbs, changes, message) -> None:
    app_id = sbs.create_app()
    sbs.update_app(app_id, {"roAnafEfacturaClientSecret": OWN})
    before = sbs.app_settings(app_id)
    error = sbs.error("account-api", ACCOUNT_KEY, UPDATE, {"id": app_id, "input": changes})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(message), error["message"]
    assert error["extensions"]["invalidFields"][0]["field"] == message.split(":")[0]
    assert "own-secret" not in error["message"] and "extra-secret" not in error["message"]
    assert sbs.app_settings(app_id) == before


def test_missing_required_secret_field_is_a_variable_error_without_echoing_secrets(sbs) -> None:
    app_id = sbs.create_app()
    before = sbs.app_settings(app_id)
    error = sbs.error("account-api", ACCOUNT_KEY, UPDATE, {"id": app_id, "input": {
        "roAnafEfacturaAdditionalClientSecrets": [EXTRA, {"clientId": "x", "clientSecret": "TOP-SECRET"}]}},
        status=400)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert ".roAnafEfacturaAdditionalClientSecrets[1]" in error["message"]
    assert "oauthCallback" in error["message"]
    assert "TOP-SECRET" not in error["message"]
    assert sbs.app_settings(app_id) == before


def test_implicit_hides_the_secret_and_keeps_the_apps_own(sbs) -> None:
    app_id = sbs.create_app()
    sbs.update_app(app_id, {"roAnafEtransportClientSecret": OWN, "roAnafEtransportAdditionalClientSecrets": [EXTRA]})
    sbs.update_app(app_id, {"roAnafEtransportUseImplicitClientSecret": True})
    shown = sbs.app_settings(app_id)
    assert shown["roAnafEtransportClientSecret"] == {
        "clientId": "implicit-id", "clientSecret": None,
        "oauthCallback": "http://sbs.test/ro-anaf-oauth-api/oauth-callback"}
    assert shown["roAnafEtransportAdditionalClientSecrets"] == [EXTRA], "additional secrets are shown as stored"
    assert shown["roAnafEfacturaClientSecret"] is None
    sbs.update_app(app_id, {"roAnafEtransportUseImplicitClientSecret": False})
    assert sbs.app_settings(app_id)["roAnafEtransportClientSecret"] == OWN


def test_null_main_secret_removes_it(sbs) -> None:
    app_id = sbs.create_app()
    sbs.update_app(app_id, {"roAnafEfacturaClientSecret": OWN})
    sbs.update_app(app_id, {"roAnafEfacturaClientSecret": None})
    assert sbs.app_settings(app_id)["roAnafEfacturaClientSecret"] is None


@pytest.mark.parametrize(
    ("query", "variables", "code", "message"),
    [
        pytest.param("query($id: ID!) { app(id: $id) { id } }", {"id": "app_nope"}, "NOT_FOUND",
                     "No app with id app_nope in this account.", id="unknown-app"),
        pytest.param(UPDATE, {"id": "app_nope", "input": {"name": "x"}}, "NOT_FOUND",
                     "No app with id app_nope in this account.", id="update-unknown-app"),
        pytest.param("mutation { createApp(input: {name: \"  \"}) { id } }", {}, "BAD_USER_INPUT",
                     "input.name: must not be empty", id="blank-app-name"),
        pytest.param("mutation { createTenant(input: {name: \"\"}) { id } }", {}, "BAD_USER_INPUT",
                     "input.name: must not be empty", id="blank-tenant-name"),
        pytest.param("mutation($a: ID!) { generateServiceAccessKey(input: {appId: $a, tenantId: \"ten_x\"}) "
                     "{ publicKey } }", {"a": "APP"}, "NOT_FOUND", "No tenant with id ten_x in this account.",
                     id="key-for-unknown-tenant"),
        pytest.param("mutation($a: ID!) { generateServiceAccessKey(input: {appId: $a, tenantId: \"t\", "
                     "scope: \"billing\"}) { publicKey } }", {"a": "APP"}, "BAD_USER_INPUT",
                     "input.scope: must list services", id="unknown-scope"),
    ],
)
def test_account_errors(sbs, query, variables, code, message) -> None:
    app_id = sbs.create_app()
    variables = {k: app_id if v == "APP" else v for k, v in variables.items()}
    apps_before = sbs.account("{ apps { id name } tenants { id } }")
    error = sbs.error("account-api", ACCOUNT_KEY, query, variables)
    assert error["extensions"]["code"] == code
    assert error["message"].startswith(message), error["message"]
    assert sbs.account("{ apps { id name } tenants { id } }") == apps_before


def test_service_key_is_shown_once_and_only_its_hash_is_kept(sbs) -> None:
    app_id = sbs.create_app()
    tenant = sbs.account('mutation { createTenant(input: {name: "t"}) { id name } }')["createTenant"]
    key = sbs.account(
        "mutation($i: GenerateServiceAccessKeyInput!) { generateServiceAccessKey(input: $i) "
        "{ publicKey privateKey scope description appId tenantId } }",
        {"i": {"appId": app_id, "tenantId": tenant["id"], "scope": "organizations-api", "description": "ci"}},
    )["generateServiceAccessKey"]
    assert key["privateKey"].startswith("sbs_svc_") and key["publicKey"].startswith("pk_")
    assert (key["scope"], key["description"], key["appId"], key["tenantId"]) == (
        "organizations-api", "ci", app_id, tenant["id"])
    rows = sbs.app.extensions["mock_sbs"].store.db.query("SELECT * FROM access_keys")
    assert all(key["privateKey"] not in str(tuple(row)) for row in rows)
    assert sbs.ok("organizations-api", key["privateKey"], "{ organizations { id } }") == {"organizations": []}
    error = sbs.error("ro-anaf-oauth-api", key["privateKey"], "{ authorization(id: \"x\") { id } }", status=403)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "does not include ro-anaf-oauth-api" in error["message"]


def test_inactive_apps_keys_are_refused(sbs) -> None:
    app_id = sbs.create_app()
    _, key = sbs.tenant_with_key(app_id)
    sbs.update_app(app_id, {"active": False})
    error = sbs.error("organizations-api", key, "{ organizations { id } }", status=403)
    assert (error["extensions"]["code"], error["message"]) == ("FORBIDDEN",
                                                               "The app of this service access key is not active.")


def test_no_additional_secret_may_take_sbs_own_callback_while_it_is_the_implicit_main(sbs) -> None:
    """Seed rule 3 (no oauthCallback → implicit) and rule 1 (SBS's callback → additional) must not share a callback."""
    clock = FixedClock(1_750_000_000.0)
    app = create_app(Config(public_url="https://sbs.example", bootstrap_account_key=ACCOUNT_KEY,
                            refresh_sweep_interval=0, implicit_client_id="implicit-id",
                            implicit_client_secret="implicit-secret"), anaf_client=FakeAnaf(clock), base_clock=clock)
    try:
        # The fixture's SBS is at http://sbs.test, whose callback no app may register (http only for localhost).
        sbs.client, own_sbs = app.test_client(), "https://sbs.example/ro-anaf-oauth-api/oauth-callback"
        app_id = sbs.create_app()
        sbs.update_app(app_id, {"roAnafEtransportClientSecret": OWN, "roAnafEtransportUseImplicitClientSecret": True,
                                "roAnafEfacturaAdditionalClientSecrets": [{**EXTRA, "oauthCallback": own_sbs}]})
        before = sbs.app_settings(app_id)
        error = sbs.error("account-api", ACCOUNT_KEY, UPDATE, {"id": app_id, "input": {
            "roAnafEtransportAdditionalClientSecrets": [{**EXTRA, "oauthCallback": own_sbs}]}})
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["invalidFields"][0]["field"] == \
            "input.roAnafEtransportAdditionalClientSecrets[0].oauthCallback"
        assert f"{own_sbs} is SBS's own callback, which is the main callback" in error["message"]
        error = sbs.error("account-api", ACCOUNT_KEY, UPDATE, {"id": app_id, "input": {
            "roAnafEfacturaUseImplicitClientSecret": True}})
        assert error["extensions"]["invalidFields"][0]["field"] == "input.roAnafEfacturaUseImplicitClientSecret"
        assert "extra-secret" not in error["message"]
        assert sbs.app_settings(app_id) == before
    finally:
        app.extensions["sandbox.shutdown"]()


def test_concurrent_updates_of_different_fields_both_land(sbs, monkeypatch) -> None:
    """The second update reads what the first wrote, instead of overwriting it with what it read before."""
    app_id = sbs.create_app()
    real_apply = mock_sbs.accounts.apply_update
    first_inside, let_first_finish, second_done = threading.Event(), threading.Event(), threading.Event()

    def held_open(app, changes, **options):  # the first update stops between its read and its write
        if "roAnafEfacturaClientSecret" in changes:
            first_inside.set()
            let_first_finish.wait(5)
        return real_apply(app, changes, **options)

    monkeypatch.setattr(mock_sbs.accounts, "apply_update", held_open)
    second_client = sbs.app.test_client()

    def second_update() -> None:
        second_client.post("/account-api/graphql", headers={"x-api-key": ACCOUNT_KEY}, json={
            "query": UPDATE, "variables": {"id": app_id, "input": {"roAnafEfacturaAdditionalClientSecrets": [EXTRA]}}})
        second_done.set()

    first = threading.Thread(target=sbs.update_app, args=(app_id, {"roAnafEfacturaClientSecret": OWN}))
    second = threading.Thread(target=second_update)
    first.start()
    try:
        assert first_inside.wait(5)
        second.start()
        second_done.wait(0.3)  # without the fix the second one finishes here, before the first writes
    finally:
        let_first_finish.set()
        first.join(5)
        if second.ident is not None:
            second.join(5)
    settings = sbs.app_settings(app_id)
    assert settings["roAnafEfacturaClientSecret"] == OWN
    assert settings["roAnafEfacturaAdditionalClientSecrets"] == [EXTRA]
