"""The RO e-Factura service's work (SPEC §3.4): upload, status, the message list and downloads at ANAF's e-Factura
API (SPEC-ANAF-API §6), with the organization's stored EFACTURA authorization.

No Flask; the resolvers call in with who is calling. Every call to ANAF goes through `ApiServices.carrier`,
so it carries a token refreshed with the secret set that authorized.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from mock_sbs.access import Caller
from mock_sbs.anaf_answers import ArchiveFile, Message, StatusAnswer, archive_errors, read_archive
from mock_sbs.anaf_api import InvoiceUpload
from mock_sbs.api_calls import ApiServices, Carrier, empty_ledger, xml_input
from mock_sbs.api_records import PENDING, Invoice
from mock_sbs.errors import AnafError, BadUserInput, NotFound, SbsError
from mock_sbs.invoice_facts import invoice_facts, tin_digits
from mock_sbs.model import AnafScope

SCOPE = AnafScope.EFACTURA
SHOWN_PER_READ = 5  # pending invoices a list read may check at ANAF at once
MAX_SYNC_PAGES = 50
MAX_DAYS = 60
RECEIVED, SENT, ERRORS = "FACTURA PRIMITA", "FACTURA TRIMISA", "ERORI FACTURA"


@dataclass(frozen=True)
class SyncResult:
    """What one `syncInvoices` found in ANAF's message list."""

    organization_id: str
    environment: str
    days: int
    pages: int
    messages: int
    added: tuple[Invoice, ...]
    updated: tuple[Invoice, ...]


@dataclass(frozen=True)
class Download:
    """An invoice's ZIP from ANAF (or SBS's copy of it) and its files."""

    invoice: Invoice
    zip_bytes: bytes
    files: tuple[ArchiveFile, ...]
    from_cache: bool


