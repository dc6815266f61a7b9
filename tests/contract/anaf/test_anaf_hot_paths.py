"""The sign-in calls answered beneath Flask (`mock_anaf.hot_paths`): Flask's answers exactly, and Flask still
takes every call that is not plain."""
from __future__ import annotations

import base64
import os
import re
import threading
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mock_anaf.hot_paths import HotPaths

AUTHORIZE = "/anaf-oauth2/v1/authorize"
TOKEN = "/anaf-oauth2/v1/token"
JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


@pytest.fixture()
def flask_calls(anaf, monkeypatch) -> list[str]:
    """The paths of the calls that reached the Flask app while the test ran."""
    hot = anaf.app.wsgi_app
    assert isinstance(hot, HotPaths)
    inner, seen = hot.flask, []

    def spy(environ: dict[str, Any], start_response: Any) -> Any:
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(hot, "flask", spy)
    return seen


def test_a_plain_sign_in_never_reaches_flask(anaf, flask_calls) -> None:
    tokens = anaf.tokens()
    refreshed = anaf.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200 and refreshed.get_json()["token_type"] == "Bearer"
    assert flask_calls == []


def test_errors_of_plain_calls_are_answered_without_flask_too(anaf, flask_calls) -> None:
    answer = anaf.token({"grant_type": "authorization_code", "code": "nope", "redirect_uri": anaf.callback})
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}
    assert answer.headers["Cache-Control"] == "no-store"
    assert flask_calls == []


def test_every_request_is_counted_while_answered_and_a_lone_sign_in_signs_side_by_side(anaf, monkeypatch) -> None:
    layer = anaf.app.wsgi_app
    inner, counts = layer.flask, []

    def spy(environ: dict[str, Any], start_response: Any) -> Any:
        counts.append(layer.occupancy.count)
        return inner(environ, start_response)

    monkeypatch.setattr(layer, "flask", spy)
    assert anaf.client.get("/healthz").status_code == 200
    assert counts == [1] and layer.occupancy.count == 0

    key, threads = anaf.app.extensions["mock_anaf"].key, {}
    sign = key.sign

    def noting_sign(claims: dict[str, Any]) -> str:
        threads[claims["token_type"]] = threading.current_thread().name
        return sign(claims)

    monkeypatch.setattr(key, "sign", noting_sign)
    assert JWT.fullmatch(anaf.tokens()["refresh_token"])
    assert threads["access"] == threading.current_thread().name
    # With one CPU there is no core to spare, and both are signed in turn.
    assert threads["refresh"].startswith("anaf-signing") == ((os.cpu_count() or 1) > 1)
    assert layer.occupancy.count == 0


@pytest.fixture()
def signatures(anaf, monkeypatch) -> list[str]:
    """The kind of every JWT mock ANAF signs while the test runs, its clock stopped (a pair signed ahead
    is issued only within the second it was signed in)."""
    clock, now = anaf.services.clock, anaf.services.clock.now()
    monkeypatch.setattr(clock, "now", lambda: now)
    key, kinds = anaf.services.key, []
    sign = key.sign

    def noting_sign(claims: dict[str, Any]) -> str:
        kinds.append(claims["token_type"])
        return sign(claims)

    monkeypatch.setattr(key, "sign", noting_sign)
    return kinds


def _browser_decision(anaf) -> Any:
    query = {"response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback, "state": "st-1",
             "token_content_type": "jwt"}
    page = anaf.client.get(AUTHORIZE, query_string=query).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return anaf.client.post(AUTHORIZE, data={**fields, "identity": anaf.serial, "decision": "allow"},
                            headers={"Origin": "http://localhost"})


@pytest.mark.parametrize("decide", [pytest.param(lambda a: a.authorize(), id="script"),
                                    pytest.param(_browser_decision, id="browser-form")])
def test_the_exchange_s_tokens_are_signed_once_the_code_is_out(anaf, signatures: list[str],
                                                                decide: Callable[[Any], Any]) -> None:
    with decide(anaf) as answer:  # closing the body is what a WSGI server does once it has sent it
        assert answer.status_code == 302
        assert signatures == []
    assert "access" in signatures  # the refresh JWT may still be being signed beside it
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback})
    assert tokens.status_code == 200 and sorted(signatures) == ["access", "refresh"]  # nothing signed again
    assert anaf.hello(tokens.get_json()["access_token"]).status_code == 200


def test_opaque_sign_ins_prepare_nothing(anaf, signatures: list[str]) -> None:
    with anaf.authorize(token_content_type=None) as answer:
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    assert signatures == []
    tokens = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback,
                         "token_content_type": "jwt"})
    assert tokens.status_code == 200 and sorted(signatures) == ["access", "refresh"]


