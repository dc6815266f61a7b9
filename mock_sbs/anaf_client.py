"""How mock SBS talks to (mock) ANAF: token endpoint, revoke, TestOauth hello and the portal API.

`AnafGateway` is the Protocol the flow logic depends on (the calls SBS makes to ANAF); `HttpAnafGateway`
is the real one (requests, HTTP Basic client authentication as ANAF expects). Every outgoing call is journaled as
`direction="out"` with its URL stripped of the query, the client id and grant type, never a secret,
code or token.
"""
from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from foundation import anaf
from foundation.journal import Journal

from mock_sbs.errors import AnafError
from mock_sbs.model import ClientSecret

PORTAL_APPS_PATH = "/portal/api/apps"
DEFAULT_REFRESH_LIFETIME = 365 * 24 * 3600


class ThreadSessions:
    """One keep-alive requests session per thread, for SBS's calls to (mock) ANAF."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            # Mock ANAF is at a configured address: no proxy or netrc lookups from the environment per call.
            session.trust_env = False
        return session


@dataclass(frozen=True)
class TokenGrant:
    """What ANAF's token endpoint gave: tokens and how long they live, in seconds from now."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: float
    refresh_expires_in: float


@dataclass(frozen=True)
class HelloAnswer:
    """The TestOauth answer: HTTP status and body text."""

    status: int
    body: str
    url: str


class AnafGateway(Protocol):
    """The calls mock SBS makes to ANAF."""

    def exchange_code(self, client: ClientSecret, code: str, redirect_uri: str) -> TokenGrant:
        """The authorization code grant at ANAF's token endpoint."""

    def refresh(self, client: ClientSecret, refresh_token: str) -> TokenGrant:
        """The refresh token grant at ANAF's token endpoint (ANAF rotates the refresh token)."""

    def revoke(self, client: ClientSecret | None, token: str, token_type_hint: str) -> None:
        """Revoke a token at ANAF (RFC 7009)."""

    def hello(self, access_token: str, name: str) -> HelloAnswer:
        """TestOauth hello with a Bearer access token."""

    def register_app(self, name: str, callbacks: list[str], services: list[str], developer: str) -> ClientSecret:
        """Register an OAuth app at ANAF's portal API; its client id and secret."""


class HttpAnafGateway:
    """AnafGateway over HTTP with one keep-alive session per thread."""

    def __init__(self, oauth_url: str, api_url: str, journal: Journal, timeout: float = 10.0) -> None:
        self.oauth_url = oauth_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.journal = journal
        self.timeout = timeout
        self._sessions = ThreadSessions()

    def exchange_code(self, client: ClientSecret, code: str, redirect_uri: str) -> TokenGrant:
        """RFC 6749 §4.1.3 at ANAF: the code, the same redirect_uri, the client in HTTP Basic."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "token_content_type": "jwt"}
        return self._token(client, form)

    def refresh(self, client: ClientSecret, refresh_token: str) -> TokenGrant:
        """RFC 6749 §6 at ANAF; ANAF rotates the refresh token too."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "token_content_type": "jwt"}
        return self._token(client, form)

    def revoke(self, client: ClientSecret | None, token: str, token_type_hint: str) -> None:
        """RFC 7009 revocation; raises AnafError when ANAF does not answer 200."""
        auth = None if client is None else (client.client_id, client.client_secret)
        response = self._call("POST", self.oauth_url + anaf.REVOKE_PATH, client_id=client and client.client_id,
                              data={"token": token, "token_type_hint": token_type_hint}, auth=auth)
        if response.status_code != 200:
            raise _anaf_error(response, "revoke")

    def hello(self, access_token: str, name: str) -> HelloAnswer:
        """`GET /TestOauth/jaxrs/hello?name=...` with the Bearer token: proof that the token works."""
        url = self.api_url + anaf.HELLO_PATH
        response = self._call("GET", url, params={"name": name}, headers={"Authorization": f"Bearer {access_token}"})
        return HelloAnswer(response.status_code, response.text[:2000], url)

    def register_app(self, name: str, callbacks: list[str], services: list[str], developer: str) -> ClientSecret:
        """Register an OAuth app at ANAF's portal JSON API (used for SBS's own implicit app)."""
        body = {"name": name, "callbacks": callbacks, "services": services, "developer": developer}
        response = self._call("POST", self.oauth_url + PORTAL_APPS_PATH, json=body)
        if response.status_code not in (200, 201):
            raise _anaf_error(response, "register the SBS-managed app")
        data = response.json()
        return ClientSecret(data["clientId"], data["clientSecret"], callbacks[0])

    def _token(self, client: ClientSecret, form: dict[str, str]) -> TokenGrant:
        response = self._call("POST", self.oauth_url + anaf.TOKEN_PATH, client_id=client.client_id,
                              grant_type=form["grant_type"], data=form, auth=(client.client_id, client.client_secret))
        if response.status_code != 200:
            raise _anaf_error(response, form["grant_type"])
        try:
            data = response.json()
            return TokenGrant(data["access_token"], data["refresh_token"], float(data.get("expires_in", 0)),
                              refresh_lifetime(data["refresh_token"]))
        except (ValueError, KeyError, TypeError):
            raise AnafError("mock ANAF's token endpoint answered 200 without access_token and refresh_token",
                            anafError="invalid_response", anafErrorDescription=None) from None

    def _call(self, method: str, url: str, client_id: str | None = None, grant_type: str | None = None,
              **kwargs: Any) -> requests.Response:
        session = self._sessions.get()
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.journal.record(method=method, path=url, status=0, direction="out", target="anaf",
                                client_id=client_id, grant_type=grant_type, error=type(exc).__name__,
                                duration_ms=(time.perf_counter() - started) * 1000)
            raise AnafError(f"mock ANAF at {self.oauth_url} could not be reached ({type(exc).__name__})",
                            anafError="unreachable", anafErrorDescription=None) from None
        error = None
        if response.status_code >= 400:
            error = _error_body(response).get("error")
        self.journal.record(method=method, path=url, status=response.status_code, direction="out", target="anaf",
                            client_id=client_id, grant_type=grant_type, error=error,
                            duration_ms=(time.perf_counter() - started) * 1000)
        return response


def refresh_lifetime(refresh_token: str) -> float:
    """Seconds a refresh token lives: `exp - iat` of a JWT refresh token, else ANAF's documented 365 days.

    Read without verifying the signature: SBS only uses it to show and plan, ANAF decides validity.
    """
    parts = refresh_token.split(".")
    if len(parts) == 3:
        try:
            payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
            lifetime = float(payload["exp"]) - float(payload["iat"])
            if lifetime > 0:
                return lifetime
        except (ValueError, KeyError, TypeError):
            pass
    return float(DEFAULT_REFRESH_LIFETIME)


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _anaf_error(response: requests.Response, what: str) -> AnafError:
    body = _error_body(response)
    error = str(body.get("error") or f"http_{response.status_code}")
    description = body.get("error_description")
    text = f"mock ANAF refused {what}: {error}"
    if description:
        text += f" ({description})"
    return AnafError(text, anafError=error, anafErrorDescription=description, anafStatus=response.status_code)
