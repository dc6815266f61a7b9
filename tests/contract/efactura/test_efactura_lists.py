"""§6.7 listaMesajeFactura and §6.8 listaMesajePaginatieFactura: checks in order, goldens, selection, paging."""
from __future__ import annotations

import json
import re

import pytest

from tests.contract.efactura.conftest import GOLDENS, MARIA, NOBODY, Api, json_of
from mock_anaf.anaf_time import dashed, minute_stamp

MINUTE = re.compile(r"^\d{12}$")


def golden(name: str):
    return json.loads((GOLDENS / name).read_text())


def without_dates(answer: dict) -> dict:
    for entry in answer.get("mesaje", []):
        assert MINUTE.match(entry.pop("data_creare"))
    return answer


def test_lista_after_an_ok_and_a_nok_matches_golden(api: Api) -> None:
    api.index("ubl_invoice_ok.xml")
    api.index("ubl_invoice_nok_seller_unknown.xml")
    got = api.get("listaMesajeFactura", "zile=1&cif=12345674")
    assert got.mimetype == "application/json"
    assert got.get_data(as_text=True).startswith('{"mesaje":[{"data_creare":')
    assert without_dates(got.get_json()) == without_dates(golden("lista_ok.json"))


def test_lista_empty_matches_golden(api: Api) -> None:
    assert api.lista("zile=1&cif=12345674") == golden("lista_empty.json")


def test_lista_missing_parameters(api: Api) -> None:
    for query in ("zile=1", "cif=12345674", ""):
        answer = api.get("listaMesajeFactura", query)
        assert answer.status_code == 400 and json_of(answer)["message"] == "Parametrii zile si cif sunt obligatorii"


@pytest.mark.parametrize(("query", "serial", "message"), [
    pytest.param("zile=1&cif=RO12345674", None, "CIF introdus= RO12345674 nu este un numar", id="cif"),
    pytest.param("zile=x&cif=12345674", None, "Numarul de zile introdus= x nu este un numar intreg", id="zile-text"),
    pytest.param("zile=61&cif=12345674", None, "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-range"),
    pytest.param("zile=1&cif=12345674&filtru=X", None, "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R",
                 id="filtru"),
    pytest.param("zile=1&cif=12345674", NOBODY, "Nu exista niciun CIF pentru care sa aveti drept in SPV", id="no-cif"),
    pytest.param("zile=1&cif=12345674", MARIA, "Nu aveti drept in SPV pentru CIF=12345674", id="no-right"),
])
def test_lista_refusals(api: Api, query: str, serial: str | None, message: str) -> None:
    assert api.lista(query, serial=serial or "4F1A9C2E7B3D5A60") == {"eroare": message, "titlu": "Lista Mesaje"}


def test_lista_quota_per_cif(api: Api) -> None:
    api.settings(quotas={"lista": 2})
    api.lista("zile=1&cif=12345674")
    api.lista("zile=1&cif=12345674")
    assert api.lista("zile=1&cif=12345674")["eroare"] == (
        "S-au facut deja 2 interogari de lista mesaje de catre utilizator in cursul zilei")
    assert api.lista("zile=1&cif=23456783")["eroare"] == "Nu exista mesaje in ultimele 1 zile"


def test_lista_over_500_points_to_paging(api: Api) -> None:
    api.admin("post", "efactura/inbox", {"seller": "56789016", "buyer": "12345674", "count": 501})
    assert api.lista("zile=1&cif=12345674")["eroare"] == (
        "Lista de mesaje este mai mare decat numarul de 500 elemente permise in pagina. "
        "Folositi endpoint-ul cu paginatie.")


@pytest.mark.parametrize(("filtru", "tips"), [
    ("E", ["ERORI FACTURA"]), ("T", ["FACTURA TRIMISA"]), ("P", ["FACTURA PRIMITA"]),
    (None, ["FACTURA PRIMITA", "ERORI FACTURA", "FACTURA TRIMISA"]),
])
def test_lista_filter(api: Api, filtru: str | None, tips: list[str]) -> None:
    api.index("ubl_invoice_ok.xml")
    api.index("ubl_invoice_nok_seller_unknown.xml")
    api.admin("post", "efactura/inbox", {"seller": "56789016", "buyer": "12345674"})
    query = "zile=1&cif=12345674" + (f"&filtru={filtru}" if filtru else "")
    assert [m["tip"] for m in api.lista(query)["mesaje"]] == tips


def _tips_for(api: Api, cif: str, serial: str = "4F1A9C2E7B3D5A60") -> list[tuple[str, str]]:
    answer = api.lista(f"zile=1&cif={cif}", serial=serial)
    return [(m["tip"], m["detalii"]) for m in answer.get("mesaje", [])]


