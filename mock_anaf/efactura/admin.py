"""e-Factura's control plane (SPEC-ANAF-API §6.11, sandbox contract).

`/__admin/efactura/uploads`, `/__admin/efactura/uploads/<index>`, `/__admin/efactura/next-outcomes`,
`/__admin/efactura/inbox` and `/__admin/efactura/signing-cert`. Errors are 400
`{"error":"invalid_request","error_description":…}` as elsewhere (404 unknown index, 409 final state).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request

from foundation.samples import sample_invoice
from mock_anaf import anaf_time
from mock_anaf import taxpayers as taxpayer_rules
from mock_anaf.api_admin import (AdminInputError, add_next_outcome_routes, bad as _bad, cif_field, env_field,
                                 errors_field, json_body as _body, number_field, outcome_field)
from mock_anaf.efactura import texts
from mock_anaf.efactura.operations import STATES, Efactura
from mock_anaf.efactura.store import Upload
from mock_anaf.processing import is_terminal, revealed_state
from mock_anaf.taxpayers import Taxpayers

MAX_INBOX = 2000


def create_efactura_admin_blueprint(efactura: Efactura, taxpayers: Taxpayers) -> Blueprint:
    """The §6.11 calls."""
    bp = Blueprint("efactura_admin", __name__, url_prefix="/__admin")
    store = efactura.store

    add_next_outcome_routes(bp, "/efactura/next-outcomes", store.armed)

    def shown(upload: Upload) -> dict[str, Any]:
        return upload.admin_json(revealed_state(upload.state, upload.ready_at, efactura.now()))

    @bp.get("/efactura/uploads")
    def list_uploads() -> Response:
        """Uploads (never their bodies), `?env=` and `?cif=` to narrow."""
        env = request.args.get("env")
        cif = request.args.get("cif")
        return jsonify([shown(u) for u in store.uploads(env, taxpayer_rules.plain_cif(cif) if cif else None)])

    @bp.post("/efactura/uploads/<index>")
    def force_upload(index: str) -> Response | tuple[Response, int]:
        """Force an upload's outcome and/or when it is revealed; 409 once its state is final."""
        data = _body()
        env = request.args.get("env") or data.get("env")
        matches = [u for u in store.uploads(env) if u.index == index]
        if not matches:
            return _bad(f"no e-Factura upload with index {index[:20]}", 404)
        upload = matches[0]
        now = efactura.now()
        if is_terminal(upload.ready_at, now):
            return _bad(f"upload {index} is already {upload.state!r}: a final state never changes", 409)
        changes: dict[str, Any] = {}
        if "outcome" in data:
            outcome = outcome_field(data)
            errors = errors_field(data) or ((texts.FORCED_ERROR,) if outcome == "nok" else ())
            changes.update(state=STATES[outcome], errors=errors if outcome == "nok" else ())
        elif "errors" in data:
            raise AdminInputError("errors go with outcome nok")
        if "ready_in" in data:
            ready_at = now + number_field(data, "ready_in", 0, 0, 365 * 86_400)
            changes.update(ready_at=ready_at, listed_at=ready_at + (upload.listed_at - upload.ready_at))
        stored = store.replace_outcome(replace(upload, **changes), efactura.messages_for)
        return jsonify(shown(stored))

    @bp.post("/efactura/inbox")
    def inbox() -> tuple[Response, int]:
        """Invoices from a phantom supplier, already processed `ok`: `count` up to 2000, `ago_seconds` back-dates."""
        data = _body()
        env = env_field(data, "test")
        seller, buyer = cif_field(data, "seller"), cif_field(data, "buyer")
        xml = data.get("xml")
        if xml is not None and (not isinstance(xml, str) or not xml.strip()):
            raise AdminInputError("xml must be the invoice as a text, or left out for a generated one")
        count = int(number_field(data, "count", 1, 1, MAX_INBOX))
        ago = number_field(data, "ago_seconds", 0, 0, 365 * 86_400)
        at = efactura.now() - ago
        names = {cif: (t.name if (t := taxpayers.get(cif)) else f"Furnizor {cif} SRL") for cif in (seller, buyer)}
        uploads = []
        for n in range(count):
            number = f"SBX-IN-{int(at)}-{n + 1}"
            body = (xml if xml is not None else sample_invoice(
                seller, number, date.fromisoformat(anaf_time.day(at)), seller_name=names[seller], buyer_tin=buyer,
                buyer_name=names[buyer], note="Factura de la un furnizor, pusa in sandbox")).encode("utf-8")
            uploads.append(Upload(
                index="", env=env, cif=seller, standard="UBL", flags=("inbox",), serial="", client_id=None,
                seller=seller, buyer=buyer, number=number, issue_date=anaf_time.day(at), target=None, received_at=at,
                ready_at=at, listed_at=at, state=texts.STATE_OK, errors=(), owner=seller, download_id=None,
                body=body))
        stored = store.add_uploads(uploads, efactura.messages_for)
        return jsonify([shown(u) for u in stored]), 201

    @bp.get("/efactura/signing-cert")
    def signing_cert() -> Response:
        """The PEM certificate that `semnatura_{index}.xml` verifies with."""
        return Response(efactura.signer.certificate_pem(), mimetype="application/x-pem-file")

    return bp
