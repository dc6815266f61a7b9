"""Starting the whole sandbox in one process: bind, start, seed, check health, write the manifest (SPEC §1)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from demo_app import create_app as create_demo
from demo_app.config import Config as DemoConfig
from foundation.serving import ServerThread, wait_healthy
from mock_anaf import create_app as create_anaf
from mock_anaf.config import Config as AnafConfig
from mock_sbs import create_app as create_sbs
from mock_sbs.config import Config as SbsConfig
from sandbox import seeding
from sandbox.manifest import write_manifest

log = logging.getLogger(__name__)

# Files of ours in a data dir; `--fresh` removes only these, never anything else a user keeps there.
OWN_FILES = ("anaf*", "sbs*", "demo*", "desktop-demo*", seeding.SEED_NAME, "sandbox.json", "sandbox.json.tmp")


@dataclass(frozen=True)
class Options:
    """What `anaf-sandbox up` was asked for; ports 0 pick free ones, ``data_dir=None`` keeps state in memory."""

    host: str = "127.0.0.1"
    anaf_port: int = 8001
    sbs_port: int = 8002
    demo_port: int = 8000
    data_dir: Path | None = Path(".sandbox")
    fresh: bool = False
    strict_client_auth: bool = False
    sweep_interval: float = 60.0


def public_host(host: str) -> str:
    """The host name a browser on this machine uses to reach a server bound to ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def wipe(data_dir: Path) -> None:
    """Remove the sandbox's own files from ``data_dir``."""
    if not data_dir.exists():
        return
    for pattern in OWN_FILES:
        for path in data_dir.glob(pattern):
            if path.is_file():
                path.unlink()


class Sandbox:
    """The three services running in this process, seeded; ``manifest`` is what `sandbox.json` holds."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.servers: dict[str, ServerThread] = {}
        self.apps: dict[str, Any] = {}
        self.manifest: dict[str, Any] = {}
        self.manifest_path: Path | None = None
        self.ready_seconds: float = 0.0

    @classmethod
    def start(cls, options: Options | None = None) -> "Sandbox":
        """Start, seed and health-check all three services; on any failure stop what started and raise."""
        sandbox = cls(options or Options())
        try:
            sandbox._start()
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

    def url(self, name: str) -> str:
        server = self.servers[name]
        return f"http://{public_host(server.host)}:{server.port}"

    def _start(self) -> None:
        started = time.perf_counter()
        o = self.options
        data_dir = None if o.data_dir is None else Path(o.data_dir)
        if data_dir is not None:
            if o.fresh:
                wipe(data_dir)
            data_dir.mkdir(parents=True, exist_ok=True)
        store_dir = None if data_dir is None else str(data_dir)

        # Bind all three first: each service's URL must be known before the others are configured.
        for name, port in (("anaf", o.anaf_port), ("sbs", o.sbs_port), ("demo", o.demo_port)):
            self.servers[name] = ServerThread(o.host, port)
        anaf_url, sbs_url, demo_url = self.url("anaf"), self.url("sbs"), self.url("demo")
        callbacks = seeding.demo_callbacks(demo_url, sbs_url)
        state = seeding.SeedState.load(data_dir)
        http = requests.Session()

        self._serve("anaf", create_anaf(AnafConfig(
            host=o.host, port=self.servers["anaf"].port, public_url=anaf_url, data_dir=store_dir,
            strict_client_auth=o.strict_client_auth,
        )))
        seeding.seed_anaf(http, anaf_url, state, callbacks)
        people = seeding.identities(http, anaf_url)
        implicit = state.anaf_apps["implicit"]

        self._serve("sbs", create_sbs(SbsConfig(
            host=o.host, port=self.servers["sbs"].port, public_url=sbs_url, data_dir=store_dir,
            anaf_url=anaf_url, implicit_client_id=implicit.client_id,
            implicit_client_secret=implicit.client_secret, bootstrap_account_key=state.account_key,
            refresh_sweep_interval=o.sweep_interval,
        )))
        created = seeding.seed_sbs(http, sbs_url, state, callbacks, seeding.first_tin(people))
        moved = not created and state.demo_url not in (None, demo_url)
        if moved:
            seeding.rebase_sbs_callbacks(http, sbs_url, state, state.demo_url or "", demo_url)
        state.sbs_url, state.demo_url = sbs_url, demo_url
        state.save(data_dir)
        if created or moved:
            for name in ("anaf", "sbs"):
                http.post(f"{self.url(name)}/__admin/snapshot", timeout=10).raise_for_status()

        self._serve("demo", create_demo(DemoConfig(
            host=o.host, port=self.servers["demo"].port, public_url=demo_url, data_dir=store_dir,
            sbs_url=sbs_url, anaf_url=anaf_url, account_key=state.account_key, service_key=state.service_key,
            app_id=state.app_id, tenant_id=state.tenant_id, organization_id=state.organization_id,
        )))
        for name in self.servers:
            wait_healthy(self.url(name))

        self.manifest = seeding.build_manifest(anaf_url, sbs_url, demo_url, state, people)
        if data_dir is not None:
            self.manifest_path = write_manifest(data_dir, self.manifest)
        self.ready_seconds = time.perf_counter() - started

    def _serve(self, name: str, app: Any) -> None:
        self.apps[name] = app
        self.servers[name].start(app)
        wait_healthy(self.url(name))

    def stop(self) -> None:
        """Stop every server that started, demo first, and let each app release what it holds."""
        for name in ("demo", "sbs", "anaf"):
            server = self.servers.pop(name, None)
            if server is not None:
                server.stop()
            app = self.apps.pop(name, None)
            shutdown = getattr(app, "extensions", {}).get("sandbox.shutdown") if app is not None else None
            if callable(shutdown):
                shutdown()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
