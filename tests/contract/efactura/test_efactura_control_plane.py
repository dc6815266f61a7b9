"""§6.11: the e-Factura control plane, API settings, quotas, taxpayers, the API fault kinds, and reset."""
from __future__ import annotations

import pytest
from cryptography import x509

from mock_anaf.efactura import archive
from tests.contract.efactura.conftest import BASE, MARIA, Api, fixture


def test_uploads_listed_without_bodies(api: Api) -> None:
    index = api.index("ubl_invoice_ok.xml")
    api.index("ubl_invoice_ok.xml", env="prod")
    listed = api.admin("get", "efactura/uploads?env=test").get_json()
    assert [u["index"] for u in listed] == [index]
    upload = listed[0]
    assert (upload["cif"], upload["standard"], upload["state"], upload["outcome"], upload["seller"], upload["buyer"],
            upload["id_descarcare"]) == ("12345674", "UBL", "ok", "ok", "12345674", "56789016", "3000000001")
    assert "body" not in upload
    assert "<Invoice" not in str(api.admin("get", "efactura/uploads").get_json())
    assert len(api.admin("get", "efactura/uploads?cif=56789016").get_json()) == 2


def test_force_outcome_before_it_is_revealed_then_409(api: Api) -> None:
    api.settings(processing_seconds=300)
    index = api.index("ubl_invoice_ok.xml")
    forced = api.admin("post", f"efactura/uploads/{index}", {"outcome": "nok", "errors": ["E: test"], "ready_in": 0})
    assert forced.status_code == 200 and forced.get_json()["state"] == "nok"
    assert 'stare="nok"' in api.stare(index)
    entries = api.lista("zile=1&cif=12345674")["mesaje"]
    assert [m["tip"] for m in entries] == ["ERORI FACTURA"]
    files = archive.read_zip(api.get("descarcare", f"id={entries[0]['id']}").data)
    assert b'errorMessage="E: test"' in files[f"{index}.xml"]
    again = api.admin("post", f"efactura/uploads/{index}", {"outcome": "ok"})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_ready_in_delays_the_reveal(api: Api) -> None:
    api.settings(processing_seconds=300)
    index = api.index("ubl_invoice_ok.xml")
    api.admin("post", f"efactura/uploads/{index}", {"ready_in": 10})
    api.advance(9)
    assert 'stare="in prelucrare"' in api.stare(index)
    api.advance(1)
    assert 'stare="ok"' in api.stare(index)


@pytest.mark.parametrize(("body", "status"), [
    ({"outcome": "maybe"}, 400), ({"outcome": "nok", "errors": "x"}, 400), ({"ready_in": -1}, 400),
    ({"errors": ["x"]}, 400),
])
def test_force_refusals(api: Api, body: dict, status: int) -> None:
    api.settings(processing_seconds=300)
    index = api.index("ubl_invoice_ok.xml")
    answer = api.admin("post", f"efactura/uploads/{index}", body)
    assert answer.status_code == status and answer.get_json()["error"] == "invalid_request"
    assert api.admin("post", "efactura/uploads/5999999999", {"outcome": "ok"}).status_code == 404


def test_next_outcomes_win_over_content(api: Api) -> None:
    armed = api.admin("post", "efactura/next-outcomes",
                      {"env": "test", "cif": "12345674", "outcome": "nok", "errors": ["E: armed"], "times": 2})
    assert armed.status_code == 201 and armed.get_json()["times"] == 2
    first, second, third = (api.index("ubl_invoice_ok.xml") for _ in range(3))
    assert 'stare="nok"' in api.stare(first) and 'stare="nok"' in api.stare(second)
    assert 'stare="ok"' in api.stare(third)
    assert api.admin("get", "efactura/next-outcomes").get_json() == []
    api.admin("post", "efactura/next-outcomes", {"cif": "12345674", "outcome": "ok"})
    assert api.admin("delete", "efactura/next-outcomes").status_code == 204
    assert 'stare="nok"' in api.stare(api.index("ubl_invoice_nok_rules.xml"))


def test_next_outcome_xml_errors_has_no_download(api: Api) -> None:
    api.admin("post", "efactura/next-outcomes", {"cif": "12345674", "outcome": "xml_errors"})
    index = api.index("ubl_invoice_ok.xml")
    assert 'stare="XML cu erori nepreluat de sistem"' in api.stare(index)
    assert "id_descarcare" not in api.stare(index)
    assert api.lista("zile=1&cif=12345674")["eroare"] == "Nu exista mesaje in ultimele 1 zile"


