"""e-Transport's HTTP face: `/{test|prod}/ETRANSPORT/ws/v1/<op>` (SPEC-ANAF-API §7). Thin: route → gateway → fault → op.

Any other path under the prefix (`descarcare`, `upload/` without its segments, ...) is Spring's 404 and a
known operation with another method Spring's 405, both from mock ANAF's error handler (`api_paths`).
"""
from __future__ import annotations

import time

from flask import Blueprint, Response, request

from foundation import anaf, journal
from foundation.faults import FaultInjector
from mock_anaf.api_requests import Admission, read_body
from mock_anaf.etransport import rules
from mock_anaf.etransport.answers import Answer
from mock_anaf.etransport.operations import Etransport, UploadRequest
from mock_anaf.gateway import Gateway

ROLE = anaf.ETRANSPORT.role
PREFIX = f"/<any({', '.join(anaf.ENVIRONMENTS)}):env>/{anaf.ETRANSPORT.api_root}"
UPLOAD, STATUS, LIST, INFO = (f"{PREFIX}/{operation}" for operation in anaf.ETRANSPORT_OPERATIONS)
FAULT_ENDPOINTS = ("etransport_upload", "etransport_stare", "etransport_lista", "etransport_info")


def to_response(answer: Answer) -> Response:
    journal.note(operation=request.endpoint and request.endpoint.rsplit(".", 1)[-1], **answer.notes)
    return Response(answer.body, status=answer.status, mimetype="application/json")


def create_etransport_blueprint(etransport: Etransport, gateway: Gateway, faults: FaultInjector) -> Blueprint:
    """The four operations under both environments."""
    bp = Blueprint("etransport", __name__, url_prefix="")

    admit = Admission(gateway, faults, ROLE, etransport.now)

    def error(text: str) -> Response:
        return to_response(etransport.errors(text))

    def info_error(text: str) -> Response:
        return to_response(etransport.info_error(text))

    def upload(env: str, standard: str, cif: str, versiune: str | None = None) -> Response:
        """Upload a transport declaration (v2 with `/2`; v1 with `/1` or no version segment)."""
        caller, fault, replaced = admit("etransport_upload", error)
        if replaced is not None:
            return replaced
        body, too_big = read_body(rules.MAX_BODY_BYTES)
        answer = etransport.upload(env, caller, UploadRequest(standard, cif, versiune, body, too_big))
        if fault is not None and fault.error == "slow_after_commit":
            time.sleep(fault.seconds)  # stored and indexed already: a client that times out leaves an index behind
        return to_response(answer)

    bp.add_url_rule(f"{UPLOAD}/<standard>/<cif>", endpoint="upload", view_func=upload, methods=["POST"])
    bp.add_url_rule(f"{UPLOAD}/<standard>/<cif>/<versiune>", endpoint="upload", view_func=upload, methods=["POST"])

    @bp.get(f"{STATUS}/<id_incarcare>")
    def stare_mesaj(env: str, id_incarcare: str) -> Response:
        """The state of an upload: `in prelucrare`, `ok`, `nok` (with its errors), `XML cu erori nepreluat de sistem`."""
        caller, _, replaced = admit("etransport_stare", error)
        return replaced or to_response(etransport.stare(env, caller, id_incarcare))

    @bp.get(f"{LIST}/<zile>/<cif>")
    def lista(env: str, zile: str, cif: str) -> Response:
        """A CIF's declarations of the last 1–60 days."""
        caller, _, replaced = admit("etransport_lista", error)
        return replaced or to_response(etransport.lista(env, caller, zile, cif))

    @bp.get(INFO)
    def info(env: str) -> Response:
        """The valid notifications a transport organiser carries (`cui_op`), filtered."""
        caller, _, replaced = admit("etransport_info", info_error)
        return replaced or to_response(etransport.info(env, caller, request.args))

    return bp
