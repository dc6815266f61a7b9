"""Redirect URI rules (RFC 6749 §3.1.2): exact matching and adding parameters to a query."""
from __future__ import annotations

import pytest

from mock_anaf import redirects

REGISTERED = ("https://erp.example.ro/anaf/callback", "http://localhost:8000/cb?tenant=7")


@pytest.mark.parametrize(
    ("uri", "registered"),
    [
        pytest.param("https://erp.example.ro/anaf/callback", True, id="exact"),
        pytest.param("http://localhost:8000/cb?tenant=7", True, id="exact-with-query"),
        pytest.param("https://erp.example.ro/anaf/callback/", False, id="trailing-slash"),
        pytest.param("https://ERP.example.ro/anaf/callback", False, id="host-case"),
        pytest.param("https://erp.example.ro:443/anaf/callback", False, id="default-port-spelled"),
        pytest.param("https://erp.example.ro/anaf/callback?x=1", False, id="extra-query"),
        pytest.param("https://erp.example.ro/anaf", False, id="prefix"),
        pytest.param("http://localhost:8000/cb", False, id="query-dropped"),
    ],
)
def test_exact_string_match(uri: str, registered: bool) -> None:
    assert redirects.is_registered(uri, REGISTERED) is registered


def test_mismatch_wording_is_anafs() -> None:
    assert redirects.mismatch_description("https://x.ro/cb") == (
        "Redirect-URI (https://x.ro/cb) does not match with client app configuration."
    )


@pytest.mark.parametrize(
    ("uri", "params", "expected"),
    [
        pytest.param("https://a.ro/cb", [("code", "c1"), ("state", "s")], "https://a.ro/cb?code=c1&state=s", id="plain"),
        pytest.param("https://a.ro/cb?t=a%20b", [("code", "c")], "https://a.ro/cb?t=a%20b&code=c", id="query-kept-verbatim"),
        pytest.param("https://a.ro/cb?", [("code", "c")], "https://a.ro/cb?code=c", id="empty-query"),
        pytest.param("https://a.ro/cb?x=1&", [("code", "c")], "https://a.ro/cb?x=1&code=c", id="trailing-ampersand"),
        pytest.param("https://a.ro/cb", [("code", "c"), ("state", None)], "https://a.ro/cb?code=c", id="no-state"),
        pytest.param("https://a.ro/cb", [("state", "a b&c=d")], "https://a.ro/cb?state=a+b%26c%3Dd", id="state-encoded"),
        pytest.param("https://a.ro/cb", [("state", None)], "https://a.ro/cb", id="nothing-to-add"),
    ],
)
def test_with_params(uri: str, params: list[tuple[str, str | None]], expected: str) -> None:
    assert redirects.with_params(uri, params) == expected
