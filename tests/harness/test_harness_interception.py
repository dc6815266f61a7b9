"""In-process interception: code that calls ANAF's real URLs with `requests` talks to mock ANAF, no sockets."""
from __future__ import annotations

import gc
import socket
import weakref
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from sandbox.interception import UnmatchedRequest, intercept_anaf
from tests.support.local_server import answering

CALLBACK = "https://erp.example.test/anaf/callback"


class AnafOAuthClient:
    """A team's own ANAF client, as it would ship: ANAF's production URLs hard-wired, `requests` underneath."""

    AUTHORIZE = "https://logincert.anaf.ro/anaf-oauth2/v1/authorize"
    TOKEN = "https://logincert.anaf.ro/anaf-oauth2/v1/token"
    HELLO = "https://api.anaf.ro/TestOauth/jaxrs/hello"

    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.http = requests.Session()

    def authorization_url(self, state: str) -> str:
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                 "token_content_type": "jwt", "state": state}
        return f"{self.AUTHORIZE}?{urlencode(query)}"

    def _token(self, **form: str) -> dict[str, Any]:
        response = self.http.post(self.TOKEN, data=form, auth=(self.client_id, self.client_secret), timeout=10)
        response.raise_for_status()
        return response.json()

    def exchange(self, code: str) -> dict[str, Any]:
        return self._token(grant_type="authorization_code", code=code, redirect_uri=self.redirect_uri,
                           token_content_type="jwt")

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        return self._token(grant_type="refresh_token", refresh_token=refresh_token)

    def hello(self, access_token: str, name: str) -> requests.Response:
        return self.http.get(self.HELLO, params={"name": name}, headers={"Authorization": f"Bearer {access_token}"},
                             timeout=10)


