"""The demo's client of SBS's GraphQL APIs (SPEC §3): one method per operation the pages use.

Every call is journaled as an outgoing entry (`direction="out"`, `target="sbs"`, `operation=<name>`),
never with its variables, keys or answer, so the result page can draw it in the trail of calls.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from demo_app import documents
from foundation.graphql_client import GraphQLClient, GraphQLUnavailable
from foundation.journal import Journal

ACCOUNT_API = "/account-api/graphql"
ORGANIZATIONS_API = "/organizations-api/graphql"
OAUTH_API = "/ro-anaf-oauth-api/graphql"
TEST_NAME = "demo"  # ANAF's hello echoes it: not an app's name, which would be wrong for every other app

# Which key each API takes, and the setting a person fixes when it is missing or refused.
KEY_SETTINGS = {
    ACCOUNT_API: ("account_key", "DEMO_ACCOUNT_KEY", "account access key"),
    ORGANIZATIONS_API: ("service_key", "DEMO_SERVICE_KEY", "service access key"),
    OAUTH_API: ("service_key", "DEMO_SERVICE_KEY", "service access key"),
    "/ro-efactura-api/graphql": ("service_key", "DEMO_SERVICE_KEY", "service access key"),
    "/ro-etransport-api/graphql": ("service_key", "DEMO_SERVICE_KEY", "service access key"),
}


class SbsUnavailable(Exception):
    """SBS did not answer, or answered something that is not GraphQL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"SBS at {url} {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class ErrorEntry:
    """One entry of a GraphQL answer's `errors`."""

    message: str
    code: str
    extensions: dict[str, Any] = field(default_factory=dict)
    path: tuple[Any, ...] = ()


class SbsError(Exception):
    """SBS refused an operation; ``code`` is its `extensions.code`, ``setting`` the demo setting at fault if any."""

    def __init__(self, operation: str, errors: list[ErrorEntry], setting: str | None = None) -> None:
        first = errors[0] if errors else ErrorEntry("SBS answered without data", "INTERNAL_SERVER_ERROR")
        super().__init__(first.message)
        self.operation = operation
        self.errors = errors
        self.code = first.code
        self.message = first.message
        self.setting = setting


@dataclass(frozen=True)
class Exchange:
    """One GraphQL call as it went over the wire: what was sent and what came back."""

    api: str
    operation: str
    document: str
    variables: dict[str, Any]
    status: int
    answer: dict[str, Any]
    errors: tuple[ErrorEntry, ...]

    @property
    def data(self) -> dict[str, Any]:
        return self.answer.get("data") or {}


class SbsClient(Protocol):
    """What the pages need from SBS; tests pass a fake."""

    def app(self) -> dict[str, Any]: ...

    def update_app(self, changes: dict[str, Any]) -> Exchange: ...

    def organizations(self) -> list[dict[str, Any]]: ...

    def generate_authorization_request(
        self, scope: str, oauth_callback: str | None, return_url: str | None
    ) -> dict[str, Any]: ...

    def process_authorization_response(self, state: str, code: str | None, error: str | None) -> dict[str, Any]: ...

    def authorizations(self, scope: str) -> list[dict[str, Any]]: ...

    def authorization(self, authorization_id: str) -> dict[str, Any] | None: ...

    def refresh_authorization(self, authorization_id: str) -> dict[str, Any]: ...

    def test_authorization(self, authorization_id: str) -> dict[str, Any]: ...

    def delete_authorization(self, authorization_id: str) -> dict[str, Any]: ...


