"""Mock ANAF: developer portal, OAuth 2.0 server at ANAF's paths, TestOauth API and control plane."""
from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from authlib.oauth2.base import OAuth2Error
from flask import Flask, Response, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from foundation import anaf
from foundation import journal as journaling
from foundation import web
from foundation.admin import create_admin_blueprint
from foundation.clock import Clock, OffsetClock
from foundation.faults import FaultInjector
from foundation.journal import Journal
from mock_anaf import processing, taxpayers as taxpayer_registry
from mock_anaf.anaf_time import spring_timestamp
from mock_anaf.api import create_api_blueprint
from mock_anaf.api_admin import create_api_admin_blueprint
from mock_anaf.api_faults import spring_error
from mock_anaf.api_paths import create_prefixless_blueprint, is_api_path
from mock_anaf.config import Config, ConfigError
from mock_anaf.efactura import store as efactura_store
from mock_anaf.efactura.admin import create_efactura_admin_blueprint
from mock_anaf.efactura.archive import Signer
from mock_anaf.efactura.operations import Efactura
from mock_anaf.efactura.routes import create_efactura_blueprint
from mock_anaf.etransport import store as etransport_store
from mock_anaf.etransport.admin import create_etransport_admin_blueprint
from mock_anaf.etransport.operations import Etransport
from mock_anaf.etransport.routes import create_etransport_blueprint
from mock_anaf.errors import PortalError, TooLarge
from mock_anaf.gateway import ApiRefusal, Gateway
from mock_anaf.grants import Grants, Lifetimes
from mock_anaf.hot_paths import HotPaths
from mock_anaf.oauth import as_response, create_oauth_blueprint
from mock_anaf.oauth_calls import OAuthCalls, error_answer, server_error_answer
from mock_anaf.portal import create_portal_blueprint
from mock_anaf.portal_api import create_portal_api_blueprint
from mock_anaf.registry import Registry
from mock_anaf.services import FAULT_ENDPOINTS, FAULT_KINDS, Services
from mock_anaf.store import Store
from mock_anaf.tokens import Occupancy, SigningKey, TokenMinter

if TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

log = logging.getLogger(__name__)

JSON_PREFIXES = (anaf.OAUTH_ROOT + "/", "/portal/api/", "/.well-known/", anaf.TEST_OAUTH_ROOT + "/",
                 *(f"/{env}/" for env in anaf.ENVIRONMENTS), anaf.SIGNATURE_VALIDATION_PATH, "/__admin/")


def create_app(config: Config | None = None, *, base_clock: Clock | None = None) -> Flask:
    """Build one mock ANAF: its own database, signing key, clock, journal and faults.

    Tests may pass a fixed ``base_clock`` under the service clock, as for mock SBS.
    """
    config = config or Config()
    clock = OffsetClock(base_clock)
    key = load_signing_key(config)
    store = Store(config.database_path, extra_schema=API_SCHEMA)
    taxpayers = taxpayer_registry.Taxpayers(store.db)
    registry = Registry(store, clock, config.strict_https, taxpayers)
    registry.seed_identities()
    occupancy = Occupancy()  # counted by HotPaths, which sees every request
    minter = TokenMinter(key, config.issuer, clock, spare_core=occupancy.alone)
    lifetimes = Lifetimes(config.code_lifetime, config.access_token_lifetime, config.refresh_token_lifetime)
    api_settings = processing.RuntimeSettings(config.api_settings())
    sequences, quotas = processing.Sequences(store.db), processing.Quotas(store.db)
    efactura = Efactura(efactura_store.EfacturaStore(store.db, sequences), taxpayers, quotas, api_settings,
                        Signer.for_key(key.key.private_key), clock.now)
    etransport = Etransport(etransport_store.EtransportStore(store.db, sequences), taxpayers, quotas, api_settings,
                            clock.now)
    gateway = Gateway(store, clock, api_settings,
                      app_services=lambda client_id: a.services if (a := store.get_app(client_id)) else ())
    grants = Grants(store, minter, clock, lifetimes)
    services = Services(
        config=config, clock=clock, journal=Journal("anaf", clock, notes=API_NOTES),
        faults=FaultInjector(FAULT_ENDPOINTS, FAULT_KINDS), store=store, registry=registry,
        grants=grants, oauth=OAuthCalls(store, registry, grants, config.strict_client_auth), key=key,
        taxpayers=taxpayers, api_settings=api_settings, gateway=gateway, sequences=sequences, quotas=quotas,
        efactura=efactura, etransport=etransport,
    )

    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_body_bytes,
        # Derived from the signing key: portal sessions survive a restart on the same data dir.
        SECRET_KEY=hashlib.sha256(b"mock-anaf portal session:" + key.key.as_der(private=True)).digest(),
        SESSION_COOKIE_NAME="anaf_portal_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = PageSessions()
    app.extensions["mock_anaf"] = services
    app.extensions["sandbox.shutdown"] = store.close

    # ANAF's own host names are not ours to rebind; in-process interception sends them here.
    hosts = web.install(app, public_url=config.public_url, bind_host=config.host, icon_letter="A",
                        icon_color="#003f7d", extra_hosts=[urlsplit(url).hostname or "" for url in anaf.HOSTS])
    journaling.install(app, services.journal)
    app.register_blueprint(create_oauth_blueprint(services))
    app.register_blueprint(create_api_blueprint(services))
    app.register_blueprint(create_efactura_blueprint(efactura, gateway, services.faults))
    app.register_blueprint(create_etransport_blueprint(etransport, gateway, services.faults))
    app.register_blueprint(create_prefixless_blueprint())
    app.register_blueprint(create_api_admin_blueprint(taxpayers, quotas, api_settings))
    app.register_blueprint(create_efactura_admin_blueprint(efactura, taxpayers))
    app.register_blueprint(create_etransport_admin_blueprint(etransport))
    app.register_blueprint(create_portal_api_blueprint(services))
    app.register_blueprint(create_portal_blueprint(services))
    app.register_blueprint(create_admin_blueprint(
        services.journal, clock, reset=lambda: reset_state(services), faults=services.faults,
        snapshot=lambda: services.store.take_baseline(config.baseline_path),
    ))

    @app.get("/healthz")
    def healthz() -> Response:
        """Liveness for the launcher and tests."""
        return jsonify({"status": "ok", "service": "mock_anaf"})

    @app.get("/")
    def home() -> Response | str:
        """Where to go from the bare host: a page for people, the same links as JSON for scripts that ask for it."""
        if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
            return jsonify({"service": "mock ANAF", "portal": "/portal/", "metadata": anaf.METADATA_PATH})
        return render_template("index.html", anaf=anaf)

    app.register_error_handler(Exception, lambda exc: handle_error(exc, services))
    app.wsgi_app = HotPaths(app.wsgi_app, services, hosts, occupancy)  # type: ignore[method-assign]
    return app


