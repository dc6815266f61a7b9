"""§6.9 descarcare: checks in order, the ZIP, the signature that verifies with the admin PEM, quota, 60 days."""
from __future__ import annotations

import json

import pytest
from lxml import etree

from mock_anaf.efactura import archive
from tests.contract.efactura.conftest import GOLDENS, MARIA, NOBODY, Api, fixture, json_of


def download(api: Api, value: str, serial: str = "4F1A9C2E7B3D5A60", env: str = "test"):
    return api.get("descarcare", f"id={value}", serial=serial, env=env)


def refusal(api: Api, value: str, serial: str = "4F1A9C2E7B3D5A60") -> str:
    answer = download(api, value, serial)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert list(body) == ["eroare", "titlu"] and body["titlu"] == "Descarcare mesaj"
    return body["eroare"]


def test_ok_download_is_the_uploaded_bytes_and_a_verifying_signature(api: Api) -> None:
    index = api.index("ubl_invoice_ok.xml")
    download_id = api.download_id(index)
    answer = download(api, download_id)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{download_id}.zip"'
    files = archive.read_zip(answer.data)
    assert sorted(files) == [f"{index}.xml", f"semnatura_{index}.xml"]
    assert files[f"{index}.xml"] == fixture("ubl_invoice_ok.xml")
    pem = api.client.get("/__admin/efactura/signing-cert").get_data(as_text=True)
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    archive.verify(files[f"{index}.xml"], files[f"semnatura_{index}.xml"], pem)


def test_nok_download_is_the_error_list_golden(api: Api) -> None:
    api.index("ubl_invoice_ok.xml")
    index = api.index("ubl_invoice_nok_seller_unknown.xml")
    assert index == "5000000002"
    files = archive.read_zip(download(api, api.download_id(index)).data)
    assert files["5000000002.xml"] == (GOLDENS / "zip_nok_seller_unknown__5000000002.xml").read_bytes()
    archive.verify(files["5000000002.xml"], files["semnatura_5000000002.xml"], api.services.efactura.signer.certificate_pem())


@pytest.mark.parametrize(("name", "expected"), [
    pytest.param("ubl_invoice_nok_bad_cui.xml", ["E: AccountingSupplierParty (1) sectiune Party (1) sectiune "
                 "PartyTaxScheme (1) sectiune CompanyID (1)  eroare regula: R_BT_32_cui: Cui vanzator incorect / "
                 "validare CUI (12345675) "], id="bad-cui"),
    pytest.param("ubl_invoice_nok_rules.xml", ["[BR-RO-010]", "[BR-RO-090]", "[BR-RO-110]"], id="content-rules"),
])
def test_nok_error_lists(api: Api, name: str, expected: list[str]) -> None:
    index = api.index(name)
    files = archive.read_zip(download(api, api.download_id(index)).data)
    messages = [e.get("errorMessage") for e in etree.fromstring(files[f"{index}.xml"])]
    if expected[0].startswith("["):
        assert [m.split("eroare: ")[1].split("]")[0] + "]" for m in messages] == expected
    else:
        assert messages == expected


def test_missing_id_is_springs_400(api: Api) -> None:
    answer = api.get("descarcare", "")
    assert answer.status_code == 400 and json_of(answer)["message"] == "Parametrul id este obligatoriu"


def test_refusals_in_order(api: Api) -> None:
    index = api.index("ubl_invoice_ok.xml")
    download_id = api.download_id(index)
    assert refusal(api, "12a") == "Id descarcare introdus= 12a nu este un numar intreg"
    assert refusal(api, index) == f"Pentru id={index} nu exista inregistrata nici o factura"
    assert refusal(api, download_id, MARIA) == "Nu aveti dreptul sa descarcati acesta factura"
    assert refusal(api, download_id, NOBODY) == "Nu aveti dreptul sa descarcati acesta factura"
    assert download(api, download_id, env="prod").get_json()["eroare"] == (
        f"Pentru id={download_id} nu exista inregistrata nici o factura")


def test_the_buyer_may_download(api: Api) -> None:
    api.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["56789016"]})
    download_id = api.download_id(api.index("ubl_invoice_ok.xml"))
    assert download(api, download_id, MARIA).mimetype == "application/zip"


def test_not_downloadable_before_processing_ends(api: Api) -> None:
    api.settings(processing_seconds=60)
    api.index("ubl_invoice_ok.xml")
    assert refusal(api, "3000000001") == "Pentru id=3000000001 nu exista inregistrata nici o factura"
    api.advance(60)
    assert download(api, "3000000001").mimetype == "application/zip"


def test_quota_golden_per_id_per_day(api: Api) -> None:
    download_id = api.download_id(api.index("ubl_invoice_ok.xml"))
    for _ in range(10):
        assert download(api, download_id).mimetype == "application/zip"
    answer = download(api, download_id)
    assert answer.get_data(as_text=True) == (GOLDENS / "descarcare_error_quota.json").read_text().strip()
    assert json.loads(answer.get_data(as_text=True))["eroare"].endswith("id_descarcare=3000000001 in cursul zilei")
    api.advance(86400)
    assert download(api, download_id).mimetype == "application/zip"


def test_sixty_days_count_from_the_upload(api: Api) -> None:
    download_id = api.download_id(api.index("ubl_invoice_ok.xml"))
    api.advance(60 * 86400 + 1)
    assert refusal(api, download_id) == ("Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de 60 de zile "
                                         "in care este disponibil")


def test_journal_names_the_download_never_its_content(api: Api) -> None:
    index = api.index("ubl_invoice_ok.xml")
    download_id = api.download_id(index)
    download(api, download_id)
    entry = api.journal()[-1]
    assert (entry["operation"], entry["download_id"], entry["index"], entry["outcome"]) == (
        "descarcare", download_id, index, "ok")
