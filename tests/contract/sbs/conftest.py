"""Fixtures for mock SBS contract tests: the app on a test client, an in-memory ANAF, a fixed clock."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_sbs import create_app
from mock_sbs.config import Config
from foundation.clock import FixedClock
from tests.support.fake_anaf import FakeAnaf
from tests.support.fake_anaf_api import FakeAnafApi

ACCOUNT_KEY = "sbs_acc_contract-test-key"
SBS_URL = "http://sbs.test"
SBS_CALLBACK = SBS_URL + "/ro-anaf-oauth-api/oauth-callback"
MAIN_CALLBACK = "http://localhost:8000/anaf/callback/main"
BRANCH_CALLBACK = "http://localhost:8000/anaf/callback/branch"


@dataclass
class Sbs:
    """A mock SBS under test and helpers to call its GraphQL endpoints."""

    client: FlaskClient
    anaf: FakeAnaf
    clock: FixedClock
    app: Any
    api: FakeAnafApi | None = None

    def post(self, endpoint: str, key: str | None, query: str, variables: dict[str, Any] | None = None,
             **extra: Any) -> Any:
        headers = {} if key is None else {"x-api-key": key}
        return self.client.post(f"/{endpoint}/graphql", json={"query": query, "variables": variables or {}},
                                headers=headers, **extra)

    def ok(self, endpoint: str, key: str | None, query: str, variables: dict[str, Any] | None = None) -> dict:
        response = self.post(endpoint, key, query, variables)
        body = response.get_json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]

    def error(self, endpoint: str, key: str | None, query: str, variables: dict[str, Any] | None = None,
              status: int = 200) -> dict:
        response = self.post(endpoint, key, query, variables)
        body = response.get_json()
        assert response.status_code == status, body
        assert len(body["errors"]) == 1, body
        return body["errors"][0]

    def account(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        return self.ok("account-api", ACCOUNT_KEY, query, variables)

    def create_app(self, name: str = "demo-app") -> str:
        return self.account("mutation($n: String!) { createApp(input: {name: $n}) { id } }", {"n": name})[
            "createApp"]["id"]

    def update_app(self, app_id: str, changes: dict[str, Any]) -> dict:
        return self.account("mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) "
                            "{ id } }", {"id": app_id, "input": changes})

    def app_settings(self, app_id: str) -> dict:
        secret = "{ clientId clientSecret oauthCallback }"
        return self.account(
            f"query($id: ID!) {{ app(id: $id) {{ id name active roAnafEfacturaClientSecret {secret} "
            f"roAnafEfacturaUseTestEnvironment roAnafEfacturaUseImplicitClientSecret "
            f"roAnafEfacturaAdditionalClientSecrets {secret} roAnafEtransportClientSecret {secret} "
            f"roAnafEtransportUseTestEnvironment roAnafEtransportUseImplicitClientSecret "
            f"roAnafEtransportAdditionalClientSecrets {secret} }} }}", {"id": app_id})["app"]

    def tenant_with_key(self, app_id: str, name: str = "tenant", scope: str = "") -> tuple[str, str]:
        tenant = self.account("mutation($n: String!) { createTenant(input: {name: $n}) { id } }",
                              {"n": name})["createTenant"]["id"]
        key = self.account(
            "mutation($i: GenerateServiceAccessKeyInput!) { generateServiceAccessKey(input: $i) { privateKey } }",
            {"i": {"appId": app_id, "tenantId": tenant, "scope": scope}})["generateServiceAccessKey"]["privateKey"]
        return tenant, key

    def organization(self, key: str, name: str = "Org SRL", tin: str = "RO12345678") -> str:
        return self.ok("organizations-api", key,
                       "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }",
                       {"i": {"name": name, "tin": tin}})["createOrganization"]["id"]

    def journal(self, path: str = "/") -> list[dict]:
        return self.client.get(f"/__admin/requests?path={path}").get_json()


@pytest.fixture()
def sbs() -> Sbs:
    clock = FixedClock(1_750_000_000.0)
    anaf = FakeAnaf(clock)
    anaf.register("main-id", "main-secret", MAIN_CALLBACK)
    anaf.register("branch-id", "branch-secret", BRANCH_CALLBACK)
    anaf.register("implicit-id", "implicit-secret", SBS_CALLBACK)
    api = FakeAnafApi(anaf)
    app = create_app(Config(public_url=SBS_URL, bootstrap_account_key=ACCOUNT_KEY, refresh_sweep_interval=0,
                            implicit_client_id="implicit-id", implicit_client_secret="implicit-secret",
                            max_body_bytes=16 * 1024), anaf_client=anaf, base_clock=clock, anaf_api=api)
    try:
        yield Sbs(app.test_client(), anaf, clock, app, api)
    finally:
        app.extensions["sandbox.shutdown"]()


@pytest.fixture()
def brokered(sbs: Sbs) -> dict[str, str]:
    """The seeded demo: e-Factura on main + one additional secret, e-Transport on implicit; tenant, key, org."""
    app_id = sbs.create_app()
    own = {"clientId": "main-id", "clientSecret": "main-secret", "oauthCallback": MAIN_CALLBACK}
    sbs.update_app(app_id, {
        "roAnafEfacturaClientSecret": own,
        "roAnafEfacturaAdditionalClientSecrets": [
            {"clientId": "branch-id", "clientSecret": "branch-secret", "oauthCallback": BRANCH_CALLBACK}],
        "roAnafEtransportClientSecret": own,
        "roAnafEtransportUseImplicitClientSecret": True,
    })
    tenant, key = sbs.tenant_with_key(app_id)
    return {"app": app_id, "tenant": tenant, "key": key, "org": sbs.organization(key)}