def test_buyer_sees_factura_primita_with_the_same_download_id(api: Api) -> None:
    api.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["34567892", "56789016"]})
    index = api.index("ubl_invoice_ok.xml")
    seller = api.lista("zile=1&cif=12345674")["mesaje"]
    buyer = api.lista("zile=1&cif=56789016", serial=MARIA)["mesaje"]
    assert [m["tip"] for m in buyer] == ["FACTURA PRIMITA"] and buyer[0]["cif"] == "56789016"
    assert buyer[0]["id"] == seller[0]["id"] and buyer[0]["id_solicitare"] == index == seller[0]["id_solicitare"]
    assert buyer[0]["detalii"] == seller[0]["detalii"] == (
        f"Factura cu id_incarcare={index} emisa de cif_emitent=12345674 pentru cif_beneficiar=56789016")


def test_b2c_and_extern_give_the_buyer_nothing(api: Api) -> None:
    api.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["56789016"]})
    api.index("ubl_invoice_b2c.xml", op="uploadb2c")
    api.index("ubl_invoice_ok.xml", "standard=UBL&cif=12345674&extern=DA")
    assert [t for t, _ in _tips_for(api, "12345674")] == ["FACTURA TRIMISA", "FACTURA TRIMISA"]
    assert api.lista("zile=1&cif=56789016", serial=MARIA)["eroare"] == "Nu exista mesaje in ultimele 1 zile"


def test_self_billing_wording_for_both_sides(api: Api) -> None:
    index = api.index("ubl_invoice_selfbilling_389.xml", "standard=UBL&cif=12345674&autofactura=DA")
    text = f"Factura cu id_incarcare={index} transmisa de cif=12345674  ca autofactutra in numele cif=34567892"
    assert _tips_for(api, "12345674") == [("FACTURA PRIMITA", text)]
    assert _tips_for(api, "34567892", serial=MARIA) == [("FACTURA TRIMISA", text)]


def test_seller_equal_to_buyer_gets_both_entries(api: Api) -> None:
    body = (GOLDENS.parent.parent / "ubl_invoice_ok.xml").read_bytes().replace(b"RO56789016", b"RO12345674")
    index = api.index(body)
    entries = api.lista("zile=1&cif=12345674")["mesaje"]
    assert sorted(m["tip"] for m in entries) == ["FACTURA PRIMITA", "FACTURA TRIMISA"]
    assert {m["id_solicitare"] for m in entries} == {index} and len({m["id"] for m in entries}) == 1


def test_nok_goes_to_the_cif_parameter_when_the_seller_is_unknown(api: Api) -> None:
    index = api.index("ubl_invoice_nok_seller_unknown.xml")
    assert _tips_for(api, "12345674") == [
        ("ERORI FACTURA", f"Erori de validare identificate la factura transmisa cu id_incarcare={index}")]


def test_self_billed_nok_wording(api: Api) -> None:
    body = (GOLDENS.parent.parent / "ubl_invoice_selfbilling_389.xml").read_bytes().replace(b"AF-2025-17", b"AF-X")
    index = api.index(body, "standard=UBL&cif=12345674&autofactura=DA")
    assert _tips_for(api, "12345674") == [("ERORI FACTURA", "Erori de validare identificate la factura de tip "
                                                            f"declarat=AUTOFACTURA, transmisa cu id_incarcare={index}")]


def test_list_lag_and_data_creare_is_the_listing_time(api: Api) -> None:
    api.settings(processing_seconds=5, list_lag_seconds=900)
    index = api.index("ubl_invoice_ok.xml")
    api.advance(5)
    assert 'stare="ok"' in api.stare(index)
    assert api.lista("zile=1&cif=12345674")["eroare"] == "Nu exista mesaje in ultimele 1 zile"
    api.advance(900)
    entry = api.lista("zile=1&cif=12345674")["mesaje"][0]
    assert entry["data_creare"] == minute_stamp(api.services.efactura.store.upload("test", index).listed_at)


def test_days_window(api: Api) -> None:
    api.admin("post", "efactura/inbox", {"seller": "56789016", "buyer": "12345674", "ago_seconds": 2 * 86400 + 60})
    assert api.lista("zile=2&cif=12345674")["eroare"] == "Nu exista mesaje in ultimele 2 zile"
    assert len(api.lista("zile=3&cif=12345674")["mesaje"]) == 1


def test_newest_first(api: Api) -> None:
    first = api.index("ubl_invoice_ok.xml")
    api.advance(120)
    second = api.index("ubl_invoice_b2c.xml", op="uploadb2c")
    assert [m["id_solicitare"] for m in api.lista("zile=1&cif=12345674")["mesaje"]] == [second, first]


