"""Control-plane calls shared by ANAF's APIs (SPEC-ANAF-API §6.11): run-time settings, quotas, taxpayers.

`GET/PUT /__admin/api-settings`, `DELETE /__admin/api-quotas`, `GET/POST /__admin/taxpayers`, and for each
API `GET/POST/DELETE /__admin/<api>/next-outcomes` with the field readers its control plane shares. Errors
are 400 `{"error":"invalid_request","error_description":…}` as elsewhere in the control plane.
"""
from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, jsonify

from mock_anaf import taxpayers as taxpayer_rules
from mock_anaf.processing import ArmedOutcomes, Quotas, RuntimeSettings
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


# What the control plane calls the three outcomes of an upload (§6.11).
OUTCOMES = ("ok", "nok", "xml_errors")


def env_field(data: dict[str, Any], default: str | None = None) -> str:
    """`env`: test or prod."""
    env = data.get("env", default)
    if env not in ("test", "prod"):
        raise AdminInputError("env must be test or prod")
    return env


def cif_field(data: dict[str, Any], name: str) -> str:
    """A CIF field (`RO` and spaces allowed) as its digits, at most 18 like ANAF's int64 reading."""
    value = data.get(name)
    digits = taxpayer_rules.plain_cif(value) if isinstance(value, str) else ""
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
        raise AdminInputError(f"{name} must be a CIF of digits, e.g. 12345674")
    return digits


def number_field(data: dict[str, Any], name: str, default: float, low: float, high: float) -> float:
    """A finite JSON number from ``low`` to ``high`` (``default`` when absent); booleans are not numbers."""
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        raise AdminInputError(f"{name} must be a number from {_plain(low)} to {_plain(high)}")
    return float(value)


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def outcome_field(data: dict[str, Any]) -> str:
    """`outcome`: ok, nok or xml_errors."""
    outcome = data.get("outcome")
    if outcome not in OUTCOMES:
        raise AdminInputError("outcome must be ok, nok or xml_errors")
    return outcome


def errors_field(data: dict[str, Any]) -> tuple[str, ...]:
    """`errors`: up to 100 non-empty texts, none by default."""
    errors = data.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(e, str) and e for e in errors) or len(errors) > 100:
        raise AdminInputError("errors must be a list of up to 100 non-empty texts")
    return tuple(errors)


def add_next_outcome_routes(bp: Blueprint, path: str, armed: ArmedOutcomes) -> None:
    """`GET/POST/DELETE {path}` on ``bp``: the outcomes armed for an API's next uploads."""

    @bp.get(path)
    def list_armed() -> Response:
        return jsonify([a.as_json() for a in armed.all()])

    @bp.post(path)
    def arm() -> tuple[Response, int]:
        """The next `times` uploads under this `cif` in `env` end with `outcome`, whatever their content."""
        data = json_body()
        outcome = outcome_field(data)
        times = data.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 1000:
            raise AdminInputError("times must be a whole number from 1 to 1000")
        return jsonify(armed.arm(env_field(data, "test"), cif_field(data, "cif"), outcome, errors_field(data),
                                 times).as_json()), 201

    @bp.delete(path)
    def disarm() -> tuple[str, int]:
        armed.clear()
        return "", 204


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
