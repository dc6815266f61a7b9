"""e-Transport's control plane (SPEC-ANAF-API §7.6, sandbox contract).

`/__admin/etransport/uploads`, `/__admin/etransport/uploads/<index>` and `/__admin/etransport/next-outcomes`,
as e-Factura's (§6.11). Errors are 400 `{"error":"invalid_request","error_description":…}` as elsewhere
(404 unknown index, 409 final state).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, jsonify, request

from mock_anaf import anaf_numbers
from mock_anaf import taxpayers as taxpayer_rules
from mock_anaf.api_admin import (AdminInputError, add_next_outcome_routes, bad, errors_field, json_body, number_field,
                                 outcome_field)
from mock_anaf.etransport import texts
from mock_anaf.etransport.operations import STATES, Etransport
from mock_anaf.etransport.store import Upload
from mock_anaf.processing import is_terminal, revealed_state


def create_etransport_admin_blueprint(etransport: Etransport) -> Blueprint:
    """The §7.6 calls."""
    bp = Blueprint("etransport_admin", __name__, url_prefix="/__admin/etransport")
    store = etransport.store

    add_next_outcome_routes(bp, "/next-outcomes", store.armed)

    def shown(upload: Upload) -> dict[str, Any]:
        return upload.admin_json(revealed_state(upload.state, upload.ready_at, etransport.now()))

    @bp.get("/uploads")
    def list_uploads() -> Response:
        """Uploads (never their bodies), `?env=` and `?cif=` to narrow."""
        cif = request.args.get("cif")
        return jsonify([shown(u) for u in store.uploads(request.args.get("env"),
                                                         taxpayer_rules.plain_cif(cif) if cif else None)])

    @bp.post("/uploads/<index>")
    def force_upload(index: str) -> Response | tuple[Response, int]:
        """Force an upload's outcome and/or when it is revealed; 409 once its state is final."""
        data = json_body()
        number = anaf_numbers.whole_number(index)
        upload = None if number is None else store.find(number, request.args.get("env") or data.get("env"))
        if upload is None:
            return bad(f"no e-Transport upload with index {index[:20]}", 404)
        now = etransport.now()
        if is_terminal(upload.ready_at, now):
            return bad(f"upload {index} is already {upload.state!r}: a final state never changes", 409)
        changes: dict[str, Any] = {}
        if "outcome" in data:
            outcome = outcome_field(data)
            errors = (errors_field(data) or (texts.FORCED_ERROR,)) if outcome == "nok" else ()
            changes.update(state=STATES[outcome], errors=errors, list_errors=errors)
        elif "errors" in data:
            raise AdminInputError("errors go with outcome nok")
        if "ready_in" in data:
            ready_at = now + number_field(data, "ready_in", 0, 0, 365 * 86_400)
            changes.update(ready_at=ready_at, listed_at=ready_at + (upload.listed_at - upload.ready_at))
        return jsonify(shown(store.replace_outcome(replace(upload, **changes))))

    return bp
