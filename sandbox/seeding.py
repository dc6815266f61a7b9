"""Seeding the sandbox (SPEC §5) through the services' own public APIs, idempotently.

Everything is created the way a user would: ANAF apps through mock ANAF's portal API (so their
secrets are real ones), SBS apps, tenants, keys and organizations through SBS's GraphQL. What was
created is remembered in `<data-dir>/seed.json`, so a restart reuses it and only follows the
services to new addresses when the ports changed.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

from foundation.anaf import EFACTURA, ENVIRONMENTS, ETRANSPORT, SBS_CALLBACK_PATH, SBS_IMPLICIT_APP_NAME, SERVICE_NAMES, SERVICES
from foundation.graphql_client import GraphQLClient, GraphQLError
from sandbox.manifest import write_manifest

log = logging.getLogger(__name__)

SEED_NAME = "seed.json"
DEVELOPER_EMAIL = "developer@demo-tenant.example"
DEMO_MAIN_PATH = "/anaf/callback/main"
DEMO_BRANCH_PATH = "/anaf/callback/branch"


class SeedingError(RuntimeError):
    """A service refused a seeding call; the message says which call and why."""


@dataclass
class AnafApp:
    """An OAuth app registered at mock ANAF's portal."""

    name: str
    client_id: str
    client_secret: str
    callbacks: list[str]


@dataclass
class SeedState:
    """What seeding created, kept in `seed.json` beside the databases."""

    account_key: str = field(default_factory=lambda: "sbs_acc_" + secrets.token_urlsafe(24))
    anaf_apps: dict[str, AnafApp] = field(default_factory=dict)
    app_id: str | None = None
    tenant_id: str | None = None
    service_key: str | None = None
    organization_id: str | None = None
    sbs_url: str | None = None
    demo_url: str | None = None

    @classmethod
    def load(cls, data_dir: Path | None) -> "SeedState":
        path = None if data_dir is None else data_dir / SEED_NAME
        if path is None or not path.exists():
            return cls()
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["anaf_apps"] = {k: AnafApp(**v) for k, v in raw.get("anaf_apps", {}).items()}
        return cls(**raw)

    def save(self, data_dir: Path | None) -> None:
        if data_dir is None:
            return
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / SEED_NAME
        tmp = path.with_suffix(".tmp")
        # The file holds the sandbox's own test credentials; keep it private to the user.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2)
        os.replace(tmp, path)


def demo_callbacks(demo_url: str, sbs_url: str) -> dict[str, Any]:
    """The demo's callback URLs by rule, as the manifest lists them."""
    return {
        "main": demo_url + DEMO_MAIN_PATH,
        "additional": [demo_url + DEMO_BRANCH_PATH],
        "implicit": sbs_url + SBS_CALLBACK_PATH,
    }


def seed_anaf(session: requests.Session, anaf_url: str, state: SeedState, callbacks: dict[str, Any],
              roles: tuple[str, ...] = ("main", "branch", "implicit")) -> None:
    """Ensure the ANAF apps of ``roles`` exist with the callbacks of this run's addresses."""
    wanted = {
        "main": ("demo-tenant-app", [callbacks["main"]]),
        "branch": ("demo-tenant-branch", list(callbacks["additional"])),
        "implicit": (SBS_IMPLICIT_APP_NAME, [callbacks["implicit"]]),
    }
    for role in roles:
        name, urls = wanted[role]
        known = state.anaf_apps.get(role)
        if known is not None:
            got = session.get(f"{anaf_url}/portal/api/apps/{known.client_id}", timeout=10)
            if got.status_code == 200:
                if got.json().get("callbacks") != urls:
                    _check(session.patch(f"{anaf_url}/portal/api/apps/{known.client_id}",
                                         json={"callbacks": urls}, timeout=10), f"update ANAF app {name}")
                    known.callbacks = urls
                continue
        body = {"name": name, "callbacks": urls, "services": list(SERVICE_NAMES), "developer": DEVELOPER_EMAIL}
        created = _check(session.post(f"{anaf_url}/portal/api/apps", json=body, timeout=10), f"register ANAF app {name}")
        state.anaf_apps[role] = AnafApp(name, created["clientId"], created["clientSecret"], urls)


