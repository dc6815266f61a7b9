"""Test helpers over HTTP: drive mock ANAF and mock SBS the way a test needs, without a browser.

The same clients serve the pytest fixtures (real servers on free ports) and the in-process
interception of ANAF's real URLs (`sandbox.interception`), because both speak plain `requests`.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import requests

AUTHORIZE_PATH = "/anaf-oauth2/v1/authorize"
TOKEN_PATH = "/anaf-oauth2/v1/token"
REVOKE_PATH = "/anaf-oauth2/v1/revoke"
HELLO_PATH = "/TestOauth/jaxrs/hello"
SBS_CALLBACK_PATH = "/ro-anaf-oauth-api/oauth-callback"
BOTH_SERVICES = ("EFACTURA", "ETRANSPORT")


class HarnessError(AssertionError):
    """A sandbox call a helper relies on did not answer as the contract says; the message says which."""


class AnafError(HarnessError):
    """Mock ANAF refused an OAuth call: ``status``, ``error`` and ``description`` as ANAF sent them."""

    def __init__(self, status: int, error: str | None, description: str | None) -> None:
        super().__init__(f"ANAF answered {status} {error}: {description}")
        self.status, self.error, self.description = status, error, description


class GraphQLError(HarnessError):
    """Mock SBS answered with GraphQL errors; ``code`` is the first error's ``extensions.code``."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        self.code = (errors[0].get("extensions") or {}).get("code") if errors else None
        self.messages = [e.get("message", "") for e in errors]
        super().__init__(f"SBS GraphQL error {self.code}: {'; '.join(self.messages)}")


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
        services: Iterable[str] = BOTH_SERVICES,
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


APP_FIELDS = """id name active createdAt
  roAnafEfacturaClientSecret { clientId clientSecret oauthCallback }
  roAnafEfacturaUseTestEnvironment roAnafEfacturaUseImplicitClientSecret
  roAnafEfacturaAdditionalClientSecrets { clientId clientSecret oauthCallback }
  roAnafEtransportClientSecret { clientId clientSecret oauthCallback }
  roAnafEtransportUseTestEnvironment roAnafEtransportUseImplicitClientSecret
  roAnafEtransportAdditionalClientSecrets { clientId clientSecret oauthCallback }"""
AUTHORIZATION_FIELDS = """id organizationId scope createdAt updatedAt secretSource clientId oauthCallback
  reason accessTokenExpiresAt refreshTokenExpiresAt status statusMessage"""
UPDATE_APP = "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) { %s } }" % APP_FIELDS
GET_APP = "query($id: ID!) { app(id: $id) { %s } }" % APP_FIELDS
GENERATE = """mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) {
    id authorizationUrl state oauthCallback clientId secretSource expiresAt } }"""
PROCESS = """mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { %s } }""" % AUTHORIZATION_FIELDS
LIST_AUTHORIZATIONS = """query($org: ID!, $scope: AnafScope) {
  authorizations(organizationId: $org, filter: {scope: $scope}) { %s } }""" % AUTHORIZATION_FIELDS
REFRESH = "mutation($id: ID!) { refreshAuthorization(id: $id) { %s } }" % AUTHORIZATION_FIELDS
TEST = "mutation($id: ID!, $name: String) { testAuthorization(id: $id, name: $name) { answer httpStatus refreshed } }"
DELETE = "mutation($id: ID!) { deleteAuthorization(id: $id) { id } }"


# Where SBS sends the "browser" after completing a flow on its own callback; never fetched.
RETURN_URL = "https://harness.invalid/return"


@dataclass(frozen=True)
class BrokeredAuthorization:
    """One brokered flow: SBS's authorization request, ANAF's redirect, and what SBS stored or refused.

    ``error`` is SBS's error code (e.g. `ACCESS_DENIED`, `ANAF_ERROR`) when the flow did not end in
    an authorization, with SBS's message in ``error_message``.
    """

    request: dict[str, Any]
    anaf: AuthorizeResult
    authorization: dict[str, Any] | None
    error: str | None = None
    error_message: str | None = None


