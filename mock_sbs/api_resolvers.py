"""Thin Ariadne bindings of the RO e-Factura and RO e-Transport services: each names the caller and hands over."""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ariadne import MutationType, ObjectType, QueryType, load_schema_from_path, make_executable_schema
from graphql import GraphQLResolveInfo, GraphQLSchema

from mock_sbs.access import RO_EFACTURA_API, RO_ETRANSPORT_API
from mock_sbs.api_records import Declaration, Invoice
from mock_sbs.efactura import Download, SyncResult
from mock_sbs.resolvers import Context, _python_names, datetime_scalar
from mock_sbs.status_policy import checks_today

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = {RO_EFACTURA_API: "ro_efactura.graphql", RO_ETRANSPORT_API: "ro_etransport.graphql"}


def _ctx(info: GraphQLResolveInfo) -> Context:
    return info.context  # type: ignore[no-any-return]


def _noted(info: GraphQLResolveInfo, record: Invoice | Declaration, scope: str) -> None:
    """Journal which client id's token carried the record's upload (public, never the token)."""
    _ctx(info).note(client_id=record.client_id, scope=scope, secret_source=record.secret_source)


# --- RO e-Factura ---------------------------------------------------------------------------------------------

efactura_query = QueryType()
efactura_mutation = MutationType()
invoice_type = ObjectType("Invoice")
download_type = ObjectType("InvoiceDownload")
sync_type = ObjectType("InvoiceSync")


@efactura_query.field("invoice")
def resolve_invoice(_: Any, info: GraphQLResolveInfo, id: str) -> Invoice:
    """`invoice(id)`."""
    c = _ctx(info)
    return c.domain.invoices.get(c.caller, id)


@efactura_query.field("invoices")
def resolve_invoices(_: Any, info: GraphQLResolveInfo, organization_id: str,
                     filter: dict[str, Any] | None = None) -> list[Invoice]:
    """`invoices(organizationId, filter)`."""
    c = _ctx(info)
    chosen = filter or {}
    return c.domain.invoices.list(c.caller, organization_id, chosen.get("direction"), chosen.get("status"))


@efactura_mutation.field("uploadInvoice")
def resolve_upload_invoice(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Invoice:
    """`uploadInvoice(input)`."""
    c = _ctx(info)
    c.note(scope="EFACTURA")
    invoice = c.domain.invoices.upload(c.caller, input["organizationId"], input.get("xml"),
                                         input.get("standard") or "UBL", bool(input.get("b2c")),
                                         bool(input.get("extern")), bool(input.get("selfBilling")))
    _noted(info, invoice, "EFACTURA")
    return invoice


@efactura_mutation.field("syncInvoices")
def resolve_sync(_: Any, info: GraphQLResolveInfo, organization_id: str, days: int | None = 60) -> SyncResult:
    """`syncInvoices(organizationId, days)`; an explicit `days: null` means the default, 60."""
    c = _ctx(info)
    c.note(scope="EFACTURA")
    return c.domain.invoices.sync(c.caller, organization_id, 60 if days is None else days)


@efactura_mutation.field("refreshInvoiceStatus")
def resolve_refresh_invoice(_: Any, info: GraphQLResolveInfo, id: str) -> Invoice:
    """`refreshInvoiceStatus(id)`."""
    c = _ctx(info)
    invoice = c.domain.invoices.refresh_status(c.caller, id)
    _noted(info, invoice, "EFACTURA")
    return invoice


@efactura_mutation.field("downloadInvoice")
def resolve_download(_: Any, info: GraphQLResolveInfo, id: str) -> Download:
    """`downloadInvoice(id)`."""
    c = _ctx(info)
    c.note(scope="EFACTURA")
    return c.domain.invoices.download(c.caller, id)


download_type.set_field("invoiceId", lambda d, *_: d.invoice.id)
download_type.set_field("downloadId", lambda d, *_: d.invoice.download_id)
download_type.set_field("fileName", lambda d, *_: f"{d.invoice.download_id}.zip")
download_type.set_field("zipBase64", lambda d, *_: base64.b64encode(d.zip_bytes).decode("ascii"))
download_type.set_field("fileNames", lambda d, *_: [f.name for f in d.files])
download_type.set_field("files", lambda d, *_: [{"name": f.name, "size": len(f.data),
                                                 "text": f.data.decode("utf-8", "replace")} for f in d.files])
download_type.set_field("errors", lambda d, *_: list(d.invoice.errors))
download_type.set_field("fromCache", lambda d, *_: d.from_cache)

# --- RO e-Transport -------------------------------------------------------------------------------------------

etransport_query = QueryType()
etransport_mutation = MutationType()
declaration_type = ObjectType("Declaration")


@etransport_query.field("declaration")
def resolve_declaration(_: Any, info: GraphQLResolveInfo, id: str) -> Declaration:
    """`declaration(id)`."""
    c = _ctx(info)
    return c.domain.declarations.get(c.caller, id)


@etransport_query.field("declarations")
def resolve_declarations(_: Any, info: GraphQLResolveInfo, organization_id: str) -> list[Declaration]:
    """`declarations(organizationId)`."""
    c = _ctx(info)
    return c.domain.declarations.list(c.caller, organization_id)


@etransport_mutation.field("uploadDeclaration")
def resolve_upload_declaration(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Declaration:
    """`uploadDeclaration(input)`."""
    c = _ctx(info)
    c.note(scope="ETRANSPORT")
    declaration = c.domain.declarations.upload(c.caller, input["organizationId"], input.get("xml"))
    _noted(info, declaration, "ETRANSPORT")
    return declaration


@etransport_mutation.field("refreshDeclarationStatus")
def resolve_refresh_declaration(_: Any, info: GraphQLResolveInfo, id: str) -> Declaration:
    """`refreshDeclarationStatus(id)`."""
    c = _ctx(info)
    declaration = c.domain.declarations.refresh_status(c.caller, id)
    _noted(info, declaration, "ETRANSPORT")
    return declaration


# --- what both record types show ------------------------------------------------------------------------------

def _bind_checks(record_type: ObjectType) -> None:
    record_type.set_field("errors", lambda r, *_: list(r.errors))
    record_type.set_field("statusCheckedAt", lambda r, *_: r.ledger.last_at)
    record_type.set_field("statusChecksToday", lambda r, info: checks_today(r.ledger, _ctx(info).domain.now()))
    record_type.set_field("nextStatusCheckAt", lambda r, info: _ctx(info).domain.api_calls.next_check(r))
    record_type.set_field("lastStatusError", lambda r, *_: r.check_error)


_bind_checks(invoice_type)
_bind_checks(declaration_type)

BINDABLES: dict[str, list[Any]] = {
    RO_EFACTURA_API: [efactura_query, efactura_mutation, invoice_type, download_type, sync_type, datetime_scalar],
    RO_ETRANSPORT_API: [etransport_query, etransport_mutation, declaration_type, datetime_scalar],
}


def build_api_schemas() -> dict[str, GraphQLSchema]:
    """One executable schema per API service, from `schema/ro_efactura.graphql` and `ro_etransport.graphql`."""
    return {
        endpoint: make_executable_schema(load_schema_from_path(SCHEMA_DIR / SCHEMA_FILES[endpoint]),
                                         *BINDABLES[endpoint], convert_names_case=_python_names)
        for endpoint in SCHEMA_FILES
    }
