"""Every form and link the services' own pages show, sent back with their values mutated: never a 5xx.

Random field names rarely hit a real one; the pages know the real ones. The crawl starts at each service's
routes without parameters and follows its own links a few pages deep; each form found is submitted as the
browser would (its CSRF token, its other fields) with some values replaced by inputs that break naive code.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

def encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def mutated(draw: Any, pairs: list[tuple[str, str]], values: Any) -> list[tuple[str, str]]:
    """``pairs`` with some values replaced, some dropped, and maybe one repeated (the CSRF token is kept)."""
    out = []
    for name, value in pairs:
        if name == "csrf_token":
            out.append((name, value))
            continue
        action = draw(st.sampled_from(["keep", "replace", "replace", "drop"]))
        if action == "replace":
            out.append((name, draw(values)))
        elif action == "keep":
            out.append((name, value))
    if out and draw(st.booleans()):
        out.append((out[-1][0], draw(values)))
    return out


def check(response: Any, shown: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code < 500, f"{shown} -> {response.status_code}: {text[:300]}"


@pytest.mark.parametrize("service", ["anaf", "sbs", "demo"])
def test_forms_and_links_with_mutated_values_never_answer_a_server_error(service, sandbox_apps, value_pool,
                                                                         core_nasty, fuzz_settings, crawl) -> None:
    app = sandbox_apps[service]
    client = app.test_client()
    site = crawl(client, app)
    forms, links = site.forms, site.links
    values = st.one_of(st.sampled_from(value_pool), st.text(max_size=30))
    if service != "sbs":  # SBS's pages are the console and results; its input is GraphQL, fuzzed elsewhere
        assert forms, "the crawl found the service's forms"

    def send(form: Any, pairs: list[tuple[str, str]]) -> None:
        body = "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs)
        if form.method == "GET":
            response = client.get(f"{urlsplit(form.action).path}?{body}")
        else:
            response = client.post(form.action, data=body, content_type="application/x-www-form-urlencoded")
        check(response, f"{form.method} {form.action} {body[:200]}")

    for form in forms:
        for nasty in core_nasty:  # every field at once, the CSRF token kept
            send(form, [(k, v if k == "csrf_token" else nasty) for k, v in form.fields])

        @fuzz_settings
        @given(mutated(form.fields, values))
        def submit(pairs: list[tuple[str, str]]) -> None:
            note(f"{form.method} {form.action} {pairs!r:.300}")
            send(form, pairs)

        submit()

    for link in links:
        path, query = link.split("?", 1)

        @fuzz_settings
        @given(mutated(parse_qsl(query, keep_blank_values=True), values))
        def follow(pairs: list[tuple[str, str]]) -> None:
            url = f"{path}?" + "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs)
            note(url)
            check(client.get(url), f"GET {url[:200]}")

        follow()
