"""`anaf-sandbox desktop-demo`: a terminal program that plays the seed's "application with a desktop interface".

Such an app has no web page for ANAF to return to, so its own ANAF app is registered with SBS's default callback
(`/ro-anaf-oauth-api/oauth-callback`) and entered in SBS as the main e-Factura secret. The program asks SBS for an
authorization request, sends the person to ANAF (opening the browser when it can), waits, polling SBS, until SBS
has finished the flow on its own callback, then sends a sample invoice through SBS and prints ANAF's answers.

Ctrl-C leaves nothing half-done: each registration step runs with Ctrl-C held back until it is recorded in
`<data-dir>/desktop-demo.json`, so the next run picks up from there; an abandoned authorization request simply
expires at SBS; an invoice already uploaded stays in SBS, where its status can be read later.
"""
from __future__ import annotations

import itertools
import json
import os
import signal
import sys
import time
import webbrowser
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

import requests

from foundation.anaf import SBS_CALLBACK_PATH
from foundation.graphql_client import GraphQLClient, GraphQLError, GraphQLUnavailable
from foundation.samples import sample_invoice
from sandbox.manifest import read_manifest

STATE_NAME = "desktop-demo.json"
SPINNER = "|/-\\"
FINAL = ("OK", "NOK", "XML_ERRORS", "FAILED")
GENERATE = """mutation($org: ID!) { generateAuthorizationRequest(input: {organizationId: $org, scope: EFACTURA}) {
  id authorizationUrl clientId oauthCallback secretSource expiresAt } }"""
AUTHORIZATIONS = """query($org: ID!) { authorizations(organizationId: $org, filter: {scope: EFACTURA}) {
  id clientId secretSource status updatedAt } }"""
UPLOAD = """mutation($org: ID!, $xml: String!) { uploadInvoice(input: {organizationId: $org, xml: $xml}) {
  id status uploadIndex clientId secretSource environment } }"""
READ = "query($id: ID!) { invoice(id: $id) { id status downloadId errors clientId } }"
DOWNLOAD = "mutation($id: ID!) { downloadInvoice(id: $id) { fileName fileNames errors } }"


class DesktopDemoError(RuntimeError):
    """Something the person must fix; the message says what."""


@dataclass
class DesktopState:
    """What the program registered, kept between runs (the sandbox's own test credentials, file mode 600)."""

    sbs_url: str = ""
    anaf_client_id: str | None = None
    anaf_client_secret: str | None = None
    app_id: str | None = None
    tenant_id: str | None = None
    service_key: str | None = None
    organization_id: str | None = None

    @classmethod
    def load(cls, path: Path) -> "DesktopState":
        if not path.exists():
            return cls()
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2)
        os.replace(tmp, path)


