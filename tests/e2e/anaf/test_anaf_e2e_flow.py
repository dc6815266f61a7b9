"""The whole authorization-code flow over HTTP, hop by hop, as a browser and a client app walk it."""
from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet


def test_full_flow_every_hop(anaf) -> None:
    browser = requests.Session()
    authorize = f"{anaf.url}/anaf-oauth2/v1/authorize"
    params = {"response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback,
              "state": "xyz-1", "token_content_type": "jwt"}

    # 1. The client app sends the browser to the certificate prompt.
    page = browser.get(authorize, params=params, allow_redirects=False, timeout=10)
    assert page.status_code == 200 and "Selectați un certificat" in page.text
    assert "anaf_portal_session" in browser.cookies
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    assert {k: form[k] for k in params} == params

    # 2. The person picks a certificate; the browser posts the page's form (same origin, with its token).
    answer = browser.post(authorize, data={**form, "identity": anaf.serial, "decision": "allow"},
                          headers={"Origin": anaf.url}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(anaf.callback + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz-1"] and set(query) == {"code", "state"}

    # 3. The client app exchanges the code with HTTP Basic.
    tokens = anaf.exchange(query["code"][0])
    assert tokens.status_code == 200 and tokens.headers["Cache-Control"] == "no-store"
    body = tokens.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7_776_000
    keys = KeySet.import_key_set(requests.get(f"{anaf.url}/anaf-oauth2/v1/jwks", timeout=10).json())
    claims = jwt.decode(body["access_token"], keys, algorithms=["RS512"]).claims
    assert claims["clientappid"] == anaf.client_id and claims["serial"] == anaf.serial

    # 4. The token opens the TestOauth API.
    hello = anaf.hello(body["access_token"])
    assert hello.status_code == 200 and hello.text == 'Hello, "e2e"'

    # 5. Refresh rotates; the old refresh token is spent.
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    spent = anaf.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"

    # 6. Revoking the new refresh token ends the grant.
    revoked = requests.post(f"{anaf.url}/anaf-oauth2/v1/revoke", data={"token": new["refresh_token"]},
                            headers=anaf.basic, timeout=10)
    assert revoked.status_code == 200
    assert anaf.hello(new["access_token"]).status_code == 403


def test_cancel_on_the_certificate_page(anaf) -> None:
    browser = requests.Session()
    authorize = f"{anaf.url}/anaf-oauth2/v1/authorize"
    page = browser.get(authorize, allow_redirects=False, timeout=10, params={
        "response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback, "state": "s9"})
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    answer = browser.post(authorize, data={**form, "decision": "deny"}, headers={"Origin": anaf.url},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"] == f"{anaf.callback}?error=access_denied&state=s9"


def test_unregistered_redirect_is_never_followed(anaf) -> None:
    answer = requests.get(f"{anaf.url}/anaf-oauth2/v1/authorize", allow_redirects=False, timeout=10, params={
        "response_type": "code", "client_id": anaf.client_id, "redirect_uri": "https://evil.example/cb"})
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.json() == {"error": "invalid_request", "error_description":
                             "Redirect-URI (https://evil.example/cb) does not match with client app configuration."}


def test_the_tokens_are_signed_while_the_client_follows_the_redirect(anaf, monkeypatch) -> None:
    services = anaf.app.extensions["mock_anaf"]
    key, grants, kinds, prepared = services.key, services.grants, [], threading.Event()
    sign, prepare, now = key.sign, grants.prepare_tokens, services.clock.now()
    monkeypatch.setattr(services.clock, "now", lambda: now)  # a pair signed ahead is good within its second

    def noting_sign(claims: dict[str, Any]) -> str:
        kinds.append(claims["token_type"])
        return sign(claims)

    def noting_prepare(*args: Any) -> None:
        prepare(*args)
        prepared.set()

    monkeypatch.setattr(key, "sign", noting_sign)
    monkeypatch.setattr(grants, "prepare_tokens", noting_prepare)
    code = anaf.code()  # the 302 is read: the server signs after sending it
    assert prepared.wait(10)
    assert "access" in kinds  # the refresh JWT may still be being signed beside it
    answer = anaf.exchange(code)
    assert answer.status_code == 200 and sorted(kinds) == ["access", "refresh"]  # nothing signed at the exchange
    assert anaf.hello(answer.json()["access_token"]).status_code == 200
