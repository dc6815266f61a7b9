"""The certificate page in a real Chromium: the browser's own Origin and cookie handling pass the CSRF check.

Skipped without a Chromium, except on CI (`CI=true`), where a missing browser is a failure.
"""
from __future__ import annotations

import os
import shutil
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.support.anaf_server import anaf, anaf_key_file, start_anaf  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize(("button", "expected"), [("button.ok", "code"), ("button.cancel", "error")])
def test_certificate_page_in_chromium(anaf, button: str, expected: str) -> None:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required on CI")
        pytest.skip("no Chromium found (set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    query = urlencode({"response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback,
                       "state": "b-1", "token_content_type": "jwt"})
    with sync_playwright() as playwright:
        # No network here: Chromium's own background calls would only fail, so they are turned off.
        browser = playwright.chromium.launch(executable_path=path, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            landed: list[str] = []
            # The callback has no server: stop the navigation there and keep its URL.
            page.route(f"{anaf.callback}**", lambda route: (landed.append(route.request.url),
                                                            route.fulfill(status=200, body="callback")))
            page.goto(f"{anaf.url}/anaf-oauth2/v1/authorize?{query}")
            page.click(button)
            page.wait_for_url(f"{anaf.callback}**", timeout=10_000)
        finally:
            browser.close()
    params = parse_qs(urlsplit(landed[0]).query)
    assert params["state"] == ["b-1"] and expected in params
    if expected == "code":
        assert anaf.exchange(params["code"][0]).status_code == 200
    else:
        assert params["error"] == ["access_denied"]
