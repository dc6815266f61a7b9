"""§7.3: `GET /{env}/ETRANSPORT/ws/v1/stareMesaj/{id_incarcare}`: its errors in order, and each state."""
from __future__ import annotations

import pytest

from tests.contract.etransport.conftest import (
    MARIA, MINUTE, NOBODY, TRACE_ID, EtApi, assert_errors, fixture, golden,
)

NOTIFICATION = fixture("etransport_notificare_v2.xml")


def same_as_golden(answer: dict, name: str) -> None:
    expected = golden(name)
    assert list(answer) == list(expected)
    assert MINUTE.fullmatch(answer["dateResponse"]) and TRACE_ID.fullmatch(answer["trace_id"])
    assert {k: v for k, v in answer.items() if k not in ("dateResponse", "trace_id")} == {
        k: v for k, v in expected.items() if k not in ("dateResponse", "trace_id")}


@pytest.mark.parametrize(
    ("value", "serial", "message"),
    [
        pytest.param("40000x", None, "Id_incarcare introdus= 40000x nu este un numar intreg", id="not-an-integer"),
        pytest.param("4000000001", NOBODY, "Nu exista niciun CIF petru care sa aveti drept", id="caller-has-no-cif"),
        pytest.param("4999999999", None, "Nu exista declaratia de transport cu id_incarcare= 4999999999",
                     id="no-such-upload"),
        pytest.param("4000000001", MARIA, "Nu aveti dreptul de inteorgare pentru id_incarcare= 4000000001",
                     id="no-right-to-query"),
    ],
)
def test_errors(et: EtApi, value: str, serial: str | None, message: str) -> None:
    et.accepted(NOTIFICATION)
    answer = et.et_get(f"stareMesaj/{value}", serial=serial or "4F1A9C2E7B3D5A60")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert_errors(answer.get_json(), message)


def test_not_an_integer_comes_before_the_missing_cif(et: EtApi) -> None:
    assert_errors(et.et_stare("abc", serial=NOBODY), "Id_incarcare introdus= abc nu este un numar intreg")


def test_quota_per_upload_and_day(et: EtApi) -> None:
    et.settings(quotas={"et_stare": 2})
    first, second = (et.accepted(NOTIFICATION)["index_incarcare"] for _ in range(2))
    assert et.et_stare(first)["stare"] == et.et_stare(first)["stare"] == "ok"
    assert_errors(et.et_stare(first), "S-au facut deja 2 de verificari, pentru id-incarcare solicitat, in cursul zilei")
    assert et.et_stare(second)["stare"] == "ok"
    assert et.et_stare(first, env="prod")["Errors"][0]["errorMessage"].startswith("Nu exista declaratia")
    et.advance(86_400)
    assert et.et_stare(first)["stare"] == "ok"


def test_the_default_quota_text_says_100(et: EtApi) -> None:
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    for _ in range(100):
        et.et_stare(index)
    assert_errors(et.et_stare(index), "S-au facut deja 100 de verificari, pentru id-incarcare solicitat, in cursul zilei")


def test_in_prelucrare_then_ok_as_the_clock_moves(et: EtApi) -> None:
    et.settings(processing_seconds=30)
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    answer = et.et_stare(index)
    assert list(answer) == ["stare", "dateResponse", "ExecutionStatus", "trace_id"]
    assert (answer["stare"], answer["ExecutionStatus"]) == ("in prelucrare", 0)
    et.advance(29)
    assert et.et_stare(index)["stare"] == "in prelucrare"
    et.advance(1)
    same_as_golden(et.et_stare(index), "stare_ok.json")


def test_nok_matches_the_golden(et: EtApi) -> None:
    index = et.accepted(fixture("etransport_stergere_unknown_uit.xml"))["index_incarcare"]
    same_as_golden(et.et_stare(index), "stare_nok.json")


def test_xml_errors_state_only_through_the_control_plane(et: EtApi) -> None:
    et.admin("post", "etransport/next-outcomes", {"cif": "12345674", "outcome": "xml_errors"})
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    answer = et.et_stare(index)
    assert list(answer) == ["stare", "dateResponse", "ExecutionStatus", "trace_id"]
    assert (answer["stare"], answer["ExecutionStatus"]) == ("XML cu erori nepreluat de sistem", 0)


def test_every_answer_has_a_fresh_trace_id(et: EtApi) -> None:
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    assert len({et.et_stare(index)["trace_id"] for _ in range(3)}) == 3


def test_another_identity_with_the_right_may_query(et: EtApi) -> None:
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    assert et.client.patch("/portal/api/identities/7C0D2B4E6F8A1357", json={"cifs": ["34567892", "12345674"]}
                           ).status_code == 200
    assert et.et_stare(index, serial=MARIA)["stare"] == "ok"
