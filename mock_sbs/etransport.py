"""The RO e-Transport service's work (SPEC §3.4): declarations uploaded to ANAF's e-Transport API (SPEC-ANAF-API §7)
with the organization's stored ETRANSPORT authorization, and their status from `stareMesaj`.

No Flask; the same token, environment and quota rules as e-Factura (`api_calls`).
"""
from __future__ import annotations

from dataclasses import replace

from mock_sbs.access import Caller
from mock_sbs.anaf_answers import StatusAnswer
from mock_sbs.api_calls import ApiServices, Carrier, empty_ledger, xml_input
from mock_sbs.api_records import PENDING, Declaration
from mock_sbs.errors import AnafError, NotFound
from mock_sbs.invoice_facts import tin_digits
from mock_sbs.model import AnafScope

SCOPE = AnafScope.ETRANSPORT
SHOWN_PER_READ = 5


class Declarations:
    """e-Transport declarations of the caller's tenant's organizations."""

    def __init__(self, services: ApiServices) -> None:
        self.s = services

    def upload(self, caller: Caller, organization_id: str, xml_text: object) -> Declaration:
        """Upload a v2 declaration for the organization's fiscal code; a refusal is kept as FAILED and raised."""
        org = self.s.organization(caller, organization_id)
        xml = xml_input(xml_text)
        carrier = self.s.carrier(caller, org.id, SCOPE)
        now = self.s.clock.now()
        declaration = Declaration(self.s.new_id("decl_"), caller.tenant_id or "", org.id, PENDING, carrier.environment,
                                  None, (), carrier.authorization.id, carrier.authorization.client_id,
                                  carrier.authorization.secret_source.value, empty_ledger(), None, now, now, xml=xml)
        try:
            receipt = self.s.api.upload_declaration(carrier.bearer, tin_digits(org.tin) or "", xml)
        except AnafError as exc:
            said = exc.extensions.get("anaf")
            self.s.records.add(replace(declaration, status="FAILED", errors=(str(said or exc.message),)))
            exc.extensions["declarationId"] = declaration.id
            raise
        declaration = replace(declaration, upload_index=receipt.upload_index, uit=receipt.uit)
        self.s.records.add(declaration)
        return declaration

    def get(self, caller: Caller, declaration_id: str) -> Declaration:
        """One declaration; a pending one is checked at ANAF first when the quota policy allows."""
        return self._check(caller, self._own(caller, declaration_id), forced=False)

    def list(self, caller: Caller, organization_id: str) -> list[Declaration]:
        """An organization's declarations, newest first; a few pending ones are checked at ANAF first."""
        self.s.organization(caller, organization_id)
        tenant = caller.tenant_id or ""
        pending = [d for d in self.s.records.declarations(tenant, organization_id) if d.status == PENDING]
        for declaration in pending[-SHOWN_PER_READ:]:
            self._check(caller, declaration, forced=False)
        return self.s.records.declarations(tenant, organization_id)

    def refresh_status(self, caller: Caller, declaration_id: str) -> Declaration:
        """Ask ANAF's `stareMesaj` now (within the day's quota)."""
        return self._check(caller, self._own(caller, declaration_id), forced=True)

    def _own(self, caller: Caller, declaration_id: str) -> Declaration:
        declaration = self.s.records.declaration(declaration_id, caller.tenant_id or "")
        if declaration is None:
            raise NotFound(f"No declaration with id {declaration_id} for this tenant.")
        return declaration

    def _check(self, caller: Caller, declaration: Declaration, forced: bool) -> Declaration:
        return self.s.check_status(caller, declaration, SCOPE, forced, self.s.api.declaration_status, _apply)


def _apply(declaration: Declaration, answer: StatusAnswer, carrier: Carrier) -> Declaration:
    """The declaration after ANAF's `stareMesaj`: its state, and a `nok`'s errors."""
    return replace(declaration, status=answer.status, errors=answer.errors or declaration.errors)
