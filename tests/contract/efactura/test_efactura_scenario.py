"""The fixtures' scenario (tests/fixtures/anaf_api/FIXTURES.md, requests 1–10) on a fresh sandbox, in order."""
from __future__ import annotations

from lxml import etree

from mock_anaf.anaf_time import day
from mock_anaf.efactura import archive
from tests.contract.efactura.conftest import GOLDENS, MARIA, Api, fixture


def test_fixture_scenario(api: Api) -> None:
    # 1: ok; the buyer 56789016 sees FACTURA PRIMITA; the ZIP is the exact bytes + signature
    assert api.index("ubl_invoice_ok.xml") == "5000000001"
    assert 'stare="ok" id_descarcare="3000000001"' in api.stare("5000000001")
    # 2: nok R6.1, error list golden with Cif_emitent = the cif parameter
    assert api.index("ubl_invoice_nok_seller_unknown.xml") == "5000000002"
    assert 'stare="nok" id_descarcare="3000000002"' in api.stare("5000000002")
    zip2 = archive.read_zip(api.get("descarcare", "id=3000000002").data)
    assert zip2["5000000002.xml"] == (GOLDENS / "zip_nok_seller_unknown__5000000002.xml").read_bytes()
    # 3: credit note ok with CN; refused at upload with UBL
    cn = api.index("ubl_creditnote_ok.xml", "standard=CN&cif=12345674")
    assert 'stare="ok"' in api.stare(cn)
    assert "Cannot find the declaration of element 'CreditNote'." in api.upload("ubl_creditnote_ok.xml").get_data(
        as_text=True)
    # 4: self-billing
    sb = api.index("ubl_invoice_selfbilling_389.xml", "standard=UBL&cif=12345674&autofactura=DA")
    assert 'stare="ok"' in api.stare(sb)
    # 5: B2C
    b2c = api.index("ubl_invoice_b2c.xml", op="uploadb2c")
    assert 'stare="ok"' in api.stare(b2c)
    # 6: nok with three content rules in order
    rules_index = api.index("ubl_invoice_nok_rules.xml")
    assert 'stare="nok"' in api.stare(rules_index)
    # 7: nok R_BT_32_cui
    bad_cui = api.index("ubl_invoice_nok_bad_cui.xml")
    did = api.download_id(bad_cui)
    messages = [e.get("errorMessage") for e in etree.fromstring(
        archive.read_zip(api.get("descarcare", f"id={did}").data)[f"{bad_cui}.xml"])]
    assert messages == ["E: AccountingSupplierParty (1) sectiune Party (1) sectiune PartyTaxScheme (1) sectiune "
                        "CompanyID (1)  eroare regula: R_BT_32_cui: Cui vanzator incorect / validare CUI (12345675) "]
    # 8: malformed, refused at upload
    assert "lineNumber: 10; columnNumber: 44;" in api.upload("ubl_invoice_malformed.xml").get_data(as_text=True)
    # 9: duplicate of 1
    dup = api.index("ubl_invoice_ok.xml")
    did = api.download_id(dup)
    messages = [e.get("errorMessage") for e in etree.fromstring(
        archive.read_zip(api.get("descarcare", f"id={did}").data)[f"{dup}.xml"])]
    assert messages == [f"Factura a mai fost transmisa anterior cu index=5000000001 si data incarcare={day(api.now())}"]
    # 10: the buyer's message (RASP) about invoice 1, from 56789016
    api.client.patch(f"/portal/api/identities/{MARIA}", json={"cifs": ["34567892", "56789016"]})
    rasp = api.index("rasp_message.xml", "standard=RASP&cif=56789016", serial=MARIA)
    assert 'stare="ok"' in api.stare(rasp, serial=MARIA)
    tip = "MESAJ CUMPARATOR PRIMIT / MESAJ CUMPARATOR TRANSMIS"
    wording = "Mesaj cumparator transmis pentru factura cu id_incarcare=5000000001 de cif=56789016"
    for cif, serial in (("56789016", MARIA), ("12345674", "4F1A9C2E7B3D5A60")):
        entries = api.lista(f"zile=1&cif={cif}&filtru=R", serial=serial)["mesaje"]
        assert [(m["tip"], m["detalii"], m["id_solicitare"]) for m in entries] == [(tip, wording, rasp)]
    # the lists of 12345674 by type
    tips = [m["tip"] for m in api.lista("zile=1&cif=12345674")["mesaje"]]
    assert sorted(tips) == sorted(["FACTURA TRIMISA"] * 3 + ["ERORI FACTURA"] * 4 + ["FACTURA PRIMITA"] + [tip])
    # the buyer of 1 and 3
    buyer = api.lista("zile=1&cif=56789016", serial=MARIA)["mesaje"]
    assert sorted(m["tip"] for m in buyer) == ["FACTURA PRIMITA", "FACTURA PRIMITA", tip]


def test_rasp_for_an_unknown_invoice_ends_nok(api: Api) -> None:
    body = fixture("rasp_message.xml").replace(b"5000000001", b"5000000099")
    index = api.index(body, "standard=RASP&cif=12345674")
    did = api.download_id(index)
    files = archive.read_zip(api.get("descarcare", f"id={did}").data)
    assert etree.fromstring(files[f"{index}.xml"])[0].get("errorMessage") == (
        "E: validari globale\n eroare regula: SANDBOX-R2: index_incarcare=5000000099 nu identifica o factura pentru "
        "CIF=12345674")


def test_rasp_daily_quota_per_cif(api: Api) -> None:
    api.settings(quotas={"rasp": 1})
    api.index(fixture("rasp_message.xml"), "standard=RASP&cif=12345674")
    text = api.upload(fixture("rasp_message.xml"), "standard=RASP&cif=12345674").get_data(as_text=True)
    assert "S-au incarcat deja 1 de mesaje de tip RASP pentru cui=12345674 in cursul zilei" in text
    assert 'ExecutionStatus="0"' in api.upload("ubl_invoice_ok.xml").get_data(as_text=True)