def identities(session: requests.Session, anaf_url: str) -> list[dict[str, Any]]:
    """The simulated certificates mock ANAF offers."""
    return _check(session.get(f"{anaf_url}/portal/api/identities", timeout=10), "list ANAF identities")


def seed_sbs(session: requests.Session, sbs_url: str, state: SeedState, callbacks: dict[str, Any], tin: str) -> bool:
    """Ensure SBS has the demo app, a tenant, a service key and an organization; True when it created them."""
    account = GraphQLClient(session, f"{sbs_url}/account-api/graphql", state.account_key)
    if state.app_id is not None and _app_exists(account, state.app_id):
        return False
    main, branch = state.anaf_apps["main"], state.anaf_apps["branch"]
    state.app_id = account.execute('mutation($n: String!) { createApp(input: {name: $n}) { id } }',
                               {"n": "demo-app"})["createApp"]["id"]
    own = {"clientId": main.client_id, "clientSecret": main.client_secret, "oauthCallback": callbacks["main"]}
    extra = {"clientId": branch.client_id, "clientSecret": branch.client_secret,
             "oauthCallback": callbacks["additional"][0]}
    account.execute(
        "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) { id } }",
        {"id": state.app_id, "input": {
            EFACTURA.sbs_field("ClientSecret"): own,
            EFACTURA.sbs_field("AdditionalClientSecrets"): [extra],
            EFACTURA.sbs_field("UseTestEnvironment"): True,
            EFACTURA.sbs_field("UseImplicitClientSecret"): False,
            ETRANSPORT.sbs_field("ClientSecret"): own,
            ETRANSPORT.sbs_field("UseTestEnvironment"): True,
            ETRANSPORT.sbs_field("UseImplicitClientSecret"): True,
        }},
    )
    state.tenant_id = account.execute('mutation($n: String!) { createTenant(input: {name: $n}) { id } }',
                                  {"n": "demo-tenant"})["createTenant"]["id"]
    state.service_key = account.execute(
        "mutation($a: ID!, $t: ID!) { generateServiceAccessKey(input: {appId: $a, tenantId: $t, scope: \"\", "
        "description: \"demo tenant app\"}) { privateKey } }",
        {"a": state.app_id, "t": state.tenant_id},
    )["generateServiceAccessKey"]["privateKey"]
    orgs = GraphQLClient(session, f"{sbs_url}/organizations-api/graphql", state.service_key)
    state.organization_id = orgs.execute(
        "mutation($n: String!, $t: String!) { createOrganization(input: {name: $n, tin: $t}) { id } }",
        {"n": "Demo Organization SRL", "t": tin},
    )["createOrganization"]["id"]
    return True


def build_manifest(anaf_url: str, sbs_url: str, demo_url: str, state: SeedState,
                   people: list[dict[str, Any]], implicit_client_id: str | None = None) -> dict[str, Any]:
    """The `sandbox.json` of SPEC §5 for these addresses and this seed state."""
    callbacks = demo_callbacks(demo_url, sbs_url)
    apps = {role: {"name": a.name, "clientId": a.client_id, "callbacks": a.callbacks}
            for role, a in state.anaf_apps.items()}
    if implicit_client_id is not None:
        apps["implicit"] = {"name": SBS_IMPLICIT_APP_NAME, "clientId": implicit_client_id,
                            "callbacks": [callbacks["implicit"]]}
    return {
        "anaf": {
            "url": anaf_url,
            "identities": [{"serial": p["serial"], "name": p.get("name"), "cifs": p.get("cifs", [])} for p in people],
            "apps": apps,
            "api": api_urls(anaf_url),
        },
        "sbs": {
            "url": sbs_url, "accountKey": state.account_key, "serviceKey": state.service_key,
            "appId": state.app_id, "tenantId": state.tenant_id, "organizationId": state.organization_id,
            # The fragment fills the console's key fields in the browser; it never reaches a server or a log.
            "consoleUrl": f"{sbs_url}/console#" + urlencode({
                "accountKey": state.account_key, "serviceKey": state.service_key or "", "appId": state.app_id or "",
                "tenantId": state.tenant_id or "", "organizationId": state.organization_id or ""}),
        },
        "demo": {"url": demo_url, "callbacks": callbacks},
    }