def load_signing_key(config: Config) -> SigningKey:
    """The JWT signing key; an unreadable key file stops the start naming the setting that points at it."""
    try:
        return SigningKey.load_or_create(config.key_path)
    except (OSError, ValueError) as exc:
        setting = "ANAF_SIGNING_KEY_FILE" if config.signing_key_file is not None else "ANAF_DATA_DIR"
        raise ConfigError(f"{setting}: {exc}") from None


class PageSessions(SecureCookieSessionInterface):
    """Cookie sessions only where a browser fills in a form: the portal pages and the certificate page.

    API calls (token, revoke, hello, JSON) neither read nor set the cookie, and skip its cost.
    """

    def __init__(self) -> None:
        self._serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # The key is fixed once create_app returns; Flask would build this serializer on every request.
        if self._serializer is None:
            self._serializer = super().get_signing_serializer(app)
        return self._serializer

    def open_session(self, app: Flask, request):  # type: ignore[no-untyped-def, override]
        path = request.path
        if path.startswith(anaf.AUTHORIZE_PATH) or (path.startswith("/portal/")
                                                             and not path.startswith("/portal/api/")):
            return super().open_session(app, request)
        return self.make_null_session(app)


# Journal notes of ANAF's APIs (SPEC-ANAF-API §6.11): never a body, a token or a query string.
API_NOTES = ("env", "cif", "index", "download_id", "outcome", "reason")
API_SCHEMA = processing.SCHEMA + taxpayer_registry.SCHEMA + efactura_store.SCHEMA + etransport_store.SCHEMA


def reset_state(services: Services) -> None:
    """Back to the snapshot the launcher took after seeding, or to a fresh database; API settings as configured."""
    if not services.store.restore_baseline(services.config.baseline_path):
        services.store.wipe()  # every table, the APIs' included
        services.registry.seed_identities()
    services.api_settings.reset()
    services.gateway.reset()


def handle_error(exc: Exception, services: Services) -> Any:
    """The one error handler: OAuth errors as RFC 6749 JSON or redirects, portal errors as JSON or a page."""
    if isinstance(exc, ApiRefusal):
        return exc.response()
    if isinstance(exc, (NotFound, MethodNotAllowed)) and is_api_path(request.path):
        stamp = spring_timestamp(services.clock.now())
        if isinstance(exc, NotFound):
            return spring_error(404, "Not Found", stamp, request.path)
        return spring_error(405, "Method Not Allowed", stamp, request.path)
    if isinstance(exc, RequestEntityTooLarge):
        exc = TooLarge(f"The request body is larger than {services.config.max_body_bytes} bytes")
    if isinstance(exc, OAuth2Error):
        journaling.note(error=exc.error)
        return as_response(error_answer(exc))
    if isinstance(exc, PortalError):
        journaling.note(error=exc.error)
        if wants_json():
            return jsonify(exc.as_json()), exc.status_code
        return render_template("error.html", status=exc.status_code, message=exc.message), exc.status_code
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        if wants_json():
            return jsonify({"error": (exc.name or "error").lower().replace(" ", "_"),
                            "error_description": exc.description}), status
        return render_template("error.html", status=status, message=exc.description), status
    log.exception("unexpected error on %s %s", request.method, request.path)
    journaling.note(error="server_error")
    return as_response(server_error_answer())


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)
