"""Browser tests of the demo: one real sandbox per module, the system Chromium driven by Playwright.

Without a Chromium the tests are skipped with the reason, except on CI (`CI=true`), where that fails.
"""
from __future__ import annotations

import os
import shutil
from typing import Any, Callable, Iterator

import pytest
import requests

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """mock ANAF, mock SBS and the demo on free ports, seeded, with state in a fresh temporary data dir."""
    from sandbox.launcher import Options, Sandbox

    data_dir = tmp_path_factory.mktemp("sandbox")
    started = Sandbox.start(Options(host="127.0.0.1", anaf_port=0, sbs_port=0, demo_port=0, data_dir=data_dir,
                                    fresh=True))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless system Chromium, shared by a module's tests (each test gets its own context)."""
    path = chromium_path()
    if path is None:
        reason = "no Chromium found: install Debian's `chromium` or set CHROMIUM_PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def manifest(sandbox: Any) -> dict[str, Any]:
    """The sandbox, back in its seeded state for this test; its `sandbox.json` content."""
    for name in ("anaf", "sbs", "demo"):
        requests.post(f"{sandbox.manifest[name]['url']}/__admin/reset", timeout=10).raise_for_status()
    return sandbox.manifest


@pytest.fixture()
def page(chromium: Any, manifest: dict[str, Any], tmp_path: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab on the demo; its last screen is saved as `<test>.png` in the test's tmp_path."""
    context = chromium.new_context(base_url=manifest["demo"]["url"], viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        yield tab
    finally:
        try:
            tab.screenshot(path=str(tmp_path / f"{request.node.name}.png"), full_page=True)
        finally:
            context.close()


@pytest.fixture()
def start_flow(page: Any, manifest: dict[str, Any]) -> Callable[[str], None]:
    """Press a Connect card on the home page (`efactura-omitted`, ...), which leads to ANAF's certificate page."""

    def press(card: str) -> None:
        page.goto("/")
        page.get_by_test_id(f"card-{card}").get_by_role("button", name="Connect").click()

    return press


@pytest.fixture()
def on_anaf(page: Any, manifest: dict[str, Any]) -> Callable[[str], None]:
    """Answer ANAF's certificate page: `allow` with the first certificate, or `deny` ("No USB token")."""

    def answer(decision: str) -> None:
        page.wait_for_url(f"{manifest['anaf']['url']}/anaf-oauth2/v1/authorize?**")
        page.locator(f"button[name=decision][value={decision}]").click()
        page.wait_for_url(f"{manifest['demo']['url']}/**")

    return answer


@pytest.fixture()
def sbs_app(manifest: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """The demo app's settings straight from SBS's Account API (secrets included: for assertions only)."""
    sbs = manifest["sbs"]

    def read() -> dict[str, Any]:
        query = ("query($id: ID!) { app(id: $id) { roAnafEfacturaClientSecret { clientId clientSecret oauthCallback }"
                 " roAnafEfacturaAdditionalClientSecrets { clientId clientSecret oauthCallback }"
                 " roAnafEfacturaUseImplicitClientSecret } }")
        answer = requests.post(f"{sbs['url']}/account-api/graphql", json={"query": query, "variables": {
            "id": sbs["appId"]}}, headers={"x-api-key": sbs["accountKey"]}, timeout=10).json()
        assert not answer.get("errors"), answer
        return answer["data"]["app"]

    return read