def test_a_failure_after_the_answer_is_logged_and_the_exchange_signs_itself(anaf, signatures: list[str],
                                                                             monkeypatch, caplog) -> None:
    minter = anaf.services.grants.minter
    mint = minter.mint
    monkeypatch.setattr(minter, "mint", lambda *args: (_ for _ in ()).throw(RuntimeError("no entropy")))
    with anaf.authorize() as answer:
        assert answer.status_code == 302
    assert "work after the answer failed" in caplog.text
    monkeypatch.setattr(minter, "mint", mint)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback})
    assert tokens.status_code == 200 and sorted(signatures) == ["access", "refresh"]


def _fault(anaf, endpoint: str, error: str) -> None:
    assert anaf.client.post("/__admin/faults", json={"endpoint": endpoint, "error": error}).status_code == 201


@pytest.mark.parametrize("send, status, expected", [
    pytest.param(lambda a: a.client.post(AUTHORIZE, headers={"Origin": "https://evil.example"}, data={
        "response_type": "code", "client_id": a.client_id, "redirect_uri": a.callback, "identity": a.serial,
        "decision": "allow"}), 403, "csrf", id="browser-form-from-another-site"),
    pytest.param(lambda a: a.authorize(csrf_token="forged"), 403, "csrf", id="browser-form-with-a-forged-token"),
    pytest.param(lambda a: (_fault(a, "token", "temporarily_unavailable"), a.token({
        "grant_type": "refresh_token", "refresh_token": "x"}))[1], 503, "temporarily_unavailable", id="armed-fault"),
    pytest.param(lambda a: a.client.post(TOKEN, headers={**a.basic, "Host": "attacker.example"}, data={
        "grant_type": "refresh_token", "refresh_token": "x"}), 421, None, id="foreign-host"),
    pytest.param(lambda a: a.client.post(TOKEN, headers=a.basic, json={"grant_type": "refresh_token"}),
                 400, "invalid_request", id="json-body"),
    pytest.param(lambda a: a.client.post(TOKEN, data=b"grant_type=refresh_token&refresh_token=%ff",
                                         headers={**a.basic, "Content-Type": "application/x-www-form-urlencoded"}),
                 400, "invalid_request", id="not-utf8"),
    pytest.param(lambda a: a.client.post(TOKEN, headers=a.basic, data={
        "grant_type": "refresh_token", "refresh_token": "x" * 70_000}), 413, "invalid_request", id="too-large"),
])
def test_unusual_calls_go_to_flask(anaf, flask_calls, send: Callable[[Any], Any], status: int,
                                   expected: str | None) -> None:
    before = anaf.counts()
    answer = send(anaf)
    assert answer.status_code == status, answer.get_data(as_text=True)
    if expected is not None:
        assert answer.get_json()["error"] == expected
    assert flask_calls[-1] in (AUTHORIZE, TOKEN)
    assert anaf.counts() == before


# -- parity: the same call through the layer and through Flask alone gives the same answer --


def _prepare_code(anaf) -> dict[str, str]:
    return {"code": anaf.code()}


def _prepare_used_code(anaf) -> dict[str, str]:
    code = anaf.code()
    first = anaf.token({"grant_type": "authorization_code", "code": code, "redirect_uri": anaf.callback})
    assert first.status_code == 200
    return {"code": code}


def _prepare_refresh(anaf) -> dict[str, str]:
    return {"refresh_token": anaf.tokens()["refresh_token"]}


def _nothing(anaf) -> dict[str, str]:
    return {}