@contextmanager
def held_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back until the block is done (then raise it), so a step is never left half-recorded."""
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


class Sbs:
    """The few SBS GraphQL calls the program makes, through the one SBS GraphQL client."""

    def __init__(self, url: str, http: requests.Session) -> None:
        self.url, self.http = url.rstrip("/"), http

    def run(self, api: str, key: str | None, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        client = GraphQLClient(self.http, f"{self.url}/{api}/graphql", key, timeout=30)
        try:
            return client.execute(query, variables)
        except GraphQLUnavailable as exc:
            raise DesktopDemoError(f"mock SBS at {self.url} {exc.reason}; is the sandbox running "
                                   "(anaf-sandbox up)?") from None
        except GraphQLError as exc:
            extensions = exc.errors[0].get("extensions") or {}
            anaf = f" ANAF said: {extensions['anaf']}" if extensions.get("anaf") else ""
            raise DesktopDemoError(f"SBS answered {exc.code}: {exc.message}{anaf}") from None


class DesktopDemo:
    """One run of the program; ``out`` is where it talks, ``sleep``/``monotonic`` make waiting testable."""

    def __init__(self, manifest: dict[str, Any], state_path: Path, out: TextIO, *, open_browser: bool = True,
                 timeout: float = 300.0, poll: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.manifest, self.state_path, self.out = manifest, state_path, out
        self.open_browser, self.timeout, self.poll = open_browser, timeout, poll
        self.sleep, self.monotonic = sleep, monotonic
        self.http = requests.Session()
        self.http.trust_env = False
        self.anaf_url = manifest["anaf"]["url"].rstrip("/")
        self.sbs = Sbs(manifest["sbs"]["url"], self.http)
        self.account_key = manifest["sbs"]["accountKey"]
        self.callback = self.sbs.url + SBS_CALLBACK_PATH

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def run(self) -> int:
        """Register or reuse, authorize, send a sample invoice; 0 when ANAF says OK."""
        state = self.ensure_registered()
        authorization = self.authorize(state)
        self.say(f"SBS holds an e-Factura authorization: client id {authorization['clientId']} "
                 f"(rule {authorization['secretSource']}).")
        return self.send_invoice(state)

    # --- registration -----------------------------------------------------------------------------------------

    def ensure_registered(self) -> DesktopState:
        """The desktop app at ANAF and SBS, created step by step, each step recorded before the next."""
        state = DesktopState.load(self.state_path)
        if state.sbs_url != self.sbs.url or not self._still_there(state):
            state = DesktopState(sbs_url=self.sbs.url)
        if state.organization_id:
            self.say(f"Reusing the desktop app: ANAF client id {state.anaf_client_id}, callback {self.callback}.")
            return state
        self.say(f"Registering a desktop app whose callback is SBS's default one, {self.callback} ...")
        steps = [("anaf_client_id", self._register_at_anaf), ("app_id", self._create_sbs_app),
                 ("tenant_id", self._create_tenant), ("service_key", self._create_key),
                 ("organization_id", self._create_organization)]
        for name, step in steps:
            if getattr(state, name):
                continue
            with held_interrupt():
                step(state)
                state.save(self.state_path)
        self.say(f"  ANAF app registered: client id {state.anaf_client_id}; SBS app {state.app_id} uses it as its "
                 "main e-Factura secret.")
        return state

    def _still_there(self, state: DesktopState) -> bool:
        """Whether what the state file records still exists at ANAF and SBS (a `--fresh` start wipes both)."""
        if state.anaf_client_id:
            got = self.http.get(f"{self.anaf_url}/portal/api/apps/{state.anaf_client_id}", timeout=15)
            if got.status_code != 200 or self.callback not in (got.json().get("callbacks") or []):
                return False
        if not state.app_id:
            return True
        data = self.sbs.run("account-api", self.account_key, "query($id: ID!) { app(id: $id) { "
                            "roAnafEfacturaClientSecret { clientId } } }", {"id": state.app_id})
        shown = (data.get("app") or {}).get("roAnafEfacturaClientSecret") or {}
        return shown.get("clientId") == state.anaf_client_id

    def _register_at_anaf(self, state: DesktopState) -> None:
        body = {"name": "desktop-demo-app", "callbacks": [self.callback], "services": ["EFACTURA", "ETRANSPORT"],
                "developer": "desktop@demo-tenant.example"}
        response = self.http.post(f"{self.anaf_url}/portal/api/apps", json=body, timeout=15)
        if response.status_code != 201:
            raise DesktopDemoError(f"mock ANAF's portal refused the app: HTTP {response.status_code} "
                                   f"{response.text[:200]}")
        created = response.json()
        state.anaf_client_id, state.anaf_client_secret = created["clientId"], created["clientSecret"]

    def _create_sbs_app(self, state: DesktopState) -> None:
        app_id = self.sbs.run("account-api", self.account_key, 'mutation { createApp(input: {name: "desktop-app"}) '
                              "{ id } }", {})["createApp"]["id"]
        secret = {"clientId": state.anaf_client_id, "clientSecret": state.anaf_client_secret,
                  "oauthCallback": self.callback}
        self.sbs.run("account-api", self.account_key, "mutation($id: ID!, $input: UpdateAppInput!) { "
                     "updateApp(id: $id, input: $input) { id } }", {"id": app_id, "input": {
                         "roAnafEfacturaClientSecret": secret, "roAnafEfacturaUseTestEnvironment": True}})
        state.app_id = app_id

    def _create_tenant(self, state: DesktopState) -> None:
        state.tenant_id = self.sbs.run("account-api", self.account_key, 'mutation { createTenant(input: '
                                       '{name: "desktop-tenant"}) { id } }', {})["createTenant"]["id"]

    def _create_key(self, state: DesktopState) -> None:
        state.service_key = self.sbs.run("account-api", self.account_key, "mutation($a: ID!, $t: ID!) { "
                                         "generateServiceAccessKey(input: {appId: $a, tenantId: $t, description: "
                                         '"desktop demo"}) { privateKey } }', {"a": state.app_id,
                                                                                "t": state.tenant_id})[
            "generateServiceAccessKey"]["privateKey"]

    def _create_organization(self, state: DesktopState) -> None:
        people = self.manifest["anaf"].get("identities") or []
        tin = next((c for p in people for c in p.get("cifs") or []), "RO12345674")
        state.organization_id = self.sbs.run("organizations-api", state.service_key, "mutation($t: String!) { "
                                             'createOrganization(input: {name: "Desktop Client SRL", tin: $t}) '
                                             "{ id } }", {"t": tin})["createOrganization"]["id"]

    # --- authorization --------------------------------------------------------------------------------------

    def authorize(self, state: DesktopState) -> dict[str, Any]:
        """Print the authorization URL, open the browser if possible, and poll SBS until the authorization is in."""
        before = {a["id"]: a["updatedAt"] for a in self._authorizations(state)}
        request = self.sbs.run("ro-anaf-oauth-api", state.service_key, GENERATE, {"org": state.organization_id})[
            "generateAuthorizationRequest"]
        self.say(f"Authorize at ANAF (rule {request['secretSource']}, client id {request['clientId']}; ANAF returns "
                 f"to {request['oauthCallback']}):")
        self.say(f"  {request['authorizationUrl']}")
        if self.open_browser and _can_open_a_browser():
            opened = webbrowser.open(request["authorizationUrl"])
            self.say("  (opened in your browser)" if opened else "  (open it in your browser)")
        started = self.monotonic()
        for tick in itertools.count():
            found = [a for a in self._authorizations(state) if before.get(a["id"]) != a["updatedAt"]]
            if found:
                self._progress(None, started)
                return found[0]
            if self.monotonic() - started >= self.timeout:
                self._progress(None, started)
                raise DesktopDemoError(
                    f"No authorization reached SBS within {self.timeout:g} s. Open the URL above and pick a "
                    "certificate on ANAF's page, then run this again (the request expires after 10 minutes).")
            self._progress(tick, started)
            self.sleep(self.poll)
        raise AssertionError("unreachable")

    def _authorizations(self, state: DesktopState) -> list[dict[str, Any]]:
        return self.sbs.run("ro-anaf-oauth-api", state.service_key, AUTHORIZATIONS,
                            {"org": state.organization_id})["authorizations"]

    def _progress(self, tick: int | None, started: float) -> None:
        waited = self.monotonic() - started
        if self.out.isatty():
            line = "" if tick is None else f"{SPINNER[tick % len(SPINNER)]} waiting for the authorization at SBS... " \
                                           f"{waited:4.0f} s (Ctrl-C to stop)"
            self.out.write("\r" + line.ljust(70) + ("\n" if tick is None else ""))
            self.out.flush()
        elif tick is not None and tick % 5 == 0:
            self.say(f"waiting for the authorization at SBS... {waited:.0f} s")

    # --- the invoice ----------------------------------------------------------------------------------------

    def send_invoice(self, state: DesktopState) -> int:
        """Upload a sample invoice through SBS, print ANAF's states until a final one, and the download's files."""
        today = datetime.now(timezone.utc).date()
        people = self.manifest["anaf"].get("identities") or []
        tin = next((c for p in people for c in p.get("cifs") or []), "RO12345674")
        number = f"DESKTOP-{today:%Y%m%d}-{int(time.time()) % 100000:05d}"
        sent = self.sbs.run("ro-efactura-api", state.service_key, UPLOAD,
                            {"org": state.organization_id, "xml": sample_invoice(tin, number, today)})["uploadInvoice"]
        self.say(f"Invoice {number} sent through SBS: upload index {sent['uploadIndex']}, {sent['environment']} "
                 f"environment, carried by the token of client id {sent['clientId']} (rule {sent['secretSource']}).")
        self.say(f"  ANAF: {sent['status']}")
        status, started, invoice = sent["status"], self.monotonic(), sent
        while status not in FINAL:
            if self.monotonic() - started >= max(self.timeout, 30.0):
                raise DesktopDemoError(f"ANAF still says {status}; read invoice {sent['id']} later at SBS.")
            self.sleep(self.poll)
            invoice = self.sbs.run("ro-efactura-api", state.service_key, READ, {"id": sent["id"]})["invoice"]
            if invoice["status"] != status:
                status = invoice["status"]
                self.say(f"  ANAF: {status}")
        for error in invoice.get("errors") or []:
            self.say(f"  error: {error}")
        if invoice.get("downloadId"):
            got = self.sbs.run("ro-efactura-api", state.service_key, DOWNLOAD, {"id": sent["id"]})["downloadInvoice"]
            self.say(f"Download {got['fileName']}: {', '.join(got['fileNames'])}")
        return 0 if status == "OK" else 1


def _can_open_a_browser() -> bool:
    """A browser can open only with a display (or on macOS/Windows)."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(manifest_path: Path, data_dir: Path, *, open_browser: bool, timeout: float, poll: float,
         out: TextIO = sys.stdout) -> int:
    """Run the program; the exit code is 0 for OK, 1 for an invoice ANAF refused, 2 for a problem, 130 for Ctrl-C."""
    try:
        manifest = read_manifest(manifest_path)
    except (OSError, ValueError):
        print(f"anaf-sandbox desktop-demo: no sandbox.json at {manifest_path}; start the sandbox first "
              "(anaf-sandbox up) or pass --manifest.", file=sys.stderr)
        return 2
    demo = DesktopDemo(manifest, data_dir / STATE_NAME, out, open_browser=open_browser, timeout=timeout, poll=poll)
    try:
        return demo.run()
    except DesktopDemoError as exc:
        print(f"anaf-sandbox desktop-demo: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped. Nothing is left half-done: what was registered is recorded and reused next time, and an "
              "unfinished authorization request expires by itself at SBS.", file=out, flush=True)
        return 130
