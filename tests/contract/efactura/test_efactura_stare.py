"""§6.6 stareMesaj and §6.4 processing: checks in order, goldens, lazy reveal on the service clock, quota."""
from __future__ import annotations

import pytest

from tests.contract.efactura.conftest import GOLDENS, MARIA, NOBODY, Api, json_of


def golden(name: str) -> str:
    return (GOLDENS / name).read_text()


def test_ok_and_nok_match_goldens(api: Api) -> None:
    ok = api.index("ubl_invoice_ok.xml")
    nok = api.index("ubl_invoice_nok_seller_unknown.xml")
    assert api.stare(ok) == golden("stare_ok.xml")
    assert api.stare(nok) == golden("stare_nok.xml")


def test_in_prelucrare_until_ready_then_final(api: Api) -> None:
    api.settings(processing_seconds=30)
    index = api.index("ubl_invoice_ok.xml")
    assert api.stare(index) == golden("stare_in_prelucrare.xml")
    api.advance(29)
    assert 'stare="in prelucrare"' in api.stare(index)
    api.advance(1)
    assert api.stare(index) == golden("stare_ok.xml")


def test_not_found_matches_golden(api: Api) -> None:
    assert api.stare("5999999999") == golden("stare_error_not_found.xml")


def test_missing_parameter_is_springs_400(api: Api) -> None:
    answer = api.get("stareMesaj", "")
    assert answer.status_code == 400 and json_of(answer)["message"] == "Parametrul id_incarcare este obligatoriu"


def _error(text: str) -> str:
    assert "stare=" not in text, text
    return text.split('errorMessage="')[1].split('"/>')[0]


@pytest.mark.parametrize(("value", "serial", "message"), [
    pytest.param("abc", None, "Id_incarcare introdus= abc nu este un numar intreg", id="not-a-number"),
    pytest.param("-5", None, "Id_incarcare introdus= -5 nu este un numar intreg", id="negative"),
    pytest.param("5000000001", NOBODY, "Nu exista niciun CIF petru care sa aveti drept", id="no-cif-petru"),
    pytest.param("abc", NOBODY, "Id_incarcare introdus= abc nu este un numar intreg", id="format-before-rights"),
    pytest.param("5000000002", None, "Nu exista factura cu id_incarcare= 5000000002", id="unknown"),
    pytest.param("5000000001", MARIA, "Nu aveti dreptul de inteorgare pentru id_incarcare= 5000000001",
                 id="no-right-inteorgare"),
])
def test_refusals_in_order(api: Api, value: str, serial: str | None, message: str) -> None:
    api.index("ubl_invoice_ok.xml")
    assert _error(api.stare(value, serial=serial or "4F1A9C2E7B3D5A60")) == message


def test_the_seller_may_query_an_upload_made_for_another_cif(api: Api) -> None:
    api.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["34567892", "12345674"]})
    index = api.index("ubl_invoice_ok.xml", "standard=UBL&cif=34567892", serial=MARIA)
    api.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["34567892"]})
    assert "stare=" in api.stare(index, serial="4F1A9C2E7B3D5A60")  # seller 12345674


def test_daily_quota_per_index_resets_at_bucharest_midnight(api: Api) -> None:
    api.settings(quotas={"stare": 3})
    index = api.index("ubl_invoice_ok.xml")
    for _ in range(3):
        assert 'stare="ok"' in api.stare(index)
    assert _error(api.stare(index)) == "S-au facut deja 3 descarcari de mesaj in cursul zilei"
    other = api.index("ubl_invoice_b2c.xml")
    assert 'stare="ok"' in api.stare(other)
    api.advance(86400)
    assert 'stare="ok"' in api.stare(index)


def test_forgetting_quotas(api: Api) -> None:
    api.settings(quotas={"stare": 1})
    index = api.index("ubl_invoice_ok.xml")
    api.stare(index)
    assert "S-au facut deja 1 descarcari" in api.stare(index)
    assert api.admin("delete", "api-quotas").status_code == 204
    assert 'stare="ok"' in api.stare(index)


def test_a_refused_quota_call_is_not_counted_before_the_rights_check(api: Api) -> None:
    api.settings(quotas={"stare": 1})
    index = api.index("ubl_invoice_ok.xml")
    api.stare(index, serial=MARIA)  # refused for rights: not counted
    assert 'stare="ok"' in api.stare(index)


def test_duplicate_ends_nok(api: Api) -> None:
    first = api.index("ubl_invoice_ok.xml")
    second = api.index("ubl_invoice_ok.xml")
    assert 'stare="ok"' in api.stare(first) and 'stare="nok"' in api.stare(second)
    assert api.services.efactura.store.upload("test", second).errors[0].startswith(
        f"Factura a mai fost transmisa anterior cu index={first} si data incarcare=")


def test_xml_errors_state_only_through_the_control_plane(api: Api) -> None:
    api.settings(processing_seconds=60)
    index = api.index("ubl_invoice_ok.xml")
    forced = api.admin("post", f"efactura/uploads/{index}", {"outcome": "xml_errors", "ready_in": 0})
    assert forced.status_code == 200
    assert api.stare(index).endswith('stare="XML cu erori nepreluat de sistem"/>\n')
