"""The developer portal as JSON, for scripts and the launcher (SPEC §2.1, sandbox contract).

No login: the sandbox is local. A JSON content type is required on writes, so a page on another
site cannot post to it with a plain HTML form.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from mock_anaf.errors import PortalError
from mock_anaf.registry import app_json, identity_json
from mock_anaf.services import Services
from mock_anaf.validation import only_fields
from foundation.json_body import JsonBodyError, request_json


def json_object() -> dict[str, Any]:
    """The request's JSON object, or a 400/415 saying what to send (the one JSON reader checks depth and text)."""
    try:
        data = request_json()
    except JsonBodyError as exc:
        if exc.status == 415:
            raise PortalError(None, "send Content-Type: application/json", status_code=415,
                              error="unsupported_media_type") from None
        raise PortalError(None, exc.message) from None
    if not isinstance(data, dict):
        raise PortalError(None, "the body must be a JSON object")
    return data


def create_portal_api_blueprint(services: Services) -> Blueprint:
    """`/portal/api/apps` and `/portal/api/identities`."""
    bp = Blueprint("portal_api", __name__, url_prefix="/portal/api")
    registry = services.registry

    @bp.post("/apps")
    def create_app() -> tuple[Response, int]:
        """Register an app: 201 with `clientId` and `clientSecret` (the secret is never shown again)."""
        data = json_object()
        only_fields(data, {"name", "callbacks", "services", "developer"})
        app, secret = registry.create_app(
            data.get("name"), data.get("callbacks"), data.get("services"), data.get("developer")
        )
        body = {"clientId": app.client_id, "clientSecret": secret, **app_json(app)}
        response = jsonify(body)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Location"] = f"/portal/api/apps/{app.client_id}"
        return response, 201

    @bp.get("/apps")
    def list_apps() -> Response:
        """Every app, or those of `?developer=<email>`; never a secret."""
        developer = request.args.get("developer")
        apps = services.store.list_apps(developer.strip().lower() if developer else None)
        return jsonify([app_json(a) for a in apps])

    @bp.get("/apps/<client_id>")
    def get_app(client_id: str) -> Response:
        """One app; never its secret."""
        return jsonify(app_json(registry.get_app(client_id)))

    @bp.patch("/apps/<client_id>")
    def update_app(client_id: str) -> Response:
        """Change name, callbacks and/or services; the fields not sent stay as they are."""
        return jsonify(app_json(registry.update_app(client_id, json_object())))

    @bp.delete("/apps/<client_id>")
    def delete_app(client_id: str) -> tuple[str, int]:
        """"Renunțare OAuth": the app, its codes and tokens are removed."""
        registry.delete_app(client_id)
        return "", 204

    @bp.get("/identities")
    def list_identities() -> Response:
        """The simulated certificates the authorize page offers."""
        return jsonify([identity_json(i) for i in registry.identities()])

    @bp.post("/identities")
    def add_identity() -> tuple[Response, int]:
        """Add a certificate `{"name", "cifs", "serial"?}`; 201 with the stored identity."""
        return jsonify(identity_json(registry.add_identity(json_object()))), 201

    @bp.patch("/identities/<serial>")
    def update_identity(serial: str) -> Response:
        """Change a certificate's `name` and/or `cifs` (an empty list: no SPV rights at all)."""
        return jsonify(identity_json(registry.update_identity(serial, json_object())))

    return bp
