"""Sending a sample invoice, a broken invoice and a declaration from an authorization; the result page, the ZIP,
and the inbox, over a fake SBS e-Factura/e-Transport client."""
from __future__ import annotations

import base64
import io
import re
import zipfile
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from demo_app import create_app
from demo_app.config import Config
from demo_app.sbs_client import ErrorEntry, SbsError

DEMO, SBS, ANAF = "http://demo.test", "http://sbs.test", "http://anaf.test"


def zipped(files: dict[str, str]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return base64.b64encode(buffer.getvalue()).decode()


class FakeApi:
    """SBS's e-Factura and e-Transport services in memory: an upload is PENDING until read ``reads_pending`` times."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.records: dict[str, dict[str, Any]] = {}
        self.reads: dict[str, int] = {}
        self.reads_pending = 1
        self.refuse_next: dict[str, Any] | None = None
        self.inbound: list[dict[str, Any]] = []
        self.supplier_calls: list[tuple[str, str]] = []

    def _upload(self, kind: str, xml: str) -> dict[str, Any]:
        self.sent.append((kind, xml))
        record_id = f"{kind}-{len(self.sent)}"
        if self.refuse_next is not None:
            extensions, self.refuse_next = self.refuse_next, None
            self.records[record_id] = {"id": record_id, "status": "FAILED", "errors": [extensions["anaf"]],
                                       "clientId": "client-main", "secretSource": "MAIN"}
            raise SbsError("upload", [ErrorEntry("ANAF refused upload", "ANAF_ERROR",
                                                   {**extensions, "invoiceId": record_id})])
        broken = "FACTURA-FARA-CIFRE" in xml
        self.records[record_id] = {"id": record_id, "status": "PENDING", "uploadIndex": "5000000001",
                                   "clientId": "client-main", "secretSource": "MAIN", "environment": "TEST",
                                   "errors": [], "number": "N", "sellerTin": "12345678", "buyerTin": "56789016",
                                   "statusChecksToday": 0, "uit": "7KQ3MXR9TCHD4N15" if kind == "decl" else None,
                                   "final": "NOK" if broken else "OK"}
        return dict(self.records[record_id])

    def _read(self, record_id: str) -> dict[str, Any]:
        record = self.records[record_id]
        self.reads[record_id] = self.reads.get(record_id, 0) + 1
        if record["status"] == "PENDING" and self.reads[record_id] > self.reads_pending:
            record["status"] = record["final"]
            record["downloadId"] = "3000000001" if record_id.startswith("inv") else None
            if record["final"] == "NOK":
                record["errors"] = ["E: validari globale  SCHEMATRON   eroare: [BR-RO-010]-Numărul facturii"]
        return dict(record)

    def upload_invoice(self, xml: str) -> dict[str, Any]:
        return self._upload("inv", xml)

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        return self._read(invoice_id)

    def invoices(self, direction: str | None) -> list[dict[str, Any]]:
        return list(self.inbound)

    def refresh_invoice_status(self, invoice_id: str) -> dict[str, Any]:
        return self._read(invoice_id)

    def download_invoice(self, invoice_id: str) -> dict[str, Any]:
        nok = self.records.get(invoice_id, {}).get("status") == "NOK"
        files = {"5000000001.xml": "<header>errors</header>" if nok else "<Invoice>sample</Invoice>",
                 "semnatura_5000000001.xml": "<Signature/>"}
        return {"invoiceId": invoice_id, "downloadId": "3000000001", "fileName": "3000000001.zip",
                "zipBase64": zipped(files), "fileNames": list(files), "errors": [], "fromCache": False,
                "files": [{"name": n, "size": len(t), "text": t} for n, t in files.items()]}

    def sync_invoices(self) -> dict[str, Any]:
        added = [] if self.inbound else [{"id": "inv-in-1", "direction": "INBOUND", "status": "OK",
                                          "sellerTin": "56789016", "downloadId": "3000000009", "number": None}]
        self.inbound += added
        return {"environment": "TEST", "days": 60, "pages": 1, "messages": 1, "added": added, "updated": []}

    def upload_declaration(self, xml: str) -> dict[str, Any]:
        return self._upload("decl", xml)

    def declaration(self, declaration_id: str) -> dict[str, Any]:
        return self._read(declaration_id)

    def refresh_declaration_status(self, declaration_id: str) -> dict[str, Any]:
        return self._read(declaration_id)

    def request_supplier_invoice(self, environment: str, buyer_tin: str) -> dict[str, Any]:
        self.supplier_calls.append((environment, buyer_tin))
        return {"created": 1}


@pytest.fixture()
def fake_api() -> FakeApi:
    return FakeApi()


@pytest.fixture()
def demo(fake_sbs, fake_journals, fake_api) -> Iterator[Flask]:
    config = Config(public_url=DEMO, sbs_url=SBS, anaf_url=ANAF, account_key="acc", service_key="svc",
                    app_id="app-1", organization_id="org-1", secret_key="test-secret-key")
    app = create_app(config, sbs=fake_sbs, journals=fake_journals, api=fake_api)
    try:
        yield app
    finally:
        app.extensions["sandbox.shutdown"]()


@pytest.fixture()
def web(demo: Flask) -> FlaskClient:
    return demo.test_client()


def connected(fake_sbs, scope: str = "EFACTURA") -> str:
    made = fake_sbs.generate_authorization_request(scope, None, None)
    return fake_sbs.complete(made)["id"]


def token(web: FlaskClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', web.get("/").get_data(as_text=True)).group(1)


def press(web: FlaskClient, authorization_id: str, kind: str) -> Any:
    return web.post(f"/authorizations/{authorization_id}/send/{kind}", data={"csrf_token": token(web)})


def test_authorizations_page_offers_the_send_buttons(web, fake_sbs) -> None:
    connected(fake_sbs, "EFACTURA")
    connected(fake_sbs, "ETRANSPORT")
    page = web.get("/authorizations").get_data(as_text=True)
    assert "Send a sample invoice" in page and "Send a broken invoice" in page and "Send a sample declaration" in page


def test_sample_invoice_goes_from_pending_to_ok_with_its_download(web, fake_sbs, fake_api, fake_journals) -> None:
    auth = connected(fake_sbs)
    sent = press(web, auth, "invoice")
    fake_journals.entries["anaf"].append({"id": 1, "direction": "in", "method": "POST", "path": "/test/FCTEL/rest/upload",
                                          "status": 200, "epoch": 9e9, "client_id": "client-main"})
    assert sent.status_code == 303 and re.search(r"/sends/[\w-]+$", sent.headers["Location"])
    kind, xml = fake_api.sent[0]
    assert kind == "inv" and "<cbc:CompanyID>RO12345678</cbc:CompanyID>" in xml and re.search(r"<cbc:ID>SBX-\d{8}-", xml)
    first = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="send-status">PENDING<' in first and 'http-equiv="refresh"' in first
    second = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="send-status">OK<' in second and 'http-equiv="refresh"' not in second
    assert re.findall(r'class="badge status-(\w+)">', second.split('data-testid="states"')[1].split("</ol>")[0]) == [
        "pending", "ok"]
    assert 'data-testid="send-client-id">client-main<' in second
    assert "token of client <code>client-main</code>" in second, "ANAF's own journal names the client id"
    assert "5000000001.xml" in second and "semnatura_5000000001.xml" in second
    zip_response = web.get(sent.headers["Location"] + "/zip")
    assert zip_response.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(zip_response.data)).namelist() == ["5000000001.xml", "semnatura_5000000001.xml"]


def test_broken_invoice_shows_anaf_errors(web, fake_sbs, fake_api) -> None:
    sent = press(web, connected(fake_sbs), "broken")
    fake_api.reads_pending = 0
    page = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="send-status">NOK<' in page and "BR-RO-010" in page
    assert "FACTURA-FARA-CIFRE" in fake_api.sent[0][1]


def test_refused_upload_shows_anaf_own_words(web, fake_sbs, fake_api) -> None:
    fake_api.refuse_next = {"anaf": "Nu aveti drept in SPV pentru CIF=12345678", "anafStatus": 200}
    sent = press(web, connected(fake_sbs), "invoice")
    page = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="send-status">FAILED<' in page
    assert "ANAF_ERROR" in page and "Nu aveti drept in SPV pentru CIF=12345678" in page


def test_declaration_shows_its_uit(web, fake_sbs, fake_api) -> None:
    sent = press(web, connected(fake_sbs, "ETRANSPORT"), "declaration")
    fake_api.reads_pending = 0
    page = web.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="send-status">OK<' in page and "7KQ3MXR9TCHD4N15" in page
    assert 'codDeclarant="12345678"' in fake_api.sent[0][1]


def test_sending_needs_an_authorization_of_that_service(web, fake_sbs, fake_api) -> None:
    auth = connected(fake_sbs, "ETRANSPORT")
    assert press(web, auth, "invoice").status_code == 409
    assert press(web, "auth-unknown", "declaration").status_code == 409
    assert press(web, auth, "fax").status_code == 404
    assert web.post(f"/authorizations/{auth}/send/declaration").status_code == 400, "no CSRF token"
    assert fake_api.sent == []


def test_supplier_invoice_fills_the_inbox(web, fake_api) -> None:
    assert "None yet" in web.get("/inbox").get_data(as_text=True)
    done = web.post("/inbox/supplier-invoice", data={"csrf_token": token(web)})
    assert done.status_code == 303
    assert fake_api.supplier_calls == [("test", "12345678")]
    page = web.get("/inbox").get_data(as_text=True)
    assert "1 messages, 1 new" in page and "3000000009.zip" in page
    assert web.get("/inbox/inv-in-1/zip").mimetype == "application/zip"


def test_trail_gives_anaf_api_calls_their_own_lane() -> None:
    from demo_app.trail import api_calls, build_trail

    journals = {
        "sbs": [{"direction": "out", "method": "POST", "path": "http://anaf.test/test/FCTEL/rest/upload", "status": 200,
                 "epoch": 10.02, "duration_ms": 10, "target": "anaf", "operation": "upload", "client_id": "c-1"},
                {"direction": "out", "method": "POST", "path": "http://anaf.test/anaf-oauth2/v1/token", "status": 200,
                 "epoch": 9.5, "duration_ms": 10, "target": "anaf", "grant_type": "refresh_token"}],
        "anaf": [{"direction": "in", "method": "POST", "path": "/test/FCTEL/rest/upload", "status": 200, "epoch": 10.01,
                  "duration_ms": 5, "client_id": "c-1"},
                 {"direction": "in", "method": "POST", "path": "/anaf-oauth2/v1/token", "status": 200, "epoch": 9.49,
                  "duration_ms": 5, "client_id": "c-1"}],
    }
    steps = build_trail(journals)
    assert [(s.source, s.target, s.path) for s in steps] == [("sbs", "anaf", "/anaf-oauth2/v1/token"),
                                                             ("sbs", "api", "/test/FCTEL/rest/upload")]
    assert steps[1].columns == (6, 10) and "client c-1" in (steps[1].detail or "")
    assert api_calls(journals) == [{"method": "POST", "path": "/test/FCTEL/rest/upload", "status": 200,
                                    "client_id": "c-1"}]
