"""Brokered ANAF authorizations per second through mock SBS and mock ANAF over HTTP.

`python -m bench.sbs_flows [--flows N] [--concurrency C] [--anaf-url U --sbs-url U --account-key K]`.
One flow is what a tenant app with a custom callback does: `generateAuthorizationRequest` at SBS
(secret resolution, pending request), the certificate prompt answered at mock ANAF (authorize POST
→ 302 with code and state), and `processAuthorizationResponse` at SBS (state claimed once, code
exchanged at ANAF's token endpoint with HTTP Basic, tokens stored). Without URLs, mock ANAF and
mock SBS are started as two separate processes on free ports (in memory) and stopped afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import http.client
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from bench.timing import free_port, measure
from foundation.anaf import AUTHORIZE_PATH
from foundation.graphql_client import GraphQLClient
from foundation.serving import wait_healthy

CALLBACK = "http://127.0.0.1:9/bench/anaf/callback"
GENERATE = ("mutation generate($input: GenerateAuthorizationRequestInput!) { generateAuthorizationRequest(input: "
            "$input) { authorizationUrl state } }")
PROCESS = ("mutation process($input: ProcessAuthorizationResponseInput!) { processAuthorizationResponse(input: "
           "$input) { id clientId } }")


def _graphql(url: str, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Setup calls only; the measured flows use `http.client` so the numbers are the servers' own."""
    return GraphQLClient(requests.Session(), url, key, timeout=10).execute(query, variables)


def setup(anaf_url: str, sbs_url: str, account_key: str) -> dict[str, str]:
    """An ANAF app, and in SBS an app using it as main secret, a tenant, a service key and an organization."""
    created = requests.post(f"{anaf_url}/portal/api/apps", timeout=10, json={
        "name": f"bench-sbs-{secrets.token_hex(4)}", "callbacks": [CALLBACK], "services": ["EFACTURA", "ETRANSPORT"],
        "developer": "bench@anaf-sandbox.example"})
    created.raise_for_status()
    anaf_app = created.json()
    account = f"{sbs_url}/account-api/graphql"
    app_id = _graphql(account, account_key, 'mutation { createApp(input: {name: "bench"}) { id } }', {})[
        "createApp"]["id"]
    _graphql(account, account_key, "mutation($id: ID!, $input: UpdateAppInput!) { updateApp(id: $id, input: $input) "
             "{ id } }", {"id": app_id, "input": {"roAnafEfacturaClientSecret": {
                 "clientId": anaf_app["clientId"], "clientSecret": anaf_app["clientSecret"], "oauthCallback": CALLBACK}}})
    tenant = _graphql(account, account_key, 'mutation { createTenant(input: {name: "bench"}) { id } }', {})[
        "createTenant"]["id"]
    key = _graphql(account, account_key, "mutation($a: ID!, $t: ID!) { generateServiceAccessKey(input: "
                   "{appId: $a, tenantId: $t}) { privateKey } }", {"a": app_id, "t": tenant})[
        "generateServiceAccessKey"]["privateKey"]
    org = _graphql(f"{sbs_url}/organizations-api/graphql", key,
                   'mutation { createOrganization(input: {name: "Bench SRL", tin: "RO12345678"}) { id } }', {})[
        "createOrganization"]["id"]
    serial = requests.get(f"{anaf_url}/portal/api/identities", timeout=10).json()[0]["serial"]
    return {"key": key, "org": org, "serial": serial, "client_id": anaf_app["clientId"]}


def run(flows: int = 500, concurrency: int = 4, warmup: int = 30, anaf_url: str | None = None,
        sbs_url: str | None = None, account_key: str | None = None) -> dict[str, Any]:
    """Brokered flows/s, median and p95 latency of a flow; starts both servers unless their URLs are given."""
    if anaf_url and sbs_url and account_key:
        return _measure(anaf_url.rstrip("/"), sbs_url.rstrip("/"), account_key, flows, concurrency, warmup)
    procs, anaf_url, sbs_url, account_key = start_servers()
    try:
        return _measure(anaf_url, sbs_url, account_key, flows, concurrency, warmup)
    finally:
        stop(procs)


