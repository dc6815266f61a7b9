"""e-Transport's answer bodies against the expected answers in the fixtures: keys, order and values."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_anaf.etransport import answers

RESPONSES = Path(__file__).parents[2] / "fixtures" / "anaf_api" / "responses" / "etransport"


def golden(name: str) -> dict[str, Any]:
    return json.loads((RESPONSES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "build"),
    [
        pytest.param("upload_ok_v2.json", lambda g: answers.upload_accepted(
            g["dateResponse"], g["trace_id"], 4000000001, g["UIT"], "SBX-TR-0001", 2), id="upload-ok-v2"),
        pytest.param("upload_error_standard.json", lambda g: answers.errors(
            g["dateResponse"], g["trace_id"], "Valoarea acceptata pentru parametrul standard este ETRANSP"),
                     id="upload-error-standard"),
        pytest.param("stare_ok.json", lambda g: answers.stare(g["dateResponse"], g["trace_id"], "ok"), id="stare-ok"),
        pytest.param("stare_nok.json", lambda g: answers.stare(
            g["dateResponse"], g["trace_id"], "nok", ["UIT-ul nu poate fi identificat."]), id="stare-nok"),
        pytest.param("lista_empty.json", lambda g: answers.errors(
            g["dateResponse"], g["trace_id"], "Nu exista mesaje in ultimele 60 zile"), id="lista-empty"),
        pytest.param("lista_ok.json", lambda g: answers.lista(
            g["dateResponse"], g["trace_id"], g["mesaje"], "4F1A9C2E7B3D5A60", "12345674", 1), id="lista-ok"),
    ],
)
def test_answer_equals_golden_in_key_order(name: str, build: Any) -> None:
    expected = golden(name)
    built = build(expected)
    assert json.dumps(built) == json.dumps(expected)


def test_v1_upload_has_no_atentie() -> None:
    body = answers.upload_accepted("202503101020", "t", 4000000001, "7KQ3MXR9TCHD4N15", "", 1)
    assert "atentie" not in body and body["ref_declarant"] == ""


def test_info_error_is_a_singular_error_and_the_400_is_springs() -> None:
    assert list(answers.info_error("202503101020", "t", "Nu exista informatii pentru aceasta solicitare")) == [
        "trace_id", "dateResponse", "error"]
    assert answers.bad_request("10-03-2025 10:20:00", "Parametrul cui_op este obligatoriu") == {
        "timestamp": "10-03-2025 10:20:00", "status": 400, "error": "Bad Request",
        "message": "Parametrul cui_op este obligatoriu"}
