"""§6.10 (optional): validare on prod (ANAF's ok/nok JSON, 404 on test) and /api/validate/signature."""
from __future__ import annotations

import io
import re
import uuid

import pytest

from mock_anaf.efactura import archive
from tests.contract.efactura.conftest import Api, fixture

PATH = "/prod/FCTEL/rest/validare"


def validate(api: Api, standard: str, body: bytes, headers: dict[str, str] | None = None):
    return api.client.post(f"{PATH}/{standard}", data=body, headers=headers or {}, content_type="text/plain")


def test_ok_without_a_token(api: Api) -> None:
    answer = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"))
    body = answer.get_json()
    assert answer.status_code == 200 and list(body) == ["stare", "trace_id"] and body["stare"] == "ok"
    uuid.UUID(body["trace_id"])
    assert validate(api, "FCN", fixture("ubl_creditnote_ok.xml")).get_json()["stare"] == "ok"
    assert api.admin("get", "efactura/uploads").get_json() == []  # nothing stored


@pytest.mark.parametrize(("standard", "name", "expected"), [
    pytest.param("FACT1", "ubl_invoice_nok_rules.xml", ["[BR-RO-010]", "[BR-RO-090]", "[BR-RO-110]"], id="rules"),
    pytest.param("FACT1", "ubl_invoice_nok_bad_cui.xml", ["R_BT_32_cui"], id="bad-cui"),
    pytest.param("FACT1", "ubl_invoice_nok_seller_unknown.xml", [], id="registry-is-upload-only"),
    pytest.param("FACT1", "ubl_creditnote_ok.xml", ["cvc-elt.1.a"], id="wrong-root"),
    pytest.param("UBL", "ubl_invoice_ok.xml", ["Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"],
                 id="standard"),
])
def test_nok_messages(api: Api, standard: str, name: str, expected: list[str]) -> None:
    body = validate(api, standard, fixture(name)).get_json()
    if not expected:
        assert body["stare"] == "ok"
        return
    assert list(body) == ["stare", "Messages", "trace_id"] and body["stare"] == "nok"
    messages = [m["message"] for m in body["Messages"]]
    assert len(messages) == len(expected) and all(e in m for e, m in zip(expected, messages))


def test_over_5_mb(api: Api) -> None:
    body = validate(api, "FACT1", b"<" * (5 * 1024 * 1024 + 1)).get_json()
    assert body["Messages"] == [{"message": "Marime fisier transmis mai mare de 5 MB."}]


def test_a_token_sent_must_be_good(api: Api) -> None:
    bad = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"), {"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    good = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"), api.bearer())
    assert good.get_json()["stare"] == "ok"


def test_not_on_test(api: Api) -> None:
    answer = api.client.post("/test/FCTEL/rest/validare/FACT1", data=fixture("ubl_invoice_ok.xml"))
    assert answer.status_code == 404 and answer.get_json()["error"] == "Not Found"
    assert re.match(r"\d{4}-\d\d-\d\dT", answer.get_json()["timestamp"])


# -- /api/validate/signature ------------------------------------------------------------------------


def _download(api: Api) -> tuple[bytes, bytes]:
    index = api.index("ubl_invoice_ok.xml")
    files = archive.read_zip(api.get("descarcare", f"id={api.download_id(index)}").data)
    return files[f"{index}.xml"], files[f"semnatura_{index}.xml"]


def check_signature(api: Api, file: bytes | None, signature: bytes | None, headers: dict[str, str] | None = None):
    data = {name: (io.BytesIO(value), f"{name}.xml") for name, value in (("file", file), ("signature", signature))
            if value is not None}
    return api.client.post("/api/validate/signature", data=data, headers=headers or {},
                           content_type="multipart/form-data")


def test_signature_of_a_download_validates(api: Api) -> None:
    content, signature = _download(api)
    answer = check_signature(api, content, signature)
    assert answer.status_code == 200
    assert answer.get_json()["msg"].startswith("Fișierele încărcate au fost validate cu succes, din perspectiva ")
    assert check_signature(api, content, signature, api.bearer()).status_code == 200


def test_signature_of_another_file_does_not(api: Api) -> None:
    content, signature = _download(api)
    answer = check_signature(api, content.replace(b"1190.00", b"1191.00"), signature)
    assert answer.status_code == 200
    assert answer.get_json()["msg"].startswith("Fișierele încărcate NU au putut fi validate cu succes")


@pytest.mark.parametrize(("file", "signature"), [
    pytest.param(b"<a/>", None, id="no-signature"), pytest.param(None, b"<a/>", id="no-file"),
    pytest.param(b"not xml", b"<a/>", id="file-not-xml"),
])
def test_signature_request_refused(api: Api, file: bytes | None, signature: bytes | None) -> None:
    answer = check_signature(api, file, signature)
    assert answer.status_code == 400 and answer.get_json() == {"msg": (
        "Eroare tehnică: request incorect. Cauza: cel puțin unul din documente NU a fost încărcat sau NU este un "
        "fisier de tip XML specific facturii electronice.")}


# -- transformare -----------------------------------------------------------------------------------


def test_transformare_gives_a_one_page_pdf(api: Api) -> None:
    answer = api.client.post("/prod/FCTEL/rest/transformare/FACT1", data=fixture("ubl_invoice_ok.xml"))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    data = answer.data
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF") and data.count(b"/Type /Page ") == 1
    assert b"(Numar factura: SBX-2025-0001)" in data and b"(Total de plata: 1190.00)" in data
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:xref + 4] == b"xref"  # the offsets a PDF reader follows are right
    for number, offset in enumerate(data[xref:].split(b"\n")[3:8], start=1):
        assert data[int(offset[:10]):].startswith(f"{number} 0 obj".encode())


def test_transformare_of_an_invalid_invoice_is_validares_nok(api: Api) -> None:
    answer = api.client.post("/prod/FCTEL/rest/transformare/FACT1", data=fixture("ubl_invoice_nok_rules.xml"))
    assert answer.get_json()["stare"] == "nok" and len(answer.get_json()["Messages"]) == 3
    unchecked = api.client.post("/prod/FCTEL/rest/transformare/FACT1/DA", data=fixture("ubl_invoice_nok_rules.xml"))
    assert unchecked.mimetype == "application/pdf"
    broken = api.client.post("/prod/FCTEL/rest/transformare/FACT1/DA", data=fixture("ubl_invoice_malformed.xml"))
    assert broken.get_json()["stare"] == "nok"
    assert api.client.post("/test/FCTEL/rest/transformare/FACT1", data=b"<a/>").status_code == 404