def api_urls(anaf_url: str) -> dict[str, dict[str, str]]:
    """Where ANAF's APIs answer on mock ANAF, per environment (SPEC-ANAF-API, "Changes to SPEC.md")."""
    return {service.name.lower(): {env: anaf_url + service.api_prefix(env) for env in ENVIRONMENTS}
            for service in SERVICES}


def first_tin(people: list[dict[str, Any]]) -> str:
    """The CIF the seeded organization uses: the first certificate's first company."""
    return people[0]["cifs"][0] if people and people[0].get("cifs") else "RO00000000"


def seed_running(anaf_url: str, sbs_url: str, demo_url: str, data_dir: Path, account_key: str) -> dict[str, Any]:
    """Seed services that already run on their own (docker compose), idempotently; write the manifest.

    Unlike `anaf-sandbox up`, mock SBS started without implicit credentials, so it registers its
    implicit ANAF app itself: only the demo's two ANAF apps are registered here, and the manifest
    shows the implicit client id that SBS reports.
    """
    session = requests.Session()
    state = SeedState.load(data_dir)
    state.account_key = account_key
    callbacks = demo_callbacks(demo_url, sbs_url)
    seed_anaf(session, anaf_url, state, callbacks, roles=("main", "branch"))
    people = identities(session, anaf_url)
    created = seed_sbs(session, sbs_url, state, callbacks, first_tin(people))
    state.sbs_url, state.demo_url = sbs_url, demo_url
    state.save(data_dir)
    account = GraphQLClient(session, f"{sbs_url}/account-api/graphql", account_key)
    # Reading the implicit service makes SBS register its implicit ANAF app, which belongs in the snapshot.
    implicit_field = ETRANSPORT.sbs_field("ClientSecret")
    shown = account.execute("query($id: ID!) { app(id: $id) { %s { clientId } } }" % implicit_field,
                            {"id": state.app_id})["app"]
    implicit = (shown.get(implicit_field) or {}).get("clientId")
    if created:
        for url in (anaf_url, sbs_url):
            _check(session.post(f"{url}/__admin/snapshot", timeout=30), f"snapshot {url}")
    manifest = build_manifest(anaf_url, sbs_url, demo_url, state, people, implicit)
    write_manifest(data_dir, manifest)
    return manifest


def rebase_sbs_callbacks(session: requests.Session, sbs_url: str, state: SeedState, old_demo: str, new_demo: str) -> None:
    """After a restart on other ports, move the app's callbacks that pointed at the old demo address."""
    account = GraphQLClient(session, f"{sbs_url}/account-api/graphql", state.account_key)
    fields = [s.sbs_field("ClientSecret") for s in SERVICES]
    lists = [s.sbs_field("AdditionalClientSecrets") for s in SERVICES]
    secret = "{ clientId clientSecret oauthCallback }"
    flags = " ".join(s.sbs_field("UseImplicitClientSecret") for s in SERVICES)
    query = "query($id: ID!) { app(id: $id) { %s %s } }" % (" ".join(f"{f} {secret}" for f in fields + lists), flags)
    app = account.execute(query, {"id": state.app_id})["app"]
    if app is None:
        return

    def moved(item: dict[str, Any] | None) -> dict[str, Any] | None:
        if not item or item.get("clientSecret") is None:
            return None  # implicit: SBS shows its own secret, which is not ours to rewrite
        url = item["oauthCallback"]
        return {**item, "oauthCallback": new_demo + url[len(old_demo):] if url.startswith(old_demo) else url}

    update: dict[str, Any] = {}
    for name in fields:
        flag = name.replace("ClientSecret", "UseImplicitClientSecret")
        if not app.get(flag) and (m := moved(app.get(name))) is not None:
            update[name] = m
    for name in lists:
        update[name] = [moved(item) or item for item in app.get(name) or []]
    account.execute("mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) { id } }",
                {"id": state.app_id, "input": update})


def _app_exists(account: GraphQLClient, app_id: str) -> bool:
    """Whether SBS still knows the app a previous run created (an unknown id is an error answer)."""
    try:
        return bool(account.execute("query($id: ID!) { app(id: $id) { id } }", {"id": app_id}).get("app"))
    except GraphQLError:
        return False


def _check(response: requests.Response, what: str) -> Any:
    if response.status_code >= 300:
        raise SeedingError(f"could not {what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()
