"""An existing ANAF client from PyPI, unchanged, against the sandbox: anafpy 0.13.3, e-Transport and e-Factura.

anafpy needs Python ≥ 3.12, so it runs from its own venv (`make anafpy-venv`) as a separate process:
anafpy_driver.py makes the calls and prints their results as JSON, this test starts mock ANAF on port 0,
authorizes an app as Ion Popescu (12345674), hands the driver the URL and the tokens, and checks what
anafpy made of every answer, then what the sandbox saw. Without the venv the test skips, except on CI
when a Python ≥ 3.12 exists: then the venv must have been built (`.ci/run` does).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from foundation.serving import ServerThread, wait_healthy
from mock_anaf import anaf_time, create_app
from mock_anaf.config import Config
from sandbox.harness import AnafClient
from tests.e2e.thirdparty import anafpy_venv

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1] / "fixtures" / "anaf_api"
DRIVER = HERE / "anafpy_driver.py"
CALLBACK = "https://erp.example.ro/anaf/callback"
ION, CIF = "4F1A9C2E7B3D5A60", "12345674"
INBOX = 501  # one more than a page of listaMesajePaginatieFactura


def anafpy_python() -> Path:
    """`.venv-anafpy`'s interpreter; skips when it is missing, fails instead on CI when it could exist."""
    if anafpy_venv.installed_version() == anafpy_venv.VERSION:
        return anafpy_venv.PYTHON
    reason = (f"anafpy {anafpy_venv.VERSION} is not installed in {anafpy_venv.VENV.name} "
              f"(it needs Python >= 3.12): `make anafpy-venv` builds it")
    if os.environ.get("CI") == "true" and (python := anafpy_venv.find_interpreter()) is not None:
        pytest.fail(f"{reason}; this CI machine has {python}, so the venv must be built")
    pytest.skip(reason)


@pytest.fixture()
def anaf() -> Iterator[AnafClient]:
    """Mock ANAF whose uploads stay `in prelucrare` until the driver ends them through the control plane."""
    server = ServerThread()
    app = create_app(Config(port=server.port, public_url=server.url, api_processing_seconds=3600))
    try:
        server.start(app)
        wait_healthy(server.url)
        with requests.Session() as http:
            yield AnafClient(http, server.url)
    finally:
        server.stop()
        app.extensions["sandbox.shutdown"]()


