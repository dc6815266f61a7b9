"""An in-memory ANAF for tests of mock SBS: the `AnafGateway` Protocol without HTTP.

It behaves like mock ANAF where SBS can tell: single-use codes bound to client and redirect_uri,
refresh-token rotation, client secrets checked, revocation, TestOauth answering 403 for a bad
token. ``calls`` records what SBS asked, by endpoint and client id.
"""
from __future__ import annotations

import hmac
import itertools
import threading
from dataclasses import dataclass, field

from foundation.clock import Clock

from foundation.anaf import HELLO_PATH
from mock_sbs.anaf_client import HelloAnswer, TokenGrant
from mock_sbs.errors import AnafError
from mock_sbs.model import ClientSecret

ACCESS_LIFETIME = 7_776_000
REFRESH_LIFETIME = 31_536_000


@dataclass(frozen=True)
class Call:
    """One call SBS made: endpoint (`token`, `revoke`, `hello`, `register`), client id and grant type."""

    endpoint: str
    client_id: str | None = None
    grant_type: str | None = None


@dataclass
class _Token:
    client_id: str
    kind: str
    expires_at: float
    revoked: bool = False


@dataclass
class FakeAnaf:
    """An AnafGateway double with ANAF's rules, driven by ``clock``."""

    clock: Clock
    apps: dict[str, ClientSecret] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    _tokens: dict[str, _Token] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))  # type: ignore[type-arg]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, client_id: str, client_secret: str, callback: str) -> ClientSecret:
        """Register an OAuth app, as a developer does on ANAF's portal."""
        self.apps[client_id] = ClientSecret(client_id, client_secret, callback)
        return self.apps[client_id]

    def authorize(self, client_id: str, redirect_uri: str) -> str:
        """What the certificate prompt does on "allow": a code for this client and redirect_uri."""
        code = f"code-{next(self._ids)}"
        self._codes[code] = (client_id, redirect_uri)
        return code

    def token_calls(self) -> list[tuple[str | None, str | None]]:
        """(client_id, grant_type) of every token-endpoint call, in order."""
        return [(c.client_id, c.grant_type) for c in self.calls if c.endpoint == "token"]

    # --- AnafGateway --------------------------------------------------------------------------------------

    def exchange_code(self, client: ClientSecret, code: str, redirect_uri: str) -> TokenGrant:
        """Redeem a code once, for the client and redirect_uri it was issued to."""
        with self._lock:
            self.calls.append(Call("token", client.client_id, "authorization_code"))
            self._check_client(client)
            bound = self._codes.pop(code, None)
            if bound != (client.client_id, redirect_uri):
                raise _error("invalid_grant", "The authorization code is invalid, used, or not for this client")
            return self._issue(client.client_id)

    def refresh(self, client: ClientSecret, refresh_token: str) -> TokenGrant:
        """Rotate a refresh token of this client."""
        with self._lock:
            self.calls.append(Call("token", client.client_id, "refresh_token"))
            self._check_client(client)
            token = self._tokens.get(refresh_token)
            if (token is None or token.kind != "refresh" or token.revoked or token.client_id != client.client_id
                    or token.expires_at <= self.clock.now()):
                raise _error("invalid_grant", "The refresh token is invalid")
            token.revoked = True
            return self._issue(client.client_id)

    def revoke(self, client: ClientSecret | None, token: str, token_type_hint: str) -> None:
        """Make a token stop working."""
        with self._lock:
            self.calls.append(Call("revoke", client and client.client_id))
            if token in self._tokens:
                self._tokens[token].revoked = True

    def hello(self, access_token: str, name: str) -> HelloAnswer:
        """200 for a live access token, 403 otherwise (as api.anaf.ro answers)."""
        with self._lock:
            token = self._tokens.get(access_token)
            self.calls.append(Call("hello", token and token.client_id))
            ok = token is not None and token.kind == "access" and not token.revoked and \
                token.expires_at > self.clock.now()
        return HelloAnswer(200, f'Hello, "{name}"', "http://anaf.test" + HELLO_PATH) if ok else \
            HelloAnswer(403, "Forbidden", "http://anaf.test" + HELLO_PATH)

    def register_app(self, name: str, callbacks: list[str], services: list[str], developer: str) -> ClientSecret:
        """Register an app with a generated client id."""
        self.calls.append(Call("register"))
        return self.register(f"registered-{next(self._ids)}", "registered-secret", callbacks[0])

    def _check_client(self, client: ClientSecret) -> None:
        known = self.apps.get(client.client_id)
        if known is None or not hmac.compare_digest(known.client_secret, client.client_secret):
            raise _error("invalid_client", "Bad client credentials", status=401)

    def _issue(self, client_id: str) -> TokenGrant:
        now = self.clock.now()
        n = next(self._ids)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self._tokens[access] = _Token(client_id, "access", now + ACCESS_LIFETIME)
        self._tokens[refresh] = _Token(client_id, "refresh", now + REFRESH_LIFETIME)
        return TokenGrant(access, refresh, ACCESS_LIFETIME, REFRESH_LIFETIME)


def _error(error: str, description: str, status: int = 400) -> AnafError:
    return AnafError(f"mock ANAF refused: {error} ({description})", anafError=error, anafErrorDescription=description,
                     anafStatus=status)
