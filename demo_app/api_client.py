"""The demo's client of SBS's RO e-Factura and RO e-Transport services (SPEC §3.4), and of mock ANAF's control plane
for a supplier's invoice (SPEC-ANAF-API §6.11 `POST /__admin/efactura/inbox`).

Calls go through `HttpSbsClient.run`, so each is journaled like the demo's other SBS calls (operation, status,
never variables or answers); the control-plane call is journaled as an outgoing call to ANAF.
"""
from __future__ import annotations

import time
from typing import Any, Protocol

import requests

from demo_app.sbs_client import ErrorEntry, HttpSbsClient, SbsError, SbsUnavailable
from foundation.journal import Journal

EFACTURA_API = "/ro-efactura-api/graphql"
ETRANSPORT_API = "/ro-etransport-api/graphql"
INBOX_PATH = "/__admin/efactura/inbox"
SUPPLIER_TIN = "56789016"

INVOICE_FIELDS = ("id organizationId direction status uploadIndex downloadId sellerTin buyerTin number issueDate "
                  "errors environment authorizationId clientId secretSource statusCheckedAt statusChecksToday "
                  "nextStatusCheckAt lastStatusError createdAt updatedAt")
DECLARATION_FIELDS = ("id organizationId status uploadIndex uit errors environment authorizationId clientId "
                      "secretSource statusCheckedAt statusChecksToday nextStatusCheckAt lastStatusError createdAt "
                      "updatedAt")
UPLOAD_INVOICE = ("mutation uploadInvoice($organizationId: ID!, $xml: String!) {\n"
                  "  uploadInvoice(input: {organizationId: $organizationId, xml: $xml, standard: UBL}) {\n"
                  f"    {INVOICE_FIELDS}\n  }}\n}}\n")
INVOICE = f"query invoice($id: ID!) {{\n  invoice(id: $id) {{\n    {INVOICE_FIELDS}\n  }}\n}}\n"
INVOICES = ("query invoices($organizationId: ID!, $direction: InvoiceDirection) {\n"
            "  invoices(organizationId: $organizationId, filter: {direction: $direction}) {\n"
            f"    {INVOICE_FIELDS}\n  }}\n}}\n")
REFRESH_INVOICE_STATUS = (f"mutation refreshInvoiceStatus($id: ID!) {{\n  refreshInvoiceStatus(id: $id) {{\n"
                          f"    {INVOICE_FIELDS}\n  }}\n}}\n")
DOWNLOAD_INVOICE = ("mutation downloadInvoice($id: ID!) {\n  downloadInvoice(id: $id) {\n"
                    "    invoiceId downloadId fileName zipBase64 fileNames files { name size text } errors fromCache\n"
                    "  }\n}\n")
SYNC_INVOICES = ("mutation syncInvoices($organizationId: ID!) {\n  syncInvoices(organizationId: $organizationId) {\n"
                 f"    environment days pages messages added {{ {INVOICE_FIELDS} }} updated {{ id status }}\n  }}\n}}\n")
UPLOAD_DECLARATION = ("mutation uploadDeclaration($organizationId: ID!, $xml: String!) {\n"
                      "  uploadDeclaration(input: {organizationId: $organizationId, xml: $xml}) {\n"
                      f"    {DECLARATION_FIELDS}\n  }}\n}}\n")
DECLARATION = f"query declaration($id: ID!) {{\n  declaration(id: $id) {{\n    {DECLARATION_FIELDS}\n  }}\n}}\n"
REFRESH_DECLARATION_STATUS = (f"mutation refreshDeclarationStatus($id: ID!) {{\n  refreshDeclarationStatus(id: $id) {{\n"
                              f"    {DECLARATION_FIELDS}\n  }}\n}}\n")


class ApiClient(Protocol):
    """What the send and inbox pages need; tests pass a fake."""

    def upload_invoice(self, xml: str) -> dict[str, Any]: ...

    def invoice(self, invoice_id: str) -> dict[str, Any]: ...

    def invoices(self, direction: str | None) -> list[dict[str, Any]]: ...

    def refresh_invoice_status(self, invoice_id: str) -> dict[str, Any]: ...

    def download_invoice(self, invoice_id: str) -> dict[str, Any]: ...

    def sync_invoices(self) -> dict[str, Any]: ...

    def upload_declaration(self, xml: str) -> dict[str, Any]: ...

    def declaration(self, declaration_id: str) -> dict[str, Any]: ...

    def refresh_declaration_status(self, declaration_id: str) -> dict[str, Any]: ...

    def request_supplier_invoice(self, environment: str, buyer_tin: str) -> dict[str, Any]: ...


