"""The demo's pure rules, table-driven: config, the editor's update plan, errors by field, cards, the trail."""
from __future__ import annotations

import json

import pytest

from demo_app.config import Config, ConfigError
from demo_app.rules import callback_name, connect_cards, explain
from demo_app.settings import SERVICES, form_from_settings, mask_secrets, place_errors, plan_update, read_form
from demo_app.trail import build_trail

EFACTURA = SERVICES[0]
DEMO = "http://127.0.0.1:8000"
MAIN = {"clientId": "c-main", "clientSecret": "s-main", "oauthCallback": f"{DEMO}/anaf/callback/main"}
BRANCH = {"clientId": "c-branch", "clientSecret": "s-branch", "oauthCallback": f"{DEMO}/anaf/callback/branch"}
APP = {
    "roAnafEfacturaClientSecret": MAIN,
    "roAnafEfacturaAdditionalClientSecrets": [BRANCH],
    "roAnafEfacturaUseImplicitClientSecret": False,
    "roAnafEfacturaUseTestEnvironment": True,
}


def untouched() -> dict[str, str]:
    """The editor's form as rendered for APP, submitted without changes."""
    form = form_from_settings(EFACTURA, APP)
    fields = {"main-clientId": form.main.client_id, "main-oauthCallback": form.main.oauth_callback,
              "testEnvironment": "1"}
    for row in form.additional:
        fields[f"{row.key}-clientId"] = row.client_id
        fields[f"{row.key}-oauthCallback"] = row.oauth_callback
        fields[f"{row.key}-original"] = "" if row.original is None else str(row.original)
    return fields


@pytest.mark.parametrize("edits, expected", [
    pytest.param({}, {}, id="nothing-changed"),
    pytest.param({"main-clientSecret": "s-new"},
                 {"roAnafEfacturaClientSecret": {**MAIN, "clientSecret": "s-new"}}, id="new-main-secret"),
    pytest.param({"main-oauthCallback": f"{DEMO}/anaf/callback/home"},
                 {"roAnafEfacturaClientSecret": {**MAIN, "oauthCallback": f"{DEMO}/anaf/callback/home"}},
                 id="main-callback-keeps-stored-secret"),
    pytest.param({"add-1-clientId": "c-new", "add-1-clientSecret": "s-new", "add-1-oauthCallback": "https://x/cb"},
                 {"roAnafEfacturaAdditionalClientSecrets": [
                     BRANCH, {"clientId": "c-new", "clientSecret": "s-new", "oauthCallback": "https://x/cb"}]},
                 id="add-a-row"),
    pytest.param({"add-0-remove": "1"}, {"roAnafEfacturaAdditionalClientSecrets": []}, id="remove-a-row"),
    pytest.param({"implicit": "1", "testEnvironment": ""},
                 {"roAnafEfacturaUseImplicitClientSecret": True, "roAnafEfacturaUseTestEnvironment": False},
                 id="flags"),
])
def test_plan_sends_only_what_changed(edits, expected):
    fields = {**untouched(), **edits}
    assert plan_update(EFACTURA, read_form({k: v for k, v in fields.items() if v != ""}), APP).changes == expected


def test_plan_under_implicit_does_not_resend_the_sbs_managed_main():
    app = {**APP, "roAnafEfacturaUseImplicitClientSecret": True,
           "roAnafEfacturaClientSecret": {"clientId": "sbs", "clientSecret": None, "oauthCallback": "https://sbs/cb"}}
    fields = {"main-clientId": "sbs", "main-oauthCallback": "https://sbs/cb", "implicit": "1", "testEnvironment": "1",
              "add-0-clientId": "c-branch", "add-0-oauthCallback": BRANCH["oauthCallback"], "add-0-original": "0"}
    assert plan_update(EFACTURA, read_form(fields), app).changes == {}


IMPLICIT_APP = {**APP, "roAnafEfacturaUseImplicitClientSecret": True,
                "roAnafEfacturaClientSecret": {"clientId": "sbs", "clientSecret": None, "oauthCallback": "https://sbs/cb"}}


def test_editor_under_implicit_starts_with_a_blank_main_row():
    form = form_from_settings(EFACTURA, IMPLICIT_APP)
    assert (form.main.client_id, form.main.oauth_callback) == ("", "")


@pytest.mark.parametrize("edits, expected", [
    pytest.param({}, {}, id="blank-keeps-the-hidden-secret"),
    pytest.param({"main-clientId": "c-own", "main-clientSecret": "s-own", "main-oauthCallback": "https://own/cb"},
                 {"roAnafEfacturaClientSecret": {"clientId": "c-own", "clientSecret": "s-own",
                                                 "oauthCallback": "https://own/cb"}},
                 id="filled-replaces-it-as-typed"),
    pytest.param({"main-clientId": "c-own", "main-oauthCallback": "https://own/cb"},
                 {"roAnafEfacturaClientSecret": {"clientId": "c-own", "clientSecret": "",
                                                 "oauthCallback": "https://own/cb"}},
                 id="no-secret-to-keep-so-sbs-asks-for-one"),
])
def test_plan_under_implicit_sets_the_apps_own_main_secret_only_when_filled(edits, expected):
    fields = {"implicit": "1", "testEnvironment": "1", "add-0-clientId": "c-branch",
              "add-0-oauthCallback": BRANCH["oauthCallback"], "add-0-original": "0", **edits}
    assert plan_update(EFACTURA, read_form(fields), IMPLICIT_APP).changes == expected


