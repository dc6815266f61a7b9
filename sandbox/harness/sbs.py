"""Driving mock SBS from a test over HTTP: GraphQL with the seeded keys, `updateApp`, brokered authorizations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import parse_qs, urlsplit

import requests

from foundation.anaf import SBS_CALLBACK_PATH
from foundation.graphql_client import GraphQLClient, GraphQLError, GraphQLUnavailable
from sandbox.harness.anaf import AnafClient, AuthorizeResult, ControlPlane, HarnessError

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
        try:
            return GraphQLClient(self.session, f"{self.url}/{endpoint}/graphql", key).execute(query, variables)
        except GraphQLUnavailable as exc:
            raise HarnessError(f"SBS {endpoint} {exc.reason}") from None

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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