class Invoices:
    """Outbound and inbound invoices of the caller's tenant's organizations."""

    def __init__(self, services: ApiServices) -> None:
        self.s = services

    def upload(self, caller: Caller, organization_id: str, xml_text: object, standard: str = "UBL",
               b2c: bool = False, extern: bool = False, self_billing: bool = False) -> Invoice:
        """Upload for the organization's fiscal code; a refusal is kept as a FAILED invoice and raised as ANAF_ERROR."""
        org = self.s.organization(caller, organization_id)
        xml = xml_input(xml_text)
        cif = tin_digits(org.tin) or ""
        carrier = self.s.carrier(caller, org.id, SCOPE)
        facts = invoice_facts(xml)
        now = self.s.clock.now()
        invoice = Invoice(self.s.new_id("inv_"), caller.tenant_id or "", org.id, PENDING, carrier.environment, None,
                          (), carrier.authorization.id, carrier.authorization.client_id,
                          carrier.authorization.secret_source.value, empty_ledger(), None, now, now,
                          direction="OUTBOUND", standard=standard, b2c=b2c, extern=extern, self_billing=self_billing,
                          seller_tin=facts.seller_tin, buyer_tin=facts.buyer_tin, number=facts.number,
                          issue_date=facts.issue_date, xml=xml)
        try:
            index = self.s.api.upload_invoice(carrier.bearer, InvoiceUpload(cif, standard, b2c, extern, self_billing),
                                              xml)
        except AnafError as exc:
            said = exc.extensions.get("anaf")
            self.s.records.add(replace(invoice, status="FAILED", errors=(str(said or exc.message),)))
            exc.extensions["invoiceId"] = invoice.id
            raise
        invoice = replace(invoice, upload_index=index)
        self.s.records.add(invoice)
        return invoice

    def get(self, caller: Caller, invoice_id: str) -> Invoice:
        """One invoice; a pending one is checked at ANAF first when the quota policy allows."""
        return self._check(caller, self._own(caller, invoice_id), forced=False)

    def list(self, caller: Caller, organization_id: str, direction: str | None = None,
             status: str | None = None) -> list[Invoice]:
        """An organization's invoices, newest first; a few pending ones are checked at ANAF first."""
        self.s.organization(caller, organization_id)
        tenant = caller.tenant_id or ""
        pending = self.s.records.invoices(tenant, organization_id, direction, PENDING)
        for invoice in pending[-SHOWN_PER_READ:]:
            self._check(caller, invoice, forced=False)
        return self.s.records.invoices(tenant, organization_id, direction, status)

    def refresh_status(self, caller: Caller, invoice_id: str) -> Invoice:
        """Ask ANAF's `stareMesaj` now (within the day's quota)."""
        return self._check(caller, self._own(caller, invoice_id), forced=True)

    def download(self, caller: Caller, invoice_id: str) -> Download:
        """The invoice's ZIP: invoice (or error list) and ANAF's signature. Kept after the first download, so
        ANAF's 10-downloads-a-day quota is spent once."""
        invoice = self._own(caller, invoice_id)
        if invoice.download_id is None:
            raise BadUserInput(f"Invoice {invoice.id} is {invoice.status}: ANAF has nothing to download for it "
                               "(only OK and NOK uploads, and inbound invoices, have a download).", field="id")
        if invoice.archive is not None:
            return Download(invoice, invoice.archive, read_archive(invoice.archive), True)
        carrier = self.s.carrier(caller, invoice.organization_id, SCOPE, invoice.environment)
        zip_bytes = self.s.api.download_invoice(carrier.bearer, invoice.download_id)
        files = read_archive(zip_bytes)
        invoice = self._with_archive(invoice, zip_bytes, files)
        self.s.records.save(invoice)
        return Download(invoice, zip_bytes, files, False)

    def sync(self, caller: Caller, organization_id: str, days: int = MAX_DAYS) -> SyncResult:
        """Read ANAF's paginated message list of the last ``days`` days: record inbound invoices and error
        messages not seen before, and finish pending uploads the list already shows. Running it twice adds nothing."""
        if not 1 <= days <= MAX_DAYS:
            raise BadUserInput(f"days: must be from 1 to {MAX_DAYS} (ANAF keeps messages for 60 days).", field="days")
        org = self.s.organization(caller, organization_id)
        cif = tin_digits(org.tin) or ""
        carrier = self.s.carrier(caller, org.id, SCOPE)
        now = self.s.clock.now()
        # ANAF refuses an endTime in its future and a startTime older than 60 days, to the second (§6.8).
        start_ms, end_ms = int((now - days * 86400 + 60) * 1000), int((now - 1) * 1000)
        added: list[Invoice] = []
        updated: list[Invoice] = []
        page, pages, seen = 1, 1, 0
        while page <= min(pages, MAX_SYNC_PAGES):
            found = self.s.api.invoice_messages(carrier.bearer, cif, start_ms, end_ms, page)
            pages = found.pages
            for message in found.messages:
                seen += 1
                self._record_message(caller, org.id, cif, carrier, message, added, updated)
            page += 1
        return SyncResult(org.id, carrier.environment, days, min(pages, MAX_SYNC_PAGES), seen, tuple(added),
                          tuple(updated))

    # --- internals ---------------------------------------------------------------------------------------------

    def _own(self, caller: Caller, invoice_id: str) -> Invoice:
        invoice = self.s.records.invoice(invoice_id, caller.tenant_id or "")
        if invoice is None:
            raise NotFound(f"No invoice with id {invoice_id} for this tenant.")
        return invoice

    def _check(self, caller: Caller, invoice: Invoice, forced: bool) -> Invoice:
        return self.s.check_status(caller, invoice, SCOPE, forced, self.s.api.invoice_status, self._apply)

    def _apply(self, invoice: Invoice, answer: StatusAnswer, carrier: Carrier) -> Invoice:
        """The invoice after ANAF's `stareMesaj`; a NOK's error list is fetched once, with its ZIP."""
        invoice = replace(invoice, status=answer.status, download_id=answer.download_id or invoice.download_id)
        if answer.status == "NOK" and invoice.download_id:
            try:
                zip_bytes = self.s.api.download_invoice(carrier.bearer, invoice.download_id)
                invoice = self._with_archive(invoice, zip_bytes, read_archive(zip_bytes))
            except SbsError as exc:  # the errors come with downloadInvoice later
                invoice = replace(invoice, check_error=f"{exc.code}: {exc.extensions.get('anaf') or exc.message}")
        return invoice

    @staticmethod
    def _with_archive(invoice: Invoice, zip_bytes: bytes, files: tuple[ArchiveFile, ...]) -> Invoice:
        errors = archive_errors(files)
        changed = replace(invoice, archive=zip_bytes, errors=errors or invoice.errors)
        if invoice.direction == "INBOUND" and invoice.number is None:
            document = next((f for f in files if not f.name.startswith("semnatura_")), None)
            if document is not None:
                facts = invoice_facts(document.data)
                changed = replace(changed, number=facts.number, issue_date=facts.issue_date, standard=facts.standard,
                                  seller_tin=changed.seller_tin or facts.seller_tin,
                                  buyer_tin=changed.buyer_tin or facts.buyer_tin)
        return changed

    def _record_message(self, caller: Caller, organization_id: str, cif: str, carrier: Carrier, message: Message,
                        added: list[Invoice], updated: list[Invoice]) -> None:
        """One list entry: finish our own pending upload, or record an invoice or error message not seen before."""
        env = carrier.environment
        if message.kind in (SENT, ERRORS):
            own = self.s.records.invoice_by_upload(organization_id, env, message.upload_index)
            if own is not None:
                if own.status == PENDING:
                    done = replace(own, status="OK" if message.kind == SENT else "NOK",
                                   download_id=message.download_id, updated_at=self.s.clock.now())
                    self.s.records.save(done)
                    updated.append(done)
                return
        if message.kind not in (RECEIVED, SENT, ERRORS):
            return  # buyer messages (RASP) are not invoices
        now = self.s.clock.now()
        found = Invoice(self.s.new_id("inv_"), caller.tenant_id or "", organization_id,
                        "NOK" if message.kind == ERRORS else "OK", env, message.upload_index or None, (), None, None,
                        None, empty_ledger(), None, now, now, direction="INBOUND" if message.kind == RECEIVED
                        else "OUTBOUND", download_id=message.download_id,
                        seller_tin=message.seller_tin or (cif if message.kind == ERRORS else None),
                        buyer_tin=message.buyer_tin)
        if self.s.records.add_if_new(found):
            added.append(found)
