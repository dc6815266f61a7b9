"""UIT histories, `lista` records and `info` answers from filed uploads (SPEC-ANAF-API §7.2–§7.5)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from mock_anaf.etransport import lists, rules
from mock_anaf.etransport.lists import Filed

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
NOTIFICATION = (FIXTURES / "etransport_notificare_v2.xml").read_bytes()
DELETION = (FIXTURES / "etransport_stergere_unknown_uit.xml").read_bytes()
HEAD = '<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="12345674">'
UIT = "7KQ3MXR9TCHD4N15"


def at(hour: int, minute: int, second: int = 0, day: int = 10) -> float:
    return datetime(2025, 3, day, hour, minute, second, tzinfo=rules.BUCHAREST).timestamp()


def filed(index: int, body: bytes, when: float, state: str = "ok", uit: str | None = UIT,
          message: str | None = None, cif: str = "12345674", listed_at: float | None = None) -> Filed:
    return Filed(index, cif, uit, rules.read_upload(body, 2), state, (message,) if message else (), when,
                 when if listed_at is None else listed_at)


def v2(inner: str) -> bytes:
    return f"{HEAD}{inner}</eTransport>".encode()


NOT = filed(4000000001, NOTIFICATION, at(10, 20, 2))
DEL_UNKNOWN = filed(4000000002, DELETION, at(10, 22, 10), state="nok", uit="CDEFHJKLMNPQRT01",
                    message="Nu a fost identificat UIT-ul printre notificarile valide anterioare.")


def test_list_matches_the_golden_answer() -> None:
    golden = json.loads((FIXTURES / "responses" / "etransport" / "lista_ok.json").read_text())
    assert lists.list_records([DEL_UNKNOWN, NOT], at(10, 30), 1) == golden["mesaje"]


def test_key_order_matches_the_golden_answer() -> None:
    golden = json.loads((FIXTURES / "responses" / "etransport" / "lista_ok.json").read_text())
    records = lists.list_records([NOT, DEL_UNKNOWN], at(10, 30), 1)
    assert [list(r) for r in records] == [list(r) for r in golden["mesaje"]]


@pytest.mark.parametrize(
    ("now", "zile", "indexes"),
    [
        pytest.param(at(10, 30), 1, [4000000001, 4000000002], id="both"),
        pytest.param(at(10, 21), 1, [4000000001], id="second-not-listed-yet"),
        pytest.param(at(10, 20, 1), 1, [], id="nothing-listed-yet"),
        pytest.param(at(10, 20, 2, day=11), 1, [4000000001, 4000000002], id="exactly-one-day"),
        pytest.param(at(10, 21, 0, day=11), 1, [4000000002], id="first-out-of-window"),
        pytest.param(at(10, 21, 0, day=11), 2, [4000000001, 4000000002], id="two-days"),
    ],
)
def test_window_and_listing_time(now: float, zile: int, indexes: list[int]) -> None:
    assert [r["id_incarcare"] for r in lists.list_records([NOT, DEL_UNKNOWN], now, zile)] == indexes


def test_in_processing_and_xml_error_uploads_are_not_listed() -> None:
    late = filed(4000000003, NOTIFICATION, at(10, 40), uit="CDEFHJKLMNPQRT02")
    dropped = filed(4000000004, NOTIFICATION, at(10, 20), state="XML cu erori nepreluat de sistem", uit="CDEFHJKLMNPQRT03")
    assert [r["id_incarcare"] for r in lists.list_records([NOT, late, dropped], at(10, 30), 1)] == [4000000001]


def test_a_deleted_uit_is_one_record_in_its_final_state() -> None:
    deletion = filed(4000000002, v2(f'<stergere uit="{UIT}"/>'), at(10, 25))
    records = lists.list_records([NOT, deletion], at(10, 30), 1)
    assert len(records) == 1
    assert (records[0]["uit"], records[0]["tip"], records[0]["stare"], records[0]["id_incarcare"],
            records[0]["data_creare"], records[0]["data_modif"]) == (
        UIT, "DEL", "OK", 4000000001, "20250310102002", "20250310102500")


def test_a_correction_replaces_the_fields_and_keeps_the_uit() -> None:
    corrected = NOTIFICATION.replace(b'<notificare codTipOperatiune="30">',
                                     f'<notificare codTipOperatiune="30"><corectie uit="{UIT}"/>'.encode()
                                     ).replace(b'nrVehicul="B123SBX"', b'nrVehicul="B999SBX"')
    records = lists.list_records([NOT, filed(4000000002, corrected, at(10, 25))], at(10, 30), 1)
    assert [(r["uit"], r["tip"], r["nr_veh"]) for r in records] == [(UIT, "COR", "B999SBX")]


def test_a_vehicle_change_is_listed_on_its_own_and_moves_the_vehicle() -> None:
    change = filed(4000000002, v2(f'<modifVehicul uit="{UIT}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>'),
                   at(10, 25))
    records = lists.list_records([NOT, change], at(10, 30), 1)
    assert [(r["tip"], r["nr_veh"]) for r in records] == [("NOT", "CJ01ABC"), ("MVH", "CJ01ABC")]
    assert records[1] == {"uit": UIT, "cod_decl": 12345674, "sursa": "A", "id_incarcare": 4000000002,
                          "data_creare": "20250310102500", "stare": "OK", "tip": "MVH", "nr_veh": "CJ01ABC"}


def test_a_confirmation_is_the_final_tip_and_carries_its_details() -> None:
    confirmation = filed(4000000002, v2(f'<confirmare uit="{UIT}" tipConfirmare="20" observatii="lipsa"/>'), at(10, 25))
    (record,) = lists.list_records([NOT, confirmation], at(10, 30), 1)
    assert record["tip"] == "CON"
    assert record["confirmare"] == {"tip_conf": "20", "obs": "lipsa", "sursa": "A", "data_decl": "20250310102500",
                                    "id_incarcare": 4000000002}


@pytest.mark.parametrize(
    ("extra", "now", "expected"),
    [
        pytest.param([], at(10, 30), rules.IssuedUit("12345674", True, False, datetime(2025, 3, 17, tzinfo=rules.BUCHAREST)),
                     id="issued"),
        pytest.param([], at(10, 20, 1), None, id="not-revealed-yet"),
        pytest.param([filed(4000000002, v2(f'<stergere uit="{UIT}"/>'), at(10, 25))], at(10, 30),
                     rules.IssuedUit("12345674", True, True, datetime(2025, 3, 17, tzinfo=rules.BUCHAREST)), id="deleted"),
        pytest.param([filed(4000000002, v2(f'<stergere uit="{UIT}"/>'), at(10, 25), state="nok")], at(10, 30),
                     rules.IssuedUit("12345674", True, False, datetime(2025, 3, 17, tzinfo=rules.BUCHAREST)),
                     id="failed-deletion-changes-nothing"),
    ],
)
def test_issued_uit(extra: list[Filed], now: float, expected: rules.IssuedUit | None) -> None:
    assert lists.issued_uit([NOT, *extra], UIT, now) == expected


def test_a_nok_notification_issues_no_usable_uit() -> None:
    assert lists.issued_uit([filed(4000000001, NOTIFICATION, at(10, 20), state="nok")], UIT, at(10, 30)) is None


def names(cif: str) -> str | None:
    return {"12345674": "Exemplu Soft SRL"}.get(cif)


INFO = {
    "id": 4000000001, "uit": UIT, "cod_decl": 12345674, "den_decl": "Exemplu Soft SRL",
    "data_transp": "2025-03-12T00:00:00", "data_exp_uit": "2025-03-17T00:00:00", "ref_decl": "SBX-TR-0001",
    "tr_cod": "12345674", "tr_den": "Exemplu Soft SRL", "nr_veh": "B123SBX",
    "loc_start": {"tip_loc": "ADR", "adresa_completa": "Str. Exemplului nr. 10, Sector 1, jud. B", "judet": "B",
                  "localitate": "Sector 1", "strada": "Str. Exemplului", "numar": "10", "alte_info": "-"},
    "loc_final": {"tip_loc": "ADR", "adresa_completa": "Str. Clientului nr. 5, Cluj-Napoca, jud. CJ", "judet": "CJ",
                  "localitate": "Cluj-Napoca", "strada": "Str. Clientului", "numar": "5", "alte_info": "-"},
    "documente": "AV-0001",
}


@pytest.mark.parametrize(
    ("now", "kwargs", "found"),
    [
        pytest.param(at(10, 30), {}, True, id="carrier"),
        pytest.param(at(10, 30), {"cui_op": "56789016"}, False, id="other-carrier"),
        pytest.param(at(10, 30), {"cui_decl": "12345674"}, True, id="declarant-filter"),
        pytest.param(at(10, 30), {"cui_decl": "34567892"}, False, id="declarant-filter-misses"),
        pytest.param(at(10, 30), {"uit": UIT}, True, id="uit-filter"),
        pytest.param(at(10, 30), {"uit": "CDEFHJKLMNPQRT01"}, False, id="uit-filter-misses"),
        pytest.param(at(10, 30), {"ref_decl": "SBX-TR-0001"}, True, id="ref-filter"),
        pytest.param(at(10, 30), {"ref_decl": "other"}, False, id="ref-filter-misses"),
        pytest.param(at(23, 59, 59, day=16), {}, True, id="last-second-of-validity"),
        pytest.param(at(0, 0, 0, day=17), {}, False, id="expired"),
        pytest.param(at(10, 20, 1), {}, False, id="not-ok-yet"),
    ],
)
def test_info(now: float, kwargs: dict[str, str], found: bool) -> None:
    arguments = {"cui_op": "12345674", **kwargs}
    assert lists.info_records([NOT], now, names=names, **arguments) == ([INFO] if found else [])


def test_info_leaves_out_deleted_uits_and_follows_vehicle_changes() -> None:
    change = filed(4000000002, v2(f'<modifVehicul uit="{UIT}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>'),
                   at(10, 25))
    assert [r["nr_veh"] for r in lists.info_records([NOT, change], at(10, 30), "12345674", names)] == ["CJ01ABC"]
    deletion = filed(4000000003, v2(f'<stergere uit="{UIT}"/>'), at(10, 26))
    assert lists.info_records([NOT, change, deletion], at(10, 30), "12345674", names) == []


def test_intra_community_acquisition_stays_valid_15_days() -> None:
    aic = filed(4000000001, NOTIFICATION.replace(b'codTipOperatiune="30"', b'codTipOperatiune="10"'), at(10, 20))
    (record,) = lists.info_records([aic], at(12, 0, day=26), "12345674", names)
    assert record["data_exp_uit"] == "2025-03-27T00:00:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [pytest.param("1260", 1260, id="integer"), pytest.param("50.50", 50.5, id="decimal"),
     pytest.param("0", 0, id="zero")],
)
def test_amounts_are_json_numbers(value: str, expected: float) -> None:
    from decimal import Decimal
    result = lists.amount(Decimal(value))
    assert result == expected and type(result) is type(expected)
