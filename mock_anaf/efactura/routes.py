"""e-Factura's HTTP face, `/{test|prod}/FCTEL/rest/<op>` (SPEC-ANAF-API §6): route → gateway → fault → op."""
from __future__ import annotations

import time

from flask import Blueprint, Response, request

from foundation import anaf
from foundation import journal
from foundation.faults import FaultInjector
from mock_anaf import anaf_time
from mock_anaf.api_requests import Admission, read_body
from mock_anaf.efactura import answers, archive, lists, pdf, rules, texts, validare as validare_rules
from mock_anaf.efactura.answers import Answer, json_answer
from mock_anaf.efactura.operations import Efactura, UploadRequest
from mock_anaf.gateway import Gateway

ROLE = anaf.EFACTURA.role
PREFIX = f"/<any({', '.join(anaf.ENVIRONMENTS)}):env>/{anaf.EFACTURA.api_root}"
FAULT_ENDPOINTS = ("efactura_upload", "efactura_stare", "efactura_lista", "efactura_lista_paginatie",
                   "efactura_descarcare")


def to_response(answer: Answer) -> Response:
    journal.note(operation=request.endpoint and request.endpoint.rsplit(".", 1)[-1], **answer.notes)
    response = Response(answer.body, status=answer.status, content_type=answer.mimetype)
    for name, value in answer.headers.items():
        response.headers[name] = value
    return response


