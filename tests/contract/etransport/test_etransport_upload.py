"""§7.1: `POST /{env}/ETRANSPORT/ws/v1/upload/{standard}/{cif}[/{versiune}]`, each check in order, then acceptance."""
from __future__ import annotations

import pytest

from tests.contract.etransport.conftest import (
    MARIA, NOBODY, TRACE_ID, UIT_PATTERN, EtApi, assert_errors, declaration, fixture, golden, notification,
)

NOTIFICATION = fixture("etransport_notificare_v2.xml")
WRAPPER = "Fisierul transmis nu este valid. org.xml.sax.SAXParseException; "


@pytest.mark.parametrize(
    ("standard", "cif", "version", "serial", "body", "message"),
    [
        pytest.param("ETRANSPORT", "12345674", "2", None, NOTIFICATION,
                     "Valoarea acceptata pentru parametrul standard este ETRANSP", id="standard"),
        pytest.param("ETRANSP", "12345674", "3", None, NOTIFICATION,
                     "Valorile acceptate pentru parametrul versiune sunt 1 sau 2", id="versiune"),
        pytest.param("ETRANSP", "RO12345674", "2", None, NOTIFICATION, "CIF introdus= RO12345674 nu este un numar",
                     id="cif-not-a-number"),
        pytest.param("ETRANSP", "12345674", "2", NOBODY, NOTIFICATION,
                     "Nu exista niciun CIF petru care sa aveti drept in SPV", id="caller-has-no-cif"),
        pytest.param("ETRANSP", "12345674", "2", MARIA, NOTIFICATION, "Nu aveti drept in SPV pentru CIF=12345674",
                     id="no-right-for-cif"),
        pytest.param("ETRANSP", "12345674", "2", None, b" " * (5 * 1024 * 1024 + 1),
                     "Marime fisier transmis mai mare de 5 MB", id="over-5-mib"),
        pytest.param("ETRANSP", "12345674", "2", None, fixture("ubl_invoice_malformed.xml"),
                     WRAPPER + 'lineNumber: 10; columnNumber: 44; The element type "cbc:IssueDate" must be terminated '
                     'by the matching end-tag "</cbc:IssueDate>".', id="not-well-formed"),
        pytest.param("ETRANSP", "12345674", "2", None, fixture("ubl_creditnote_ok.xml"),
                     WRAPPER + "lineNumber: 8; columnNumber: 1; "
                     "cvc-elt.1.a: Cannot find the declaration of element 'CreditNote'.", id="wrong-root"),
        pytest.param("ETRANSP", "12345674", "1", None, NOTIFICATION,
                     WRAPPER + "lineNumber: 7; columnNumber: 1; "
                     "cvc-elt.1.a: Cannot find the declaration of element 'eTransport'.", id="v2-body-on-v1"),
        pytest.param("ETRANSP", "12345674", "2", None, b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2">'
                     b'<stergere uit="CDEFHJKLMNPQRT01"/></eTransport>',
                     WRAPPER + "lineNumber: 1; columnNumber: 1; "
                     "cvc-complex-type.4: Attribute 'codDeclarant' must appear on element 'eTransport'.",
                     id="codDeclarant-missing"),
        pytest.param("ETRANSP", "12345674", "2", None, b"",
                     WRAPPER + "lineNumber: 1; columnNumber: 1; Content is not allowed in prolog.", id="empty-body"),
    ],
)
def test_refused_uploads(et: EtApi, standard: str, cif: str, version: str, serial: str | None, body: bytes,
                         message: str) -> None:
    answer = et.et_upload(body, cif, version, serial=serial or "4F1A9C2E7B3D5A60", standard=standard)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert_errors(answer.get_json(), message)
    assert et.admin("get", "etransport/uploads").get_json() == []


def test_no_trailing_space_after_the_parser_message(et: EtApi) -> None:
    message = et.et_upload(b"<a/>").get_json()["Errors"][0]["errorMessage"]
    assert message == WRAPPER + "lineNumber: 1; columnNumber: 1; cvc-elt.1.a: Cannot find the declaration of element 'a'."


@pytest.mark.parametrize(
    ("standard", "cif", "version", "serial", "message"),
    [
        pytest.param("X", "abc", "9", NOBODY, "Valoarea acceptata pentru parametrul standard este ETRANSP",
                     id="standard-first"),
        pytest.param("ETRANSP", "abc", "9", NOBODY, "Valorile acceptate pentru parametrul versiune sunt 1 sau 2",
                     id="versiune-before-cif"),
        pytest.param("ETRANSP", "abc", "2", NOBODY, "CIF introdus= abc nu este un numar", id="cif-before-rights"),
        pytest.param("ETRANSP", "12345674", "2", MARIA, "Nu aveti drept in SPV pentru CIF=12345674",
                     id="rights-before-body"),
    ],
)
def test_check_order(et: EtApi, standard: str, cif: str, version: str, serial: str, message: str) -> None:
    answer = et.et_upload(b"not xml", cif, version, serial=serial, standard=standard).get_json()
    assert answer["Errors"][0]["errorMessage"] == message


