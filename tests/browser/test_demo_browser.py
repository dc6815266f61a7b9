"""Clicking through the demo in Chromium against the real sandbox: every Connect card, the certificate page's
deny button, a tampered `state`, the settings editor, and the refresh and test buttons."""
from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.browser


def expect_result(page, outcome: str, rule: str, client_id: str, callback: str) -> None:
    assert re.search(r"/flows/[\w-]+$", page.url), page.url
    assert page.get_by_test_id("outcome").inner_text() == outcome
    assert page.get_by_test_id("rule").inner_text() == rule
    assert page.get_by_test_id("client-id").inner_text() == client_id
    assert page.get_by_test_id("callback").inner_text() == callback


def arrows(page) -> list[tuple[str, str]]:
    steps = page.locator("[data-testid=trail] li.arrow")
    return [(steps.nth(i).get_attribute("data-from"), steps.nth(i).get_attribute("data-to"))
            for i in range(steps.count())]


def test_main_secret_by_omission_with_the_trail_of_calls(page, manifest, start_flow, on_anaf):
    start_flow("efactura-omitted")
    on_anaf("allow")
    expect_result(page, "Connected", "MAIN", manifest["anaf"]["apps"]["main"]["clientId"],
                  manifest["demo"]["callbacks"]["main"])
    assert "No oauthCallback was sent" in page.get_by_test_id("why").inner_text()
    trail = arrows(page)
    for hop in [("browser", "demo"), ("demo", "sbs"), ("browser", "anaf"), ("sbs", "anaf")]:
        assert hop in trail, trail
    assert trail.index(("browser", "demo")) < trail.index(("browser", "anaf")) < trail.index(("sbs", "anaf"))
    text = page.get_by_test_id("trail").inner_text()
    assert "generateAuthorizationRequest" in text and "processAuthorizationResponse" in text
    assert "POST /anaf-oauth2/v1/token" in text
    assert "code=" not in page.content()


def test_main_secret_by_its_callback(page, manifest, start_flow, on_anaf):
    start_flow("efactura-main")
    on_anaf("allow")
    expect_result(page, "Connected", "MAIN", manifest["anaf"]["apps"]["main"]["clientId"],
                  manifest["demo"]["callbacks"]["main"])
    assert "(seed rule 2)" in page.get_by_test_id("why").inner_text()


def test_additional_secret_by_its_callback(page, manifest, start_flow, on_anaf):
    start_flow("efactura-additional-0")
    on_anaf("allow")
    expect_result(page, "Connected", "ADDITIONAL", manifest["anaf"]["apps"]["branch"]["clientId"],
                  manifest["demo"]["callbacks"]["additional"][0])
    assert "(seed rule 1)" in page.get_by_test_id("why").inner_text()


def test_implicit_secret_through_sbs_callback(page, manifest, start_flow, on_anaf):
    start_flow("etransport-implicit")
    on_anaf("allow")
    page.wait_for_url("**/flows/*")
    expect_result(page, "Connected", "IMPLICIT", manifest["anaf"]["apps"]["implicit"]["clientId"],
                  manifest["demo"]["callbacks"]["implicit"])
    assert "roAnafEtransportUseImplicitClientSecret is true" in page.get_by_test_id("why").inner_text()
    assert ("browser", "sbs") in arrows(page)  # ANAF sent the browser to SBS's own callback


def test_unregistered_callback_shows_sbs_error(page, manifest, start_flow):
    start_flow("efactura-unregistered")
    page.wait_for_url("**/flows/*")
    assert page.get_by_test_id("outcome").inner_text() == "Refused by SBS"
    error = page.get_by_test_id("sbs-error").inner_text()
    assert "BAD_USER_INPUT" in error and f"{manifest['demo']['url']}/anaf/callback/unregistered" in error
    assert "none of the seed's rules applies" in page.get_by_test_id("why").inner_text()