@pytest.fixture()
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a socket connection was attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_a_client_library_completes_a_flow_refreshes_and_calls_testoauth(anaf_intercept, no_sockets) -> None:
    app = anaf_intercept.register_app([CALLBACK], name="erp-client")
    client = AnafOAuthClient(app.client_id, app.client_secret, CALLBACK)

    # The browser step: the certificate prompt renders at ANAF's real URL, then the user allows.
    page = client.http.get(client.authorization_url("s-123"), timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    serial = anaf_intercept.identities()[0]["serial"]
    assert serial in page.text
    answer = anaf_intercept.authorize(app, CALLBACK, identity=serial, state="s-123")
    assert (answer.status, answer.redirect_base, answer.state, answer.error) == (302, CALLBACK, "s-123", None)

    tokens = client.exchange(answer.code)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 7776000
    hello = client.hello(tokens["access_token"], "erp")
    assert (hello.status_code, hello.text) == (200, 'Hello, "erp"')

    rotated = client.refresh(tokens["refresh_token"])
    assert rotated["access_token"] != tokens["access_token"]
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert client.hello(rotated["access_token"], "again").text == 'Hello, "again"'
    with pytest.raises(requests.HTTPError) as replay:
        client.refresh(tokens["refresh_token"])
    assert replay.value.response.status_code == 400
    assert replay.value.response.json()["error"] == "invalid_grant"

    paths = [(e["method"], e["path"], e["status"], e["grant_type"]) for e in anaf_intercept.journal("/anaf-oauth2")]
    assert paths == [
        ("GET", "/anaf-oauth2/v1/authorize", 200, None),
        ("POST", "/anaf-oauth2/v1/authorize", 302, None),
        ("POST", "/anaf-oauth2/v1/token", 200, "authorization_code"),
        ("POST", "/anaf-oauth2/v1/token", 200, "refresh_token"),
        ("POST", "/anaf-oauth2/v1/token", 400, "refresh_token"),
    ]
    journal_text = str(anaf_intercept.journal())
    for secret in (app.client_secret, answer.code, tokens["refresh_token"], rotated["access_token"]):
        assert secret not in journal_text


def test_the_app_sees_anafs_host_and_https(anaf_intercept) -> None:
    metadata = requests.get("https://logincert.anaf.ro/.well-known/oauth-authorization-server", timeout=10).json()
    assert metadata["issuer"] == "https://logincert.anaf.ro"
    assert metadata["token_endpoint"] == "https://logincert.anaf.ro/anaf-oauth2/v1/token"


def test_clock_and_faults_reach_the_client(anaf_intercept) -> None:
    app = anaf_intercept.register_app([CALLBACK])
    client = AnafOAuthClient(app.client_id, app.client_secret, CALLBACK)
    tokens = anaf_intercept.login(app)

    anaf_intercept.inject_fault("token", "server_error")
    with pytest.raises(requests.HTTPError) as failed:
        client.refresh(tokens["refresh_token"])
    assert failed.value.response.status_code == 500
    assert client.refresh(tokens["refresh_token"])["token_type"] == "Bearer"  # one-shot: the next call works

    code = anaf_intercept.authorize(app).code
    anaf_intercept.advance_clock(61)  # codes live 60 s
    with pytest.raises(requests.HTTPError) as expired:
        client.exchange(code)
    assert expired.value.response.json()["error"] == "invalid_grant"


def test_an_unmatched_url_raises_naming_it() -> None:
    with intercept_anaf() as anaf:
        with pytest.raises(UnmatchedRequest) as raised:
            requests.get("https://webservicesp.anaf.ro/PlatitorTvaRest/api/v8/ws/tva?key=k", timeout=5)
        message = str(raised.value)
        assert "GET https://webservicesp.anaf.ro/PlatitorTvaRest/api/v8/ws/tva" in message
        assert "key=k" not in message  # a query string may carry a secret
        with pytest.raises(UnmatchedRequest, match="logincert.anaf.ro.example.test"):
            requests.get("https://logincert.anaf.ro.example.test/anaf-oauth2/v1/token", timeout=5)
        anaf.unmatched.clear()


def test_a_swallowed_unmatched_call_still_fails_the_block() -> None:
    with pytest.raises(UnmatchedRequest, match="POST http://127.0.0.1:9/hook"):
        with intercept_anaf():
            try:
                requests.post("http://127.0.0.1:9/hook", timeout=5)
            except requests.ConnectionError:
                pass  # a client library that retries or logs and moves on


def test_passthrough_lets_a_local_server_answer() -> None:
    with answering("local") as url:
        with intercept_anaf(passthrough=[url]) as anaf:
            assert requests.get(f"{url}/ping", timeout=5).text == "local"
            assert anaf.identities()  # ANAF is still answered in-process


def test_config_fields_reach_the_in_process_app() -> None:
    with intercept_anaf(strict_client_auth=True) as anaf:
        app = anaf.register_app([CALLBACK])
        code = anaf.authorize(app).code
        body_auth = requests.post(AnafOAuthClient.TOKEN, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": app.client_id, "client_secret": app.client_secret}, timeout=5)
        assert body_auth.status_code == 401 and body_auth.json()["error"] == "invalid_client"
        assert "access_token" in anaf.exchange_code(app, code)


def test_a_denied_prompt_redirects_with_access_denied(anaf_intercept) -> None:
    app = anaf_intercept.register_app([CALLBACK])
    answer = anaf_intercept.authorize(app, decision="deny", state="st")
    assert (answer.status, answer.redirect_base, answer.code, answer.error, answer.state) == (
        302, CALLBACK, None, "access_denied", "st")
    assert parse_qs(urlsplit(answer.location or "").query).keys() == {"error", "state"}


def test_joins_a_responses_mock_the_test_already_has() -> None:
    import responses

    with responses.RequestsMock() as rsps:
        rsps.get("https://rates.example.test/eur", json={"ron": 4.97})
        with intercept_anaf(mock=rsps) as anaf:
            assert requests.get("https://rates.example.test/eur", timeout=5).json() == {"ron": 4.97}
            assert anaf.identities()
        with pytest.raises(requests.ConnectionError):  # ANAF's hosts left with the block
            requests.get("https://logincert.anaf.ro/portal/api/identities", timeout=5)


def test_redirects_are_followed_and_cookies_kept_as_from_the_network(no_sockets) -> None:
    with intercept_anaf():
        browser = requests.Session()
        page = browser.get("https://logincert.anaf.ro/portal/profil-oauth", timeout=5)
        assert [r.status_code for r in page.history] == [302]
        assert page.url == "https://logincert.anaf.ro/portal/autentificare"
        # The message is kept in the session cookie set on the 302: it shows only if the cookie came back.
        assert "Autentificați-vă pentru a continua." in page.text
        assert [c.domain for c in browser.cookies] == ["logincert.anaf.ro"]


def test_a_streamed_answer_and_a_file_body(tmp_path) -> None:
    with intercept_anaf() as anaf:
        app = anaf.register_app([CALLBACK])
        code = anaf.authorize(app).code
        form = tmp_path / "form"
        form.write_bytes(urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                                    "token_content_type": "jwt"}).encode())
        with form.open("rb") as body:
            answer = requests.post(AnafOAuthClient.TOKEN, data=body, auth=(app.client_id, app.client_secret),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}, stream=True,
                                   timeout=5)
        assert answer.status_code == 200 and answer.reason == "OK"
        streamed = b"".join(answer.iter_content(64))
        assert streamed.startswith(b'{"access_token":"ey')


