"""Control-plane calls shared by ANAF's APIs (SPEC-ANAF-API §6.11): run-time settings, quotas, taxpayers.

`GET/PUT /__admin/api-settings`, `DELETE /__admin/api-quotas`, `GET/POST /__admin/taxpayers`. Errors are
400 `{"error":"invalid_request","error_description":…}` as elsewhere in the control plane.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from mock_anaf import taxpayers as taxpayer_rules
from mock_anaf.processing import Quotas, RuntimeSettings
from mock_anaf.taxpayers import Taxpayers
from foundation.json_body import JsonBodyError, request_json


class AdminInputError(ValueError):
    """A control-plane request that cannot be carried out; the message says what to send."""


def bad(message: str, status: int = 400) -> tuple[Response, int]:
    error = {404: "not_found", 409: "conflict"}.get(status, "invalid_request")
    response = jsonify({"error": error, "error_description": message})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def json_value() -> Any:
    """The request's JSON, read by the one JSON reader (depth, UTF-8 and text checked)."""
    try:
        return request_json()
    except JsonBodyError as exc:
        raise AdminInputError(exc.message) from None


def json_body() -> dict[str, Any]:
    """The request's JSON object."""
    data = json_value()
    if not isinstance(data, dict):
        raise AdminInputError("send a JSON object")
    return data


def create_api_admin_blueprint(taxpayers: Taxpayers, quotas: Quotas, settings: RuntimeSettings) -> Blueprint:
    """Settings, quotas and the taxpayer registry; also turns AdminInputError into a 400 for every blueprint."""
    bp = Blueprint("api_admin", __name__, url_prefix="/__admin")

    @bp.app_errorhandler(AdminInputError)
    def refused(exc: AdminInputError) -> tuple[Response, int]:
        return bad(str(exc))

    @bp.get("/api-settings")
    def get_settings() -> Response:
        return jsonify(settings.current().as_json())

    @bp.put("/api-settings")
    def put_settings() -> Response:
        """Change some settings (the others stay); `/__admin/reset` restores the configured ones."""
        try:
            return jsonify(settings.update(json_body()).as_json())
        except ValueError as exc:
            raise AdminInputError(str(exc)) from None

    @bp.delete("/api-quotas")
    def forget_quotas() -> tuple[str, int]:
        """Forget today's counters: every daily quota starts again."""
        quotas.forget()
        return "", 204

    @bp.get("/taxpayers")
    def list_taxpayers() -> Response:
        return jsonify([t.as_json() for t in taxpayers.all()])

    @bp.post("/taxpayers")
    def add_taxpayer() -> tuple[Response, int]:
        """Add or replace a taxpayer `{"cif","name","executare"?}`."""
        try:
            taxpayer = taxpayer_rules.parse(json_value())
        except ValueError as exc:
            raise AdminInputError(str(exc)) from None
        taxpayers.put(taxpayer)
        return jsonify(taxpayer.as_json()), 201

    return bp
