"""§7.4: `GET /{env}/ETRANSPORT/ws/v1/lista/{zile}/{cif}`: its errors in order, its records and the window."""
from __future__ import annotations

import re

import pytest

from tests.contract.etransport.conftest import (
    MARIA, MINUTE, NOBODY, TRACE_ID, EtApi, assert_errors, declaration, fixture, golden, notification,
)

NOTIFICATION = fixture("etransport_notificare_v2.xml")
SECONDS = re.compile(r"20\d{12}")


@pytest.mark.parametrize(
    ("zile", "cif", "serial", "message"),
    [
        pytest.param("60a", "12345674", None, "Numarul de zile introdus= 60a nu este un numar intreg",
                     id="zile-not-an-integer"),
        pytest.param("0", "12345674", None, "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-0"),
        pytest.param("61", "12345674", None, "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-61"),
        pytest.param("-1", "12345674", None, "Numarul de zile trebuie sa fie intre 1 si 60", id="zile-negative"),
        pytest.param("1", "123a", None, "CIF introdus= 123a nu este un numar", id="cif-not-a-number"),
        pytest.param("1", "12345674", NOBODY, "Nu exista niciun CIF petru care sa aveti drept in SPV",
                     id="caller-has-no-cif"),
        pytest.param("1", "12345674", MARIA, "Nu aveti drept in SPV pentru CIF=12345674", id="no-right-for-cif"),
        pytest.param("60", "12345674", None, "Nu exista mesaje in ultimele 60 zile", id="nothing-listed"),
        pytest.param("abc", "xyz", NOBODY, "Numarul de zile introdus= abc nu este un numar intreg", id="zile-first"),
        pytest.param("99", "xyz", NOBODY, "Numarul de zile trebuie sa fie intre 1 si 60", id="range-before-cif"),
        pytest.param("1", "xyz", NOBODY, "CIF introdus= xyz nu este un numar", id="cif-before-rights"),
    ],
)
def test_errors(et: EtApi, zile: str, cif: str, serial: str | None, message: str) -> None:
    answer = et.et_get(f"lista/{zile}/{cif}", serial=serial or "4F1A9C2E7B3D5A60")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert_errors(answer.get_json(), message)


def test_empty_matches_the_golden(et: EtApi) -> None:
    expected, answer = golden("lista_empty.json"), et.et_lista(60)
    assert list(answer) == list(expected) and answer["Errors"] == expected["Errors"]


def test_quota_per_cif_and_day(et: EtApi) -> None:
    et.settings(quotas={"et_lista": 2})
    et.et_lista(1), et.et_lista(1)
    assert_errors(et.et_lista(1), "S-au facut deja 2 interogari de lista mesaje de catre utilizator in cursul zilei")
    assert et.et_lista(1, cif="23456783")["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 1 zile"
    assert et.client.delete("/__admin/api-quotas").status_code == 204
    assert et.et_lista(1)["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 1 zile"


def test_the_default_quota_is_1000_a_day(et: EtApi) -> None:
    assert et.client.get("/__admin/api-settings").get_json()["quotas"]["et_lista"] == 1000


def test_the_fixture_scenario_matches_the_golden(et: EtApi) -> None:
    """FIXTURES #11 and #12: a notification `NOT`/`OK`, then a deletion of an unknown UIT, an `ERR` record."""
    uit = et.accepted(NOTIFICATION)["UIT"]
    et.accepted(fixture("etransport_stergere_unknown_uit.xml"))
    expected, answer = golden("lista_ok.json"), et.et_lista(1)
    assert list(answer) == list(expected)
    assert MINUTE.fullmatch(answer["dateResponse"]) and TRACE_ID.fullmatch(answer["trace_id"])
    for record in answer["mesaje"]:
        assert SECONDS.fullmatch(record.pop("data_creare"))
    for record in expected["mesaje"]:
        record.pop("data_creare")
    expected["mesaje"][0]["uit"] = uit
    assert answer["mesaje"] == expected["mesaje"]
    assert [list(r) for r in answer["mesaje"]] == [list(r) for r in expected["mesaje"]]
    assert {k: answer[k] for k in ("serial", "cui", "titlu", "ExecutionStatus")} == {
        k: expected[k] for k in ("serial", "cui", "titlu", "ExecutionStatus")}


def test_records_appear_after_the_list_lag(et: EtApi) -> None:
    et.settings(list_lag_seconds=900)
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    assert et.et_stare(index)["stare"] == "ok"
    assert et.et_lista(1)["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 1 zile"
    et.advance(900)
    assert [r["id_incarcare"] for r in et.et_lista(1)["mesaje"]] == [index]


def test_the_window_is_counted_in_days_from_the_clock(et: EtApi) -> None:
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    et.advance(86_400 + 1)
    assert et.et_lista(1)["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 1 zile"
    assert [r["id_incarcare"] for r in et.et_lista(2)["mesaje"]] == [index]
    et.advance(59 * 86_400)
    assert et.et_lista(60)["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 60 zile"


def test_each_uit_once_in_its_final_state_with_vehicle_changes_listed(et: EtApi) -> None:
    uit = et.uit()
    et.accepted(declaration(f'<modifVehicul uit="{uit}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>'))
    et.accepted(notification(et.day(2), correction_of=uit, vehicle="B999SBX"))
    et.accepted(declaration(f'<stergere uit="{uit}"/>'))
    records = et.et_lista(1)["mesaje"]
    assert [(r["tip"], r["stare"], r["id_incarcare"]) for r in records] == [
        ("DEL", "OK", 4000000001), ("MVH", "OK", 4000000002)]
    assert records[0]["uit"] == records[1]["uit"] == uit
    assert SECONDS.fullmatch(records[0]["data_modif"]) and records[0]["nr_veh"] == "B999SBX"


def test_ids_and_declarant_are_json_numbers(et: EtApi) -> None:
    et.accepted(NOTIFICATION)
    record = et.et_lista(1)["mesaje"][0]
    assert isinstance(record["id_incarcare"], int) and isinstance(record["cod_decl"], int)


def test_each_environment_lists_its_own(et: EtApi) -> None:
    et.accepted(NOTIFICATION, env="prod")
    assert et.et_lista(1)["Errors"][0]["errorMessage"] == "Nu exista mesaje in ultimele 1 zile"
    assert len(et.et_lista(1, env="prod")["mesaje"]) == 1
