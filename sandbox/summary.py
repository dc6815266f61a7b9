"""What `anaf-sandbox up` prints once it is up: where to click, the keys, and the ANAF secrets SBS's app uses now.

The secrets are read from SBS at that moment, not from the seed: after the tutorial replaces the seeded
additional secret, the summary shows the learner's own app, never a secret that is gone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from foundation import anaf
from foundation.graphql_client import GraphQLClient, GraphQLError, GraphQLUnavailable
from foundation.serving import exposure_warning

@dataclass(frozen=True)
class SecretInUse:
    """One ANAF client secret set SBS's app holds (never the secret itself)."""

    service: str
    role: str
    client_id: str
    callback: str | None


def secrets_in_use(session: requests.Session, sbs_url: str, account_key: str, app_id: str) -> list[SecretInUse]:
    """The main (or SBS-managed) and additional secret sets of the app, per service, as SBS has them now."""
    fields = " ".join(
        f"{s.sbs_field('ClientSecret')} {{ clientId oauthCallback }} {s.sbs_field('UseImplicitClientSecret')} "
        f"{s.sbs_field('AdditionalClientSecrets')} {{ clientId oauthCallback }}" for s in anaf.SERVICES)
    app = GraphQLClient(session, f"{sbs_url}/account-api/graphql", account_key).execute(
        f"query($id: ID!) {{ app(id: $id) {{ {fields} }} }}", {"id": app_id})["app"] or {}
    found = []
    for service in anaf.SERVICES:
        main = app.get(service.sbs_field("ClientSecret"))
        if main:
            role = "SBS-managed" if app.get(service.sbs_field("UseImplicitClientSecret")) else "main"
            found.append(SecretInUse(service.title, role, main["clientId"], main.get("oauthCallback")))
        for number, extra in enumerate(app.get(service.sbs_field("AdditionalClientSecrets")) or [], start=1):
            found.append(SecretInUse(service.title, f"additional #{number}", extra["clientId"],
                                     extra.get("oauthCallback")))
    return found


def app_names(session: requests.Session, anaf_url: str) -> dict[str, str]:
    """ANAF app names by client id, from mock ANAF's portal API (the learner's own apps included)."""
    try:
        answer = session.get(f"{anaf_url}/portal/api/apps", timeout=5)
        return {a["clientId"]: a["name"] for a in answer.json()} if answer.status_code == 200 else {}
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return {}


def render(manifest: dict[str, Any], manifest_path: object, ready_seconds: float, host: str,
           session: requests.Session | None = None) -> str:
    """The summary text; secrets beyond the sandbox's own test keys are never in it."""
    anaf_m, sbs, demo = manifest["anaf"], manifest["sbs"], manifest["demo"]
    session = session or requests.Session()
    names = {a["clientId"]: a["name"] for a in anaf_m["apps"].values()} | app_names(session, anaf_m["url"])
    try:
        in_use = secrets_in_use(session, sbs["url"], sbs["accountKey"], sbs["appId"])
        secrets = [f"    {s.service:<12} {s.role:<14} {names.get(s.client_id, '(not at mock ANAF)'):<22} "
                   f"client id {s.client_id}" for s in in_use] or ["    none configured"]
    except (GraphQLError, GraphQLUnavailable) as exc:
        secrets = [f"    (SBS did not say: {exc})"]
    people = ", ".join(f"{p['name']} ({p['serial']})" for p in anaf_m["identities"])
    warning = exposure_warning(host)
    lines = [
        "",
        *([warning, ""] if warning else []),
        "ANAF OAuth sandbox is up.",
        f"  Demo tenant app   {demo['url']}/        <- start here",
        f"  Mock SBS          {sbs['url']}/console  (GraphQL console)",
        f"  Mock ANAF         {anaf_m['url']}/portal/ (developer portal)",
        f"  e-Factura API     {anaf_m.get('api', {}).get('efactura', {}).get('test', '')}/  (and /prod/..., see README)",
        f"  e-Transport API   {anaf_m.get('api', {}).get('etransport', {}).get('test', '')}/  (and /prod/..., see README)",
        "",
        f"  SBS account key   {sbs['accountKey']}",
        f"  SBS service key   {sbs['serviceKey']}",
        f"  SBS app id        {sbs['appId']}   tenant {sbs['tenantId']}   organization {sbs['organizationId']}",
        "  ANAF secrets SBS's app uses now:",
        *secrets,
        f"  Certificates      {people}",
        "",
        "  Console with the keys filled in:",
        f"    {sbs['consoleUrl']}",
        "",
        f"  Manifest          {manifest_path or '(in memory)'}",
        f"  Ready in {ready_seconds:.2f} s. Ctrl-C stops all three.",
        "",
    ]
    return "\n".join(lines)