def test_inbox_with_and_without_xml(api: Api) -> None:
    made = api.admin("post", "efactura/inbox", {"seller": "RO56789016", "buyer": "12345674", "count": 2})
    assert made.status_code == 201 and len(made.get_json()) == 2
    own = api.admin("post", "efactura/inbox", {"seller": "56789016", "buyer": "12345674",
                                                "xml": fixture("ubl_invoice_ok.xml").decode()}).get_json()[0]
    entries = api.lista("zile=1&cif=12345674&filtru=P")["mesaje"]
    assert len(entries) == 3 and {m["tip"] for m in entries} == {"FACTURA PRIMITA"}
    files = archive.read_zip(api.get("descarcare", f"id={own['id_descarcare']}").data)
    assert files[f"{own['index']}.xml"] == fixture("ubl_invoice_ok.xml")
    generated = archive.read_zip(api.get("descarcare", f"id={made.get_json()[0]['id_descarcare']}").data)
    assert b"<cbc:CompanyID>RO56789016</cbc:CompanyID>" in generated[f"{made.get_json()[0]['index']}.xml"]


@pytest.mark.parametrize("body", [{"seller": "x", "buyer": "12345674"}, {"seller": "56789016"},
                                  {"seller": "56789016", "buyer": "12345674", "count": 2001},
                                  {"seller": "56789016", "buyer": "12345674", "env": "dev"}])
def test_inbox_refusals(api: Api, body: dict) -> None:
    assert api.admin("post", "efactura/inbox", body).status_code == 400
    assert api.admin("get", "efactura/uploads").get_json() == []


def test_api_settings_round_trip_and_reset(api: Api) -> None:
    start = api.client.get("/__admin/api-settings").get_json()
    assert start == {"processing_seconds": 0.0, "list_lag_seconds": 0.0, "per_minute": 1000, "require_jwt": True,
                     "quotas": {"rasp": 1000, "stare": 100, "lista": 1500, "lista_paginatie": 100000,
                                "descarcare": 10, "et_stare": 100, "et_lista": 1000}}
    changed = api.client.put("/__admin/api-settings", json={"per_minute": 5, "quotas": {"stare": 7}}).get_json()
    assert changed["per_minute"] == 5 and changed["quotas"]["stare"] == 7 and changed["quotas"]["lista"] == 1500
    api.client.post("/__admin/reset")
    assert api.client.get("/__admin/api-settings").get_json() == start


@pytest.mark.parametrize("body", [{"per_minute": -1}, {"quotas": {"nope": 1}}, {"require_jwt": "yes"},
                                  {"processing_seconds": "2"}, {"color": "red"}, []])
def test_api_settings_refusals_change_nothing(api: Api, body) -> None:
    before = api.client.get("/__admin/api-settings").get_json()
    answer = api.client.put("/__admin/api-settings", json=body)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request"
    assert api.client.get("/__admin/api-settings").get_json() == before


def test_taxpayers_seeded_and_added(api: Api) -> None:
    seeded = {t["cif"]: t for t in api.admin("get", "taxpayers").get_json()}
    assert seeded["56789016"]["name"] == "Client Exemplu SRL" and seeded["23456783"]["executare"] is True
    assert {"12345674", "34567892"} <= set(seeded)
    assert api.admin("post", "taxpayers", {"cif": "RO98765438", "name": "Furnizor Nou SRL"}).status_code == 201
    assert 'stare="ok"' not in api.stare(api.index("ubl_invoice_nok_seller_unknown.xml"))  # rights still missing
    assert api.admin("post", "taxpayers", {"cif": "x", "name": "y"}).status_code == 400


def test_identity_cifs_join_the_registry(api: Api) -> None:
    api.client.post("/portal/api/identities", json={"name": "Nou SRL", "cifs": ["RO98765438"]})
    assert "98765438" in {t["cif"] for t in api.admin("get", "taxpayers").get_json()}


