"""The authorization request's checks, in RFC 6749 §4.1.2.1 order, and the certificate prompt's answer."""
from __future__ import annotations

import pytest

from mock_anaf.authorization import parse_authorize, parse_decision
from mock_anaf.errors import AnafOAuthError, InvalidRequest, UnknownClient, UnsupportedResponseType
from mock_anaf.records import AppRecord, Identity

CB = "https://erp.example.ro/cb"
APP = AppRecord("cid", "h", "app", "d@x.ro", (CB,), ("EFACTURA",), 0.0, 0.0)
GOOD = {"response_type": ["code"], "client_id": ["cid"], "redirect_uri": [CB], "state": ["st"],
        "token_content_type": ["jwt"]}


def find_app(client_id: str) -> AppRecord | None:
    return APP if client_id == "cid" else None


def test_good_request() -> None:
    req = parse_authorize(GOOD, find_app)
    assert (req.app, req.redirect_uri, req.state, req.want_jwt) == (APP, CB, "st", True)
    assert req.hidden_fields() == [("response_type", "code"), ("client_id", "cid"), ("redirect_uri", CB),
                                   ("state", "st"), ("token_content_type", "jwt")]


@pytest.mark.parametrize(
    ("change", "error", "message", "redirected"),
    [
        pytest.param({"client_id": []}, InvalidRequest, "(client_id) is missing", False, id="no-client"),
        pytest.param({"client_id": ["cid", "cid"]}, InvalidRequest, "(client_id) is included more", False,
                     id="client-twice"),
        pytest.param({"client_id": ["nope"]}, UnknownClient, "Invalid client_id (nope)", False, id="unknown-client"),
        pytest.param({"redirect_uri": []}, InvalidRequest, "(redirect_uri) is missing", False, id="no-redirect"),
        pytest.param({"redirect_uri": [CB, CB]}, InvalidRequest, "(redirect_uri) is included more", False,
                     id="redirect-twice"),
        pytest.param({"redirect_uri": ["https://evil.example/cb"]}, InvalidRequest,
                     "Redirect-URI (https://evil.example/cb) does not match with client app configuration.", False,
                     id="unregistered-redirect"),
        pytest.param({"client_id": ["nope"], "redirect_uri": ["https://evil.example/cb"]}, UnknownClient,
                     "Invalid client_id", False, id="client-checked-first"),
        pytest.param({"response_type": []}, InvalidRequest, "(response_type) is missing", True, id="no-response-type"),
        pytest.param({"response_type": ["token"]}, UnsupportedResponseType, "response_type (token)", True,
                     id="implicit-grant"),
        pytest.param({"state": ["a", "b"]}, InvalidRequest, "(state) is included more", True, id="state-twice"),
        pytest.param({"token_content_type": ["xml"]}, InvalidRequest, "token_content_type (xml)", True,
                     id="bad-content-type"),
    ],
)
def test_refused(change: dict[str, list[str]], error: type, message: str, redirected: bool) -> None:
    with pytest.raises(AnafOAuthError) as caught:
        parse_authorize({**GOOD, **change}, find_app)
    assert type(caught.value) is error and message in caught.value.description
    assert (caught.value.redirect_uri == CB) is redirected
    if redirected:
        assert caught.value.state == (None if change.get("state", ["st"]) != ["st"] else "st")


def test_opaque_when_content_type_omitted() -> None:
    assert parse_authorize({**GOOD, "token_content_type": []}, find_app).want_jwt is False


IDENTITY = Identity("SER1", "Ana", ("123",))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"decision": ["allow"], "identity": ["SER1"]}, ("allow", IDENTITY), id="allow"),
        pytest.param({"decision": ["deny"]}, ("deny", None), id="deny-needs-no-identity"),
        pytest.param({"decision": ["deny"], "identity": ["SER1"]}, ("deny", None), id="deny-with-identity"),
    ],
)
def test_decision(fields: dict[str, list[str]], expected: tuple[str, Identity | None]) -> None:
    assert parse_decision(fields, lambda s: IDENTITY if s == "SER1" else None) == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param({}, "(decision) must be allow or deny", id="no-decision"),
        pytest.param({"decision": ["maybe"]}, "(decision) must be allow or deny", id="bad-decision"),
        pytest.param({"decision": ["allow"]}, "(identity) is missing", id="allow-without-identity"),
        pytest.param({"decision": ["allow"], "identity": ["NOPE"]}, "Unknown identity (NOPE)", id="unknown-identity"),
    ],
)
def test_decision_refused(fields: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_decision(fields, lambda s: IDENTITY if s == "SER1" else None)
    assert message in caught.value.description and caught.value.redirect_uri is None
