"""§7.2: the outcome decided at upload, revealed by the clock; rule (1) the referenced UIT, rule (2) the declarant."""
from __future__ import annotations

import pytest

from tests.contract.etransport.conftest import EtApi, declaration, fixture, notification

UNKNOWN = {"Errors": [{"errorMessage": "UIT-ul nu poate fi identificat."}], "stare": "nok"}
KINDS = {
    "stergere": '<stergere uit="{uit}"/>',
    "confirmare": '<confirmare uit="{uit}" tipConfirmare="10"/>',
    "modifVehicul": '<modifVehicul uit="{uit}" nrVehicul="CJ01ABC" dataModificare="2025-03-12T08:00:00"/>',
}


def outcome(et: EtApi, body: bytes, env: str = "test") -> dict:
    answer = et.et_stare(et.accepted(body, env=env)["index_incarcare"], env=env)
    return {k: answer[k] for k in ("Errors", "stare") if k in answer}


def about(kind: str, uit: str, declarant: str = "12345674") -> bytes:
    if kind == "corectie":
        return notification("2030-01-01", correction_of=uit, declarant=declarant)
    return declaration(KINDS[kind].format(uit=uit), declarant)


ALL_KINDS = [pytest.param(kind, id=kind) for kind in ("corectie", *KINDS)]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_declaration_about_a_valid_uit_is_ok(et: EtApi, kind: str) -> None:
    assert outcome(et, about(kind, et.uit())) == {"stare": "ok"}


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_uit_never_issued_is_nok(et: EtApi, kind: str) -> None:
    assert outcome(et, about(kind, "CDEFHJKLMNPQRT01")) == UNKNOWN


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_deleted_uit_is_nok(et: EtApi, kind: str) -> None:
    uit = et.uit()
    assert outcome(et, about("stergere", uit)) == {"stare": "ok"}
    assert outcome(et, about(kind, uit)) == UNKNOWN


@pytest.mark.parametrize(
    ("tip_op", "days_valid"),
    [pytest.param("30", 5, id="domestic-5-days"), pytest.param("10", 15, id="intra-community-15-days")],
)
def test_a_uit_expires_with_the_clock(et: EtApi, tip_op: str, days_valid: int) -> None:
    uit = et.uit(et.day(0), tip_op=tip_op)
    et.advance((days_valid - 1) * 86_400)
    assert outcome(et, about("confirmare", uit)) == {"stare": "ok"}
    et.advance(86_400)
    assert outcome(et, about("confirmare", uit)) == UNKNOWN


def test_a_uit_of_another_cif_is_nok(et: EtApi) -> None:
    et.client.patch("/portal/api/identities/4F1A9C2E7B3D5A60", json={"cifs": ["12345674", "23456783"]})
    uit = et.accepted(notification(et.day(1), declarant="23456783"), cif="23456783")["UIT"]
    assert outcome(et, about("stergere", uit)) == UNKNOWN


def test_a_uit_of_the_other_environment_is_nok(et: EtApi) -> None:
    uit = et.uit(env="prod")
    assert outcome(et, about("stergere", uit)) == UNKNOWN
    assert outcome(et, about("stergere", uit), env="prod") == {"stare": "ok"}


def test_a_uit_still_in_processing_is_not_valid_yet(et: EtApi) -> None:
    et.settings(processing_seconds=60)
    uit = et.uit()
    index = et.accepted(about("stergere", uit))["index_incarcare"]
    et.advance(60)
    assert et.et_stare(index)["stare"] == "nok"


def test_a_nok_notification_issues_a_uit_that_is_never_valid(et: EtApi) -> None:
    uit = et.accepted(notification(et.day(1), declarant="34567892"))["UIT"]
    assert outcome(et, about("stergere", uit)) == UNKNOWN


def test_rule_2_declarant_differs_from_the_path_cif(et: EtApi) -> None:
    assert outcome(et, notification(et.day(1), declarant="34567892")) == {
        "Errors": [{"errorMessage": "SANDBOX-ET1: codDeclarant=34567892 difera de CIF-ul din cale=12345674"}],
        "stare": "nok"}


def test_rule_1_is_reported_before_rule_2(et: EtApi) -> None:
    assert outcome(et, about("stergere", "CDEFHJKLMNPQRT01", declarant="34567892")) == UNKNOWN


def test_a_correction_moves_the_validity_window(et: EtApi) -> None:
    uit = et.uit(et.day(0))
    assert outcome(et, notification(et.day(10), correction_of=uit)) == {"stare": "ok"}
    et.advance(12 * 86_400)
    assert outcome(et, about("confirmare", uit)) == {"stare": "ok"}


def test_the_fixture_deletion_is_nok(et: EtApi) -> None:
    assert outcome(et, fixture("etransport_stergere_unknown_uit.xml")) == UNKNOWN
