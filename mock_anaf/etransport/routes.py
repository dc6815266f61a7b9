"""e-Transport's HTTP face: `/{test|prod}/ETRANSPORT/ws/v1/<op>` (SPEC-ANAF-API §7). Thin: route → gateway → fault → op.

Any other path under the prefix (`descarcare`, `upload/` without its segments, ...) is Spring's 404 and a
known operation with another method Spring's 405, both from mock ANAF's error handler (`api_paths`).
"""
from __future__ import annotations

import time
from typing import Callable

from flask import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from foundation import anaf, journal
from foundation.faults import Fault, FaultInjector
from mock_anaf import anaf_time
from mock_anaf.api_faults import fault_answer
from mock_anaf.etransport import rules
from mock_anaf.etransport.answers import Answer
from mock_anaf.etransport.operations import Etransport, UploadRequest
from mock_anaf.gateway import Caller, Gateway

ROLE = anaf.ETRANSPORT.role
PREFIX = f"/<any({', '.join(anaf.ENVIRONMENTS)}):env>/{anaf.ETRANSPORT.api_root}"
UPLOAD, STATUS, LIST, INFO = (f"{PREFIX}/{operation}" for operation in anaf.ETRANSPORT_OPERATIONS)
FAULT_ENDPOINTS = ("etransport_upload", "etransport_stare", "etransport_lista", "etransport_info")


def read_body() -> tuple[bytes, bool]:
    """The declaration's bytes and whether it was over 5 MiB (then not read); only the upload allows that size."""
    if request.content_length is not None and request.content_length > rules.MAX_BODY_BYTES:
        return b"", True
    request.max_content_length = rules.MAX_BODY_BYTES + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return b"", True
    return data, len(data) > rules.MAX_BODY_BYTES


def to_response(answer: Answer) -> Response:
    journal.note(operation=request.endpoint and request.endpoint.rsplit(".", 1)[-1], **answer.notes)
    return Response(answer.body, status=answer.status, mimetype="application/json")


def create_etransport_blueprint(etransport: Etransport, gateway: Gateway, faults: FaultInjector) -> Blueprint:
    """The four operations under both environments."""
    bp = Blueprint("etransport", __name__, url_prefix="")

    def admit(endpoint: str, own_error: Callable[[str], Answer]) -> tuple[Caller, Fault | None, Response | None]:
        """Gateway, then an armed fault: the caller, the fault, and the answer that replaces the operation."""
        journal.note(grant_type=None)  # a declaration sent as a form (curl -d) is not parsed for the journal
        caller = gateway.admit(request.headers.get("Authorization"), ROLE)
        fault = faults.take(endpoint)
        answer = None if fault is None else fault_answer(
            fault, lambda text: to_response(own_error(text)), anaf_time.spring_timestamp(etransport.now()))
        return caller, fault, answer

    def upload(env: str, standard: str, cif: str, versiune: str | None = None) -> Response:
        """Upload a transport declaration (v2 with `/2`; v1 with `/1` or no version segment)."""
        caller, fault, replaced = admit("etransport_upload", etransport.errors)
        if replaced is not None:
            return replaced
        body, too_big = read_body()
        answer = etransport.upload(env, caller, UploadRequest(standard, cif, versiune, body, too_big))
        if fault is not None and fault.error == "slow_after_commit":
            time.sleep(fault.seconds)  # stored and indexed already: a client that times out leaves an index behind
        return to_response(answer)

    bp.add_url_rule(f"{UPLOAD}/<standard>/<cif>", endpoint="upload", view_func=upload, methods=["POST"])
    bp.add_url_rule(f"{UPLOAD}/<standard>/<cif>/<versiune>", endpoint="upload", view_func=upload, methods=["POST"])

    @bp.get(f"{STATUS}/<id_incarcare>")
    def stare_mesaj(env: str, id_incarcare: str) -> Response:
        """The state of an upload: `in prelucrare`, `ok`, `nok` (with its errors), `XML cu erori nepreluat de sistem`."""
        caller, _, replaced = admit("etransport_stare", etransport.errors)
        return replaced or to_response(etransport.stare(env, caller, id_incarcare))

    @bp.get(f"{LIST}/<zile>/<cif>")
    def lista(env: str, zile: str, cif: str) -> Response:
        """A CIF's declarations of the last 1–60 days."""
        caller, _, replaced = admit("etransport_lista", etransport.errors)
        return replaced or to_response(etransport.lista(env, caller, zile, cif))

    @bp.get(INFO)
    def info(env: str) -> Response:
        """The valid notifications a transport organiser carries (`cui_op`), filtered."""
        caller, _, replaced = admit("etransport_info", etransport.info_error)
        return replaced or to_response(etransport.info(env, caller, request.args))

    return bp
