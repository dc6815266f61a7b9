"""Portal input rules: callback URLs, app names, services, e-mails, identities (seed: "Registering an OAuth app")."""
from __future__ import annotations

import pytest

from mock_anaf import validation
from mock_anaf.errors import PortalError


@pytest.mark.parametrize(
    ("url", "strict", "problem"),
    [
        pytest.param("https://erp.example.ro/anaf/callback", False, None, id="https-ok"),
        pytest.param("https://erp.example.ro:8443/cb?tenant=1", False, None, id="https-port-query-ok"),
        pytest.param("http://localhost:8000/anaf/callback", False, None, id="http-localhost-ok"),
        pytest.param("http://127.0.0.1:8000/anaf/callback", False, None, id="http-loopback-ok"),
        pytest.param("http://localhost:8000/cb", True, "strict https", id="http-localhost-strict"),
        pytest.param("http://erp.example.ro/cb", False, "accepted only for localhost", id="http-public-host"),
        pytest.param("http://localhost.evil.example/cb", False, "accepted only for localhost", id="localhost-prefix"),
        pytest.param("ftp://erp.example.ro/cb", False, "absolute https", id="other-scheme"),
        pytest.param("/anaf/callback", False, "absolute https", id="relative"),
        pytest.param("https:///cb", False, "absolute https", id="no-host"),
        pytest.param("https://erp.example.ro/cb#frag", False, "fragment", id="fragment"),
        pytest.param("https://erp.example.ro/cb#", False, "fragment", id="empty-fragment"),
        pytest.param("https://user:pw@erp.example.ro/cb", False, "user name", id="credentials"),
        pytest.param("https://erp.example.ro/a b", False, "spaces", id="space"),
        pytest.param("https://erp.example.ro:99999/cb", False, "not a valid URL", id="bad-port"),
        pytest.param("", False, "non-empty", id="empty"),
        pytest.param(None, False, "non-empty", id="not-a-string"),
        pytest.param("https://e.ro/" + "a" * 2000, False, "at most", id="too-long"),
    ],
)
def test_callback_rules(url: object, strict: bool, problem: str | None) -> None:
    found = validation.callback_problem(url, strict)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_the_message_says_what_is_accepted() -> None:
    """http://127.0.0.1 is accepted unless strict, so the refusal must not claim https:// is the only way."""
    assert validation.callback_problem("/anaf/callback", False) == (
        "must be an absolute https:// URL (or http:// on localhost or 127.0.0.1)")
    assert validation.callback_problem("https://erp.example.ro:99999/cb", False) == (
        "is not a valid URL: it must be an absolute https:// URL (or http:// on localhost or 127.0.0.1)")
    assert validation.callback_problem("/anaf/callback", True) == "must be an absolute https:// URL"


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        pytest.param([], "callbacks", "at least one", id="none"),
        pytest.param("https://a.ro/cb", "callbacks", "at least one", id="not-a-list"),
        pytest.param(["https://a.ro/cb", "http://a.ro/cb"], "callbacks[1]", "Callback URL 2", id="second-bad"),
        pytest.param(["https://a.ro/cb", "https://a.ro/cb"], "callbacks[1]", "twice", id="duplicate"),
        pytest.param([f"https://a.ro/{i}" for i in range(11)], "callbacks", "at most 10", id="too-many"),
    ],
)
def test_callback_list_errors_name_the_field(value: object, field: str, message: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.callbacks(value)
    assert caught.value.field == field and message in caught.value.message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("my invoicing app", "must not contain spaces", id="spaces"),
        pytest.param("tab\there", "must not contain spaces", id="tab"),
        pytest.param("", "is required", id="empty"),
        pytest.param("   ", "is required", id="blank"),
        pytest.param(42, "is required", id="not-a-string"),
        pytest.param("x" * 101, "at most 100", id="too-long"),
    ],
)
def test_app_name_rules(name: object, message: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.app_name(name)
    assert caught.value.field == "name" and message in caught.value.message


def test_app_name_without_spaces_is_kept() -> None:
    assert validation.app_name("facturare-firma-mea") == "facturare-firma-mea"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(["EFACTURA"], ["EFACTURA"], id="efactura"),
        pytest.param(["ETRANSPORT"], ["ETRANSPORT"], id="etransport"),
        pytest.param(["ETRANSPORT", "EFACTURA"], ["EFACTURA", "ETRANSPORT"], id="both-in-fixed-order"),
    ],
)
def test_services_accepted(value: list[str], expected: list[str]) -> None:
    assert validation.services(value) == expected


