"""The OAuth calls that take a form (the certificate prompt's answer, token, revoke) as functions of their input.

Form values and the `Authorization` header go in, an ``Answer`` (status, headers, body bytes) comes out,
and errors are raised as RFC 6749 errors for ``error_answer``. No Flask here: the Flask routes in
``oauth.py`` and the WSGI layer in ``hot_paths.py`` both call these, so there is one answer per request
whichever of them takes it. Facts for the journal go to a ``note`` callable (never a secret).
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, replace
from html import escape
from typing import Any, Callable, Mapping

from authlib.oauth2.base import OAuth2Error

from mock_anaf import params, redirects
from mock_anaf.authorization import parse_authorize, parse_decision
from mock_anaf.errors import AccessDenied, InvalidClient, InvalidRequest, UnsupportedGrantType, quoted
from mock_anaf.grants import Grants, TokenPair
from mock_anaf.registry import Registry
from mock_anaf.records import AppRecord
from mock_anaf.store import Store

# The Flask routes' logger: the same lines whichever layer answers.
log = logging.getLogger("mock_anaf.oauth")

Note = Callable[..., None]
# RFC 6749 §5.1: token responses, and anything carrying a code, must not be cached.
NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status code, headers (Content-Length excluded) and body.

    ``after`` is work for once the answer is out (WSGI's ``close()``), while the client reads it.
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    after: Callable[[], None] | None = None


def json_answer(status: int, value: Any, headers: list[tuple[str, str]] | None = None) -> Answer:
    """``value`` as JSON, byte for byte what Flask's ``jsonify`` writes (compact, ASCII, a final newline)."""
    body = json.dumps(value, ensure_ascii=True, separators=(",", ":")) + "\n"
    return Answer(status, [("Content-Type", JSON_TYPE), *(headers or [])], body.encode("ascii"))


def redirect_answer(location: str) -> Answer:
    """A 302 to ``location`` with werkzeug's short HTML body, not cacheable (it may carry a code)."""
    html = escape(location)
    page = ("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
            "<p>You should be redirected automatically to the target URL: "
            f'<a href="{html}">{html}</a>. If not, click the link.\n')
    return Answer(302, [("Content-Type", HTML_TYPE), ("Location", location), *NO_STORE], page.encode("utf-8"))


def error_answer(exc: OAuth2Error) -> Answer:
    """RFC 6749 §5.2 JSON (no-store), or a 302 back to a trusted redirect_uri (§4.1.2.1)."""
    if exc.redirect_uri:
        pairs: list[tuple[str, str | None]] = [("error", exc.error)]
        if not isinstance(exc, AccessDenied):
            pairs.append(("error_description", exc.get_error_description()))
        pairs.append(("state", exc.state))
        location = redirects.with_params(exc.redirect_uri, pairs)
        return Answer(302, [("Content-Type", HTML_TYPE), ("Location", location), ("Cache-Control", "no-store")], b"")
    body = {"error": exc.error}
    if exc.get_error_description():
        body["error_description"] = exc.get_error_description()
    return json_answer(exc.status_code, body, [h for h in exc.get_headers() if h[0] != "Content-Type"])


def server_error_answer() -> Answer:
    """What an unexpected failure answers: a generic 500 in OAuth's shape (the traceback goes to the log)."""
    return json_answer(500, {"error": "server_error", "error_description": "Internal server error"})


def token_content_type(form: Mapping[str, str]) -> bool:
    """True for `token_content_type=jwt`; absent means opaque; anything else is invalid_request."""
    value = form.get("token_content_type")
    if value not in (None, "jwt"):
        raise InvalidRequest(f"Unsupported value for token_content_type ({quoted(str(value))}); use jwt or omit it")
    return value == "jwt"


def token_body(pair: TokenPair) -> dict[str, Any]:
    """RFC 6749 §5.1, as ANAF answers: Bearer tokens, `expires_in` = the access token's lifetime."""
    return {
        "access_token": pair.access.value,
        "refresh_token": pair.refresh.value,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
    }


