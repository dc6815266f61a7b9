"""§7.6 and §6.11 for e-Transport: uploads, forced outcomes, next outcomes, faults, reset and the journal."""
from __future__ import annotations

import pytest

from tests.contract.etransport.conftest import BASE, EtApi, declaration, fixture

NOTIFICATION = fixture("etransport_notificare_v2.xml")
TECHNICAL = "A aparut o eroare tehnica. Cod: SBX-001"


def test_uploads_listed_without_bodies(et: EtApi) -> None:
    uit = et.accepted(NOTIFICATION)["UIT"]
    et.accepted(NOTIFICATION, env="prod")
    listed = et.admin("get", "etransport/uploads?env=test").get_json()
    assert len(listed) == 1
    upload = listed[0]
    assert {k: upload[k] for k in ("env", "index", "cif", "version", "kind", "uit", "declarant", "ref_declarant",
                                   "state", "outcome", "errors", "client_id")} == {
        "env": "test", "index": 4000000001, "cif": "12345674", "version": 2, "kind": "NOT", "uit": uit,
        "declarant": "12345674", "ref_declarant": "SBX-TR-0001", "state": "ok", "outcome": "ok", "errors": [],
        "client_id": et.client_id}
    assert "body" not in upload and "eTransport" not in str(et.admin("get", "etransport/uploads").get_json())
    assert len(et.admin("get", "etransport/uploads?cif=RO12345674").get_json()) == 2
    assert et.admin("get", "etransport/uploads?cif=34567892").get_json() == []


