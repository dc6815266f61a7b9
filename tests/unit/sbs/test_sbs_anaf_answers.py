"""Reading ANAF's e-Factura and e-Transport answers: each golden answer and each refusal, with ANAF's own text."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from mock_sbs import anaf_answers as a
from mock_sbs.errors import AnafError

GOLDEN = Path(__file__).parents[2] / "fixtures" / "anaf_api" / "responses"


def answer(name: str, operation: str = "op", status: int = 200, content_type: str | None = None,
           reason: str | None = None) -> a.Answer:
    body = (GOLDEN / name).read_bytes()
    kind = content_type or ("application/xml" if name.endswith(".xml") else "application/json")
    return a.Answer(operation, status, kind, body, reason)


def refused(read, given: a.Answer) -> dict:
    with pytest.raises(AnafError) as caught:
        read(given)
    assert caught.value.code == "ANAF_ERROR"
    return caught.value.extensions


def test_accepted_upload_gives_the_index() -> None:
    assert a.read_upload(answer("efactura/upload_ok.xml")) == "5000000001"


@pytest.mark.parametrize(("name", "text"), [
    pytest.param("efactura/upload_error_standard.xml",
                 "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP", id="standard"),
    pytest.param("efactura/upload_error_wrong_root.xml",
                 "Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: 8; columnNumber: 1; "
                 "cvc-elt.1.a: Cannot find the declaration of element 'CreditNote'.", id="wrong-root"),
])
def test_refused_upload_carries_anaf_errors_element(name: str, text: str) -> None:
    extensions = refused(a.read_upload, answer(name, "upload"))
    assert extensions == {"anaf": text, "anafStatus": 200, "anafOperation": "upload"}


def test_spring_400_and_gateway_401_carry_their_message() -> None:
    assert refused(a.read_upload, answer("efactura/upload_400_missing_params.json", "upload", 400))["anaf"] == \
        "Parametrii standard si cif sunt obligatorii"
    got = refused(a.read_status, answer("efactura/api_401_body.json", "stareMesaj", 401, reason="the token has expired"))
    assert got == {"anaf": "Unauthorized", "anafStatus": 401, "anafOperation": "stareMesaj",
                   "sandboxReason": "the token has expired"}


@pytest.mark.parametrize(("name", "status", "stare", "download"), [
    pytest.param("efactura/stare_in_prelucrare.xml", "PENDING", "in prelucrare", None, id="pending"),
    pytest.param("efactura/stare_ok.xml", "OK", "ok", "3000000001", id="ok"),
    pytest.param("efactura/stare_nok.xml", "NOK", "nok", "3000000002", id="nok"),
])
def test_stare_states(name: str, status: str, stare: str, download: str | None) -> None:
    assert a.read_status(answer(name)) == a.StatusAnswer(status, stare, download)


def test_stare_errors_and_quota_text() -> None:
    assert refused(a.read_status, answer("efactura/stare_error_not_found.xml"))["anaf"] == \
        "Nu exista factura cu id_incarcare= 5999999999"
    quota = a.Answer("stareMesaj", 200, "application/xml", b'<header xmlns="mfp:anaf:dgti:efactura:stareMesajFactura:v1">'
                     b'<Errors errorMessage="S-au facut deja 100 descarcari de mesaj in cursul zilei"/></header>')
    text = refused(a.read_status, quota)["anaf"]
    assert a.is_quota_text(text) and not a.is_quota_text("Nu exista factura")


def test_message_page_reads_parties_from_detalii() -> None:
    page = a.read_message_page(answer("efactura/lista_paginatie_ok.json"))
    assert (page.page, page.pages, page.total) == (1, 1, 2)
    assert [(m.kind, m.download_id, m.upload_index, m.seller_tin, m.buyer_tin) for m in page.messages] == [
        ("ERORI FACTURA", "3000000002", "5000000002", None, None),
        ("FACTURA TRIMISA", "3000000001", "5000000001", "12345674", "56789016")]


def test_message_page_empty_and_self_billed_wording() -> None:
    empty = a.Answer("lista", 200, "application/json", b'{"eroare":"Nu exista mesaje in intervalul selectat","titlu":"x"}')
    assert a.read_message_page(empty) == a.MessagePage((), 0, 0, 0)
    self_billed = (b'{"mesaje":[{"data_creare":"202503101015","cif":"12345674","id_solicitare":"5000000004",'
                   b'"detalii":"Factura cu id_incarcare=5000000004 transmisa de cif=12345674  ca autofactutra in numele'
                   b' cif=34567892","tip":"FACTURA PRIMITA","id":"3000000004"}],"numar_total_pagini":1}')
    message = a.read_message_page(a.Answer("lista", 200, "application/json", self_billed)).messages[0]
    assert (message.seller_tin, message.buyer_tin) == ("34567892", "12345674")
    assert refused(a.read_message_page, a.Answer("lista", 200, "application/json",
                                                 b'{"eroare":"Nu aveti drept in SPV pentru CIF=1","titlu":"x"}'))[
        "anaf"] == "Nu aveti drept in SPV pentru CIF=1"


def test_download_quota_and_waf_and_no_content() -> None:
    assert refused(a.read_download, answer("efactura/descarcare_error_quota.json"))["anaf"] == \
        "S-au facut deja 10 descarcari la mesajul cu id_descarcare=3000000001 in cursul zilei"
    waf = a.Answer("descarcare", 200, "text/html", b"<html><head><title>Request Rejected</title></head><body>The "
                   b"requested URL was rejected.<br><br>Your support ID is: 123</body></html>")
    assert refused(a.read_download, waf)["anaf"] == \
        "Request Rejected The requested URL was rejected. Your support ID is: 123"
    assert refused(a.read_download, a.Answer("descarcare", 204, "", b""))["anaf"] == \
        "ANAF answered HTTP 204 with an empty body."


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_archive_files_and_error_list() -> None:
    error_list = (GOLDEN / "efactura/zip_nok_seller_unknown__5000000002.xml").read_bytes()
    body = zipped({"5000000002.xml": error_list, "semnatura_5000000002.xml": b"<Signature/>"})
    assert a.read_download(a.Answer("descarcare", 200, "application/zip", body)) == body
    files = a.read_archive(body)
    assert [f.name for f in files] == ["5000000002.xml", "semnatura_5000000002.xml"]
    assert a.archive_errors(files) == (
        "E: validari globale\n eroare regula: R6.1: CIF-ul vanzatorului nu figureaza in baza de date:98765438",)
    assert a.archive_errors(a.read_archive(zipped({"1.xml": b"<Invoice/>", "semnatura_1.xml": b"<x/>"}))) == ()


@pytest.mark.parametrize("body", [
    pytest.param(b"PK not a zip", id="not-a-zip"),
    pytest.param(zipped({"../evil.xml": b"<x/>"}), id="path-in-name"),
    pytest.param(zipped({f"{i}.xml": b"<x/>" for i in range(9)}), id="too-many-files"),
])
def test_unusable_archives_are_refused(body: bytes) -> None:
    with pytest.raises(AnafError, match="not a usable ZIP"):
        a.read_archive(body)


def test_entities_are_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE h [<!ENTITY e "boom">]>'
            b'<header xmlns="mfp:anaf:dgti:efactura:stareMesajFactura:v1" stare="&e;"/>')
    assert refused(a.read_status, a.Answer("stareMesaj", 200, "application/xml", bomb))["anaf"].startswith(
        "ANAF answered stareMesaj with an unknown state")


def test_etransport_upload_and_status() -> None:
    assert a.read_declaration_upload(answer("etransport/upload_ok_v2.json")) == a.DeclarationReceipt(
        "4000000001", "7KQ3MXR9TCHD4N15")
    assert refused(a.read_declaration_upload, answer("etransport/upload_error_standard.json"))["anaf"] == \
        "Valoarea acceptata pentru parametrul standard este ETRANSP"
    assert a.read_declaration_status(answer("etransport/stare_ok.json")) == a.StatusAnswer("OK", "ok")
    assert a.read_declaration_status(answer("etransport/stare_nok.json")) == a.StatusAnswer(
        "NOK", "nok", None, ("UIT-ul nu poate fi identificat.",))
    quota = b'{"Errors":[{"errorMessage":"S-au facut deja 100 de verificari, pentru id-incarcare solicitat, in cursul ' \
            b'zilei"}],"ExecutionStatus":1}'
    assert a.is_quota_text(refused(a.read_declaration_status, a.Answer("stareMesaj", 200, "application/json",
                                                                       quota))["anaf"])
