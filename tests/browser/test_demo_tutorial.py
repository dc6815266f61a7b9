"""The README's tutorial, steps 2 to 7, clicked through as a learner does it: register an app on mock ANAF's
portal, enter its secret with the SBS console, authorize through the demo, then break it on purpose; and every
demo page at a phone's width."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def register_app_on_the_portal(page, anaf: str, callback: str) -> tuple[str, str]:
    """Steps 2 and 3: a developer account, a login with the access code shown, "Editare profil OAuth"."""
    page.goto(f"{anaf}/portal/")
    page.get_by_role("link", name="Înregistrare pentru API-uri").first.click()
    page.get_by_label("Adresă de e-mail").fill("learner@example.com")
    page.get_by_role("button", name="Continuă").click()
    page.get_by_role("link", name="Autentificare utilizator").first.click()
    page.get_by_label("Adresă de e-mail").fill("learner@example.com")
    page.get_by_role("button", name="Autentificare").click()
    code = re.search(r"\b\d{6}\b", page.locator("main").inner_text())
    assert code, "the access code is shown on the page"
    page.get_by_label("Cod de acces").fill(code.group(0))
    page.get_by_role("button", name="Autentificare").click()
    page.get_by_label("Denumire aplicatie").fill("my-erp")
    page.get_by_label("Callback URL 1").fill(callback)
    page.get_by_label("E-Factura").check()
    page.get_by_role("button", name="Generare Client ID").click()
    shown = page.locator("main").inner_text()
    client_id = re.search(r"^Client ID\s*\n\s*(\S+)", shown, re.MULTILINE)
    client_secret = re.search(r"^Client secret\s*\n\s*(\S+)", shown, re.MULTILINE)
    assert client_id and client_secret, shown
    return client_id.group(1), client_secret.group(1)


def test_tutorial_steps_2_to_7(page, manifest):
    demo, callback = manifest["demo"]["url"], f"{manifest['demo']['url']}/anaf/callback/my-erp"
    client_id, client_secret = register_app_on_the_portal(page, manifest["anaf"]["url"], callback)

    # Step 4: the console with the keys filled in, the seed's "additional secrets" document.
    page.goto(manifest["sbs"]["consoleUrl"])
    page.get_by_label("Example").select_option(label="Seed: additional ANAF secrets")
    variables = json.loads(page.get_by_label("Variables (JSON)").input_value())
    assert variables["id"] == manifest["sbs"]["appId"]
    variables["input"]["roAnafEfacturaAdditionalClientSecrets"] = [
        {"clientId": client_id, "clientSecret": client_secret, "oauthCallback": callback}]
    variables["input"]["roAnafEtransportAdditionalClientSecrets"] = []
    page.get_by_label("Variables (JSON)").fill(json.dumps(variables))
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#answer")).to_contain_text(callback)

    # Step 5: the demo's card for the new callback, ANAF's certificate page, the result, the authorization.
    page.goto(f"{demo}/")
    card = page.get_by_test_id("card-efactura-additional-0")
    expect(card).to_contain_text(callback)
    card.get_by_role("button", name="Connect").click()
    page.get_by_role("button", name="OK", exact=True).click()
    page.wait_for_url(f"{demo}/flows/*")
    assert page.get_by_test_id("rule").inner_text() == "ADDITIONAL"
    assert page.get_by_test_id("client-id").inner_text() == client_id
    page.get_by_role("link", name="See authorizations").click()
    authorization = page.get_by_test_id("authorization-efactura")
    expect(authorization.get_by_test_id("status")).to_have_text("ACTIVE")
    authorization.get_by_role("button", name="Test the token").click()
    expect(page.get_by_test_id("outcome")).to_contain_text('Hello, "demo"')
    expect(page.get_by_test_id("outcome")).to_be_in_viewport()

    # Step 6: remove the secret in the demo's editor, then Refresh: the authorization needs a new one.
    page.get_by_role("link", name="e-Factura settings").first.click()
    page.get_by_test_id("row-add-0").get_by_label("remove this secret").check()
    page.get_by_role("button", name="Send updateApp to SBS").click()
    expect(page.get_by_test_id("sent-variables")).to_contain_text('"roAnafEfacturaAdditionalClientSecrets": []')
    page.get_by_role("link", name="Authorizations").first.click()
    page.get_by_test_id("authorization-efactura").get_by_role("button", name="Refresh now").click()
    expect(page.get_by_test_id("outcome")).to_be_in_viewport()
    authorization = page.get_by_test_id("authorization-efactura")
    expect(authorization.get_by_test_id("status")).to_have_text("NEEDS_REAUTHORIZATION")
    reason = authorization.get_by_test_id("status-message").inner_text()
    assert callback in reason and page.locator("main").inner_text().count(reason) == 1, "said once"
    # Its access token is still valid for months: "Test the token" works and says until when.
    authorization.get_by_role("button", name="Test the token").click()
    outcome = page.get_by_test_id("authorization-efactura").get_by_test_id("outcome")
    expect(outcome).to_contain_text('ANAF answered HTTP 200: Hello, "demo"')
    expect(outcome).to_contain_text("but SBS can no longer refresh it: connect again before then.")
    assert page.locator("main").inner_text().count(reason) == 1
    authorization = page.get_by_test_id("authorization-efactura")
    authorization.get_by_test_id("reconnect").click()
    expect(page.get_by_test_id("card-efactura-omitted")).to_be_visible()
    assert client_secret not in page.content()

    # Step 7: the secret back with step 4's document, Refresh now, then an invoice carried by that client's token.
    page.goto(manifest["sbs"]["consoleUrl"])
    page.get_by_label("Example").select_option(label="Seed: additional ANAF secrets")
    page.get_by_label("Variables (JSON)").fill(json.dumps(variables))
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#answer")).to_contain_text(callback)
    page.goto(f"{demo}/authorizations")
    page.get_by_test_id("authorization-efactura").get_by_role("button", name="Refresh now").click()
    expect(page.get_by_test_id("authorization-efactura").get_by_test_id("status")).to_have_text("ACTIVE")
    page.get_by_test_id("sends-efactura").get_by_role("button", name="Send a sample invoice").click()
    expect(page.get_by_test_id("send-status")).to_have_text("OK", timeout=20_000)
    assert page.get_by_test_id("send-client-id").inner_text() == client_id
    expect(page.get_by_test_id("anaf-api-calls")).to_contain_text(f"token of client {client_id}")
    expect(page.get_by_test_id("trail")).to_contain_text(f"client {client_id}")
    assert client_secret not in page.content()


def test_every_demo_page_fits_a_phone_screen(chromium, manifest, start_flow):
    context = chromium.new_context(base_url=manifest["demo"]["url"], viewport={"width": 390, "height": 844})
    tab = context.new_page()
    too_wide = []
    try:
        def check(what: str) -> None:
            width = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if width[0] > width[1]:
                too_wide.append((what, width))

        tab.goto("/")
        tab.get_by_test_id("card-efactura-unregistered").get_by_role("button", name="Connect").click()
        tab.wait_for_url("**/flows/*")
        check("refused flow")
        for path in ("/", "/settings/efactura", "/settings/etransport", "/authorizations", "/flows", "/nowhere"):
            tab.goto(path)
            check(path)
        # The recent flows' table turns into one card a flow: no column squeezes a word to a letter a line.
        tab.goto("/flows")
        assert tab.locator("table td").first.bounding_box()["width"] > 300
        tab.goto("/settings/efactura")
        tab.fill("#add-1-clientId", "shop-client")
        tab.fill("#add-1-clientSecret", "shop-secret")
        tab.fill("#add-1-oauthCallback", "http://shop.example.com/callback")
        tab.get_by_role("button", name="Send updateApp to SBS").click()
        expect(tab.get_by_test_id("error-add-1-oauthCallback")).to_be_visible()
        check("settings refused")
    finally:
        context.close()
    assert too_wide == []


def test_two_additional_secrets_at_once_in_the_editor(page, manifest, sbs_app):
    demo = manifest["demo"]["url"]
    page.goto("/settings/efactura")
    page.fill("#add-1-clientId", "shop-one")
    page.fill("#add-1-clientSecret", "shop-one-secret")
    page.fill("#add-1-oauthCallback", f"{demo}/anaf/callback/shop-one")
    page.get_by_text("Add more than one secret at once").click()  # unfolds more rows; what was typed stays
    page.fill("#add-2-clientId", "shop-two")
    page.fill("#add-2-clientSecret", "shop-two-secret")
    page.fill("#add-2-oauthCallback", f"{demo}/anaf/callback/shop-two")
    page.get_by_role("button", name="Send updateApp to SBS").click()
    expect(page.get_by_test_id("exchange")).to_contain_text("Sent, and SBS accepted it")
    stored = sbs_app()["roAnafEfacturaAdditionalClientSecrets"]
    assert [(s["clientId"], s["clientSecret"]) for s in stored[1:]] == [
        ("shop-one", "shop-one-secret"), ("shop-two", "shop-two-secret")]