class HttpApiClient:
    """ApiClient over the demo's SBS client (same keys, same journal) and mock ANAF's control plane."""

    def __init__(self, sbs: HttpSbsClient, journal: Journal, organization_id: str | None, anaf_url: str,
                 timeout: float = 15.0) -> None:
        self.sbs = sbs
        self.journal = journal
        self.organization_id = organization_id
        self.anaf_url = anaf_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()

    def upload_invoice(self, xml: str) -> dict[str, Any]:
        return self._data(EFACTURA_API, "uploadInvoice", UPLOAD_INVOICE, {"organizationId": self._org(), "xml": xml})

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        return self._data(EFACTURA_API, "invoice", INVOICE, {"id": invoice_id})

    def invoices(self, direction: str | None) -> list[dict[str, Any]]:
        return self._data(EFACTURA_API, "invoices", INVOICES, {"organizationId": self._org(), "direction": direction})

    def refresh_invoice_status(self, invoice_id: str) -> dict[str, Any]:
        return self._data(EFACTURA_API, "refreshInvoiceStatus", REFRESH_INVOICE_STATUS, {"id": invoice_id})

    def download_invoice(self, invoice_id: str) -> dict[str, Any]:
        return self._data(EFACTURA_API, "downloadInvoice", DOWNLOAD_INVOICE, {"id": invoice_id})

    def sync_invoices(self) -> dict[str, Any]:
        return self._data(EFACTURA_API, "syncInvoices", SYNC_INVOICES, {"organizationId": self._org()})

    def upload_declaration(self, xml: str) -> dict[str, Any]:
        return self._data(ETRANSPORT_API, "uploadDeclaration", UPLOAD_DECLARATION,
                          {"organizationId": self._org(), "xml": xml})

    def declaration(self, declaration_id: str) -> dict[str, Any]:
        return self._data(ETRANSPORT_API, "declaration", DECLARATION, {"id": declaration_id})

    def refresh_declaration_status(self, declaration_id: str) -> dict[str, Any]:
        return self._data(ETRANSPORT_API, "refreshDeclarationStatus", REFRESH_DECLARATION_STATUS,
                          {"id": declaration_id})

    def request_supplier_invoice(self, environment: str, buyer_tin: str) -> dict[str, Any]:
        """Mock ANAF's control plane: a phantom supplier uploads an invoice to ``buyer_tin``, already processed."""
        url = self.anaf_url + INBOX_PATH
        body = {"env": environment.lower(), "seller": SUPPLIER_TIN, "buyer": buyer_tin, "count": 1, "ago_seconds": 60}
        started = time.perf_counter()
        try:
            response = self._http.post(url, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            self._journal(url, 0, started, "unreachable")
            raise SbsUnavailable(self.anaf_url, f"is not answering ({type(exc).__name__})") from None
        self._journal(url, response.status_code, started, None if response.status_code < 400 else
                      f"http_{response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code >= 400 or answer is None:
            message = (answer.get("error_description") if isinstance(answer, dict) else None) or response.text[:300]
            raise SbsError("inbox", [ErrorEntry(f"mock ANAF's control plane answered {response.status_code}: "
                                                f"{message}", "ANAF_CONTROL_PLANE")])
        return {"uploads": answer if isinstance(answer, list) else [answer]}

    def _journal(self, url: str, status: int, started: float, error: str | None) -> None:
        self.journal.record(method="POST", path=url, status=status, direction="out", target="anaf",
                            operation="supplier invoice", error=error,
                            duration_ms=(time.perf_counter() - started) * 1000)

    def _data(self, api: str, operation: str, document: str, variables: dict[str, Any]) -> Any:
        exchange = self.sbs.run(api, operation, document, variables)
        if exchange.errors or not exchange.answer.get("data"):
            raise SbsError(operation, list(exchange.errors))
        return exchange.data[operation]

    def _org(self) -> str:
        if not self.organization_id:
            raise SbsError("organizations", [ErrorEntry("The demo has no SBS organization id: set "
                                                        "DEMO_ORGANIZATION_ID, or DEMO_MANIFEST.", "NOT_CONFIGURED")],
                           "DEMO_ORGANIZATION_ID")
        return self.organization_id