@dataclass
class SbsClient(ControlPlane):
    """Mock SBS for a test: GraphQL with the seeded keys, `updateApp`, and brokered authorizations."""

    session: requests.Session
    url: str
    account_key: str
    service_key: str
    app_id: str
    tenant_id: str
    organization_id: str
    anaf: AnafClient | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")

    def graphql(self, endpoint: str, query: str, variables: Mapping[str, Any] | None = None,
                key: str | None = None) -> dict[str, Any]:
        """Run ``query`` on `/<endpoint>/graphql` (account-api, organizations-api, ro-anaf-oauth-api).

        The key defaults to the account key for the Account API and the service key elsewhere;
        GraphQL errors raise GraphQLError.
        """
        if key is None:
            key = self.account_key if endpoint == "account-api" else self.service_key
        response = self.session.post(f"{self.url}/{endpoint}/graphql", json={"query": query,
                                     "variables": dict(variables or {})}, headers={"x-api-key": key}, timeout=30)
        try:
            body = response.json()
        except ValueError:
            raise HarnessError(f"SBS {endpoint} answered {response.status_code} without JSON") from None
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body.get("data") or {}

    def app(self) -> dict[str, Any]:
        """The seeded app as the Account API shows it."""
        return self.graphql("account-api", GET_APP, {"id": self.app_id})["app"]

    def update_app(self, app_input: Mapping[str, Any], app_id: str | None = None) -> dict[str, Any]:
        """`updateApp` (the seed's mutation) on the seeded app; only the fields given change."""
        return self.graphql("account-api", UPDATE_APP, {"id": app_id or self.app_id, "input": dict(app_input)})[
            "updateApp"]

    def generate_authorization_request(self, scope: str = "EFACTURA", oauth_callback: str | None = None,
                                       return_url: str | None = None) -> dict[str, Any]:
        """`generateAuthorizationRequest` for the seeded organization."""
        request_input: dict[str, Any] = {"organizationId": self.organization_id, "scope": scope}
        if oauth_callback is not None:
            request_input["oauthCallback"] = oauth_callback
        if return_url is not None:
            request_input["returnUrl"] = return_url
        return self.graphql("ro-anaf-oauth-api", GENERATE, {"input": request_input})["generateAuthorizationRequest"]

    def process_authorization_response(self, state: str, code: str | None = None,
                                       error: str | None = None) -> dict[str, Any]:
        """What a tenant app's custom callback does with ANAF's answer."""
        response_input = {k: v for k, v in {"state": state, "code": code, "error": error}.items() if v is not None}
        return self.graphql("ro-anaf-oauth-api", PROCESS, {"input": response_input})["processAuthorizationResponse"]

    def authorize(self, scope: str = "EFACTURA", oauth_callback: str | None = None, *,
                  identity: str | None = None, decision: str = "allow") -> BrokeredAuthorization:
        """A whole brokered flow without a browser.

        SBS builds the authorization request; the certificate prompt at mock ANAF is answered
        (``decision``, as ``identity``); the redirect is then delivered where it points: SBS's own
        callback is called like a browser would, a custom callback is completed the way a tenant
        app does, with `processAuthorizationResponse`. SBS's refusals after ANAF answered land in
        ``error``; a refused `generateAuthorizationRequest` raises GraphQLError.
        """
        request = self.generate_authorization_request(scope, oauth_callback, RETURN_URL)
        anaf = self.anaf or AnafClient(self.session, _origin(request["authorizationUrl"]))
        url = request["authorizationUrl"]
        form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        form["decision"] = decision
        if decision == "allow":
            form["identity"] = identity or anaf.identities()[0]["serial"]
        answer = anaf.submit_authorization(url.split("?", 1)[0], form)
        if answer.location is None:
            raise HarnessError(f"ANAF did not redirect: {answer.status} {answer.error} {answer.error_description}")
        if urlsplit(answer.location).path == SBS_CALLBACK_PATH:
            return self._complete_at_sbs(request, answer, scope)
        try:
            stored = self.process_authorization_response(answer.state or request["state"], answer.code, answer.error)
        except GraphQLError as exc:
            return BrokeredAuthorization(request, answer, None, exc.code, "; ".join(exc.messages))
        return BrokeredAuthorization(request, answer, stored)

    def _complete_at_sbs(self, request: dict[str, Any], answer: AuthorizeResult, scope: str) -> BrokeredAuthorization:
        """Deliver ANAF's redirect to SBS's own callback, as the browser would, and read where SBS sends it."""
        callback = self.session.get(answer.location or "", allow_redirects=False, timeout=30)
        target = callback.headers.get("Location", "")
        if callback.status_code != 302 or not target.startswith(RETURN_URL):
            raise HarnessError(f"SBS's callback answered {callback.status_code} without going to the return URL")
        query = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
        if "authorizationId" not in query:
            return BrokeredAuthorization(request, answer, None, (query.get("error") or "").upper() or None,
                                         query.get("error_description"))
        stored = [a for a in self.authorizations(scope) if a["id"] == query["authorizationId"]]
        return BrokeredAuthorization(request, answer, stored[0] if stored else None)

    def authorizations(self, scope: str | None = None) -> list[dict[str, Any]]:
        """The seeded organization's authorizations (never a token)."""
        return self.graphql("ro-anaf-oauth-api", LIST_AUTHORIZATIONS,
                            {"org": self.organization_id, "scope": scope})["authorizations"]

    def refresh_authorization(self, authorization_id: str) -> dict[str, Any]:
        return self.graphql("ro-anaf-oauth-api", REFRESH, {"id": authorization_id})["refreshAuthorization"]

    def test_authorization(self, authorization_id: str, name: str = "SBS") -> dict[str, Any]:
        """SBS calls TestOauth hello with the stored token: `{"answer","httpStatus","refreshed"}`."""
        return self.graphql("ro-anaf-oauth-api", TEST, {"id": authorization_id, "name": name})["testAuthorization"]

    def delete_authorization(self, authorization_id: str) -> None:
        """Revoke the tokens at ANAF and forget the authorization."""
        self.graphql("ro-anaf-oauth-api", DELETE, {"id": authorization_id})