def run_driver(python: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run the driver with only ``env`` (no proxy settings leak in) and read its JSON."""
    done = subprocess.run([str(python), str(DRIVER)], env={"PATH": os.environ.get("PATH", ""), **env},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_anafpy_declares_a_transport_files_invoices_and_handles_tokens(anaf: AnafClient, tmp_path: Path) -> None:
    python = anafpy_python()
    both = anaf.register_app(callbacks=[CALLBACK], services=["EFACTURA", "ETRANSPORT"])
    tokens = anaf.login(both, identity=ION)
    efactura_only = anaf.login(anaf.register_app(callbacks=[CALLBACK], services=["EFACTURA"]), identity=ION)
    inbox = anaf.session.post(f"{anaf.url}/__admin/efactura/inbox", timeout=10, json={
        "env": "test", "seller": "56789016", "buyer": CIF, "count": INBOX, "ago_seconds": 600})
    assert inbox.status_code == 201
    transport_day = (anaf_time.local(anaf.clock()["epoch"]) + timedelta(days=1)).date()
    notification = tmp_path / "notificare.xml"
    notification.write_bytes((FIXTURES / "etransport_notificare_v2.xml").read_bytes().replace(
        b"2025-03-12", transport_day.isoformat().encode()))
    invoice = FIXTURES / "ubl_invoice_ok.xml"

    got = run_driver(python, {
        "ANAF_SANDBOX_URL": anaf.url, "ANAF_CIF": CIF, "ANAF_CLIENT_ID": both.client_id,
        "ANAF_CLIENT_SECRET": both.client_secret, "ANAF_ACCESS_TOKEN": tokens["access_token"],
        "ANAF_REFRESH_TOKEN": tokens["refresh_token"], "ANAF_EFACTURA_ONLY_TOKEN": efactura_only["access_token"],
        "ETRANSPORT_XML": str(notification), "INVOICE_XML": str(invoice),
        "INVOICE_NOK_XML": str(FIXTURES / "ubl_invoice_nok_rules.xml")})

    et = got["etransport"]
    assert et["list_before"] == []  # "Nu exista mesaje in ultimele 1 zile" read as an empty list
    uit = et["upload"]["uit"]
    assert et["upload"] == {"upload_id": "4000000001", "uit": uit, "accepted": True, "errors": []}
    assert re.fullmatch(r"[0-9ACDEFHJKLMNPQRTUVWXY]{14}[0-9]{2}", uit)
    assert uit[14:] == str(sum(map(ord, uit[:14])))[-2:]  # BR-019: anafpy's own models accept it
    assert (et["state_at_once"], et["state_after"]) == ("in prelucrare", "ok")
    (record,) = et["list"]
    assert {k: record[k] for k in ("notification_type", "state", "uit", "upload_id", "declarant_code", "plate",
                                   "partner_code", "total_value", "transport_date")} == {
        "notification_type": "NOT", "state": "OK", "uit": uit, "upload_id": "4000000001", "declarant_code": CIF,
        "plate": "B123SBX", "partner_code": "56789016", "total_value": "6000",
        "transport_date": transport_day.strftime("%Y%m%d") + "000000"}
    (found,) = et["info"]["items"]
    assert (found["uit"], found["declarant_name"], found["transport_date"], found["uit_expiry"]) == (
        uit, "Exemplu Soft SRL", f"{transport_day}T00:00:00", f"{transport_day + timedelta(days=5)}T00:00:00")
    assert (found["start_location"]["county"], found["end_location"]["locality"]) == ("B", "Cluj-Napoca")
    assert et["upload_without_rights"] == {"accepted": False, "errors": ["Nu aveti drept in SPV pentru CIF=56789016"]}
    assert et["status_unknown_index"]["message"] == (
        "stareMesaj error: Nu exista declaratia de transport cu id_incarcare= 999")
    assert et["deletion"] == {"uit": uit, "state": "ok", "errors": []}
    assert [(r["uit"], r["notification_type"]) for r in et["list_after_deletion"]] == [(uit, "DEL")]
    assert et["info_after_deletion"] == {"items": [], "error": "Nu exista informatii pentru aceasta solicitare"}

    ef = got["efactura"]
    index = ef["upload"]["upload_id"]
    assert ef["upload"] == {"upload_id": index, "accepted": True, "errors": []}
    assert ef["state_at_once"] == "in prelucrare" and ef["state_after"]["state"] == "ok"
    download_id = ef["state_after"]["download_id"]
    assert ef["list_window"]["count"] == INBOX + 1
    assert [(m["message_type"], m["id"], m["request_id"], m["sender_cif"], m["receiver_cif"])
            for m in ef["list_window"]["sent"]] == [("FACTURA TRIMISA", download_id, index, CIF, "56789016")]
    assert ef["list_last_day"] == {"count": INBOX, "ids": INBOX, "types": ["FACTURA PRIMITA"],
                                   "senders": ["56789016"]}
    assert ef["download"] == {"same_bytes": True, "has_signature": True}
    assert ef["signature"]["valid"] is True and ef["signature_of_changed_invoice"] is False
    assert "Pentru id=999 nu exista inregistrata nici o factura" in ef["download_unknown_id"]["message"]
    assert ef["nok"]["state"] == "nok" and ef["nok_download"]["has_signature"]
    assert ef["nok_download"]["error_list"].count("<Error errorMessage=") == 3
    assert "[BR-RO-010]" in ef["nok_download"]["error_list"]

    assert got["tokens"] == {
        "stale_access_token": {"listed": 1, "refreshed": True, "refresh_token_rotated": True},
        "bad_tokens": {"error": "AnafAuthError", "message": "token endpoint returned HTTP 400: Invalid refresh token"},
        "app_without_etransport": {"error": "AnafResponseError", "message": "ANAF returned HTTP 403",
                                   "status_code": 403, "body": '{"message":"Forbidden","status":"403"}'}}
    assert got["main_provider_refreshed"] is False

    seen = anaf.journal()
    assert sum(e.get("operation") == "lista_paginatie" for e in seen) == 4  # two listings, two pages each
    refreshes = [e["status"] for e in seen if e["path"].endswith("/token") and e["grant_type"] == "refresh_token"]
    assert refreshes == [200, 400]  # through anafpy's own token URL, sent to the sandbox by the transport
    assert [e["status"] for e in seen if e["path"].startswith("/test/") and e["status"] in (401, 403)] == [
        401, 401, 403]
    assert tokens["access_token"] not in json.dumps(seen) and tokens["refresh_token"] not in json.dumps(seen)