class OAuthCalls:
    """The certificate prompt's answer, the token endpoint and revocation, over the grants and the registry."""

    def __init__(self, store: Store, registry: Registry, grants: Grants, strict_client_auth: bool) -> None:
        self.store = store
        self.registry = registry
        self.grants = grants
        self.strict_client_auth = strict_client_auth

    def decide(self, values: dict[str, list[str]], note: Note) -> Answer:
        """The user's choice on the certificate prompt: 302 to the redirect_uri with a code or an error.

        ``values`` are the form's fields without the CSRF token (checked by the caller for a browser).
        """
        decision_fields = {k: values.pop(k) for k in ("decision", "identity") if k in values}
        client_id = values.get("client_id", [None])[0]
        if client_id:
            note(client_id=client_id[:200])
        req = parse_authorize(values, self.store.get_app)
        decision, identity = parse_decision(decision_fields, self.store.get_identity)
        if decision == "deny" or identity is None:
            note(error="access_denied")
            return redirect_answer(redirects.with_params(req.redirect_uri,
                                                         [("error", "access_denied"), ("state", req.state)]))
        code = self.grants.issue_code(req.app, req.redirect_uri, identity, req.want_jwt)
        log.info("authorization code issued to client %s for certificate %s", req.app.client_id, identity.serial)
        answer = redirect_answer(redirects.with_params(req.redirect_uri, [("code", code), ("state", req.state)]))
        if not req.want_jwt:
            return answer  # opaque tokens cost nothing to make: nothing to prepare
        # While the client follows the redirect, the exchange's two signatures are made (see prepare_tokens).
        return replace(answer, after=functools.partial(self.grants.prepare_tokens, code, req.app, identity))

    def token(self, form: dict[str, str], authorization: str | None, note: Note) -> Answer:
        """Exchange a code, or rotate a refresh token; client auth by HTTP Basic (or body unless strict)."""
        if "grant_type" in form:
            note(grant_type=form["grant_type"][:50])
        app = self.authenticate(form, authorization, note)
        grant_type = form.get("grant_type")
        want_jwt = token_content_type(form)
        if grant_type is None:
            raise InvalidRequest("Required parameter (grant_type) is missing")
        if grant_type == "authorization_code":
            code = form.get("code")
            if code is None:
                raise InvalidRequest("Required parameter (code) is missing")
            redirect_uri = form.get("redirect_uri")
            if redirect_uri is None:  # always sent to authorize here, so required (RFC 6749 §4.1.3)
                raise InvalidRequest("Required parameter (redirect_uri) is missing")
            pair = self.grants.exchange_code(app, code, redirect_uri, want_jwt)
        elif grant_type == "refresh_token":
            refresh_token = form.get("refresh_token")
            if refresh_token is None:
                raise InvalidRequest("Required parameter (refresh_token) is missing")
            pair = self.grants.refresh(app, refresh_token, want_jwt)
        else:
            raise UnsupportedGrantType(
                f"Unsupported grant_type ({quoted(grant_type)}); use authorization_code or refresh_token")
        log.info("tokens issued to client %s (grant_type=%s)", app.client_id, grant_type)
        return json_answer(200, token_body(pair), NO_STORE)

    def revoke(self, form: dict[str, str], authorization: str | None, note: Note) -> Answer:
        """RFC 7009: 200 whether or not the token was known; the token stops working."""
        if "grant_type" in form:
            note(grant_type=form["grant_type"][:50])
        app = self.authenticate(form, authorization, note)
        value = form.get("token")
        if value is None:
            raise InvalidRequest("Required parameter (token) is missing")
        self.grants.revoke(app, value)
        return Answer(200, [("Content-Type", HTML_TYPE), *NO_STORE], b"")

    def authenticate(self, form: Mapping[str, str], authorization: str | None, note: Note) -> AppRecord:
        """The app whose credentials came with the call (RFC 6749 §2.3.1), or invalid_client."""
        creds = params.client_credentials(authorization, form, allow_body=not self.strict_client_auth)
        note(client_id=creds.client_id[:200])
        app = self.registry.authenticate(creds.client_id, creds.client_secret)
        if app is None:
            if self.store.get_app(creds.client_id) is None:
                raise InvalidClient(f"Invalid client_id ({quoted(creds.client_id)})")
            raise InvalidClient("Client authentication (client_secret) failed")
        return app