# -- paginated --------------------------------------------------------------------------------------


def page(api: Api, start: float, end: float, pagina: str = "1", cif: str = "12345674", extra: str = "",
         serial: str = "4F1A9C2E7B3D5A60") -> dict:
    query = f"startTime={int(start * 1000)}&endTime={int(end * 1000)}&cif={cif}&pagina={pagina}{extra}"
    return api.get("listaMesajePaginatieFactura", query, serial=serial).get_json()


def test_paginated_matches_golden_shape(api: Api) -> None:
    api.index("ubl_invoice_ok.xml")
    api.index("ubl_invoice_nok_seller_unknown.xml")
    api.advance(1)
    end = int(api.now())
    got = page(api, end - 3600, end)
    expected = golden("lista_paginatie_ok.json")
    assert list(got) == list(expected)
    assert got["titlu"] == f"Lista Mesaje disponibile din intervalul {dashed(end - 3600)} - {dashed(end)}"
    got.pop("titlu"), expected.pop("titlu")
    assert without_dates(got) == without_dates(expected)


def test_paginated_pages_of_500(api: Api) -> None:
    api.admin("post", "efactura/inbox", {"seller": "56789016", "buyer": "12345674", "count": 1200})
    api.advance(1)
    now = api.now()
    third = page(api, now - 60, now, "3")
    assert (third["numar_inregistrari_in_pagina"], third["numar_total_inregistrari"], third["numar_total_pagini"],
            third["index_pagina_curenta"], third["numar_total_inregistrari_per_pagina"]) == (200, 1200, 3, 3, 500)
    first = page(api, now - 60, now, "1")
    ids = [m["id"] for m in first["mesaje"]] + [m["id"] for m in page(api, now - 60, now, "2")["mesaje"]]
    assert len(set(ids + [m["id"] for m in third["mesaje"]])) == 1200
    assert page(api, now - 60, now, "4")["eroare"] == "Pagina solicitata 4 este mai mare decat numarul toatal de pagini 3"


def test_paginated_missing_parameters(api: Api) -> None:
    answer = api.get("listaMesajePaginatieFactura", "startTime=1&endTime=2&cif=1")
    assert answer.status_code == 400
    assert json_of(answer)["message"] == "Parametrii startTime, endTime, cif si pagina sunt obligatorii"


def test_paginated_refusals_in_order(api: Api) -> None:
    now = api.now()
    q = lambda **kw: api.get("listaMesajePaginatieFactura", "&".join(  # noqa: E731
        f"{k}={v}" for k, v in {"startTime": int((now - 60) * 1000), "endTime": int(now * 1000), "cif": "12345674",
                                "pagina": "1", **kw}.items())).get_json()["eroare"]
    assert q(cif="x1") == "CIF introdus= x1 nu este un numar sau nu are o valoare acceptata de sistem"
    assert q(startTime="a") == "startTime = a nu este un numar sau nu are o valoare acceptata de sistem"
    assert q(endTime="b") == "endTime = b nu este un numar sau nu are o valoare acceptata de sistem"
    assert q(pagina="0") == "pagina = 0 nu este un numar sau nu are o valoare acceptata de sistem"
    assert q(filtru="Q") == "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R"
    assert q(cif="34567892") == "Nu aveti drept in SPV pentru CIF=34567892"
    old = now - 61 * 86400
    assert q(startTime=int(old * 1000)) == (
        f"startTime = {dashed(int(old))} nu poate fi mai vechi de 60 de zile fata de momentul requestului")
    assert q(endTime=int((now - 120) * 1000)) == (
        f"endTime = {dashed(int(now) - 120)} nu poate fi <= startTime = {dashed(int(now) - 60)}")
    future = api.get("listaMesajePaginatieFactura", f"startTime={int((now - 60) * 1000)}&endTime="
                     f"{int((now + 5) * 1000)}&cif=12345674&pagina=1").get_json()["eroare"]
    assert future.startswith(f"endTime = {dashed(int(now) + 5)} nu poate in viitor fata de momentul requestului = ")
    assert q() == "Nu exista mesaje in intervalul selectat"


def test_paginated_quota(api: Api) -> None:
    api.settings(quotas={"lista_paginatie": 1})
    now = api.now()
    page(api, now - 60, now)
    assert page(api, now - 60, now)["eroare"] == (
        "S-au facut deja 1 interogari de lista mesaje de catre utilizator in cursul zilei")
    assert page(api, now - 60, now, serial=NOBODY)["eroare"] == "Nu exista niciun CIF pentru care sa aveti drept in SPV"