PARITY = [
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": a.serial}, False, id="allow"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "deny"}, False, id="deny"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": a.serial,
                                                    "grant_type": "authorization_code"}, False,
                 id="stray-grant-type-journaled"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": a.serial, "client_id": "nobody"},
                 False, id="unknown-client"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": a.serial,
                                                    "redirect_uri": "https://evil.example/cb"}, False,
                 id="unregistered-redirect"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": a.serial,
                                                    "response_type": "token"}, False, id="unsupported-response-type"),
    pytest.param(AUTHORIZE, _nothing, lambda a, p: {"decision": "allow", "identity": "NOSUCHSERIAL"}, False,
                 id="unknown-identity"),
    pytest.param(TOKEN, _prepare_code, lambda a, p: {"grant_type": "authorization_code", "code": p["code"],
                                                     "redirect_uri": a.callback}, True, id="code"),
    pytest.param(TOKEN, _prepare_code, lambda a, p: {"grant_type": "authorization_code", "code": p["code"],
                                                     "redirect_uri": a.second_callback}, True, id="other-redirect"),
    pytest.param(TOKEN, _prepare_used_code, lambda a, p: {"grant_type": "authorization_code", "code": p["code"],
                                                          "redirect_uri": a.callback}, True, id="replayed-code"),
    pytest.param(TOKEN, _prepare_refresh, lambda a, p: {"grant_type": "refresh_token",
                                                        "refresh_token": p["refresh_token"]}, True, id="refresh"),
    pytest.param(TOKEN, _nothing, lambda a, p: {"grant_type": "password"}, True, id="unsupported-grant"),
    pytest.param(TOKEN, _nothing, lambda a, p: {"code": "x"}, True, id="no-grant-type"),
    pytest.param(TOKEN, _nothing, lambda a, p: {"grant_type": "refresh_token", "refresh_token": "x",
                                                "client_id": a.client_id}, False, id="no-credentials"),
    pytest.param(TOKEN, _prepare_code, lambda a, p: {"grant_type": "authorization_code", "code": p["code"],
                                                     "redirect_uri": a.callback, "client_id": a.client_id,
                                                     "client_secret": a.client_secret}, False, id="secret-in-body"),
    pytest.param(TOKEN, _prepare_code, lambda a, p: {"grant_type": "authorization_code", "code": p["code"],
                                                     "redirect_uri": a.callback}, "wrong", id="wrong-secret"),
]


def _send(anaf, wsgi: Any, path: str, form: dict[str, str], basic: bool | str) -> tuple[str, list, str, dict]:
    fields = {"response_type": "code", "client_id": anaf.client_id, "redirect_uri": anaf.callback, "state": "st-9",
              "token_content_type": "jwt"} if path == AUTHORIZE else {}
    headers = {}
    if basic:
        secret = anaf.client_secret if basic is True else basic
        headers["Authorization"] = "Basic " + base64.b64encode(f"{anaf.client_id}:{secret}".encode()).decode()
    environ = EnvironBuilder(path=path, method="POST", headers=headers, data=urlencode({**fields, **form}),
                             content_type="application/x-www-form-urlencoded").get_environ()
    body_iter, status, got_headers = run_wsgi_app(wsgi, environ)
    body = b"".join(body_iter).decode()
    entry = anaf.services.journal.entries(limit=1)[0]
    return status, list(got_headers), body, entry


def _normal(answer: tuple[str, list, str, dict]) -> tuple[str, list, str, dict]:
    """An answer with its random parts (codes, tokens, timings) masked."""
    status, headers, body, entry = answer
    masked = sorted((k, re.sub(r"code=[^&]+", "code=<code>", v)) for k, v in headers if k != "Content-Length")
    body = re.sub(r"code=[^&\"<]+", "code=<code>", JWT.sub("<jwt>", body))
    entry = {k: v for k, v in entry.items() if k not in ("id", "time", "epoch", "duration_ms")}
    return status, masked, body, entry


@pytest.mark.parametrize("path, prepare, form, basic", PARITY)
def test_the_layer_answers_as_flask_would(anaf, path: str, prepare: Callable, form: Callable,
                                          basic: bool | str) -> None:
    hot = anaf.app.wsgi_app
    answers = []
    for wsgi in (hot, hot.flask):
        prepared = prepare(anaf)
        answers.append(_normal(_send(anaf, wsgi, path, form(anaf, prepared), basic)))
    assert answers[0] == answers[1]
    status = answers[0][0]
    assert status[:3].isdigit()
    if status.startswith("302"):
        assert any(k == "Location" for k, _ in answers[0][1])


def test_the_code_from_the_layer_works_at_flask_and_back(anaf) -> None:
    hot = anaf.app.wsgi_app
    status, headers, _, _ = _send(anaf, hot, AUTHORIZE, {"decision": "allow", "identity": anaf.serial}, False)
    code = parse_qs(urlsplit(dict(headers)["Location"]).query)["code"][0]
    status, _, body, entry = _send(anaf, hot.flask, TOKEN, {"grant_type": "authorization_code", "code": code,
                                                          "redirect_uri": anaf.callback}, True)
    assert status == "200 OK" and entry["client_id"] == anaf.client_id and entry["grant_type"] == "authorization_code"
    assert code not in body and len(JWT.findall(body)) == 2


def test_an_unexpected_failure_is_a_generic_500_with_the_traceback_only_in_the_log(anaf, flask_calls, monkeypatch,
                                                                                    caplog) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(anaf.services.store, "get_identity", boom)
    answer = anaf.authorize()
    assert answer.status_code == 500
    assert answer.get_json() == {"error": "server_error", "error_description": "Internal server error"}
    assert "database on fire" not in answer.get_data(as_text=True) and "database on fire" in caplog.text
    assert anaf.services.journal.entries(limit=1)[0]["error"] == "server_error"
    assert flask_calls == []
