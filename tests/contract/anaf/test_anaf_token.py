"""The token endpoint: code exchange, refresh rotation, client authentication, and every refusal."""
from __future__ import annotations

import base64
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

TOKEN = "/anaf-oauth2/v1/token"


def exchange(anaf, code: str, **extra: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback, **extra}


def assert_error(answer, status: int, error: str, description: str) -> None:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.get_json() == {"error": error, "error_description": description}
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Pragma"] == "no-cache"


def test_code_exchange_answers_like_anaf(anaf) -> None:
    answer = anaf.token(exchange(anaf, anaf.code()))
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 7_776_000)
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Pragma"] == "no-cache"


def test_jwt_tokens_verify_with_the_published_key(anaf) -> None:
    body = anaf.tokens()
    keys = KeySet.import_key_set(anaf.client.get("/anaf-oauth2/v1/jwks").get_json())
    now = anaf.services.clock.now()
    identity = anaf.client.get("/portal/api/identities").get_json()[0]
    for kind in ("access", "refresh"):
        token = jwt.decode(body[f"{kind}_token"], keys, algorithms=["RS512"])
        assert token.header["alg"] == "RS512" and token.header["kid"] == keys.keys[0].kid
        claims = token.claims
        assert claims["iss"] == "https://logincert.anaf.ro" and claims["token_type"] == kind
        assert (claims["clientappid"], claims["serial"], claims["cifs"]) == (
            anaf.client_id, identity["serial"], identity["cifs"])
        assert claims["roles"] == ["EFACTURA", "ETRANSPORT"] and claims["scope"] == "EFACTURA ETRANSPORT"
        assert abs(claims["iat"] - now) < 5 and claims["nbf"] == claims["iat"]
        lifetime = 7_776_000 if kind == "access" else 31_536_000
        assert claims["exp"] == claims["iat"] + lifetime


def test_opaque_tokens_without_token_content_type(anaf) -> None:
    body = anaf.tokens(token_content_type=None)
    assert body["access_token"].count(".") == 0 and len(body["access_token"]) >= 40
    assert anaf.hello(body["access_token"]).status_code == 200


def test_token_content_type_at_the_token_endpoint_alone_gives_jwts(anaf) -> None:
    answer = anaf.token(exchange(anaf, anaf.code(token_content_type=None), token_content_type="jwt"))
    assert answer.get_json()["access_token"].count(".") == 2


def test_body_credentials_accepted(anaf) -> None:
    form = exchange(anaf, anaf.code(), client_id=anaf.client_id, client_secret=anaf.client_secret)
    assert anaf.token(form, headers={}).status_code == 200


def test_strict_client_auth_refuses_body_credentials(anaf_with) -> None:
    strict = anaf_with(strict_client_auth=True)
    form = exchange(strict, strict.code(), client_id=strict.client_id, client_secret=strict.client_secret)
    before = strict.counts()
    answer = strict.token(form, headers={})
    assert_error(answer, 401, "invalid_client", "Client credentials must be sent with HTTP Basic authentication")
    assert answer.headers["WWW-Authenticate"].startswith("Basic ")
    assert strict.counts() == before
    assert strict.token(exchange(strict, strict.code())).status_code == 200


