"""Driving mock ANAF from a test over HTTP: the portal API, the certificate prompt, tokens, the control plane."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import requests

from foundation.anaf import AUTHORIZE_PATH, HELLO_PATH, REVOKE_PATH, SERVICE_NAMES, TOKEN_PATH

if TYPE_CHECKING:
    from sandbox.harness.efactura import Efactura
    from sandbox.harness.etransport import Etransport


class HarnessError(AssertionError):
    """A sandbox call a helper relies on did not answer as the contract says; the message says which."""


class AnafError(HarnessError):
    """Mock ANAF refused an OAuth call: ``status``, ``error`` and ``description`` as ANAF sent them."""

    def __init__(self, status: int, error: str | None, description: str | None) -> None:
        super().__init__(f"ANAF answered {status} {error}: {description}")
        self.status, self.error, self.description = status, error, description


@dataclass(frozen=True)
class AnafApp:
    """An OAuth app registered at mock ANAF's portal, with the secret shown once at registration."""

    client_id: str
    client_secret: str
    name: str
    callbacks: tuple[str, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class AuthorizeResult:
    """Where ANAF's authorize step sent the browser: a code, an error, or no redirect at all (400)."""

    status: int
    location: str | None
    code: str | None
    state: str | None
    error: str | None
    error_description: str | None = None

    @property
    def redirect_base(self) -> str | None:
        """The redirect target without its query: the callback that received the answer."""
        if self.location is None:
            return None
        parts = urlsplit(self.location)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _check(response: requests.Response, what: str, expected: Iterable[int] = (200, 201)) -> Any:
    if response.status_code not in tuple(expected):
        raise HarnessError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


class ControlPlane:
    """The `/__admin` calls every service answers (SPEC §2.3)."""

    def __init__(self, session: requests.Session, url: str) -> None:
        self.session, self.url = session, url.rstrip("/")

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move this service's clock forward (token and code expiry)."""
        return _check(self.session.post(f"{self.url}/__admin/clock", json={"advance": seconds}, timeout=10),
                      "advance the clock")

    def clock(self) -> dict[str, Any]:
        return _check(self.session.get(f"{self.url}/__admin/clock", timeout=10), "read the clock")

    def inject_fault(self, endpoint: str, error: str, times: int = 1, seconds: float = 0.0) -> list[dict[str, Any]]:
        """Make the next ``times`` calls of ``endpoint`` fail with ``error`` (or be delayed ``seconds``)."""
        body = {"endpoint": endpoint, "error": error, "times": times, "seconds": seconds}
        return _check(self.session.post(f"{self.url}/__admin/faults", json=body, timeout=10), "inject a fault")

    def journal(self, path: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """The redacted request journal, oldest first; ``path`` keeps entries under that prefix."""
        params: dict[str, Any] = {"since": since}
        if path is not None:
            params["path"] = path
        return _check(self.session.get(f"{self.url}/__admin/requests", params=params, timeout=10), "read the journal")

    def reset(self) -> None:
        """Back to the seeded state: data, clock, faults and journal."""
        _check(self.session.post(f"{self.url}/__admin/reset", timeout=30), "reset")


class AnafClient(ControlPlane):
    """Mock ANAF for a test: register apps, authorize as an identity, exchange and refresh, call TestOauth."""

    def __init__(self, session: requests.Session, url: str, api_url: str | None = None) -> None:
        super().__init__(session, url)
        self.api_url = (api_url or url).rstrip("/")

    def identities(self) -> list[dict[str, Any]]:
        """The simulated certificates, `[{"serial","name","cifs"}]`."""
        return _check(self.session.get(f"{self.url}/portal/api/identities", timeout=10), "list identities")

    def register_app(
        self,
        callbacks: Iterable[str] = ("https://app.example.test/anaf/callback",),
        name: str | None = None,
        services: Iterable[str] = SERVICE_NAMES,
        developer: str = "developer@example.test",
    ) -> AnafApp:
        """Register an OAuth app at the portal API and keep its one-time secret."""
        body = {"name": name or f"test-app-{secrets.token_hex(4)}", "callbacks": list(callbacks),
                "services": list(services), "developer": developer}
        got = _check(self.session.post(f"{self.url}/portal/api/apps", json=body, timeout=10), "register an ANAF app")
        return AnafApp(got["clientId"], got["clientSecret"], got["name"], tuple(got["callbacks"]),
                       tuple(got["services"]))

    def authorize(
        self,
        app: AnafApp | str,
        redirect_uri: str | None = None,
        *,
        identity: str | None = None,
        decision: str = "allow",
        state: str | None = None,
        token_content_type: str | None = "jwt",
    ) -> AuthorizeResult:
        """The certificate prompt answered without a browser: allow as ``identity`` (default: the first) or deny."""
        client_id = app.client_id if isinstance(app, AnafApp) else app
        if redirect_uri is None:
            if not isinstance(app, AnafApp):
                raise ValueError("pass redirect_uri when app is a bare client id")
            redirect_uri = app.callbacks[0]
        if identity is None and decision == "allow":
            identity = self.identities()[0]["serial"]
        form = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                "state": state if state is not None else secrets.token_urlsafe(12), "decision": decision}
        if token_content_type:
            form["token_content_type"] = token_content_type
        if identity is not None:
            form["identity"] = identity
        return self.submit_authorization(f"{self.url}{AUTHORIZE_PATH}", form)

    def submit_authorization(self, url: str, form: Mapping[str, str]) -> AuthorizeResult:
        """POST the authorize form to ``url`` and read where it redirects, without following it."""
        response = self.session.post(url, data=dict(form), allow_redirects=False, timeout=10)
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers["Location"]
            query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
            return AuthorizeResult(response.status_code, location, query.get("code"), query.get("state"),
                                   query.get("error"), query.get("error_description"))
        try:
            body = response.json()
        except ValueError:
            body = {}
        return AuthorizeResult(response.status_code, None, None, None, body.get("error"),
                               body.get("error_description"))

    def token(self, app: AnafApp, **form: str) -> requests.Response:
        """A raw token call with the app's credentials in HTTP Basic; the response as ANAF sent it."""
        return self.session.post(f"{self.url}{TOKEN_PATH}", data=form, auth=(app.client_id, app.client_secret),
                                 timeout=10)

    def exchange_code(self, app: AnafApp, code: str, redirect_uri: str | None = None) -> dict[str, Any]:
        """Redeem an authorization code; raises AnafError when ANAF refuses."""
        response = self.token(app, grant_type="authorization_code", code=code,
                              redirect_uri=redirect_uri or app.callbacks[0], token_content_type="jwt")
        return self._tokens(response)

    def refresh(self, app: AnafApp, refresh_token: str) -> dict[str, Any]:
        """Rotate a refresh token; raises AnafError when ANAF refuses."""
        return self._tokens(self.token(app, grant_type="refresh_token", refresh_token=refresh_token))

    def login(self, app: AnafApp, redirect_uri: str | None = None, identity: str | None = None) -> dict[str, Any]:
        """Authorize (allow) and exchange the code: the tokens of one complete flow."""
        result = self.authorize(app, redirect_uri, identity=identity)
        if result.code is None:
            raise HarnessError(f"authorize gave no code: {result}")
        return self.exchange_code(app, result.code, redirect_uri)

    def revoke(self, app: AnafApp, token: str) -> requests.Response:
        return self.session.post(f"{self.url}{REVOKE_PATH}", data={"token": token},
                                 auth=(app.client_id, app.client_secret), timeout=10)

    def efactura(self, access_token: str, env: str = "test") -> "Efactura":
        """e-Factura's API with this bearer token (`/test/` or `/prod/`), and its control plane."""
        from sandbox.harness.efactura import Efactura

        return Efactura(self.session, self.api_url, self.url, access_token, env)

    def etransport(self, access_token: str, env: str = "test") -> "Etransport":
        """e-Transport's API with this bearer token (`/test/` or `/prod/`), and its control plane."""
        from sandbox.harness.etransport import Etransport

        return Etransport(self.session, self.api_url, self.url, access_token, env)

    def hello(self, access_token: str, name: str = "sandbox") -> requests.Response:
        """TestOauth hello with a bearer token: 200 `Hello, "name"` or 403."""
        return self.session.get(f"{self.api_url}{HELLO_PATH}", params={"name": name},
                                headers={"Authorization": f"Bearer {access_token}"}, timeout=10)

    @staticmethod
    def _tokens(response: requests.Response) -> dict[str, Any]:
        if response.status_code != 200:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise AnafError(response.status_code, body.get("error"), body.get("error_description"))
        return response.json()