def test_calls_are_recorded_and_the_transport_is_restored_after_an_error() -> None:
    send = requests.adapters.HTTPAdapter.send
    with pytest.raises(ZeroDivisionError):
        with intercept_anaf() as anaf:
            anaf.identities()
            with pytest.raises(UnmatchedRequest):
                requests.get("https://example.test/x", timeout=5)
            calls = anaf.calls
            1 / 0
    assert requests.adapters.HTTPAdapter.send is send
    assert [(c.request.method, c.request.url, c.response is None) for c in calls] == [
        ("GET", "https://logincert.anaf.ro/portal/api/identities", False),
        ("GET", "https://example.test/x", True),
    ]
    assert calls[0].response.json()[0]["serial"]


def test_calls_still_held_are_the_callers_own_objects_and_the_rest_equal_copies() -> None:
    with intercept_anaf() as anaf:
        held = requests.get("https://logincert.anaf.ro/portal/api/identities", timeout=5)
        # A 302 that sets the session cookie, answered to a session that is then let go.
        dropped = requests.Session().get("https://logincert.anaf.ro/portal/profil-oauth", allow_redirects=False,
                                         timeout=5)
        seen = (dropped.status_code, dropped.reason, dict(dropped.headers), dropped.content, dropped.cookies.get_dict(),
                dropped.url, dropped.request.method, dropped.request.url, dict(dropped.request.headers))
        assert dropped.status_code == 302 and dropped.cookies
        gone = weakref.ref(dropped)
        del dropped
        gc.collect()
        assert gone() is None  # the block's record of a call keeps none of its objects alive
        first, second = anaf.calls
        assert first.response is held and first.request is held.request
        copy = second.response
        assert (copy.status_code, copy.reason, dict(copy.headers), copy.content, copy.cookies.get_dict(), copy.url,
                second.request.method, second.request.url, dict(second.request.headers)) == seen
        assert copy.request is second.request


def test_a_file_body_is_kept_as_the_bytes_that_were_sent(tmp_path) -> None:
    form = tmp_path / "form"
    form.write_bytes(b"grant_type=refresh_token&refresh_token=nope")
    with intercept_anaf() as anaf:
        with form.open("rb") as body:
            requests.post(AnafOAuthClient.TOKEN, data=body, auth=("nobody", "wrong"), timeout=5,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        gc.collect()
        (call,) = anaf.calls
    assert call.request.body == b"grant_type=refresh_token&refresh_token=nope"
    assert call.response.status_code == 401 and call.response.json()["error"] == "invalid_client"


def test_blocks_nest_each_with_its_own_mock_anaf() -> None:
    with intercept_anaf() as outer:
        app = outer.register_app([CALLBACK])
        with intercept_anaf() as inner:
            assert inner.app is not outer.app
            refused = requests.post(AnafOAuthClient.TOKEN, auth=(app.client_id, app.client_secret),
                                    data={"grant_type": "refresh_token", "refresh_token": "x"}, timeout=5)
            assert refused.json()["error"] == "invalid_client"  # the inner mock never saw the app
        assert requests.post(AnafOAuthClient.TOKEN, auth=(app.client_id, app.client_secret), timeout=5,
                             data={"grant_type": "refresh_token", "refresh_token": "x"}).json()["error"] == (
            "invalid_grant")  # the outer one is back, and knows the app