def test_plan_with_every_main_field_cleared_removes_the_main_secret():
    fields = {**untouched(), "main-clientId": "", "main-oauthCallback": ""}
    assert plan_update(EFACTURA, read_form(fields), APP).changes == {"roAnafEfacturaClientSecret": None}
    nothing_stored = {**APP, "roAnafEfacturaClientSecret": None}
    assert plan_update(EFACTURA, read_form(fields), nothing_stored).changes == {}


@pytest.mark.parametrize("field, target", [
    pytest.param("input.roAnafEfacturaAdditionalClientSecrets[1].oauthCallback", "add-1-oauthCallback",
                 id="additional-row"),
    pytest.param("input.roAnafEfacturaClientSecret.clientSecret", "main-clientSecret", id="main-secret"),
    pytest.param("input.roAnafEfacturaUseImplicitClientSecret", "implicit", id="flag"),
    pytest.param("input.name", None, id="not-on-this-form"),
])
def test_errors_land_next_to_their_field(field, target):
    fields = {**untouched(), "add-1-clientId": "c", "add-1-clientSecret": "s", "add-1-oauthCallback": "http://x/cb"}
    form = read_form(fields)
    plan = plan_update(EFACTURA, form, APP)
    extensions = {"code": "BAD_USER_INPUT", "invalidFields": [{"field": field, "message": "is wrong"}]}
    placed, general = place_errors(EFACTURA, [(f"{field}: is wrong", extensions)], plan, form)
    if target is None:
        assert (placed, general) == ({}, [f"{field}: is wrong"])
    else:
        assert (placed, general) == ({target: [f"{field}: is wrong"]}, [])


def test_rows_removed_before_an_error_still_map_to_the_right_row():
    fields = {**untouched(), "add-0-remove": "1", "add-1-clientId": "c", "add-1-clientSecret": "s",
              "add-1-oauthCallback": "ftp://x"}
    form = read_form(fields)
    plan = plan_update(EFACTURA, form, APP)
    field = "input.roAnafEfacturaAdditionalClientSecrets[0].oauthCallback"
    placed, _ = place_errors(EFACTURA, [("bad", {"invalidFields": [{"field": field, "message": "bad"}]})], plan, form)
    assert list(placed) == ["add-1-oauthCallback"]


def test_masking_hides_every_client_secret_but_keeps_null():
    masked = mask_secrets({"a": [MAIN, {"clientSecret": None}], "b": {"clientSecret": "x"}})
    assert "s-main" not in json.dumps(masked) and masked["a"][1]["clientSecret"] is None
    assert masked["b"]["clientSecret"] == "********"


@pytest.mark.parametrize("app, keys", [
    pytest.param(APP, ["omitted", "main", "additional-0", "unregistered"], id="custom-secrets"),
    pytest.param({**APP, "roAnafEfacturaUseImplicitClientSecret": True}, ["implicit", "additional-0", "unregistered"],
                 id="implicit"),
    pytest.param({}, ["omitted", "main", "unregistered"], id="nothing-configured"),
])
def test_cards_follow_the_settings(app, keys):
    cards = connect_cards(EFACTURA, app, DEMO)
    assert [c.key for c in cards] == keys
    assert cards[-1].oauth_callback == f"{DEMO}/anaf/callback/unregistered"
    assert all(c.via_sbs == (c.key == "implicit") for c in cards)
    if not app:
        assert cards[0].blocked == "Set roAnafEfacturaClientSecret in the settings first."


def test_a_callback_outside_the_demo_cannot_be_clicked():
    app = {**APP, "roAnafEfacturaAdditionalClientSecrets": [{**BRANCH, "oauthCallback": "https://elsewhere/cb"}]}
    card = next(c for c in connect_cards(EFACTURA, app, DEMO) if c.key == "additional-0")
    assert card.blocked and "not served by this demo" in card.blocked


@pytest.mark.parametrize("callback, name", [
    pytest.param(f"{DEMO}/anaf/callback/branch", "branch", id="ours"),
    pytest.param(f"{DEMO}/anaf/callback/a/b", None, id="nested"),
    pytest.param("https://elsewhere/anaf/callback/x", None, id="other-host"),
])
def test_callback_name(callback, name):
    assert callback_name(callback, DEMO) == name


