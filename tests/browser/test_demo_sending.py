"""Sending through SBS in Chromium against the real sandbox: "Send a sample invoice" reaches OK with its download,
a broken one shows ANAF's errors, the inbox fills, and these pages fit a phone's screen."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WAIT_MS = 20_000


def process_at_once(manifest) -> None:
    """Mock ANAF reveals an upload's outcome at once (the sandbox's default is 2 s; `reset` restores it)."""
    import requests

    requests.put(f"{manifest['anaf']['url']}/__admin/api-settings", json={"processing_seconds": 0},
                 timeout=10).raise_for_status()


def connect_efactura(page, start_flow, on_anaf) -> None:
    start_flow("efactura-omitted")
    on_anaf("allow")
    page.get_by_role("link", name="See authorizations").click()


def test_sample_invoice_reaches_ok_with_its_download(page, manifest, start_flow, on_anaf):
    process_at_once(manifest)  # the tutorial's test waits through mock ANAF's 2 s and the page's reloads
    connect_efactura(page, start_flow, on_anaf)
    page.get_by_test_id("sends-efactura").get_by_role("button", name="Send a sample invoice").click()
    page.wait_for_url("**/sends/*")
    expect(page.get_by_test_id("send-status")).to_have_text("OK", timeout=WAIT_MS)
    main_client = manifest["anaf"]["apps"]["main"]["clientId"]
    assert page.get_by_test_id("send-client-id").inner_text() == main_client
    expect(page.get_by_test_id("anaf-api-calls")).to_contain_text(f"token of client {main_client}")
    files = page.get_by_test_id("download-files").inner_text()
    assert re.search(r"^\d+\.xml", files, re.MULTILINE) and re.search(r"semnatura_\d+\.xml", files)
    with page.expect_download() as got:
        page.get_by_test_id("zip-link").click()
    assert re.fullmatch(r"\d+\.zip", got.value.suggested_filename)
    states = page.get_by_test_id("states").inner_text()
    assert states.index("PENDING") < states.index("OK")
    trail = page.get_by_test_id("trail").inner_text()
    assert "uploadInvoice" in trail and "/FCTEL/rest/upload" in trail


def test_broken_invoice_shows_anaf_errors_and_the_inbox_fills(page, manifest, start_flow, on_anaf):
    process_at_once(manifest)
    connect_efactura(page, start_flow, on_anaf)
    page.get_by_test_id("sends-efactura").get_by_role("button", name="Send a broken invoice").click()
    expect(page.get_by_test_id("send-status")).to_have_text("NOK", timeout=WAIT_MS)
    expect(page.get_by_test_id("anaf-errors")).to_contain_text("BR-RO-010")
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
    page.get_by_role("button", name="Ask a supplier for an invoice").click()
    expect(page.get_by_test_id("inbox")).to_contain_text("56789016")


def test_send_and_inbox_pages_fit_a_phone_screen(chromium, manifest, start_flow):
    context = chromium.new_context(base_url=manifest["demo"]["url"], viewport={"width": 390, "height": 844})
    tab = context.new_page()
    process_at_once(manifest)
    try:
        tab.goto("/")
        tab.get_by_test_id("card-efactura-omitted").get_by_role("button", name="Connect").click()
        tab.locator("button[name=decision][value=allow]").click()
        tab.wait_for_url("**/flows/*")
        tab.goto("/authorizations")
        tab.get_by_test_id("sends-efactura").get_by_role("button", name="Send a sample invoice").click()
        expect(tab.get_by_test_id("send-status")).to_have_text("OK", timeout=WAIT_MS)
        tab.wait_for_load_state("load")  # the style sheet too: without it the downloaded XML is one wide line
        widths = {}
        for name in ("send", "/inbox", "/"):
            if name != "send":
                tab.goto(name)
            widths[name] = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert {k: v for k, v in widths.items() if v[0] > v[1]} == {}
    finally:
        context.close()


def test_sample_declaration_reaches_ok_with_its_uit(page, manifest, start_flow, on_anaf):
    process_at_once(manifest)
    start_flow("etransport-implicit")
    on_anaf("allow")
    page.goto("/authorizations")
    page.get_by_test_id("sends-etransport").get_by_role("button", name="Send a sample declaration").click()
    expect(page.get_by_test_id("send-status")).to_have_text("OK", timeout=WAIT_MS)
    assert re.fullmatch(r"[0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}", page.get_by_test_id("uit").inner_text())
    implicit = manifest["anaf"]["apps"]["implicit"]["clientId"]
    assert page.get_by_test_id("send-client-id").inner_text() == implicit
    expect(page.get_by_test_id("anaf-api-calls")).to_contain_text(f"token of client {implicit}")
