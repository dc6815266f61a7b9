"""Real mock ANAF and mock SBS on 127.0.0.1 port 0, and helpers to drive a flow hop by hop."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from foundation.graphql_client import GraphQLClient
from foundation.serving import ServerThread, wait_healthy
from mock_anaf import create_app as create_anaf
from mock_anaf.config import Config as AnafConfig
from mock_sbs import create_app as create_sbs
from mock_sbs.config import Config as SbsConfig

ACCOUNT_KEY = "sbs_acc_e2e-key"
TOKEN_PATH = "/anaf-oauth2/v1/token"
ACCESS_LIFETIME = 7_776_000
SECRET = "{ clientId clientSecret oauthCallback }"


@dataclass
class Stack:
    """Both servers, a session that never follows redirects, and the demo app seeded in both."""

    anaf_url: str
    sbs_url: str
    http: requests.Session
    access_lifetime: int = ACCESS_LIFETIME
    seeded: dict[str, Any] = field(default_factory=dict)

    def graphql(self, endpoint: str, key: str, query: str, variables: dict[str, Any] | None = None) -> dict:
        client = GraphQLClient(self.http, f"{self.sbs_url}/{endpoint}/graphql", key, timeout=10)
        return client.send(query, variables).body

    def ok(self, endpoint: str, key: str, query: str, variables: dict[str, Any] | None = None) -> dict:
        body = self.graphql(endpoint, key, query, variables)
        assert not body.get("errors"), body
        return body["data"]

    def oauth(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        return self.graphql("ro-anaf-oauth-api", self.seeded["key"], query, variables)

    def register_anaf_app(self, role: str, callbacks: list[str]) -> dict:
        body = {"name": f"e2e-{role}-{uuid.uuid4().hex[:8]}", "callbacks": callbacks,
                "services": ["EFACTURA", "ETRANSPORT"], "developer": "e2e@example.test"}
        response = self.http.post(f"{self.anaf_url}/portal/api/apps", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def authorize(self, authorization_url: str, decision: str = "allow") -> requests.Response:
        """The certificate prompt without a browser: POST the same parameters with an identity and a decision."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        serial = self.http.get(f"{self.anaf_url}/portal/api/identities", timeout=10).json()[0]["serial"]
        hop = self.http.post(f"{self.anaf_url}/anaf-oauth2/v1/authorize", allow_redirects=False, timeout=10,
                             data={**query, "identity": serial, "decision": decision})
        assert hop.status_code == 302, hop.text
        return hop

    def token_calls(self) -> list[tuple[str, str]]:
        """(client_id, grant_type) of every call mock ANAF's token endpoint answered, from its own journal."""
        entries = self.http.get(f"{self.anaf_url}/__admin/requests", params={"path": TOKEN_PATH}, timeout=10).json()
        return [(e["client_id"], e["grant_type"]) for e in entries]

    @staticmethod
    def redirect_query(response: requests.Response) -> dict[str, str]:
        """The query parameters of a 302's Location."""
        return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}

    def sbs_outgoing(self) -> list[dict[str, Any]]:
        """SBS's journal of its own calls to mock ANAF."""
        entries = self.http.get(f"{self.sbs_url}/__admin/requests", timeout=10).json()
        return [e for e in entries if e["direction"] == "out"]

    def advance(self, seconds: float) -> None:
        """Move both services' clocks, as time passing would."""
        for url in (self.anaf_url, self.sbs_url):
            assert self.http.post(f"{url}/__admin/clock", json={"advance": seconds}, timeout=10).status_code == 200


@pytest.fixture()
def stack():
    anaf_server, sbs_server = ServerThread(), ServerThread()
    apps: list[Any] = []
    try:
        apps.append(create_anaf(AnafConfig(port=anaf_server.port, public_url=anaf_server.url)))
        anaf_server.start(apps[-1])
        # No implicit app configured: SBS registers its own at mock ANAF's portal on first need.
        apps.append(create_sbs(SbsConfig(port=sbs_server.port, public_url=sbs_server.url, anaf_url=anaf_server.url,
                                         bootstrap_account_key=ACCOUNT_KEY, refresh_sweep_interval=0)))
        sbs_server.start(apps[-1])
        wait_healthy(anaf_server.url)
        wait_healthy(sbs_server.url)
        with requests.Session() as http:
            yield Stack(anaf_server.url, sbs_server.url, http)
    finally:
        sbs_server.stop()
        anaf_server.stop()
        for app in apps:
            app.extensions["sandbox.shutdown"]()


@pytest.fixture()
def seeded(stack: Stack) -> Stack:
    """e-Factura: main + one additional secret (two ANAF apps); e-Transport: implicit. One tenant, key, org."""
    tenant_app = "http://127.0.0.1:9/anaf/callback"
    main_cb, branch_cb = f"{tenant_app}/main", f"{tenant_app}/branch"
    main = stack.register_anaf_app("main", [main_cb])
    branch = stack.register_anaf_app("branch", [branch_cb])
    app_id = stack.ok("account-api", ACCOUNT_KEY, 'mutation { createApp(input: {name: "e2e"}) { id } }')[
        "createApp"]["id"]
    stack.ok("account-api", ACCOUNT_KEY, "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, "
             f"input: $input) {{ roAnafEtransportClientSecret {SECRET} }} }}", {"id": app_id, "input": {
                 "roAnafEfacturaClientSecret": {"clientId": main["clientId"], "clientSecret": main["clientSecret"],
                                                "oauthCallback": main_cb},
                 "roAnafEfacturaAdditionalClientSecrets": [{"clientId": branch["clientId"],
                                                            "clientSecret": branch["clientSecret"],
                                                            "oauthCallback": branch_cb}],
                 "roAnafEtransportUseImplicitClientSecret": True}})
    tenant = stack.ok("account-api", ACCOUNT_KEY, 'mutation { createTenant(input: {name: "t"}) { id } }')[
        "createTenant"]["id"]
    key = stack.ok("account-api", ACCOUNT_KEY, "mutation($a: ID!, $t: ID!) { generateServiceAccessKey(input: "
                   "{appId: $a, tenantId: $t}) { privateKey } }", {"a": app_id, "t": tenant})[
        "generateServiceAccessKey"]["privateKey"]
    org = stack.ok("organizations-api", key, 'mutation { createOrganization(input: {name: "Org", tin: "RO123456"}) '
                   "{ id } }")["createOrganization"]["id"]
    stack.seeded = {"app": app_id, "key": key, "org": org, "main": main, "branch": branch,
                    "main_callback": main_cb, "branch_callback": branch_cb}
    return stack