def basic(raw: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


@pytest.mark.parametrize(
    ("headers", "status", "error", "description"),
    [
        pytest.param({}, 401, "invalid_client",
                     "Client authentication is required (HTTP Basic with client_id and client_secret)", id="none"),
        pytest.param({"Authorization": "Basic %%%"}, 401, "invalid_client", "Malformed HTTP Basic authorization header",
                     id="not-base64"),
        pytest.param({"Authorization": "Basic"}, 401, "invalid_client",
                     "Malformed HTTP Basic authorization header: expected client_id:client_secret", id="empty"),
        pytest.param(basic(b"just-an-id"), 401, "invalid_client",
                     "Malformed HTTP Basic authorization header: expected client_id:client_secret", id="no-colon"),
        pytest.param(basic(b"\xff\xfe:\xff"), 401, "invalid_client", "Malformed HTTP Basic authorization header",
                     id="not-utf8"),
        pytest.param({"Authorization": "Bearer abc"}, 401, "invalid_client",
                     "Client authentication must use the HTTP Basic scheme", id="bearer"),
        pytest.param(basic(b"nope:secret"), 401, "invalid_client", "Invalid client_id (nope)", id="unknown-client"),
    ],
)
def test_client_authentication_refused(anaf, headers: dict[str, str], status: int, error: str,
                                       description: str) -> None:
    code = anaf.code()
    before = anaf.counts()
    answer = anaf.token(exchange(anaf, code), headers=headers)
    assert_error(answer, status, error, description)
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="anaf-oauth2", error="invalid_client"'
    assert anaf.counts() == before
    assert anaf.token(exchange(anaf, code)).status_code == 200  # the code was not used up


def test_wrong_secret(anaf) -> None:
    answer = anaf.token(exchange(anaf, anaf.code()), headers=basic(f"{anaf.client_id}:wrong".encode()))
    assert_error(answer, 401, "invalid_client", "Client authentication (client_secret) failed")


def test_basic_and_body_secret_together(anaf) -> None:
    answer = anaf.token(exchange(anaf, anaf.code(), client_secret=anaf.client_secret))
    assert_error(answer, 400, "invalid_request",
                 "Use one client authentication method: HTTP Basic or client_secret, not both")


@pytest.mark.parametrize(
    ("form", "error", "description"),
    [
        pytest.param({"code": "x"}, "invalid_request", "Required parameter (grant_type) is missing", id="no-grant-type"),
        pytest.param({"grant_type": "password"}, "unsupported_grant_type",
                     "Unsupported grant_type (password); use authorization_code or refresh_token", id="password"),
        pytest.param({"grant_type": "client_credentials"}, "unsupported_grant_type",
                     "Unsupported grant_type (client_credentials); use authorization_code or refresh_token",
                     id="client-credentials"),
        pytest.param({"grant_type": "authorization_code"}, "invalid_request", "Required parameter (code) is missing",
                     id="no-code"),
        pytest.param({"grant_type": "refresh_token"}, "invalid_request",
                     "Required parameter (refresh_token) is missing", id="no-refresh-token"),
        pytest.param({"grant_type": "authorization_code", "code": "unknown", "redirect_uri": "x"}, "invalid_grant",
                     "Invalid authorization code", id="unknown-code"),
        pytest.param({"grant_type": "refresh_token", "refresh_token": "unknown"}, "invalid_grant",
                     "Invalid refresh token", id="unknown-refresh-token"),
        pytest.param({"grant_type": "refresh_token", "refresh_token": "x", "token_content_type": "xml"},
                     "invalid_request", "Unsupported value for token_content_type (xml); use jwt or omit it",
                     id="bad-content-type"),
    ],
)
def test_request_errors(anaf, form: dict[str, str], error: str, description: str) -> None:
    before = anaf.counts()
    assert_error(anaf.token(form), 400, error, description)
    assert anaf.counts() == before


@pytest.mark.parametrize(
    ("body", "content_type", "status", "description"),
    [
        pytest.param(b"grant_type=authorization_code&grant_type=refresh_token", "application/x-www-form-urlencoded",
                     400, "Parameter (grant_type) is included more than once", id="duplicate"),
        pytest.param(b"grant_type=authorization_code&code=%ff", "application/x-www-form-urlencoded", 400,
                     "The request body is not valid UTF-8 form data", id="not-utf8"),
        pytest.param(b'{"grant_type": "authorization_code"}', "application/json", 400,
                     "The request body must be application/x-www-form-urlencoded", id="json"),
        pytest.param(b"code=" + b"x" * 70_000, "application/x-www-form-urlencoded", 413,
                     "The request body is larger than 65536 bytes", id="too-large"),
    ],
)
def test_malformed_bodies(anaf, body: bytes, content_type: str, status: int, description: str) -> None:
    before = anaf.counts()
    answer = anaf.client.post(TOKEN, data=body, content_type=content_type, headers=anaf.basic)
    assert_error(answer, status, "invalid_request", description)
    assert anaf.counts() == before


def test_code_bound_to_redirect_uri(anaf) -> None:
    code = anaf.code()
    answer = anaf.token(exchange(anaf, code, redirect_uri=anaf.second_callback))
    assert_error(answer, 400, "invalid_grant", "redirect_uri does not match the one used in the authorization request")
    answer = anaf.token({"grant_type": "authorization_code", "code": code})
    # A missing parameter is invalid_request (RFC 6749 §5.2), not a problem of the grant.
    assert_error(answer, 400, "invalid_request", "Required parameter (redirect_uri) is missing")
    assert anaf.token(exchange(anaf, code)).status_code == 200


def test_code_bound_to_client(anaf) -> None:
    other = anaf.register(name="other-app")
    code = anaf.code()
    raw = f"{other['clientId']}:{other['clientSecret']}".encode()
    answer = anaf.token(exchange(anaf, code), headers=basic(raw))
    assert_error(answer, 400, "invalid_grant", "The authorization code was issued to another client")
    assert anaf.token(exchange(anaf, code)).status_code == 200


def test_code_expires_after_60_seconds(anaf) -> None:
    code = anaf.code()
    anaf.advance(60)
    assert_error(anaf.token(exchange(anaf, code)), 400, "invalid_grant", "The authorization code has expired")


def test_code_replay_revokes_what_it_issued(anaf) -> None:
    code = anaf.code()
    first = anaf.token(exchange(anaf, code)).get_json()
    assert anaf.hello(first["access_token"]).status_code == 200
    answer = anaf.token(exchange(anaf, code))
    assert_error(answer, 400, "invalid_grant",
                 "The authorization code was already used; the tokens issued from it are revoked")
    assert anaf.hello(first["access_token"]).status_code == 403
    refresh = anaf.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert_error(refresh, 400, "invalid_grant", "The refresh token was already used or revoked")


def test_replay_with_another_redirect_uri_is_still_a_replay(anaf) -> None:
    code = anaf.code()
    first = anaf.token(exchange(anaf, code)).get_json()
    answer = anaf.token(exchange(anaf, code, redirect_uri=anaf.second_callback))
    assert_error(answer, 400, "invalid_grant",
                 "The authorization code was already used; the tokens issued from it are revoked")
    assert anaf.hello(first["access_token"]).status_code == 403


def test_huge_client_id_keeps_the_message_readable(anaf) -> None:
    answer = anaf.token(exchange(anaf, "x"), headers=basic(b"c" * 5000 + b":secret"))
    description = answer.get_json()["error_description"]
    assert answer.status_code == 401 and description.startswith("Invalid client_id (ccc")
    assert description.endswith("ccc)") and "..." in description and len(description) < 200


def test_refresh_rotates(anaf) -> None:
    first = anaf.tokens()
    answer = anaf.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    second = answer.get_json()
    assert second["token_type"] == "Bearer" and second["expires_in"] == 7_776_000
    assert second["access_token"] != first["access_token"] and second["refresh_token"] != first["refresh_token"]
    assert second["access_token"].count(".") == 2  # the grant was JWT, so is its refresh
    assert anaf.hello(second["access_token"]).status_code == 200
    before = anaf.counts()
    again = anaf.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert_error(again, 400, "invalid_grant", "The refresh token was already used or revoked")
    assert anaf.counts() == before


def test_access_token_is_not_a_refresh_token(anaf) -> None:
    first = anaf.tokens()
    answer = anaf.token({"grant_type": "refresh_token", "refresh_token": first["access_token"]})
    assert_error(answer, 400, "invalid_grant", "Invalid refresh token")


def test_refresh_token_of_another_client(anaf) -> None:
    first = anaf.tokens()
    other = anaf.register(name="other-app")
    raw = f"{other['clientId']}:{other['clientSecret']}".encode()
    answer = anaf.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, headers=basic(raw))
    assert_error(answer, 400, "invalid_grant", "The refresh token was issued to another client")


def test_refresh_token_expires_after_its_lifetime(anaf) -> None:
    first = anaf.tokens()
    anaf.advance(31_536_000)
    answer = anaf.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert_error(answer, 400, "invalid_grant", "The refresh token has expired")


def test_configured_lifetimes(anaf_with) -> None:
    short = anaf_with(access_token_lifetime=600, refresh_token_lifetime=1200, code_lifetime=5)
    body = short.tokens()
    assert body["expires_in"] == 600
    claims: dict[str, Any] = jwt.decode(body["refresh_token"], KeySet.import_key_set(
        short.client.get("/anaf-oauth2/v1/jwks").get_json()), algorithms=["RS512"]).claims
    assert claims["exp"] - claims["iat"] == 1200
    code = short.code()
    short.advance(5)
    assert short.token(exchange(short, code)).get_json()["error"] == "invalid_grant"


def test_get_is_not_allowed(anaf) -> None:
    answer = anaf.client.get(TOKEN)
    assert answer.status_code == 405 and answer.get_json()["error"] == "method_not_allowed"
