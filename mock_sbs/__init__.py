"""Mock SBS: Account API, Organizations, RO ANAF OAuth, RO e-Factura and RO e-Transport GraphQL services."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from foundation import journal as journaling
from foundation import web
from foundation.admin import create_admin_blueprint
from foundation.clock import Clock

from mock_sbs.anaf_api import AnafApi
from mock_sbs.anaf_client import AnafGateway
from mock_sbs.config import Config
from mock_sbs.routes import create_blueprint
from mock_sbs.services import Services

log = logging.getLogger(__name__)

GRAPHQL_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE",
                 415: "BAD_REQUEST"}


def create_app(config: Config | None = None, *, anaf_client: AnafGateway | None = None,
               base_clock: Clock | None = None, anaf_api: AnafApi | None = None) -> Flask:
    """Build mock SBS. Tests may pass a fake ``anaf_client`` (OAuth), ``anaf_api`` (e-Factura/e-Transport) and a
    fixed ``base_clock`` under the service clock."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # answers keep the document's field order
    services = Services.build(config, anaf=anaf_client, base_clock=base_clock, anaf_api=anaf_api)
    app.extensions["mock_sbs"] = services
    app.extensions["sandbox.shutdown"] = services.shutdown
    web.install(app, public_url=config.public_url, bind_host=config.host, icon_letter="S", icon_color="#1d3557")
    journaling.install(app, services.journal)
    app.register_blueprint(create_blueprint(services))
    app.register_blueprint(create_admin_blueprint(services.journal, services.clock, services.reset,
                                                  snapshot=services.store.snapshot))

    @app.errorhandler(Exception)
    def handle_error(exc: Exception):  # type: ignore[no-untyped-def]
        """The one error handler: HTTP errors keep their status; anything else is a generic 500."""
        graphql = request.path.endswith("/graphql")
        if isinstance(exc, HTTPException):
            if not graphql:
                title = {404: "Nothing here", 405: "Not allowed here"}.get(exc.code or 500, exc.name)
                return render_template("error.html", status=exc.code, title=title,
                                       message=exc.description), exc.code
            message = (f"The request body is larger than {config.max_body_bytes} bytes." if exc.code == 413
                       else exc.description)
            code = GRAPHQL_CODES.get(exc.code or 500, "BAD_REQUEST")
            return jsonify({"errors": [{"message": message, "extensions": {"code": code}}]}), exc.code
        log.exception("unexpected error on %s %s", request.method, request.path)
        if graphql:
            return jsonify({"errors": [{"message": "Internal server error.",
                                        "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}), 500
        return render_template("callback_result.html", ok=False, title="Something went wrong",
                               message="Mock SBS hit an unexpected error; the server log has the details.",
                               pending=None), 500

    services.start_sweeper()
    return app