def _measure(anaf_url: str, sbs_url: str, account_key: str, flows: int, concurrency: int,
             warmup: int) -> dict[str, Any]:
    """Run ``flows`` flows from ``concurrency`` threads against running servers.

    Each thread keeps one keep-alive connection per server (`http.client`, so the numbers measure the
    servers rather than the client).
    """
    seeded = setup(anaf_url, sbs_url, account_key)
    local = threading.local()

    def send(base: str, path: str, body: str, headers: dict[str, str]) -> http.client.HTTPResponse:
        conns = getattr(local, "conns", None)
        if conns is None:
            conns = local.conns = {}
        conn = conns.get(base)
        if conn is None:
            parts = urlsplit(base)
            conn = conns[base] = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response._body = response.read()  # type: ignore[attr-defined]
        return response

    def graphql(path: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = send(sbs_url, path, json.dumps({"query": query, "variables": variables}),
                        {"Content-Type": "application/json", "x-api-key": seeded["key"]})
        body = json.loads(response._body)  # type: ignore[attr-defined]
        if response.status != 200 or body.get("errors"):
            raise RuntimeError(f"{path} answered {response.status}: {body}")
        return body["data"]

    def one(_: int) -> float:
        started = time.perf_counter()
        request = graphql("/ro-anaf-oauth-api/graphql", GENERATE, {"input": {
            "organizationId": seeded["org"], "scope": "EFACTURA"}})["generateAuthorizationRequest"]
        fields = {k: v[0] for k, v in parse_qs(urlsplit(request["authorizationUrl"]).query).items()}
        answer = send(anaf_url, AUTHORIZE_PATH,
                      urlencode({**fields, "identity": seeded["serial"], "decision": "allow"}),
                      {"Content-Type": "application/x-www-form-urlencoded"})
        back = parse_qs(urlsplit(answer.getheader("Location", "")).query)
        if answer.status != 302 or "code" not in back:
            raise RuntimeError(f"authorize answered {answer.status}")
        done = graphql("/ro-anaf-oauth-api/graphql", PROCESS, {"input": {
            "state": back["state"][0], "code": back["code"][0]}})["processAuthorizationResponse"]
        if done["clientId"] != seeded["client_id"]:
            raise RuntimeError("the flow used another client id")
        return (time.perf_counter() - started) * 1000

    result = measure(one, flows, concurrency, warmup)
    del result["before"], result["after"]
    return result


def start_servers() -> tuple[list[subprocess.Popen[bytes]], str, str, str]:
    """`python -m mock_anaf` and `python -m mock_sbs` on free ports, in memory, each in its own process."""
    anaf_port, sbs_port = free_port(), free_port()
    anaf_url, sbs_url = f"http://127.0.0.1:{anaf_port}", f"http://127.0.0.1:{sbs_port}"
    account_key = "sbs_acc_bench_" + secrets.token_urlsafe(16)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ANAF_", "SBS_"))}
    sbs_env = {**base, "SBS_ANAF_URL": anaf_url, "SBS_BOOTSTRAP_ACCOUNT_KEY": account_key,
               "SBS_REFRESH_SWEEP_INTERVAL": "0"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "mock_anaf", "--host", "127.0.0.1", "--port", str(anaf_port)],
                         env=base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "mock_sbs", "--host", "127.0.0.1", "--port", str(sbs_port)],
                         env=sbs_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        wait_healthy(anaf_url, timeout=20)
        wait_healthy(sbs_url, timeout=20)
    except TimeoutError:
        stop(procs)
        raise
    return procs, anaf_url, sbs_url, account_key


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sbs_flows", description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--anaf-url", help="a running mock ANAF (with --sbs-url and --account-key)")
    parser.add_argument("--sbs-url", help="a running mock SBS that uses that mock ANAF")
    parser.add_argument("--account-key", help="an account access key of that mock SBS")
    args = parser.parse_args(argv)
    result = run(args.flows, args.concurrency, anaf_url=args.anaf_url, sbs_url=args.sbs_url,
                 account_key=args.account_key)
    where = "running servers" if args.sbs_url else "mock SBS and mock ANAF in two processes"
    print(f"brokered flows (generateAuthorizationRequest → authorize → processAuthorizationResponse) via {where}: "
          f"{result['flows']} flows, concurrency {result['concurrency']}")
    print(f"  {result['flows_per_s']} flows/s   median {result['median_ms']} ms   p95 {result['p95_ms']} ms")


if __name__ == "__main__":
    main()