@pytest.mark.parametrize(("endpoint", "path", "expect"), [
    ("efactura_upload", "upload?standard=UBL&cif=12345674", "errorMessage=\"A aparut o eroare tehnica. Cod: SBX-001\""),
    ("efactura_stare", "stareMesaj?id_incarcare=1", "errorMessage=\"A aparut o eroare tehnica. Cod: SBX-001\""),
    ("efactura_lista", "listaMesajeFactura?zile=1&cif=12345674",
     '{"eroare":"A aparut o eroare tehnica. Cod: SBX-001","titlu":"Lista Mesaje"}'),
    ("efactura_descarcare", "descarcare?id=1",
     '{"eroare":"A aparut o eroare tehnica. Cod: SBX-001","titlu":"Descarcare mesaj"}'),
])
def test_technical_error_in_each_operations_own_shape(api: Api, endpoint: str, path: str, expect: str) -> None:
    api.admin("post", "faults", {"endpoint": endpoint, "error": "technical_error"})
    method = api.client.post if path.startswith("upload") else api.client.get
    answer = method(f"{BASE}/{path}", headers=api.bearer(), data=fixture("ubl_invoice_ok.xml"))
    assert answer.status_code == 200 and expect in answer.get_data(as_text=True)
    assert expect not in method(f"{BASE}/{path}", headers=api.bearer(), data=b"<x/>").get_data(as_text=True)


def test_other_fault_kinds(api: Api) -> None:
    get = lambda: api.client.get(f"{BASE}/stareMesaj?id_incarcare=1", headers=api.bearer())  # noqa: E731
    api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "waf_reject"})
    waf = get()
    assert waf.status_code == 200 and waf.mimetype == "text/html"
    assert waf.get_data(as_text=True).startswith("<html><head><title>Request Rejected</title></head><body>The "
                                                  "requested URL was rejected. Please consult with your administrator."
                                                  "<br><br>Your support ID is: ")
    api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "rate_limited"})
    assert get().status_code == 429 and get().status_code == 200
    api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "no_content"})
    empty = get()
    assert empty.status_code == 204 and empty.data == b""
    api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "server_error"})
    crash = get()
    assert crash.status_code == 500 and crash.get_json()["error"] == "Internal Server Error"
    assert crash.get_json()["path"] == f"{BASE}/stareMesaj"
    assert api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "invalid_grant"}).status_code == 400
    assert api.admin("post", "faults", {"endpoint": "token", "error": "waf_reject"}).status_code == 400


def test_gateway_comes_before_an_armed_fault(api: Api) -> None:
    api.admin("post", "faults", {"endpoint": "efactura_stare", "error": "server_error"})
    assert api.client.get(f"{BASE}/stareMesaj?id_incarcare=1").status_code == 401
    assert api.client.get(f"{BASE}/stareMesaj?id_incarcare=1", headers=api.bearer()).status_code == 500


def test_slow_after_commit_stores_before_waiting(api: Api) -> None:
    api.admin("post", "faults", {"endpoint": "efactura_upload", "error": "slow_after_commit", "seconds": 0.05})
    text = api.upload("ubl_invoice_ok.xml").get_data(as_text=True)
    assert 'index_incarcare="5000000001"' in text
    assert len(api.admin("get", "efactura/uploads").get_json()) == 1


def test_reset_empties_uploads_messages_counters_and_sequences(api: Api) -> None:
    api.settings(quotas={"stare": 1})
    index = api.index("ubl_invoice_ok.xml")
    api.stare(index)
    api.admin("post", "efactura/next-outcomes", {"cif": "12345674", "outcome": "nok"})
    api.admin("post", "taxpayers", {"cif": "98765438", "name": "X"})
    api.client.post("/__admin/reset")
    assert api.admin("get", "efactura/uploads").get_json() == []
    assert api.admin("get", "efactura/next-outcomes").get_json() == []
    assert "98765438" not in {t["cif"] for t in api.admin("get", "taxpayers").get_json()}
    api.tokens.clear()
    api.client_id, api.client_secret = api.register(["EFACTURA"])
    assert api.index("ubl_invoice_ok.xml") == "5000000001"
    assert 'stare="ok" id_descarcare="3000000001"' in api.stare("5000000001")


def test_signing_cert_is_the_sandbox_certificate(api: Api) -> None:
    pem = api.client.get("/__admin/efactura/signing-cert")
    assert pem.mimetype == "application/x-pem-file"
    cert = x509.load_pem_x509_certificate(pem.data)
    assert cert.subject.rfc4514_string() == "C=RO,O=anaf-oauth-sandbox,CN=ANAF SANDBOX"


def test_patch_identity(api: Api) -> None:
    answer = api.client.patch(f"/portal/api/identities/{MARIA}", json={"cifs": []})
    assert answer.status_code == 200 and answer.get_json()["cifs"] == []
    assert api.client.patch("/portal/api/identities/FFFFFFFF", json={"cifs": []}).status_code == 404
    assert api.client.patch(f"/portal/api/identities/{MARIA}", json={"serial": "X"}).status_code == 400
    assert api.client.patch(f"/portal/api/identities/{MARIA}", json={"cifs": ["x"]}).get_json()["field"] == "cifs[0]"