def create_efactura_blueprint(efactura: Efactura, gateway: Gateway, faults: FaultInjector) -> Blueprint:
    """The six operations under both environments."""
    bp = Blueprint("efactura", __name__, url_prefix="")

    admit = Admission(gateway, faults, ROLE, efactura.now)

    def upload_error(text: str) -> Response:
        body = answers.upload_refused(anaf_time.minute_stamp(efactura.now()), text)
        return Response(body, content_type="application/xml")

    def stare_error(text: str) -> Response:
        return Response(answers.stare_error(text), content_type="application/xml")

    def list_error(text: str) -> Response:
        return to_response(json_answer(lists.list_error(text)))

    def download_error(text: str) -> Response:
        return to_response(json_answer(answers.download_error(text)))

    def do_upload(env: str, b2c: bool) -> Response:
        caller, fault, replaced = admit("efactura_upload", upload_error)
        if replaced is not None:
            return replaced
        body, too_big = read_body(rules.MAX_BODY)
        answer = efactura.upload(env, caller, UploadRequest(request.args, body, too_big, b2c))
        if fault is not None and fault.error == "slow_after_commit":
            time.sleep(fault.seconds)  # stored and indexed already: a client that times out leaves an index behind
        return to_response(answer)

    @bp.post(f"{PREFIX}/{anaf.EFACTURA_UPLOAD}")
    def upload(env: str) -> Response:
        """Upload an invoice (UBL, CN, CII) or a buyer's message (RASP)."""
        return do_upload(env, b2c=False)

    @bp.post(f"{PREFIX}/{anaf.EFACTURA_UPLOAD_B2C}")
    def uploadb2c(env: str) -> Response:
        """Upload a B2C invoice: the same checks; the buyer gets no list entry."""
        return do_upload(env, b2c=True)

    @bp.get(f"{PREFIX}/{anaf.EFACTURA_STATUS}")
    def stare_mesaj(env: str) -> Response:
        """The state of an upload: `in prelucrare`, `ok`, `nok`, or `XML cu erori nepreluat de sistem`."""
        caller, _, replaced = admit("efactura_stare", stare_error)
        return replaced or to_response(efactura.stare(env, caller, request.args))

    @bp.get(f"{PREFIX}/{anaf.EFACTURA_LIST}")
    def lista_mesaje(env: str) -> Response:
        """Messages of a CIF in the last 1–60 days (at most 500)."""
        caller, _, replaced = admit("efactura_lista", list_error)
        return replaced or to_response(efactura.lista(env, caller, request.args))

    @bp.get(f"{PREFIX}/{anaf.EFACTURA_LIST_PAGED}")
    def lista_paginatie(env: str) -> Response:
        """Messages of a CIF in an interval, 500 a page."""
        caller, _, replaced = admit("efactura_lista_paginatie", list_error)
        return replaced or to_response(efactura.paginatie(env, caller, request.args))

    @bp.get(f"{PREFIX}/{anaf.EFACTURA_DOWNLOAD}")
    def descarcare(env: str) -> Response:
        """The ZIP of a message: the invoice (or error list) and its signature."""
        caller, _, replaced = admit("efactura_descarcare", download_error)
        return replaced or to_response(efactura.descarcare(env, caller, request.args))

    @bp.post(f"{anaf.EFACTURA.api_prefix('prod')}/{anaf.EFACTURA_VALIDATE}/<standard>")
    def validare(standard: str) -> Response:
        """ANAF's validator: answers without a token too, as its public twin does; a token sent must be good."""
        journal.note(grant_type=None, env="prod")
        if request.headers.get("Authorization") is not None:
            gateway.admit(request.headers.get("Authorization"), ROLE)
        body, too_big = read_body(validare_rules.MAX_BODY)
        messages = validare_rules.problems(standard, body, too_big)
        return to_response(json_answer(validare_rules.answer(messages), outcome="nok" if messages else "ok"))

    def transform(standard: str, check: bool) -> Response:
        journal.note(grant_type=None, env="prod")
        if request.headers.get("Authorization") is not None:
            gateway.admit(request.headers.get("Authorization"), ROLE)
        body, too_big = read_body(validare_rules.MAX_BODY)
        messages = validare_rules.problems(standard, body, too_big, content=check)
        if messages:
            return to_response(json_answer(validare_rules.answer(messages), outcome="nok"))
        root, _ = rules.parse_upload(body, validare_rules.STANDARDS[standard])
        journal.note(outcome="pdf")
        return Response(pdf.render(pdf.lines_of(root)), content_type="application/pdf")

    @bp.post(f"{anaf.EFACTURA.api_prefix('prod')}/{anaf.EFACTURA_TRANSFORM}/<standard>")
    def transformare(standard: str) -> Response:
        """The invoice as a one-page PDF, after the checks of validare; or validare's `nok` JSON."""
        return transform(standard, check=True)

    @bp.post(f"{anaf.EFACTURA.api_prefix('prod')}/{anaf.EFACTURA_TRANSFORM}/<standard>/DA")
    def transformare_fara_validare(standard: str) -> Response:
        """The same without the content rules (`/DA`: "fara validare")."""
        return transform(standard, check=False)

    @bp.post(anaf.SIGNATURE_VALIDATION_PATH)
    def validate_signature() -> Response:
        """Does `signature` (detached XMLDSig) sign `file`? Multipart, as ANAF's; verified with the sandbox's cert."""
        journal.note(grant_type=None)
        if request.headers.get("Authorization") is not None:
            gateway.admit(request.headers.get("Authorization"), ROLE)
        request.max_content_length = 2 * rules.MAX_BODY
        parts = [request.files.get(name) for name in ("file", "signature")]
        contents = [part.read() if part is not None else b"" for part in parts]
        if not all(contents) or not all(archive.is_xml(c) for c in contents):
            return to_response(json_answer({"msg": texts.SIGNATURE_BAD_REQUEST}, 400, outcome="bad_request"))
        try:
            archive.verify(contents[0], contents[1], efactura.signer.certificate_pem())
        except (archive.SignatureProblem, ValueError) as problem:
            journal.note(reason=str(problem)[:200])
            return to_response(json_answer({"msg": texts.SIGNATURE_INVALID}, outcome="nok"))
        return to_response(json_answer({"msg": texts.SIGNATURE_VALID}, outcome="ok"))

    return bp
