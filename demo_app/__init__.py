"""Demo tenant app: a customer web app with custom ANAF callback URLs (SPEC §4)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, jsonify

from demo_app import errors, sessions
from demo_app.api_client import ApiClient, HttpApiClient
from demo_app.config import Config
from demo_app.services import Services
from demo_app.journals import HttpJournals, JournalReader
from demo_app.sbs_client import HttpSbsClient, SbsClient
from demo_app.sends import Sending, Sends
from demo_app.store import Store
from demo_app.views import authorizations, flows, pages, sending
from foundation import journal as journaling
from foundation import web
from foundation.admin import create_admin_blueprint
from foundation.clock import OffsetClock
from foundation.journal import Journal

SERVICE = "demo"


def create_app(
    config: Config | None = None, *, sbs: SbsClient | None = None, journals: JournalReader | None = None,
    api: ApiClient | None = None,
) -> Flask:
    """Build the demo app; tests may pass a fake ``sbs`` client, ``journals`` reader and ``api`` client."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key or _secret_key(config.data_dir),
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        SESSION_COOKIE_NAME="demo_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    clock = OffsetClock()
    journal = Journal(SERVICE, clock, notes=("peer", "scope"))
    store = Store(config.data_dir)
    if sbs is None:
        sbs = HttpSbsClient(
            config.sbs_url, journal=journal, account_key=config.account_key, service_key=config.service_key,
            app_id=config.app_id, organization_id=config.organization_id, timeout=config.sbs_timeout,
        )
    if journals is None:
        journals = HttpJournals(journal, {"sbs": config.sbs_url, "anaf": config.anaf_url})
    services = Services(config, sbs, store, journals, journal, clock, lambda: secrets.token_urlsafe(9))
    app.extensions["demo"] = services
    if api is None:
        api = HttpApiClient(
            HttpSbsClient(config.sbs_url, journal=journal, account_key=config.account_key,
                          service_key=config.service_key, app_id=config.app_id,
                          organization_id=config.organization_id, timeout=config.sbs_timeout),
            journal, config.organization_id, config.anaf_url, config.sbs_timeout)
    app.extensions["sandbox.shutdown"] = store.close

    web.install(app, public_url=config.public_url, bind_host=config.host, icon_letter="D", icon_color="#2a6f4e")
    journaling.install(app, journal)
    sessions.install(app, store.generation)
    errors.install(app)

    app.register_blueprint(pages.create_blueprint(services))
    app.register_blueprint(flows.create_blueprint(services))
    app.register_blueprint(authorizations.create_blueprint(services))
    app.register_blueprint(sending.create_blueprint(services, Sending(api, Sends(store.db))))
    app.register_blueprint(create_admin_blueprint(journal, clock, store.reset))

    @app.context_processor
    def _links() -> dict[str, object]:
        return {"links": {"sbs": config.sbs_url.rstrip("/"), "anaf": config.anaf_url.rstrip("/")}}

    @app.get("/healthz")
    def healthz() -> Response:
        """Liveness: the demo answers and knows where SBS is."""
        return jsonify({"status": "ok", "service": SERVICE, "sbs": config.sbs_url})

    return app


def _secret_key(data_dir: str | None) -> str:
    """A random session key, kept in `<data_dir>/demo.secret` (owner-only) so sessions survive a restart."""
    if data_dir is None:
        return secrets.token_urlsafe(32)
    path = Path(data_dir) / "demo.secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