@pytest.mark.parametrize("source, sent, phrase", [
    pytest.param("MAIN", None, "No oauthCallback was sent", id="main-omitted"),
    pytest.param("MAIN", MAIN["oauthCallback"], "(seed rule 2)", id="main-given"),
    pytest.param("ADDITIONAL", BRANCH["oauthCallback"], "(seed rule 1)", id="additional"),
    pytest.param("IMPLICIT", None, "roAnafEfacturaUseImplicitClientSecret is true", id="implicit"),
    pytest.param(None, "https://x/cb", "none of the seed's rules applies", id="refused"),
])
def test_explanations_name_the_rule(source, sent, phrase):
    assert phrase in explain(EFACTURA, source, sent, sent, "c-1")


@pytest.mark.parametrize("status, says, never", [
    pytest.param("done", "SBS exchanged it with client id c-1", "without a code", id="done"),
    pytest.param("denied", "without a code, so there was nothing to exchange", "SBS exchanged it", id="denied"),
    pytest.param("failed", "SBS did not complete the flow", "SBS exchanged it", id="failed"),
    pytest.param("pending", "ANAF is to answer on SBS's own callback", "SBS exchanged it", id="pending"),
])
def test_implicit_explanation_claims_an_exchange_only_when_there_was_one(status, says, never):
    sentence = explain(EFACTURA, "IMPLICIT", None, "https://sbs/cb", "c-1", status=status)
    assert says in sentence and never not in sentence


def test_trail_marks_a_graphql_error_in_a_200_answer_as_failed():
    journals = {"demo": [{"direction": "out", "method": "POST", "path": "http://sbs/ro-anaf-oauth-api/graphql",
                          "status": 200, "epoch": 1.0, "duration_ms": 5, "target": "sbs",
                          "operation": "generateAuthorizationRequest", "error": "BAD_USER_INPUT"},
                         {"direction": "in", "method": "GET", "path": "/flows", "status": 200, "epoch": 2.0}]}
    failed, fine = build_trail(journals)
    assert failed.failed and "error BAD_USER_INPUT" in (failed.detail or "")
    assert not fine.failed


def test_trail_pairs_a_call_seen_by_both_sides_and_orders_by_start():
    journals = {
        "demo": [{"direction": "in", "method": "POST", "path": "/connect", "status": 303, "epoch": 10.5,
                  "duration_ms": 400},
                 {"direction": "out", "method": "POST", "path": "http://sbs/ro-anaf-oauth-api/graphql", "status": 200,
                  "epoch": 10.4, "duration_ms": 200, "target": "sbs", "operation": "generateAuthorizationRequest"}],
        "sbs": [{"direction": "in", "method": "POST", "path": "/ro-anaf-oauth-api/graphql", "status": 200,
                 "epoch": 10.39, "duration_ms": 150, "client_id": "c-main"}],
        "anaf": [{"direction": "in", "method": "GET", "path": "/anaf-oauth2/v1/authorize", "status": 200,
                  "epoch": 11.0, "duration_ms": 5},
                 {"direction": "in", "method": "GET", "path": "/anaf-oauth2/v1/authorize", "status": 200,
                  "epoch": 99.0, "duration_ms": 5}],
    }
    steps = build_trail(journals, until=20.0)
    assert [(s.source, s.target, s.operation) for s in steps] == [
        ("browser", "demo", None), ("demo", "sbs", "generateAuthorizationRequest"), ("browser", "anaf", None)]
    assert steps[1].detail == "client c-main"
    assert steps[1].columns == (4, 6) and not steps[1].leftward


@pytest.mark.parametrize("env, message", [
    pytest.param({"DEMO_PORT": "eighty"}, "DEMO_PORT must be a whole number", id="port"),
    pytest.param({"DEMO_SBS_URL": "sbs:8002"}, "DEMO_SBS_URL must be an http:// or https:// URL", id="url"),
    pytest.param({"DEMO_MANIFEST": "/nonexistent/sandbox.json"}, "DEMO_MANIFEST: cannot read", id="manifest"),
])
def test_bad_config_names_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)


def test_manifest_fills_what_the_environment_leaves_unset(tmp_path):
    manifest = {"anaf": {"url": "http://127.0.0.1:9001"}, "demo": {"url": "http://127.0.0.1:9000"},
                "sbs": {"url": "http://127.0.0.1:9002", "accountKey": "acc", "serviceKey": "svc", "appId": "app",
                        "tenantId": "ten", "organizationId": "org"}}
    (tmp_path / "sandbox.json").write_text(json.dumps(manifest))
    config = Config.from_env({"DEMO_MANIFEST": str(tmp_path), "DEMO_APP_ID": "app-from-env", "DEMO_PORT": "9000"})
    assert (config.sbs_url, config.anaf_url, config.account_key, config.service_key) == (
        "http://127.0.0.1:9002", "http://127.0.0.1:9001", "acc", "svc")
    assert (config.app_id, config.tenant_id, config.organization_id) == ("app-from-env", "ten", "org")
    assert config.url == "http://127.0.0.1:9000"
    assert Config(public_url="https://demo.example/").url == "https://demo.example"
