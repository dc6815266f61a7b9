"""The console's examples for the RO e-Factura and RO e-Transport services (SPEC §3.4)."""
from __future__ import annotations

from datetime import date
from typing import Any

from foundation.samples import sample_declaration, sample_invoice

from mock_sbs.access import RO_EFACTURA_API, RO_ETRANSPORT_API

INVOICE_FIELDS = """id status uploadIndex downloadId number issueDate sellerTin buyerTin errors environment
    clientId secretSource statusChecksToday nextStatusCheckAt lastStatusError"""
DECLARATION_FIELDS = "id status uploadIndex uit errors environment clientId secretSource statusChecksToday"


def api_examples() -> list[dict[str, Any]]:
    """Title, endpoint, document and variables of each example; the seeded organization's CIF is 12345674."""
    example_day = date(2025, 3, 10)
    return [
        {"title": "RO e-Factura: upload an invoice", "endpoint": RO_EFACTURA_API,
         "query": "mutation uploadInvoice($input: UploadInvoiceInput!) {\n"
                  f"  uploadInvoice(input: $input) {{\n    {INVOICE_FIELDS}\n  }}\n}}",
         "variables": {"input": {"organizationId": "YOUR_ORGANIZATION_ID", "standard": "UBL",
                                 "xml": sample_invoice("12345674", "CONSOLE-0001", example_day)}}},
        {"title": "RO e-Factura: read an invoice (status checked within ANAF's quota)", "endpoint": RO_EFACTURA_API,
         "query": f"query invoice($id: ID!) {{\n  invoice(id: $id) {{\n    {INVOICE_FIELDS}\n  }}\n}}",
         "variables": {"id": "YOUR_INVOICE_ID"}},
        {"title": "RO e-Factura: invoices of an organization", "endpoint": RO_EFACTURA_API,
         "query": "query invoices($organizationId: ID!, $filter: InvoiceFilter) {\n"
                  "  invoices(organizationId: $organizationId, filter: $filter) {\n"
                  "    id direction status number sellerTin buyerTin downloadId createdAt\n  }\n}",
         "variables": {"organizationId": "YOUR_ORGANIZATION_ID", "filter": {"direction": "OUTBOUND"}}},
        {"title": "RO e-Factura: ask ANAF's stareMesaj now", "endpoint": RO_EFACTURA_API,
         "query": f"mutation refreshInvoiceStatus($id: ID!) {{\n  refreshInvoiceStatus(id: $id) {{\n"
                  f"    {INVOICE_FIELDS}\n  }}\n}}",
         "variables": {"id": "YOUR_INVOICE_ID"}},
        {"title": "RO e-Factura: sync inbound invoices from ANAF's message list", "endpoint": RO_EFACTURA_API,
         "query": "mutation syncInvoices($organizationId: ID!, $days: Int) {\n"
                  "  syncInvoices(organizationId: $organizationId, days: $days) {\n"
                  "    environment days pages messages\n    added { id direction status sellerTin buyerTin downloadId }\n"
                  "    updated { id status downloadId }\n  }\n}",
         "variables": {"organizationId": "YOUR_ORGANIZATION_ID", "days": 60}},
        {"title": "RO e-Factura: download the ZIP (invoice + ANAF's signature)", "endpoint": RO_EFACTURA_API,
         "query": "mutation downloadInvoice($id: ID!) {\n  downloadInvoice(id: $id) {\n"
                  "    fileName fileNames errors fromCache files { name size }\n  }\n}",
         "variables": {"id": "YOUR_INVOICE_ID"}},
        {"title": "RO e-Transport: upload a declaration", "endpoint": RO_ETRANSPORT_API,
         "query": "mutation uploadDeclaration($input: UploadDeclarationInput!) {\n"
                  f"  uploadDeclaration(input: $input) {{\n    {DECLARATION_FIELDS}\n  }}\n}}",
         "variables": {"input": {"organizationId": "YOUR_ORGANIZATION_ID",
                                 "xml": sample_declaration("12345674", "CONSOLE-TR-1", example_day)}}},
        {"title": "RO e-Transport: declarations of an organization", "endpoint": RO_ETRANSPORT_API,
         "query": "query declarations($organizationId: ID!) {\n  declarations(organizationId: $organizationId) {\n"
                  f"    {DECLARATION_FIELDS}\n  }}\n}}",
         "variables": {"organizationId": "YOUR_ORGANIZATION_ID"}},
    ]