def test_force_a_pending_upload_then_409(et: EtApi) -> None:
    et.settings(processing_seconds=300)
    answer = et.accepted(NOTIFICATION)
    index, uit = answer["index_incarcare"], answer["UIT"]
    assert et.et_stare(index)["stare"] == "in prelucrare"
    forced = et.admin("post", f"etransport/uploads/{index}", {"outcome": "nok", "errors": ["E: test"], "ready_in": 0})
    assert forced.status_code == 200 and forced.get_json()["state"] == "nok"
    assert et.et_stare(index)["Errors"] == [{"errorMessage": "E: test"}]
    (record,) = et.et_lista(1)["mesaje"]
    assert (record["stare"], record["tip"], record["mesaje"]) == ("ERR", "NOT", [{"tip": "ERR", "mesaj": "E: test"}])
    assert et.et_stare(et.accepted(declaration(f'<stergere uit="{uit}"/>'))["index_incarcare"])["stare"] == \
        "in prelucrare"
    again = et.admin("post", f"etransport/uploads/{index}", {"outcome": "ok"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_forced_nok_without_errors_says_so(et: EtApi) -> None:
    et.settings(processing_seconds=300)
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    et.admin("post", f"etransport/uploads/{index}", {"outcome": "nok", "ready_in": 0})
    assert et.et_stare(index)["Errors"][0]["errorMessage"].startswith("SANDBOX-F1: rezultat fortat prin /__admin/etransport")


def test_ready_in_delays_the_reveal(et: EtApi) -> None:
    et.settings(processing_seconds=300)
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    et.admin("post", f"etransport/uploads/{index}", {"ready_in": 10})
    et.advance(9)
    assert et.et_stare(index)["stare"] == "in prelucrare"
    et.advance(1)
    assert et.et_stare(index)["stare"] == "ok"


@pytest.mark.parametrize("body", [
    pytest.param({"outcome": "maybe"}, id="outcome"), pytest.param({"outcome": "nok", "errors": "x"}, id="errors"),
    pytest.param({"ready_in": -1}, id="ready_in"), pytest.param({"errors": ["x"]}, id="errors-without-nok"),
    pytest.param([1], id="not-an-object"),
])
def test_force_refusals(et: EtApi, body: object) -> None:
    et.settings(processing_seconds=300)
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    answer = et.admin("post", f"etransport/uploads/{index}", body)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request"
    assert et.et_stare(index)["stare"] == "in prelucrare"


@pytest.mark.parametrize("index", ["4999999999", "abc", "5000000001"])
def test_force_an_unknown_index_is_404(et: EtApi, index: str) -> None:
    answer = et.admin("post", f"etransport/uploads/{index}", {"outcome": "ok"})
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"


def test_next_outcomes_win_over_content(et: EtApi) -> None:
    armed = et.admin("post", "etransport/next-outcomes",
                     {"env": "test", "cif": "12345674", "outcome": "nok", "errors": ["E: armed"], "times": 2})
    assert armed.status_code == 201 and armed.get_json()["times"] == 2
    assert et.admin("get", "etransport/next-outcomes").get_json()[0]["cif"] == "12345674"
    indexes = [et.accepted(NOTIFICATION)["index_incarcare"] for _ in range(3)]
    assert [et.et_stare(i)["stare"] for i in indexes] == ["nok", "nok", "ok"]
    assert et.admin("get", "etransport/next-outcomes").get_json() == []
    et.admin("post", "etransport/next-outcomes", {"cif": "12345674", "outcome": "ok"})
    assert et.admin("delete", "etransport/next-outcomes").status_code == 204
    assert et.et_stare(et.accepted(fixture("etransport_stergere_unknown_uit.xml"))["index_incarcare"])["stare"] == "nok"


def test_a_forced_ok_makes_an_unknown_uit_deletion_ok(et: EtApi) -> None:
    et.admin("post", "etransport/next-outcomes", {"cif": "12345674", "outcome": "ok"})
    index = et.accepted(fixture("etransport_stergere_unknown_uit.xml"))["index_incarcare"]
    assert et.et_stare(index)["stare"] == "ok"


def test_next_outcomes_are_per_environment_and_cif(et: EtApi) -> None:
    et.admin("post", "etransport/next-outcomes", {"env": "prod", "cif": "12345674", "outcome": "nok"})
    assert et.et_stare(et.accepted(NOTIFICATION)["index_incarcare"])["stare"] == "ok"
    assert et.et_stare(et.accepted(NOTIFICATION, env="prod")["index_incarcare"], env="prod")["stare"] == "nok"


@pytest.mark.parametrize("body", [
    pytest.param({"cif": "12345674", "outcome": "later"}, id="outcome"),
    pytest.param({"cif": "RO-x", "outcome": "ok"}, id="cif"),
    pytest.param({"cif": "12345674", "outcome": "ok", "env": "dev"}, id="env"),
    pytest.param({"cif": "12345674", "outcome": "ok", "times": 0}, id="times"),
])
def test_arm_refusals(et: EtApi, body: dict) -> None:
    answer = et.admin("post", "etransport/next-outcomes", body)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request"
    assert et.admin("get", "etransport/next-outcomes").get_json() == []


@pytest.mark.parametrize(("endpoint", "method", "path", "shape"), [
    ("etransport_upload", "post", "upload/ETRANSP/12345674/2", "Errors"),
    ("etransport_stare", "get", "stareMesaj/1", "Errors"),
    ("etransport_lista", "get", "lista/1/12345674", "Errors"),
    ("etransport_info", "get", "info?cui_op=12345674", "error"),
])
def test_technical_error_in_each_operations_own_shape(et: EtApi, endpoint: str, method: str, path: str,
                                                      shape: str) -> None:
    assert et.admin("post", "faults", {"endpoint": endpoint, "error": "technical_error"}).status_code == 201
    call = lambda: getattr(et.client, method)(f"{BASE}/{path}", headers=et.bearer(), data=NOTIFICATION)  # noqa: E731
    body = call().get_json()
    if shape == "Errors":
        assert body["Errors"] == [{"errorMessage": TECHNICAL}] and body["ExecutionStatus"] == 1
    else:
        assert list(body) == ["trace_id", "dateResponse", "error"] and body["error"] == TECHNICAL
    assert TECHNICAL not in call().get_data(as_text=True)
    assert len(et.admin("get", "etransport/uploads").get_json()) == (1 if endpoint == "etransport_upload" else 0)


def test_other_fault_kinds(et: EtApi) -> None:
    get = lambda: et.client.get(f"{BASE}/lista/1/12345674", headers=et.bearer())  # noqa: E731
    et.admin("post", "faults", {"endpoint": "etransport_lista", "error": "waf_reject"})
    waf = get()
    assert waf.status_code == 200 and waf.mimetype == "text/html"
    assert "<title>Request Rejected</title>" in waf.get_data(as_text=True)
    et.admin("post", "faults", {"endpoint": "etransport_lista", "error": "rate_limited"})
    assert get().status_code == 429 and get().status_code == 200
    et.admin("post", "faults", {"endpoint": "etransport_lista", "error": "no_content"})
    empty = get()
    assert empty.status_code == 204 and empty.data == b""
    et.admin("post", "faults", {"endpoint": "etransport_lista", "error": "server_error"})
    crash = get()
    assert crash.status_code == 500 and crash.get_json()["path"] == f"{BASE}/lista/1/12345674"
    assert et.admin("post", "faults", {"endpoint": "etransport_nope", "error": "server_error"}).status_code == 400


def test_gateway_comes_before_an_armed_fault(et: EtApi) -> None:
    et.admin("post", "faults", {"endpoint": "etransport_stare", "error": "server_error"})
    assert et.client.get(f"{BASE}/stareMesaj/1").status_code == 401
    assert et.client.get(f"{BASE}/stareMesaj/1", headers=et.bearer()).status_code == 500


def test_slow_after_commit_stores_before_waiting(et: EtApi) -> None:
    et.admin("post", "faults", {"endpoint": "etransport_upload", "error": "slow_after_commit", "seconds": 0.05})
    assert et.accepted(NOTIFICATION)["index_incarcare"] == 4000000001
    assert len(et.admin("get", "etransport/uploads").get_json()) == 1


def test_reset_empties_uploads_counters_armed_outcomes_and_the_sequence(et: EtApi) -> None:
    et.settings(quotas={"et_stare": 1})
    index = et.accepted(NOTIFICATION)["index_incarcare"]
    et.et_stare(index)
    et.admin("post", "etransport/next-outcomes", {"cif": "12345674", "outcome": "nok"})
    et.client.post("/__admin/reset")
    assert et.admin("get", "etransport/uploads").get_json() == []
    assert et.admin("get", "etransport/next-outcomes").get_json() == []
    et.tokens.clear()
    et.client_id, et.client_secret = et.register(["ETRANSPORT"])
    assert et.accepted(NOTIFICATION)["index_incarcare"] == 4000000001
    assert et.et_stare(4000000001)["stare"] == "ok" and et.et_stare(4000000001)["stare"] == "ok"


def test_the_journal_notes_what_was_done_never_bodies_or_tokens(et: EtApi) -> None:
    token = et.token()
    uit = et.uit()
    et.et_stare(4000000001)
    et.et_lista(1)
    et.et_info(f"cui_op=12345674&uit={uit}")
    entries = [e for e in et.journal() if "/ETRANSPORT/" in e["path"]]
    assert [(e["operation"], e["env"], e.get("cif"), e.get("index"), e["outcome"], e["client_id"]) for e in entries] == [
        ("upload", "test", "12345674", 4000000001, "accepted", et.client_id),
        ("stare_mesaj", "test", "12345674", "4000000001", "ok", et.client_id),
        ("lista", "test", "12345674", None, "1 records", et.client_id),
        ("info", "test", "12345674", None, "1 records", et.client_id),
    ]
    text = str(et.journal())
    assert token not in text and uit not in text and "eTransport" not in text and "B123SBX" not in text
