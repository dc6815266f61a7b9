"""Fixtures for the demo's contract tests: the app over a fake SBS that follows SPEC §3's rules in memory."""
from __future__ import annotations

import copy
import itertools
import re
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from demo_app import create_app
from demo_app.config import Config
from demo_app.sbs_client import Exchange, ErrorEntry, SbsError

DEMO = "http://demo.test"
SBS = "http://sbs.test"
ANAF = "http://anaf.test"
MAIN_CB = f"{DEMO}/anaf/callback/main"
BRANCH_CB = f"{DEMO}/anaf/callback/branch"
SBS_CB = f"{SBS}/ro-anaf-oauth-api/oauth-callback"
MAIN_SECRET = "main-secret-0f3c9a"
BRANCH_SECRET = "branch-secret-77b1e2"
IMPLICIT_SECRET = "implicit-secret-5d2e"
SECRETS = (MAIN_SECRET, BRANCH_SECRET, IMPLICIT_SECRET)


def secret(client_id: str, client_secret: str | None, callback: str) -> dict[str, Any]:
    return {"clientId": client_id, "clientSecret": client_secret, "oauthCallback": callback}


class FakeSbs:
    """An SbsClient over one app, one organization and SPEC §3.2's resolution, recording every call."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.stored: dict[str, Any] = {
            "id": "app-1", "name": "demo-app", "active": True, "createdAt": "2025-01-01T00:00:00Z",
            "roAnafEfacturaClientSecret": secret("client-main", MAIN_SECRET, MAIN_CB),
            "roAnafEfacturaAdditionalClientSecrets": [secret("client-branch", BRANCH_SECRET, BRANCH_CB)],
            "roAnafEfacturaUseImplicitClientSecret": False,
            "roAnafEfacturaUseTestEnvironment": True,
            "roAnafEtransportClientSecret": secret("client-main", MAIN_SECRET, MAIN_CB),
            "roAnafEtransportAdditionalClientSecrets": [],
            "roAnafEtransportUseImplicitClientSecret": True,
            "roAnafEtransportUseTestEnvironment": True,
        }
        self.requests: dict[str, dict[str, Any]] = {}
        self.held: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def app(self) -> dict[str, Any]:
        self.calls.append("app")
        shown = copy.deepcopy(self.stored)
        for infix in ("Efactura", "Etransport"):
            if shown[f"roAnaf{infix}UseImplicitClientSecret"]:
                shown[f"roAnaf{infix}ClientSecret"] = secret("client-implicit", None, SBS_CB)
        return shown

    def update_app(self, changes: dict[str, Any]) -> Exchange:
        self.calls.append("updateApp")
        problems = []
        for name, value in changes.items():
            items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
            for i, item in enumerate(items):
                path = f"input.{name}[{i}]" if isinstance(value, list) else f"input.{name}"
                problems += [(f"{path}.{k}", "is required") for k in ("clientId", "clientSecret", "oauthCallback")
                             if not item.get(k)]
                url = item.get("oauthCallback") or ""
                if url and not re.match(r"https://|http://(localhost|127\.0\.0\.1|demo\.test)[:/]", url):
                    problems.append((f"{path}.oauthCallback", "must be an https:// URL (http:// is accepted only for "
                                     "localhost and 127.0.0.1, as ANAF does)"))
        variables = {"id": "app-1", "input": changes}
        if problems:
            message = "; ".join(f"{f}: {m}" for f, m in problems)
            ext = {"code": "BAD_USER_INPUT", "invalidFields": [{"field": f, "message": m} for f, m in problems]}
            answer = {"data": None, "errors": [{"message": message, "extensions": ext}]}
            return Exchange("/account-api/graphql", "updateApp", "mutation updateApp", variables, 200, answer,
                            (ErrorEntry(message, "BAD_USER_INPUT", ext),))
        self.stored.update(copy.deepcopy(changes))
        return Exchange("/account-api/graphql", "updateApp", "mutation updateApp", variables, 200,
                        {"data": {"updateApp": copy.deepcopy(self.stored)}}, ())

    def organizations(self) -> list[dict[str, Any]]:
        self.calls.append("organizations")
        return [{"id": "org-1", "name": "Demo Organization SRL", "tin": "RO12345678"}]

    def generate_authorization_request(
        self, scope: str, oauth_callback: str | None, return_url: str | None
    ) -> dict[str, Any]:
        self.calls.append("generateAuthorizationRequest")
        infix = scope.capitalize()
        main = self.app()[f"roAnaf{infix}ClientSecret"]
        source = "IMPLICIT" if self.stored[f"roAnaf{infix}UseImplicitClientSecret"] else "MAIN"
        extra = self.stored[f"roAnaf{infix}AdditionalClientSecrets"]
        chosen = next((s for s in extra if s["oauthCallback"] == oauth_callback), None)
        if chosen is not None:
            source = "ADDITIONAL"
        elif oauth_callback in (None, main["oauthCallback"]):
            chosen = main
        else:
            raise SbsError("generateAuthorizationRequest", [ErrorEntry(
                f"oauthCallback {oauth_callback} is not configured for {scope}; configured: {main['oauthCallback']}",
                "BAD_USER_INPUT")])
        n = next(self._ids)
        state = f"state-{n}-{scope.lower()}"
        query = urlencode({"response_type": "code", "client_id": chosen["clientId"],
                           "redirect_uri": chosen["oauthCallback"], "state": state, "token_content_type": "jwt"})
        made = {"id": f"req-{n}", "state": state, "authorizationUrl": f"{ANAF}/anaf-oauth2/v1/authorize?{query}",
                "oauthCallback": chosen["oauthCallback"], "clientId": chosen["clientId"], "secretSource": source,
                "reason": f"rule for {source}", "expiresAt": "2025-01-01T00:10:00Z", "scope": scope,
                "returnUrl": return_url}
        self.requests[state] = made
        return dict(made)

    def process_authorization_response(self, state: str, code: str | None, error: str | None) -> dict[str, Any]:
        self.calls.append("processAuthorizationResponse")
        made = self.requests.pop(state, None)
        if made is None:
            raise SbsError("processAuthorizationResponse", [ErrorEntry("unknown state", "NOT_FOUND")])
        if error:
            raise SbsError("processAuthorizationResponse", [ErrorEntry("ANAF said access_denied", "ACCESS_DENIED")])
        return self.complete(made)

    def complete(self, made: dict[str, Any]) -> dict[str, Any]:
        """What SBS does when a flow ends well, on any callback."""
        auth = {"id": f"auth-{made['scope'].lower()}", "organizationId": "org-1", "scope": made["scope"],
                "secretSource": made["secretSource"], "clientId": made["clientId"],
                "oauthCallback": made["oauthCallback"], "reason": made["reason"], "status": "ACTIVE",
                "statusMessage": None, "accessTokenExpiresAt": "2025-04-01T00:00:00Z",
                "refreshTokenExpiresAt": "2026-01-01T00:00:00Z", "createdAt": "2025-01-01T00:00:00Z",
                "updatedAt": "2025-01-01T00:00:00Z"}
        self.held[auth["id"]] = auth
        return dict(auth)

    def authorizations(self, scope: str) -> list[dict[str, Any]]:
        self.calls.append("authorizations")
        return [dict(a) for a in self.held.values() if a["scope"] == scope]

    def authorization(self, authorization_id: str) -> dict[str, Any] | None:
        self.calls.append("authorization")
        found = self.held.get(authorization_id)
        return dict(found) if found else None

    def refresh_authorization(self, authorization_id: str) -> dict[str, Any]:
        self.calls.append("refreshAuthorization")
        auth = self._known(authorization_id, "refreshAuthorization")
        if auth.get("status") == "NEEDS_REAUTHORIZATION":
            raise SbsError("refreshAuthorization", [ErrorEntry(auth["statusMessage"], "NEEDS_REAUTHORIZATION")])
        auth["accessTokenExpiresAt"] = "2025-07-01T00:00:00Z"
        return dict(auth)

    def test_authorization(self, authorization_id: str) -> dict[str, Any]:
        self.calls.append("testAuthorization")
        auth = self._known(authorization_id, "testAuthorization")
        if auth.get("expired"):  # a NEEDS_REAUTHORIZATION whose access token is gone too: nothing to test with
            raise SbsError("testAuthorization", [ErrorEntry(auth["statusMessage"], "NEEDS_REAUTHORIZATION")])
        return {"answer": 'Hello, "demo"', "httpStatus": 200, "endpoint": f"{ANAF}/TestOauth/jaxrs/hello",
                "refreshed": False, "environment": "TEST", "apiBaseUrl": f"{ANAF}/test",
                "authorization": {"status": auth.get("status"),
                                  "accessTokenExpiresAt": auth.get("accessTokenExpiresAt")}}

    def delete_authorization(self, authorization_id: str) -> dict[str, Any]:
        self.calls.append("deleteAuthorization")
        self._known(authorization_id, "deleteAuthorization")
        del self.held[authorization_id]
        return {"id": authorization_id, "revoked": True, "revokeError": None}

    def _known(self, authorization_id: str, operation: str) -> dict[str, Any]:
        if authorization_id not in self.held:
            raise SbsError(operation, [ErrorEntry(f"no authorization {authorization_id}", "NOT_FOUND")])
        return self.held[authorization_id]


class FakeJournals:
    """Journals that hold whatever a test puts in them; marks are the current lengths."""

    def __init__(self) -> None:
        self.entries: dict[str, list[dict[str, Any]]] = {"demo": [], "sbs": [], "anaf": []}

    def marks(self) -> dict[str, int]:
        return {lane: len(items) for lane, items in self.entries.items()}

    def since(self, marks: dict[str, int]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
        return {lane: items[marks.get(lane, 0):] for lane, items in self.entries.items()}, []


@pytest.fixture()
def fake_sbs() -> FakeSbs:
    return FakeSbs()


@pytest.fixture()
def fake_journals() -> FakeJournals:
    return FakeJournals()


@pytest.fixture()
def demo_app(fake_sbs: FakeSbs, fake_journals: FakeJournals) -> Iterator[Flask]:
    config = Config(public_url=DEMO, sbs_url=SBS, anaf_url=ANAF, account_key="acc", service_key="svc",
                    app_id="app-1", organization_id="org-1", secret_key="test-secret-key")
    app = create_app(config, sbs=fake_sbs, journals=fake_journals)
    try:
        yield app
    finally:
        app.extensions["sandbox.shutdown"]()


@pytest.fixture()
def client(demo_app: Flask) -> FlaskClient:
    return demo_app.test_client()


@pytest.fixture()
def csrf() -> Callable[[FlaskClient], str]:
    """Read the CSRF token from the home page's forms, as a browser would."""

    def read(client: FlaskClient) -> str:
        page = client.get("/").get_data(as_text=True)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, "the home page has no form with a CSRF token"
        return found.group(1)

    return read


@pytest.fixture()
def urls() -> dict[str, str]:
    """The fake world's addresses and the callbacks the fake app holds."""
    return {"demo": DEMO, "sbs": SBS, "anaf": ANAF, "main": MAIN_CB, "branch": BRANCH_CB, "implicit": SBS_CB}


@pytest.fixture()
def seeded_secrets() -> tuple[str, ...]:
    """The client secrets the fake app holds: no page may show them."""
    return SECRETS


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture()
def query() -> Callable[[str], dict[str, str]]:
    """A URL's query parameters as a flat dict."""
    return query_of
