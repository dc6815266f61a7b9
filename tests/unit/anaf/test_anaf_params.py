"""Strict reading of OAuth requests: form bodies and client credentials (RFC 6749 §2.3, §3.2)."""
from __future__ import annotations

import base64

import pytest

from mock_anaf.errors import InvalidClient, InvalidRequest
from mock_anaf.params import ClientCredentials, client_credentials, parse_form

FORM = "application/x-www-form-urlencoded"


def basic(raw: str) -> str:
    return "Basic " + base64.b64encode(raw.encode()).decode()


def test_form_parsed_and_empty_values_dropped() -> None:
    assert parse_form(b"grant_type=refresh_token&refresh_token=a%2Bb&scope=", FORM) == {
        "grant_type": "refresh_token", "refresh_token": "a+b"
    }


@pytest.mark.parametrize(
    ("body", "mimetype", "message"),
    [
        pytest.param(b"a=1&a=2", FORM, "(a) is included more than once", id="duplicate"),
        pytest.param(b"a=&a=2", FORM, "(a) is included more than once", id="duplicate-one-empty"),
        pytest.param(b"code=%ff%fe", FORM, "not valid UTF-8", id="percent-encoded-bad-utf8"),
        pytest.param(b"code=\xff", FORM, "not valid UTF-8", id="raw-bad-utf8"),
        pytest.param(b'{"grant_type": "x"}', "application/json", "must be application/x-www-form-urlencoded", id="json"),
    ],
)
def test_form_refused(body: bytes, mimetype: str, message: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_form(body, mimetype)
    assert message in caught.value.description


@pytest.mark.parametrize(
    ("header", "form", "allow_body", "expected"),
    [
        pytest.param(basic("cid:sec"), {}, True, ClientCredentials("cid", "sec", "client_secret_basic"), id="basic"),
        pytest.param(basic("c%3Aid:s%20ec"), {}, True, ClientCredentials("c:id", "s ec", "client_secret_basic"),
                     id="basic-urlencoded"),
        pytest.param(basic("cid:a:b"), {}, True, ClientCredentials("cid", "a:b", "client_secret_basic"),
                     id="colon-in-secret"),
        pytest.param("basic " + basic("cid:sec")[6:], {}, True, ClientCredentials("cid", "sec", "client_secret_basic"),
                     id="scheme-case-insensitive"),
        pytest.param(basic("cid:sec"), {"client_id": "cid"}, True, ClientCredentials("cid", "sec", "client_secret_basic"),
                     id="basic-with-same-body-id"),
        pytest.param(None, {"client_id": "cid", "client_secret": "sec"}, True,
                     ClientCredentials("cid", "sec", "client_secret_post"), id="body"),
    ],
)
def test_credentials_accepted(header: str | None, form: dict[str, str], allow_body: bool,
                              expected: ClientCredentials) -> None:
    assert client_credentials(header, form, allow_body) == expected


@pytest.mark.parametrize(
    ("header", "form", "allow_body", "error", "message"),
    [
        pytest.param(basic("cid:sec"), {"client_secret": "sec"}, True, InvalidRequest, "not both", id="both"),
        pytest.param(basic("cid:sec"), {"client_id": "other"}, True, InvalidRequest, "differs", id="ids-differ"),
        pytest.param(None, {"client_id": "cid", "client_secret": "s"}, False, InvalidClient, "HTTP Basic",
                     id="body-when-strict"),
        pytest.param(None, {"client_secret": "s"}, True, InvalidRequest, "(client_id) is missing", id="body-no-id"),
        pytest.param(None, {}, True, InvalidClient, "required", id="none"),
        pytest.param("Bearer abc", {}, True, InvalidClient, "Basic scheme", id="bearer"),
        pytest.param("Basic", {}, True, InvalidClient, "Malformed", id="basic-empty"),
        pytest.param("Basic !!!notbase64", {}, True, InvalidClient, "Malformed", id="not-base64"),
        pytest.param(basic("no-colon"), {}, True, InvalidClient, "client_id:client_secret", id="no-colon"),
        pytest.param("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), {}, True, InvalidClient, "Malformed",
                     id="not-utf8"),
        pytest.param(basic("cid:%ff"), {}, True, InvalidClient, "not UTF-8", id="percent-not-utf8"),
    ],
)
def test_credentials_refused(header: str | None, form: dict[str, str], allow_body: bool, error: type,
                             message: str) -> None:
    with pytest.raises(error) as caught:
        client_credentials(header, form, allow_body)
    assert message in caught.value.description
