"""The two calls of every sign-in, answered beneath Flask when nothing about them is unusual.

A test harness makes these calls thousands of times: the certificate prompt answered by a script
(`POST /anaf-oauth2/v1/authorize`) and the token call (`POST /anaf-oauth2/v1/token`). Flask's request
machinery (contexts, routing, form parsing, hooks, response objects) costs about as much as the OAuth
work itself, so this WSGI layer wraps the Flask app and answers those two itself, through the same
``OAuthCalls`` the Flask routes use, with the same headers and the same journal entry.

Everything unusual goes on to Flask untouched, its body put back: another host name, an armed fault,
a browser's form (Origin or CSRF token: Flask checks them), another content type, no Content-Length or
a large one, a body that is not UTF-8 form data. That choice is made before anything changes.
"""
from __future__ import annotations

import io
import logging
import time
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from authlib.oauth2.base import OAuth2Error
from werkzeug.http import HTTP_STATUS_CODES

from foundation import anaf, journal
from foundation.web import SECURITY_HEADERS, HostPolicy
from mock_anaf import csrf
from mock_anaf.oauth_calls import Answer, Note, error_answer, server_error_answer
from mock_anaf.params import FORM_TYPE, unique_params
from mock_anaf.services import Services
from mock_anaf.tokens import Occupancy

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Pairs = list[tuple[str, str]]
# An OAuth form is a few hundred bytes; a larger body takes Flask's way (and its 413 past the limit).
FORM_LIMIT = 64 * 1024


class HotPaths:
    """A WSGI app in front of mock ANAF's Flask app (``app.wsgi_app``) that answers the plain sign-in calls."""

    def __init__(self, flask_app: WsgiApp, services: Services, hosts: HostPolicy,
                 occupancy: Occupancy | None = None) -> None:
        self.flask = flask_app
        self._services = services
        self._hosts = hosts
        self.occupancy = occupancy or Occupancy()  # every request, counted while it is answered
        self._limit = min(FORM_LIMIT, services.config.max_body_bytes)
        # path → (fault endpoint, handler); a handler returns None to leave the call to Flask.
        self._calls: dict[str, tuple[str, Callable[[dict[str, Any], Pairs, Note], Answer | None]]] = {
            anaf.AUTHORIZE_PATH: ("authorize", self._decide),
            anaf.TOKEN_PATH: ("token", self._token),
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.occupancy:
            return self._answer(environ, start_response)

    def _answer(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        call = self._calls.get(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if call is None:
            return self.flask(environ, start_response)
        endpoint, handler = call
        pairs = self._plain_form(environ)
        if pairs is None or not self._hosts.allows(environ.get("HTTP_HOST")) or self._services.faults.armed(endpoint):
            return self.flask(environ, start_response)
        started = time.perf_counter()
        notes: dict[str, Any] = {}
        try:
            answer = handler(environ, pairs, notes.update)
        except OAuth2Error as exc:
            notes["error"] = exc.error
            answer = error_answer(exc)
        except Exception:  # as Flask's error handler: a generic 500, the traceback in the log
            log.exception("unexpected error on POST %s", environ["PATH_INFO"])
            notes["error"] = "server_error"
            answer = server_error_answer()
        if answer is None:
            return self.flask(environ, start_response)
        if "client_id" not in notes:  # what the journal's Flask hook finds when a route noted none
            notes["client_id"] = journal.client_id_of(environ.get("HTTP_AUTHORIZATION"),
                                                      lambda: _first(_query(environ), "client_id")
                                                      or _first(pairs, "client_id"))
        if "grant_type" not in notes:
            notes["grant_type"] = _first(pairs, "grant_type")
        self._services.journal.record(method="POST", path=environ["PATH_INFO"], status=answer.status,
                                      duration_ms=(time.perf_counter() - started) * 1000, **notes)
        headers = [*answer.headers, ("Content-Length", str(len(answer.body))), *SECURITY_HEADERS.items()]
        start_response(f"{answer.status} {HTTP_STATUS_CODES[answer.status].upper()}", headers)
        return [answer.body] if answer.after is None else ThenRun([answer.body], answer.after)

    def _plain_form(self, environ: dict[str, Any]) -> Pairs | None:
        """The form's fields when the body is a plain UTF-8 form of known, small length; else None.

        The body read is put back as ``wsgi.input``, so Flask can still read it when it takes the call.
        """
        if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != FORM_TYPE:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 <= length <= self._limit or "HTTP_TRANSFER_ENCODING" in environ:
            return None
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length:
            return None
        try:
            return parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return None

    def _decide(self, environ: dict[str, Any], pairs: Pairs, note: Note) -> Answer | None:
        """A script's answer to the certificate prompt; a browser's form is Flask's (CSRF)."""
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            values.setdefault(name, []).append(value)
        if "HTTP_ORIGIN" in environ or csrf.FIELD in values:
            return None
        return self._services.oauth.decide(values, note)

    def _token(self, environ: dict[str, Any], pairs: Pairs, note: Note) -> Answer:
        return self._services.oauth.token(unique_params(pairs), environ.get("HTTP_AUTHORIZATION"), note)


class ThenRun(list):  # type: ignore[type-arg]
    """A WSGI body (a list, so servers send it at once) whose ``close()`` runs ``after`` (PEP 3333)."""

    def __init__(self, chunks: list[bytes], after: Callable[[], None]) -> None:
        super().__init__(chunks)
        self._after: Callable[[], None] | None = after

    def close(self) -> None:
        after, self._after = self._after, None
        if after is not None:
            try:
                after()
            except Exception:  # the answer is out already; what was to be prepared is simply not ready
                log.exception("work after the answer failed")


def _query(environ: dict[str, Any]) -> Pairs:
    return parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)


def _first(pairs: Pairs, name: str) -> str | None:
    return next((value for key, value in pairs if key == name), None)