def test_accepted_v2_matches_the_golden(et: EtApi) -> None:
    expected = golden("upload_ok_v2.json")
    answer = et.et_upload(NOTIFICATION)
    body = answer.get_json()
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert list(body) == list(expected)
    assert {k: v for k, v in body.items() if k not in ("dateResponse", "UIT", "trace_id")} == {
        k: v for k, v in expected.items() if k not in ("dateResponse", "UIT", "trace_id")}
    assert UIT_PATTERN.fullmatch(body["UIT"]) and TRACE_ID.fullmatch(body["trace_id"])
    assert isinstance(body["index_incarcare"], int) and body["index_incarcare"] == 4000000001


@pytest.mark.parametrize("version", [pytest.param("1", id="v1-path"), pytest.param(None, id="no-version-segment")])
def test_accepted_v1_has_no_atentie_and_is_an_ok_notification(et: EtApi, version: str | None) -> None:
    body = (b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v1" cod_tip_operatiune="AI" '
            b'cod_declarant="00000"><confirmare UITConfirmat="UITConfirmat1" tipConfirmare="confirma"/></eTransport>')
    answer = et.et_upload(body, version=version).get_json()
    assert list(answer) == ["dateResponse", "ExecutionStatus", "index_incarcare", "UIT", "trace_id", "ref_declarant"]
    assert answer["ExecutionStatus"] == 0 and answer["ref_declarant"] == "" and UIT_PATTERN.fullmatch(answer["UIT"])
    assert et.et_stare(answer["index_incarcare"])["stare"] == "ok"


def test_v1_needs_cod_declarant(et: EtApi) -> None:
    body = b'<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v1" codDeclarant="1"/>'
    assert_errors(et.et_upload(body, version="1").get_json(), WRAPPER + "lineNumber: 1; columnNumber: 1; "
                  "cvc-complex-type.4: Attribute 'cod_declarant' must appear on element 'eTransport'.")


def test_every_notification_gets_its_own_uit_and_the_next_index(et: EtApi) -> None:
    first, second = et.accepted(NOTIFICATION), et.accepted(NOTIFICATION)
    assert first["UIT"] != second["UIT"]
    assert (first["index_incarcare"], second["index_incarcare"]) == (4000000001, 4000000002)


@pytest.mark.parametrize(
    "inner",
    [
        pytest.param('<stergere uit="{uit}"/>', id="stergere"),
        pytest.param('<confirmare uit="{uit}" tipConfirmare="10"/>', id="confirmare"),
        pytest.param('<modifVehicul uit="{uit}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>',
                     id="modifVehicul"),
    ],
)
def test_declarations_about_a_uit_echo_it(et: EtApi, inner: str) -> None:
    uit = et.uit()
    answer = et.accepted(declaration(inner.format(uit=uit)))
    assert answer["UIT"] == uit and answer["ref_declarant"] == ""


def test_a_correction_echoes_the_uit_it_corrects(et: EtApi) -> None:
    uit = et.uit()
    assert et.accepted(notification(et.day(1), correction_of=uit))["UIT"] == uit


@pytest.mark.parametrize("content_type", ["application/xml", "text/plain", "*/*", "application/octet-stream"])
def test_the_body_is_read_whatever_the_content_type(et: EtApi, content_type: str) -> None:
    assert et.et_upload(NOTIFICATION, content_type=content_type).get_json()["ExecutionStatus"] == 0


def test_a_multipart_body_is_not_unpacked(et: EtApi) -> None:
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="n.xml"\r\n\r\n' + NOTIFICATION
            + b"\r\n--b--\r\n")
    answer = et.et_upload(body, content_type="multipart/form-data; boundary=b").get_json()
    assert answer["ExecutionStatus"] == 1
    assert "Content is not allowed in prolog." in answer["Errors"][0]["errorMessage"]


def test_a_body_the_app_wide_limit_would_refuse_is_accepted(et: EtApi) -> None:
    padding = b"<!--" + b"x" * 200_000 + b"-->\n"
    assert et.et_upload(padding + NOTIFICATION.split(b"?>", 1)[1]).get_json()["ExecutionStatus"] == 0


def test_the_environments_keep_separate_data_but_one_index_sequence(et: EtApi) -> None:
    on_test = et.accepted(NOTIFICATION)["index_incarcare"]
    on_prod = et.accepted(NOTIFICATION, env="prod")["index_incarcare"]
    assert on_prod == on_test + 1
    assert et.et_stare(on_prod)["Errors"][0]["errorMessage"] == f"Nu exista declaratia de transport cu id_incarcare= {on_prod}"
    assert et.et_stare(on_prod, env="prod")["stare"] == "ok"


def test_standard_error_matches_the_golden(et: EtApi) -> None:
    expected = golden("upload_error_standard.json")
    answer = et.et_upload(NOTIFICATION, standard="ETRANSPORT").get_json()
    assert list(answer) == list(expected) and answer["Errors"] == expected["Errors"]
    assert answer["ExecutionStatus"] == expected["ExecutionStatus"] == 1