@dataclass
class SandboxHandle:
    """What the `anaf_sandbox` fixture gives a test: the manifest (SPEC §5) and a client per service."""

    manifest: dict[str, Any]
    anaf: AnafClient
    sbs: SbsClient
    demo: ControlPlane
    session: requests.Session

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], session: requests.Session | None = None) -> "SandboxHandle":
        session = session or requests.Session()
        anaf = AnafClient(session, manifest["anaf"]["url"])
        s = manifest["sbs"]
        sbs = SbsClient(session, s["url"], s["accountKey"], s["serviceKey"], s["appId"], s["tenantId"],
                        s["organizationId"], anaf=anaf)
        return cls(manifest, anaf, sbs, ControlPlane(session, manifest["demo"]["url"]), session)

    @property
    def identities(self) -> list[dict[str, Any]]:
        return self.manifest["anaf"]["identities"]

    @property
    def callbacks(self) -> dict[str, Any]:
        """The demo's callbacks by rule: `main`, `additional` (a list) and `implicit` (SBS's own)."""
        return self.manifest["demo"]["callbacks"]

    def advance_clock(self, seconds: float) -> None:
        """Move every service's clock forward together, as real time would."""
        for service in (self.anaf, self.sbs, self.demo):
            service.advance_clock(seconds)

    def reset(self) -> None:
        """Every service back to its seeded state."""
        for service in (self.anaf, self.sbs, self.demo):
            service.reset()
        self.session.cookies.clear()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
