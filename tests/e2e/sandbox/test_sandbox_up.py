"""`anaf-sandbox up` as a user runs it: a subprocess on free ports, seeded, stopped by SIGTERM, restarted."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

GENERATE = """
mutation($input: GenerateAuthorizationRequestInput!) {
  generateAuthorizationRequest(input: $input) { authorizationUrl state oauthCallback clientId secretSource }
}"""
PROCESS = """
mutation($input: ProcessAuthorizationResponseInput!) {
  processAuthorizationResponse(input: $input) { id scope secretSource clientId }
}"""
LIST = """
query($org: ID!) { authorizations(organizationId: $org) { id scope secretSource clientId status } }"""


def start(data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox.cli", "up", "--anaf-port", "0", "--sbs-port", "0", "--demo-port", "0",
         "--data-dir", str(data_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def wait_for_manifest(path: Path, proc: subprocess.Popen[str], timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        if proc.poll() is not None:
            raise AssertionError(f"anaf-sandbox exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        time.sleep(0.05)
    raise AssertionError("no sandbox.json within the deadline")


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    return out


def gql(url: str, key: str, query: str, variables: dict) -> dict:
    body = requests.post(url, json={"query": query, "variables": variables}, headers={"x-api-key": key},
                         timeout=10).json()
    assert not body.get("errors"), body
    return body["data"]


def test_up_seeds_all_rules_and_keeps_state_across_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    manifest_path = data_dir / "sandbox.json"
    proc = start(data_dir, "--fresh")
    try:
        manifest = wait_for_manifest(manifest_path, proc)
        for part in ("anaf", "sbs", "demo"):
            assert requests.get(manifest[part]["url"] + "/healthz", timeout=5).status_code == 200
        anaf_url = manifest["anaf"]["url"]
        assert manifest["anaf"]["api"] == {
            "efactura": {"test": f"{anaf_url}/test/FCTEL/rest", "prod": f"{anaf_url}/prod/FCTEL/rest"},
            "etransport": {"test": f"{anaf_url}/test/ETRANSPORT/ws/v1", "prod": f"{anaf_url}/prod/ETRANSPORT/ws/v1"}}
        assert [] in [i["cifs"] for i in manifest["anaf"]["identities"]]  # a certificate without SPV rights
        sbs, demo = manifest["sbs"], manifest["demo"]
        oauth = sbs["url"] + "/ro-anaf-oauth-api/graphql"
        org = sbs["organizationId"]

        rules = {
            "MAIN": {"organizationId": org, "scope": "EFACTURA"},
            "ADDITIONAL": {"organizationId": org, "scope": "EFACTURA", "oauthCallback": demo["callbacks"]["additional"][0]},
            "IMPLICIT": {"organizationId": org, "scope": "ETRANSPORT"},
        }
        seen = {}
        for rule, request_input in rules.items():
            got = gql(oauth, sbs["serviceKey"], GENERATE, {"input": request_input})["generateAuthorizationRequest"]
            assert got["secretSource"] == rule
            seen[rule] = got
        assert seen["MAIN"]["oauthCallback"] == demo["callbacks"]["main"]
        assert seen["IMPLICIT"]["oauthCallback"] == demo["callbacks"]["implicit"]
        assert len({g["clientId"] for g in seen.values()}) == 3, "each rule shows a different client id"

        # Complete the MAIN flow the way the demo's callback would.
        query = parse_qs(urlsplit(seen["MAIN"]["authorizationUrl"]).query)
        serial = manifest["anaf"]["identities"][0]["serial"]
        hop = requests.post(manifest["anaf"]["url"] + "/anaf-oauth2/v1/authorize", allow_redirects=False, timeout=10,
                            data={**{k: v[0] for k, v in query.items()}, "identity": serial, "decision": "allow"})
        assert hop.status_code == 302
        back = parse_qs(urlsplit(hop.headers["Location"]).query)
        done = gql(oauth, sbs["serviceKey"], PROCESS, {"input": {"state": back["state"][0], "code": back["code"][0]}})
        assert done["processAuthorizationResponse"]["secretSource"] == "MAIN"
        # Every file in the data dir holds a secret or a key: owner-only, the SQLite -wal/-shm files included.
        modes = {p.name: oct(p.stat().st_mode & 0o777) for p in data_dir.iterdir()}
        assert {"anaf.db", "anaf.db-wal", "sbs.db", "sbs.db-wal", "demo.db", "sandbox.json", "seed.json",
                "sbs.baseline.db", "anaf-signing-key.pem", "demo.secret"} <= modes.keys(), modes
        assert set(modes.values()) == {"0o600"}, modes
        # The tutorial's step 4 replaces the seeded additional secret: it must leave the next start's summary.
        branch = manifest["anaf"]["apps"]["branch"]
        gql(sbs["url"] + "/account-api/graphql", sbs["accountKey"],
            "mutation($id: ID!, $i: UpdateAppInput!) { updateApp(id: $id, input: $i) { id } }",
            {"id": sbs["appId"], "i": {"roAnafEfacturaAdditionalClientSecrets": []}})
        out = stop(proc)
        assert f"additional #1  {branch['name']:<22} client id {branch['clientId']}" in out
        assert "ANAF OAuth sandbox is up" in out
        assert sbs["accountKey"] in out  # the summary lists the sandbox's own keys for the learner
        # ...but neither the log nor the summary shows an ANAF client secret, a code or a state.
        secrets_ = [app["client_secret"] for app in json.loads((data_dir / "seed.json").read_text())["anaf_apps"].values()]
        for value in [*secrets_, back["code"][0], back["state"][0]]:
            assert value not in out
        assert "tokens issued to client" in out  # the log did record the exchange
    finally:
        if proc.poll() is None:
            proc.kill()

    manifest_path.unlink()
    (data_dir / "sbs.db").chmod(0o644)  # as an older version left it
    proc = start(data_dir)
    try:
        again = wait_for_manifest(manifest_path, proc)
        assert oct((data_dir / "sbs.db").stat().st_mode & 0o777) == "0o600"
        assert again["sbs"]["appId"] == manifest["sbs"]["appId"]
        assert again["sbs"]["serviceKey"] == manifest["sbs"]["serviceKey"]
        listed = gql(again["sbs"]["url"] + "/ro-anaf-oauth-api/graphql", again["sbs"]["serviceKey"], LIST,
                     {"org": again["sbs"]["organizationId"]})["authorizations"]
        assert [(a["scope"], a["secretSource"]) for a in listed] == [("EFACTURA", "MAIN")]
        out = stop(proc)
        main = manifest["anaf"]["apps"]["main"]
        assert f"e-Factura    main           {main['name']:<22} client id {main['clientId']}" in out
        assert branch["clientId"] not in out and "additional" not in out
        assert "WARNING" not in out
    finally:
        if proc.poll() is None:
            proc.kill()
