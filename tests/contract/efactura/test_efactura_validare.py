"""§6.10 (optional) validare on prod: with or without a token, ANAF's ok/nok JSON; 404 on test."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.contract.efactura.conftest import Api, fixture

PATH = "/prod/FCTEL/rest/validare"


def validate(api: Api, standard: str, body: bytes, headers: dict[str, str] | None = None):
    return api.client.post(f"{PATH}/{standard}", data=body, headers=headers or {}, content_type="text/plain")


def test_ok_without_a_token(api: Api) -> None:
    answer = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"))
    body = answer.get_json()
    assert answer.status_code == 200 and list(body) == ["stare", "trace_id"] and body["stare"] == "ok"
    uuid.UUID(body["trace_id"])
    assert validate(api, "FCN", fixture("ubl_creditnote_ok.xml")).get_json()["stare"] == "ok"
    assert api.admin("get", "efactura/uploads").get_json() == []  # nothing stored


@pytest.mark.parametrize(("standard", "name", "expected"), [
    pytest.param("FACT1", "ubl_invoice_nok_rules.xml", ["[BR-RO-010]", "[BR-RO-090]", "[BR-RO-110]"], id="rules"),
    pytest.param("FACT1", "ubl_invoice_nok_bad_cui.xml", ["R_BT_32_cui"], id="bad-cui"),
    pytest.param("FACT1", "ubl_invoice_nok_seller_unknown.xml", [], id="registry-is-upload-only"),
    pytest.param("FACT1", "ubl_creditnote_ok.xml", ["cvc-elt.1.a"], id="wrong-root"),
    pytest.param("UBL", "ubl_invoice_ok.xml", ["Valorile acceptate pentru parametrul standard sunt FACT1 si FCN"],
                 id="standard"),
])
def test_nok_messages(api: Api, standard: str, name: str, expected: list[str]) -> None:
    body = validate(api, standard, fixture(name)).get_json()
    if not expected:
        assert body["stare"] == "ok"
        return
    assert list(body) == ["stare", "Messages", "trace_id"] and body["stare"] == "nok"
    messages = [m["message"] for m in body["Messages"]]
    assert len(messages) == len(expected) and all(e in m for e, m in zip(expected, messages))


def test_over_5_mb(api: Api) -> None:
    body = validate(api, "FACT1", b"<" * (5 * 1024 * 1024 + 1)).get_json()
    assert body["Messages"] == [{"message": "Marime fisier transmis mai mare de 5 MB."}]


def test_a_token_sent_must_be_good(api: Api) -> None:
    bad = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"), {"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    good = validate(api, "FACT1", fixture("ubl_invoice_ok.xml"), api.bearer())
    assert good.get_json()["stare"] == "ok"


def test_not_on_test(api: Api) -> None:
    answer = api.client.post("/test/FCTEL/rest/validare/FACT1", data=fixture("ubl_invoice_ok.xml"))
    assert answer.status_code == 404 and answer.get_json()["error"] == "Not Found"
    assert re.match(r"\d{4}-\d\d-\d\dT", answer.get_json()["timestamp"])
