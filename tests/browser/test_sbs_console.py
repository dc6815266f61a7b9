"""SBS's GraphQL console in Chromium: key fields legible at 1x, the page at a phone's width, stale keys explained."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture()
def console(chromium: Any, manifest: dict[str, Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    """A tab at device pixel ratio 1 (where clipping shows), sized by the test's `viewport` param."""
    width = getattr(request, "param", 1280)
    context = chromium.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_underscores_in_the_key_fields_are_drawn(console, manifest):
    console.goto(manifest["sbs"]["consoleUrl"])
    field = console.locator("#accountKey")
    expect(field).to_have_value(manifest["sbs"]["accountKey"])
    field.fill("sbs_acc_x_y")
    with_underscores = field.screenshot()
    field.fill("sbs acc x y")
    # Clipped underscores draw exactly like spaces.
    assert field.screenshot() != with_underscores


@pytest.mark.parametrize("console", [390], indirect=True)
def test_console_fits_a_phone_screen_with_every_field_inside_its_card(console, manifest):
    console.goto(manifest["sbs"]["consoleUrl"])
    assert console.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    outside = console.evaluate("""() => [...document.querySelectorAll('input, select, textarea')].filter(el => {
        const card = el.closest('.card').getBoundingClientRect(), box = el.getBoundingClientRect();
        return box.left < card.left || box.right > card.right;
    }).map(el => el.id)""")
    assert outside == []


def test_keys_remembered_from_an_earlier_sandbox_are_explained(console, manifest):
    sbs = manifest["sbs"]
    console.goto(f"{sbs['url']}/console")
    console.evaluate("""() => { localStorage.setItem('sbs.accountKey', 'sbs_acc_from-before-fresh');
                                localStorage.setItem('sbs.serviceKey', 'sbs_svc_from-before-fresh'); }""")
    console.reload()
    stale = console.locator("#stale")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("does not know the account access key or the service access key in this page")
    expect(stale).to_contain_text("--fresh")
    # The link printed at start fills the current keys in; nothing is stale then.
    console.goto(sbs["consoleUrl"])
    console.reload()  # the fragment is gone after loading: the keys now come from local storage
    expect(console.locator("#accountKey")).to_have_value(sbs["accountKey"])
    console.get_by_role("button", name="Run").click()
    expect(console.locator("#status")).to_contain_text("HTTP")
    expect(stale).to_be_hidden()


def test_a_run_refused_for_an_unknown_key_says_why(console, manifest):
    sbs = manifest["sbs"]
    console.goto(sbs["consoleUrl"])
    console.fill("#accountKey", "sbs_acc_typed-wrong")
    console.get_by_role("button", name="Run").click()
    expect(console.locator("#status")).to_contain_text("HTTP 401")
    expect(console.locator("#stale")).to_contain_text("does not know the account access key in this page")
