"""Sample documents a tenant app sends through SBS: a good invoice, a broken one, an e-Transport declaration.

Pure string builders (no I/O). The good invoice passes every rule mock ANAF checks (SPEC-ANAF-API §6.5) when
the seller is a fiscal code the certificate holds rights for; each gets a fresh number, so sending it twice
is not ANAF's duplicate. The broken one is well-formed, so ANAF accepts the upload and then answers `nok`
with three CIUS-RO errors (BR-RO-010, BR-RO-090, BR-RO-110). The buyer, 56789016 "Client Exemplu SRL", is in
mock ANAF's taxpayer registry and is represented by nobody in the sandbox.
"""
from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape

BUYER_TIN = "56789016"

_PARTY = """    <cac:Party>
      <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>{street}</cbc:StreetName>{city}
        <cbc:CountrySubentity>{county}</cbc:CountrySubentity>
        <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>RO{tin}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>"""

_INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issued}</cbc:IssueDate>
  <cbc:DueDate>{due}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note>{note}</cbc:Note>
  <cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty>
{seller}
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
{buyer}
  </cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="RON">190.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="RON">1000.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="RON">190.00</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19.00</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="RON">1000.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="RON">1000.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="RON">1190.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="RON">1190.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">10</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="RON">1000.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Consultanta integrare API</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19.00</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="RON">100.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""

_DECLARATION = """<?xml version="1.0" encoding="UTF-8"?>
<eTransport xmlns="mfp:anaf:dgti:eTransport:declaratie:v2" codDeclarant="{tin}" refDeclarant="{reference}">
  <notificare codTipOperatiune="30">
    <bunuriTransportate codScopOperatiune="101" codTarifar="0702" denumireMarfa="Rosii proaspete" cantitate="1200"
                        codUnitateMasura="KGM" greutateNeta="1200" greutateBruta="1260" valoareLeiFaraTva="6000"/>
    <partenerComercial codTara="RO" cod="{buyer}" denumire="Client Exemplu SRL"/>
    <dateTransport nrVehicul="B123SBX" codTaraOrgTransport="RO" codOrgTransport="{tin}"
                   denumireOrgTransport="Exemplu Soft SRL" dataTransport="{day}"/>
    <locStartTraseuRutier>
      <locatie codJudet="40" denumireLocalitate="Sector 1" denumireStrada="Str. Exemplului" numar="10"/>
    </locStartTraseuRutier>
    <locFinalTraseuRutier>
      <locatie codJudet="12" denumireLocalitate="Cluj-Napoca" denumireStrada="Str. Clientului" numar="5"/>
    </locFinalTraseuRutier>
    <documenteTransport tipDocument="30" numarDocument="AV-{reference}" dataDocument="{day}"/>
  </notificare>
</eTransport>
"""


def _digits(tin: str) -> str:
    cleaned = tin.strip().upper()
    return cleaned[2:] if cleaned.startswith("RO") else cleaned


def _party(name: str, tin: str, street: str, city: str | None, county: str) -> str:
    shown_city = "" if city is None else f"\n        <cbc:CityName>{escape(city)}</cbc:CityName>"
    return _PARTY.format(name=escape(name), tin=escape(_digits(tin)), street=escape(street), city=shown_city,
                         county=escape(county))


def sample_invoice(seller_tin: str, number: str, issued: date, seller_name: str = "Exemplu Soft SRL",
                   buyer_tin: str = BUYER_TIN, buyer_name: str = "Client Exemplu SRL",
                   note: str = "Factura de test trimisa prin SBS din sandbox") -> str:
    """A domestic B2B invoice from ``seller_tin`` to ``buyer_tin`` (Client Exemplu SRL unless named) that mock ANAF
    processes to `ok` when the seller is in its taxpayer registry."""
    return _INVOICE.format(
        number=escape(number), issued=issued.isoformat(), due=(issued + timedelta(days=30)).isoformat(),
        note=escape(note),
        seller=_party(seller_name, seller_tin, "Str. Exemplului nr. 10", "SECTOR1", "RO-B"),
        buyer=_party(buyer_name, buyer_tin, "Str. Clientului nr. 5", "Cluj-Napoca", "RO-CJ"))


def broken_invoice(seller_tin: str, issued: date, seller_name: str = "Exemplu Soft SRL") -> str:
    """A well-formed invoice that breaks three CIUS-RO rules: no digit in its number (BR-RO-010), no buyer city
    (BR-RO-090), a seller county that is not an ISO 3166-2:RO code (BR-RO-110)."""
    return _INVOICE.format(
        number="FACTURA-FARA-CIFRE", issued=issued.isoformat(), due=(issued + timedelta(days=30)).isoformat(),
        note="Factura cu erori, trimisa ca sa se vada raspunsul ANAF",
        seller=_party(seller_name, seller_tin, "Str. Exemplului nr. 10", "Bucuresti", "Bucuresti"),
        buyer=_party("Client Exemplu SRL", BUYER_TIN, "Str. Clientului nr. 5", None, "RO-CJ"))


def sample_declaration(declarant_tin: str, reference: str, day: date) -> str:
    """An e-Transport v2 notification (domestic transport, operation 30) declared and carried by ``declarant_tin``."""
    return _DECLARATION.format(tin=escape(_digits(declarant_tin)), reference=escape(reference), buyer=BUYER_TIN,
                               day=day.isoformat())
