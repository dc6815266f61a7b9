"""§7.5: `GET /{env}/ETRANSPORT/ws/v1/info?cui_op=…`: Spring's 400, the singular `error`, and the carrier's UITs."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.contract.etransport.conftest import MARIA, MINUTE, NOBODY, TRACE_ID, EtApi, declaration, notification

DASHED = re.compile(r"\d{2}-\d{2}-20\d{2} \d{2}:\d{2}:\d{2}")


def assert_info_error(answer: Any, message: str) -> None:
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert list(body) == ["trace_id", "dateResponse", "error"], body
    assert TRACE_ID.fullmatch(body["trace_id"]) and MINUTE.fullmatch(body["dateResponse"])
    assert body["error"] == message


@pytest.mark.parametrize("query", [pytest.param("", id="absent"), pytest.param("cui_op=", id="empty"),
                                   pytest.param("cui_decl=12345674", id="only-others")])
def test_missing_cui_op_is_springs_400(et: EtApi, query: str) -> None:
    answer = et.et_info(query, serial=NOBODY)
    assert answer.status_code == 400 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert list(body) == ["timestamp", "status", "error", "message"]
    assert DASHED.fullmatch(body.pop("timestamp"))
    assert body == {"status": 400, "error": "Bad Request", "message": "Parametrul cui_op este obligatoriu"}


@pytest.mark.parametrize(
    ("query", "serial", "message"),
    [
        pytest.param("cui_op=abc", NOBODY, "cui_op introdus= abc nu este un numar", id="cui_op-not-a-number"),
        pytest.param("cui_op=12345674&cui_decl=abc", NOBODY, "cui_decl introdus= abc nu este un numar",
                     id="cui_decl-not-a-number"),
        pytest.param("cui_op=12345674", NOBODY, "Nu exista niciun CIF petru care sa aveti drept in SPV",
                     id="caller-has-no-cif"),
        pytest.param("cui_op=12345674", MARIA, "Nu aveti drept in SPV pentru CIF=12345674", id="no-right-for-cui_op"),
        pytest.param("cui_op=12345674", None, "Nu exista informatii pentru aceasta solicitare", id="no-information"),
    ],
)
def test_errors_use_a_singular_error(et: EtApi, query: str, serial: str | None, message: str) -> None:
    assert_info_error(et.et_info(query, serial=serial or "4F1A9C2E7B3D5A60"), message)


def test_a_valid_notification_for_the_carrier(et: EtApi) -> None:
    transport_date = et.day(1)
    uit = et.uit(transport_date)
    answer = et.et_info()
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    (record,) = answer.get_json()
    assert list(record) == ["id", "uit", "cod_decl", "den_decl", "data_transp", "data_exp_uit", "ref_decl", "tr_cod",
                            "tr_den", "nr_veh", "loc_start", "loc_final", "documente"]
    expiry = et.day(6)
    assert record == {
        "id": 4000000001, "uit": uit, "cod_decl": 12345674, "den_decl": "Exemplu Soft SRL",
        "data_transp": f"{transport_date}T00:00:00", "data_exp_uit": f"{expiry}T00:00:00", "ref_decl": "SBX-TR-0001",
        "tr_cod": "12345674", "tr_den": "Exemplu Soft SRL", "nr_veh": "B123SBX",
        "loc_start": {"tip_loc": "ADR", "adresa_completa": "Str. Exemplului nr. 10, Sector 1, jud. B", "judet": "B",
                      "localitate": "Sector 1", "strada": "Str. Exemplului", "numar": "10", "alte_info": "-"},
        "loc_final": {"tip_loc": "ADR", "adresa_completa": "Str. Clientului nr. 5, Cluj-Napoca, jud. CJ",
                      "judet": "CJ", "localitate": "Cluj-Napoca", "strada": "Str. Clientului", "numar": "5",
                      "alte_info": "-"},
        "documente": "AV-0001",
    }


def test_the_carrier_sees_another_declarants_uit(et: EtApi) -> None:
    """The transport organiser looks up the UIT a client declared (LIVE: info is scoped to the organiser)."""
    et.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["34567892"]})
    uit = et.uit(carrier="34567892")
    assert_info_error(et.et_info("cui_op=12345674"), "Nu exista informatii pentru aceasta solicitare")
    (record,) = et.et_info("cui_op=34567892", serial=MARIA).get_json()
    assert (record["uit"], record["cod_decl"], record["tr_cod"]) == (uit, 12345674, "34567892")


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        pytest.param("&cui_decl=12345674", True, id="declarant"),
        pytest.param("&cui_decl=34567892", False, id="other-declarant"),
        pytest.param("&ref_decl=SBX-TR-0001", True, id="reference"),
        pytest.param("&ref_decl=SBX-TR-9999", False, id="other-reference"),
        pytest.param("&uit={uit}", True, id="uit"),
        pytest.param("&uit=CDEFHJKLMNPQRT01", False, id="other-uit"),
    ],
)
def test_filters(et: EtApi, filters: str, found: bool) -> None:
    uit = et.uit()
    answer = et.et_info("cui_op=12345674" + filters.format(uit=uit))
    if found:
        assert [r["uit"] for r in answer.get_json()] == [uit]
    else:
        assert_info_error(answer, "Nu exista informatii pentru aceasta solicitare")


def test_expired_deleted_and_failed_notifications_are_left_out(et: EtApi) -> None:
    expired = et.uit(et.day(-6))
    deleted = et.uit()
    et.accepted(declaration(f'<stergere uit="{deleted}"/>'))
    et.accepted(notification(et.day(1), declarant="34567892"))  # nok: rule (2)
    kept = et.uit()
    assert [r["uit"] for r in et.et_info().get_json()] == [kept]
    assert expired not in str(et.et_info().get_json())


def test_validity_ends_with_the_clock(et: EtApi) -> None:
    et.uit(et.day(0))
    et.advance(4 * 86_400)
    assert len(et.et_info().get_json()) == 1
    et.advance(86_400)
    assert_info_error(et.et_info(), "Nu exista informatii pentru aceasta solicitare")


def test_intra_community_acquisition_stays_15_days(et: EtApi) -> None:
    et.uit(et.day(0), tip_op="10")
    (record,) = et.et_info().get_json()
    assert record["data_exp_uit"] == f"{et.day(15)}T00:00:00"


def test_a_vehicle_change_shows_the_new_vehicle(et: EtApi) -> None:
    uit = et.uit()
    et.accepted(declaration(f'<modifVehicul uit="{uit}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>'))
    assert [r["nr_veh"] for r in et.et_info().get_json()] == ["CJ01ABC"]


def test_not_shown_while_processing(et: EtApi) -> None:
    et.settings(processing_seconds=30)
    et.uit()
    assert_info_error(et.et_info(), "Nu exista informatii pentru aceasta solicitare")
    et.advance(30)
    assert len(et.et_info().get_json()) == 1