@pytest.mark.parametrize(
    ("value", "field"),
    [
        pytest.param([], "services", id="none"),
        pytest.param(["EFACTURA", "EFACTURA"], "services", id="twice"),
        pytest.param(["efactura"], "services[0]", id="lower-case"),
        pytest.param(["EFACTURA", "SPV"], "services[1]", id="unknown"),
        pytest.param("EFACTURA", "services", id="not-a-list"),
    ],
)
def test_services_refused(value: object, field: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.services(value)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param("Dev@Example.RO", True, id="mixed-case"),
        pytest.param("dev@example", False, id="no-tld"),
        pytest.param("dev example@x.ro", False, id="space"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_email(value: object, ok: bool) -> None:
    if ok:
        assert validation.email(value) == "dev@example.ro"
    else:
        with pytest.raises(PortalError) as caught:
            validation.email(value)
        assert caught.value.field == "developer"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": "X", "cifs": "12345674"}, "cifs", id="cifs-not-a-list"),
        pytest.param({"name": "X", "cifs": ["1"] * 21}, "cifs", id="more-than-20-cifs"),
        pytest.param({"name": "X", "cifs": ["12AB"]}, "cifs[0]", id="bad-cif"),
        pytest.param({"name": "X", "cifs": ["123", "RO123"]}, "cifs", id="cif-twice-with-prefix"),
        pytest.param({"name": "", "cifs": ["123"]}, "name", id="no-name"),
        pytest.param({"name": "X", "cifs": ["123"], "serial": "xyz"}, "serial", id="bad-serial"),
    ],
)
def test_identity_refused(data: dict[str, object], field: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.identity(data, "ABCDEF0123456789")
    assert caught.value.field == field


def test_identity_cleaned() -> None:
    assert validation.identity({"name": " Ana ", "cifs": ["ro12345674"], "serial": "abcdef01"}, "X") == (
        "ABCDEF01", "Ana", ["RO12345674"]
    )


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("my-app\n", id="trailing-newline"),
        pytest.param("my-app\r\n", id="trailing-crlf"),
        pytest.param("my\u00a0app", id="no-break-space"),
    ],
)
def test_app_name_whitespace_anywhere_is_a_space(name: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.app_name(name)
    assert caught.value.field == "name" and "must not contain spaces" in caught.value.message


def test_app_name_control_characters_refused() -> None:
    with pytest.raises(PortalError) as caught:
        validation.app_name("my\x00app")
    assert caught.value.field == "name" and "control characters" in caught.value.message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"name": "X", "cifs": ["123"], "serial": "ABCDEF01\n"}, "serial", id="serial-trailing-newline"),
        pytest.param({"name": "Ana\x07", "cifs": ["123"]}, "name", id="name-control-character"),
        pytest.param({"name": "Ana\nPopescu", "cifs": ["123"]}, "name", id="name-line-break"),
    ],
)
def test_identity_refuses_hidden_characters(data: dict[str, object], field: str) -> None:
    with pytest.raises(PortalError) as caught:
        validation.identity(data, "ABCDEF0123456789")
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        pytest.param(validation.app_name, 42, "as a text (a JSON string)", id="name-number"),
        pytest.param(validation.callbacks, "https://a.ro/cb", "as a JSON list", id="callbacks-string"),
        pytest.param(validation.services, "EFACTURA", "as a JSON list", id="services-string"),
    ],
)
def test_wrong_json_type_is_named(check: object, value: object, message: str) -> None:
    with pytest.raises(PortalError) as caught:
        check(value)  # type: ignore[operator]
    assert message in caught.value.message