class HttpSbsClient:
    """SbsClient over HTTP with `requests`, using the keys and ids of the demo's config."""

    def __init__(
        self,
        sbs_url: str,
        *,
        journal: Journal,
        account_key: str | None,
        service_key: str | None,
        app_id: str | None,
        organization_id: str | None,
        timeout: float = 15.0,
    ) -> None:
        self.sbs_url = sbs_url.rstrip("/")
        self._journal = journal
        self._keys = {"account_key": account_key, "service_key": service_key}
        self._app_id = app_id
        self._organization_id = organization_id
        self._timeout = timeout
        self._http = requests.Session()

    def app(self) -> dict[str, Any]:
        """The demo app's settings as the Account API returns them."""
        data = self._data(ACCOUNT_API, "app", documents.APP, {"id": self._need_app_id()})
        if data.get("app") is None:
            raise SbsError("app", [ErrorEntry(f"SBS has no app with id {self._app_id}", "NOT_FOUND")], "DEMO_APP_ID")
        return data["app"]

    def update_app(self, changes: dict[str, Any]) -> Exchange:
        """Run `updateApp` and hand back the whole exchange, errors included, for the page to show."""
        return self.run(ACCOUNT_API, "updateApp", documents.UPDATE_APP, {"id": self._need_app_id(), "input": changes})

    def organizations(self) -> list[dict[str, Any]]:
        return self._data(ORGANIZATIONS_API, "organizations", documents.ORGANIZATIONS, {})["organizations"]

    def generate_authorization_request(
        self, scope: str, oauth_callback: str | None, return_url: str | None
    ) -> dict[str, Any]:
        variables: dict[str, Any] = {"organizationId": self._need_organization_id(), "scope": scope}
        if oauth_callback is not None:
            variables["oauthCallback"] = oauth_callback
        if return_url is not None:
            variables["returnUrl"] = return_url
        data = self._data(OAUTH_API, "generateAuthorizationRequest", documents.GENERATE_AUTHORIZATION_REQUEST, variables)
        return data["generateAuthorizationRequest"]

    def process_authorization_response(self, state: str, code: str | None, error: str | None) -> dict[str, Any]:
        variables = {"state": state, "code": code, "error": error}
        data = self._data(OAUTH_API, "processAuthorizationResponse", documents.PROCESS_AUTHORIZATION_RESPONSE,
                          {k: v for k, v in variables.items() if v is not None})
        return data["processAuthorizationResponse"]

    def authorizations(self, scope: str) -> list[dict[str, Any]]:
        variables = {"organizationId": self._need_organization_id(), "scope": scope}
        return self._data(OAUTH_API, "authorizations", documents.AUTHORIZATIONS, variables)["authorizations"]

    def authorization(self, authorization_id: str) -> dict[str, Any] | None:
        return self._data(OAUTH_API, "authorization", documents.AUTHORIZATION, {"id": authorization_id})["authorization"]

    def refresh_authorization(self, authorization_id: str) -> dict[str, Any]:
        data = self._data(OAUTH_API, "refreshAuthorization", documents.REFRESH_AUTHORIZATION, {"id": authorization_id})
        return data["refreshAuthorization"]

    def test_authorization(self, authorization_id: str) -> dict[str, Any]:
        """ANAF's TestOauth answer through SBS: `{answer httpStatus endpoint refreshed environment apiBaseUrl
        authorization {status accessTokenExpiresAt}}`."""
        variables = {"id": authorization_id, "name": TEST_NAME}
        return self._data(OAUTH_API, "testAuthorization", documents.TEST_AUTHORIZATION, variables)["testAuthorization"]

    def delete_authorization(self, authorization_id: str) -> dict[str, Any]:
        """`{id revoked revokeError}`: SBS deletes it and revokes its tokens at ANAF."""
        data = self._data(OAUTH_API, "deleteAuthorization", documents.DELETE_AUTHORIZATION, {"id": authorization_id})
        return data["deleteAuthorization"]

    def run(self, api: str, operation: str, document: str, variables: dict[str, Any]) -> Exchange:
        """POST one document to ``api`` with the key it takes; raises SbsError only when the demo lacks the key."""
        key_field, variable, what = KEY_SETTINGS[api]
        key = self._keys[key_field]
        if not key:
            message = f"The demo has no SBS {what}: set {variable}, or DEMO_MANIFEST to a sandbox.json."
            raise SbsError(operation, [ErrorEntry(message, "NOT_CONFIGURED")], variable)
        url = self.sbs_url + api
        started = time.perf_counter()
        status, answer, failure = 0, {}, None
        try:
            got = GraphQLClient(self._http, url, key, self._timeout).send(document, variables)
            status, answer = got.status, got.body
        except GraphQLUnavailable as exc:
            status, failure = exc.status, exc.reason
        errors = tuple(_errors(answer)) if failure is None else ()
        self._journal.record(
            method="POST", path=url, status=status, direction="out", target="sbs", operation=operation,
            duration_ms=(time.perf_counter() - started) * 1000,
            error=(errors[0].code if errors else None) if failure is None else "unreachable",
        )
        if failure is not None:
            raise SbsUnavailable(self.sbs_url, failure)
        return Exchange(api, operation, document, variables, status, answer, errors)

    def _data(self, api: str, operation: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        exchange = self.run(api, operation, document, variables)
        if exchange.errors or not exchange.answer.get("data"):
            setting = KEY_SETTINGS[api][1] if exchange.errors and exchange.errors[0].code == "UNAUTHENTICATED" else None
            raise SbsError(operation, list(exchange.errors), setting)
        return exchange.data

    def _need_app_id(self) -> str:
        if not self._app_id:
            raise SbsError("app", [ErrorEntry("The demo has no SBS app id: set DEMO_APP_ID, or DEMO_MANIFEST.",
                                                "NOT_CONFIGURED")], "DEMO_APP_ID")
        return self._app_id

    def _need_organization_id(self) -> str:
        if not self._organization_id:
            message = "The demo has no SBS organization id: set DEMO_ORGANIZATION_ID, or DEMO_MANIFEST."
            raise SbsError("organizations", [ErrorEntry(message, "NOT_CONFIGURED")], "DEMO_ORGANIZATION_ID")
        return self._organization_id


def _errors(answer: dict[str, Any]) -> list[ErrorEntry]:
    found = []
    for raw in answer.get("errors") or []:
        if not isinstance(raw, dict):
            continue
        extensions = raw.get("extensions") if isinstance(raw.get("extensions"), dict) else {}
        found.append(ErrorEntry(
            message=str(raw.get("message", "SBS reported an error without a message")),
            code=str(extensions.get("code", "INTERNAL_SERVER_ERROR")),
            extensions=dict(extensions),
            path=tuple(raw.get("path") or ()),
        ))
    return found
