"""Revocation (RFC 7009) and the TestOauth hello endpoint that shows whether a token works."""
from __future__ import annotations

import base64

import pytest

REVOKE = "/anaf-oauth2/v1/revoke"


def test_hello_with_a_live_access_token(anaf) -> None:
    token = anaf.tokens()["access_token"]
    answer = anaf.hello(token, "/TestOauth/jaxrs/hello?name=Ana%20Maria")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert answer.get_data(as_text=True) == 'Hello, "Ana Maria"'


@pytest.mark.parametrize("prefix", ["", "/test", "/prod"])
def test_hello_under_test_and_prod_paths(anaf, prefix: str) -> None:
    token = anaf.tokens()["access_token"]
    assert anaf.hello(token, f"{prefix}/TestOauth/jaxrs/hello?name=x").get_data(as_text=True) == 'Hello, "x"'


def test_hello_without_name(anaf) -> None:
    assert anaf.hello(anaf.tokens()["access_token"], "/TestOauth/jaxrs/hello").get_data(as_text=True) == 'Hello, ""'


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        pytest.param(None, "send Authorization: Bearer <access token>", id="missing"),
        pytest.param("Basic abc", "send Authorization: Bearer <access token>", id="other-scheme"),
        pytest.param("Bearer", "send Authorization: Bearer <access token>", id="no-token"),
        pytest.param("Bearer a b", "send Authorization: Bearer <access token>", id="two-words"),
        pytest.param("Bearer not-a-token", "unknown token", id="unknown"),
    ],
)
def test_hello_refuses_bad_headers(anaf, authorization: str | None, message: str) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = anaf.client.get("/TestOauth/jaxrs/hello?name=x", headers=headers)
    assert answer.status_code == 403
    assert answer.get_json() == {"status": 403, "error": "Forbidden", "message": f"Access denied: {message}"}


def test_refresh_token_is_not_an_access_token(anaf) -> None:
    answer = anaf.hello(anaf.tokens()["refresh_token"])
    assert answer.status_code == 403 and "refresh token is not an access token" in answer.get_json()["message"]


def test_access_token_expires_by_the_service_clock(anaf) -> None:
    token = anaf.tokens()["access_token"]
    anaf.advance(7_776_000 - 10)
    assert anaf.hello(token).status_code == 200
    anaf.advance(10)
    answer = anaf.hello(token)
    assert answer.status_code == 403 and answer.get_json()["message"] == "Access denied: the token has expired"


def revoke(anaf, token: str | None, headers: dict[str, str] | None = None):
    data = {} if token is None else {"token": token}
    return anaf.client.post(REVOKE, data=data, headers=anaf.basic if headers is None else headers)


def test_revoking_an_access_token(anaf) -> None:
    pair = anaf.tokens()
    answer = revoke(anaf, pair["access_token"])
    assert answer.status_code == 200 and answer.get_data() == b"" and answer.headers["Cache-Control"] == "no-store"
    assert anaf.hello(pair["access_token"]).get_json()["message"] == "Access denied: the token was revoked"
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200  # revoking an access token leaves its refresh token alone


def test_revoking_a_refresh_token_ends_the_grant(anaf) -> None:
    pair = anaf.tokens()
    assert revoke(anaf, pair["refresh_token"]).status_code == 200
    assert anaf.hello(pair["access_token"]).status_code == 403
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]})
    assert refreshed.get_json()["error"] == "invalid_grant"


def test_unknown_token_still_200(anaf) -> None:
    before = anaf.counts()
    assert revoke(anaf, "never-issued").status_code == 200
    assert anaf.counts() == before


def test_token_of_another_client_is_left_alone(anaf) -> None:
    pair = anaf.tokens()
    other = anaf.register(name="other-app")
    raw = f"{other['clientId']}:{other['clientSecret']}".encode()
    assert revoke(anaf, pair["access_token"], {"Authorization": "Basic " + base64.b64encode(raw).decode()}).status_code == 200
    assert anaf.hello(pair["access_token"]).status_code == 200


@pytest.mark.parametrize(
    ("token", "headers", "status", "error"),
    [
        pytest.param(None, None, 400, "invalid_request", id="no-token"),
        pytest.param("x", {}, 401, "invalid_client", id="no-client-auth"),
        pytest.param("x", {"Authorization": "Basic Zm9vOmJhcg=="}, 401, "invalid_client", id="unknown-client"),
    ],
)
def test_revoke_refused(anaf, token: str | None, headers: dict[str, str] | None, status: int, error: str) -> None:
    pair = anaf.tokens()
    answer = revoke(anaf, token, headers)
    assert answer.status_code == status and answer.get_json()["error"] == error
    assert anaf.hello(pair["access_token"]).status_code == 200