def test_deny_on_the_certificate_page_shows_access_denied(page, manifest, start_flow, on_anaf):
    start_flow("efactura-omitted")
    on_anaf("deny")
    page.wait_for_url("**/flows/*")
    assert page.get_by_test_id("outcome").inner_text() == "Access denied"
    assert "No USB token / cancel" in page.content()
    assert page.get_by_test_id("rule").inner_text() == "MAIN"


def test_tampered_state_is_refused_and_sbs_is_not_asked(page, manifest, start_flow):
    start_flow("efactura-omitted")
    page.wait_for_url(f"{manifest['anaf']['url']}/anaf-oauth2/v1/authorize?**")
    page.locator("input[name=state]").evaluate("input => { input.value = 'tampered-' + input.value; }")
    page.locator("button[name=decision][value=allow]").click()
    page.wait_for_url(f"{manifest['demo']['url']}/anaf/callback/main?**")
    assert page.get_by_test_id("refused").inner_text() == "This answer from ANAF was refused"
    assert "Nothing was sent to SBS" in page.content()
    journal = requests.get(f"{manifest['demo']['url']}/__admin/requests", timeout=10).json()
    operations = [e.get("operation") for e in journal if e["direction"] == "out"]
    assert "generateAuthorizationRequest" in operations and "processAuthorizationResponse" not in operations
    assert next(e for e in journal if e["path"] == "/anaf/callback/main")["status"] == 400


def test_settings_editor_adds_a_secret_and_shows_errors_by_field(page, manifest, sbs_app, tmp_path):
    demo = manifest["demo"]["url"]
    page.goto("/settings/efactura")
    page.fill("#add-1-clientId", "shop-client")
    page.fill("#add-1-clientSecret", "shop-secret-value")
    page.fill("#add-1-oauthCallback", f"{demo}/anaf/callback/shop")
    page.get_by_role("button", name="Send updateApp to SBS").click()
    page.wait_for_url("**/settings/efactura?sent=*")
    exchange = page.get_by_test_id("exchange")
    assert "Sent, and SBS accepted it" in exchange.inner_text()
    assert "mutation updateApp" in page.get_by_test_id("sent-document").inner_text()
    assert '"clientSecret": "********"' in page.get_by_test_id("sent-variables").inner_text()
    assert "shop-secret-value" not in page.content()
    stored = sbs_app()
    assert [s["clientId"] for s in stored["roAnafEfacturaAdditionalClientSecrets"]] == [
        manifest["anaf"]["apps"]["branch"]["clientId"], "shop-client"]

    page.fill("#add-2-clientId", "bad-client")
    page.fill("#add-2-clientSecret", "bad-secret")
    page.fill("#add-2-oauthCallback", "http://shop.example.com/callback")
    page.get_by_role("button", name="Send updateApp to SBS").click()
    error = page.get_by_test_id("error-add-2-oauthCallback").inner_text()
    assert "input.roAnafEfacturaAdditionalClientSecrets[2].oauthCallback" in error and "https://" in error
    assert page.locator("#add-2-oauthCallback").get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(tmp_path / "settings-error.png"), full_page=True)
    assert "Nothing was changed" in page.get_by_test_id("refused-summary").inner_text()
    assert sbs_app() == stored

    page.goto("/")
    assert page.get_by_test_id("card-efactura-additional-1").is_visible()


def test_refresh_and_test_buttons(page, manifest, start_flow, on_anaf):
    start_flow("efactura-omitted")
    on_anaf("allow")
    page.get_by_role("link", name="See authorizations").click()
    card = page.get_by_test_id("authorization-efactura")
    assert card.get_by_test_id("status").inner_text() == "ACTIVE"
    card.get_by_role("button", name="Refresh now").click()
    assert f"Refreshed with client id {manifest['anaf']['apps']['main']['clientId']}" in page.locator(
        ".flash.ok").inner_text()
    page.get_by_test_id("authorization-efactura").get_by_role("button", name="Test the token").click()
    assert 'Hello, "demo"' in page.locator(".flash.ok").inner_text()
