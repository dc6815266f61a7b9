"""What SBS reads from an invoice it handles: number (BT-1), issue date (BT-2), seller and buyer fiscal codes.

The same fields ANAF's processing extracts (SPEC-ANAF-API §6.5 B): for UBL Invoice and CreditNote the
supplier's and customer's `PartyTaxScheme/CompanyID` (else `PartyLegalEntity/CompanyID`), for CII the
trade parties' `SpecifiedTaxRegistration/ID`; a leading `RO` is dropped. Pure; a document that cannot
be read gives empty facts (ANAF, not SBS, judges the invoice).
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from mock_sbs.anaf_answers import parse_xml

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
UBL_ROOTS = {"{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "UBL",
             "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CN"}
CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
NS = {"cbc": CBC, "cac": CAC, "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
MAX_FIELD = 100


@dataclass(frozen=True)
class InvoiceFacts:
    """The fields SBS shows for an invoice; None when the document does not say."""

    standard: str | None = None
    number: str | None = None
    issue_date: str | None = None
    seller_tin: str | None = None
    buyer_tin: str | None = None


def tin_digits(tin: str | None) -> str | None:
    """A fiscal code as ANAF's `cif` parameter wants it: the `RO` prefix and spaces dropped (SPEC §3.4)."""
    if not tin:
        return None
    cleaned = tin.strip().upper().replace(" ", "")
    if cleaned.startswith("RO"):
        cleaned = cleaned[2:]
    return cleaned or None


def invoice_facts(xml: bytes) -> InvoiceFacts:
    """Number, issue date and parties of a UBL Invoice/CreditNote or a CII invoice; empty facts if unreadable."""
    try:
        root = parse_xml(xml)
    except ValueError:
        return InvoiceFacts()
    if root.tag in UBL_ROOTS:
        return InvoiceFacts(UBL_ROOTS[root.tag], _text(root, "cbc:ID"), _text(root, "cbc:IssueDate"),
                            _party(root, "cac:AccountingSupplierParty"), _party(root, "cac:AccountingCustomerParty"))
    if root.tag == CII_ROOT:
        return InvoiceFacts(
            "CII", _text(root, "rsm:ExchangedDocument/ram:ID"),
            _cii_date(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
            tin_digits(_text(root, ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")),
            tin_digits(_text(root, ".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")))
    return InvoiceFacts()


def _party(root: etree._Element, path: str) -> str | None:
    return tin_digits(_text(root, f"{path}/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
                      or _text(root, f"{path}/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"))


def _text(root: etree._Element, path: str) -> str | None:
    found = root.find(path, NS)
    if found is None or not (found.text or "").strip():
        return None
    return found.text.strip()[:MAX_FIELD]


def _cii_date(value: str | None) -> str | None:
    """CII writes dates as `yyyyMMdd` (format 102); shown as `yyyy-MM-dd` like UBL."""
    if value and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value
