"""What the sandbox checks in an uploaded invoice (SPEC-ANAF-API §6.5): pure functions, no Flask, no I/O.

A. At upload: well-formed XML (lxml with safe settings: no entities resolved, no network, no huge
   trees) and the root element the ``standard`` names; libxml2's errors written as Xerces' sentences.
B. At processing: the parties, number and date read from the invoice; B1 identity rules (the first
   failure is the only message) and B2 content rules (every failure collected), with ANAF's texts.

This is not ANAF's validator: no XSD, no full schematron (SPEC §6.5 lists what is left out).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Container

from lxml import etree

from mock_anaf import xml_input
from mock_anaf.efactura import texts

STANDARDS = ("UBL", "CN", "CII", "RASP")
MAX_BODY = 10 * 1024 * 1024  # 10 MiB [V: SW-EF/upload "mai mare de 10 MB"]

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RASP = "mfp:anaf:dgti:spv:reqMesaj:v1"
ROOTS = {
    "UBL": f"{{{NS_INVOICE}}}Invoice",
    "CN": f"{{{NS_CREDIT_NOTE}}}CreditNote",
    "CII": f"{{{NS_CII}}}CrossIndustryInvoice",
    "RASP": f"{{{NS_RASP}}}header",
}
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": NS_CII,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
CIF_KEY = (7, 5, 3, 2, 1, 7, 5, 3, 2)  # ANAF's CIF check-digit key 753217532
INVOICE_TYPES = ("380", "381", "384", "389", "751")  # [V: SCH-RO BR-RO-020]
SECTORS = ("SECTOR1", "SECTOR2", "SECTOR3", "SECTOR4", "SECTOR5", "SECTOR6")
ISO_3166_RO = frozenset(
    "RO-" + c for c in (
        "AB AG AR B BC BH BN BR BT BV BZ CJ CL CS CT CV DB DJ GJ GL GR HD HR IF IL IS MH MM MS NT OT PH SB SJ SM "
        "SV TL TM TR VL VN VS").split()
)
_CIF = re.compile(r"[0-9]{2,10}")


# -- A: at upload --------------------------------------------------------------------------------


def not_valid(problem: xml_input.SaxProblem) -> str:
    """Row 13 of §6.3: `Fisierul transmis nu este valid. org.xml.sax.SAXParseException; …` (trailing space)."""
    return texts.NOT_VALID.format(sax=xml_input.sax_exception(problem))


def parse_upload(body: bytes, standard: str) -> tuple[etree._Element | None, str | None]:
    """The parsed root, or ANAF's "nu este valid" text for a body that is not well-formed or has the wrong root."""
    try:
        root = xml_input.parse(body)
    except xml_input.NotWellFormed as exc:
        return None, not_valid(exc.problem)
    problem = xml_input.root_problem(root, {ROOTS[standard]})
    if problem is None and standard == "RASP":
        problem = xml_input.missing_attribute(root, "index_incarcare") or xml_input.missing_attribute(root, "message")
    return (root, None) if problem is None else (None, not_valid(problem))


# -- B: fields -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFields:
    """What processing reads from an invoice: CIFs with `RO` stripped, BT-1 number, BT-2 issue date."""

    seller: str | None
    buyer: str | None
    number: str | None
    issue_date: str | None


def strip_ro(value: str | None) -> str | None:
    """A tax id without spaces and without its `RO` prefix; None for nothing."""
    if value is None:
        return None
    clean = re.sub(r"\s+", "", value).upper()
    clean = clean[2:] if clean.startswith("RO") else clean
    return clean or None


def is_ro_cif(value: str | None) -> bool:
    """2 to 10 digits: the shape of a Romanian CIF (a CNP has 13)."""
    return value is not None and _CIF.fullmatch(value) is not None


def cif_check_digit_ok(cif: str) -> bool:
    """ANAF's CIF control digit (key 753217532) over a CIF of 2 to 10 digits."""
    if not is_ro_cif(cif):
        return False
    body, control = cif[:-1].rjust(9, "0"), int(cif[-1])
    total = sum(int(d) * k for d, k in zip(body, CIF_KEY))
    return (total * 10 % 11) % 10 == control


def _text(node: etree._Element, path: str) -> str | None:
    found = node.find(path, NS)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _party_cif(root: etree._Element, party: str) -> str | None:
    base = f"cac:{party}/cac:Party"
    return strip_ro(_text(root, f"{base}/cac:PartyTaxScheme/cbc:CompanyID")
                    or _text(root, f"{base}/cac:PartyLegalEntity/cbc:CompanyID"))


def extract(root: etree._Element, standard: str) -> InvoiceFields:
    """Seller BT-31 else BT-32, buyer likewise, BT-1, BT-2; for CII the trade parties' tax registrations."""
    if standard == "CII":
        trade = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
        return InvoiceFields(
            strip_ro(_text(root, f"{trade}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")),
            strip_ro(_text(root, f"{trade}/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID")),
            _text(root, "rsm:ExchangedDocument/ram:ID"),
            _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/*"),
        )
    return InvoiceFields(_party_cif(root, "AccountingSupplierParty"), _party_cif(root, "AccountingCustomerParty"),
                         _text(root, "cbc:ID"), _text(root, "cbc:IssueDate"))


def rasp_target(root: etree._Element) -> str:
    """The `index_incarcare` a buyer's message (standard RASP) answers."""
    return (root.get("index_incarcare") or "").strip()


# -- B1: identity rules, the first failure wins --------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """An earlier `ok` upload of the same invoice: its index and its upload date (yyyy-MM-dd)."""

    index: str
    date: str


def identity_error(
    fields: InvoiceFields,
    *,
    registry: Container[str],
    rights: Container[str],
    self_billed: bool,
    executare: bool,
    duplicate: Duplicate | None,
) -> str | None:
    """The one B1 message, or None (§6.5 B1: R_BT_32_cui, R6.1, SANDBOX-R1, duplicate)."""
    seller = fields.seller
    if seller is not None:
        if seller.isdigit() and not cif_check_digit_ok(seller):
            return texts.RULE_BAD_CUI.format(cif=seller)
        if seller not in registry:
            return texts.RULE_SELLER_UNKNOWN.format(cif=seller)
        if not executare:
            if self_billed and fields.buyer is not None and fields.buyer not in rights:
                return texts.RULE_NO_RIGHT_BUYER.format(cif=fields.buyer)
            if not self_billed and seller not in rights:
                return texts.RULE_NO_RIGHT_SELLER.format(cif=seller)
    if duplicate is not None:
        return texts.RULE_DUPLICATE.format(index=duplicate.index, date=duplicate.date)
    return None


def error_owner(seller: str | None, cif: str, registry: Container[str], rights: Container[str]) -> str:
    """Who gets a `nok` (§6.4): the seller when it is a registry CIF the caller acts for, else the `cif` parameter."""
    if seller is not None and seller in registry and seller in rights:
        return seller
    return cif


# -- B2: content rules, all collected ------------------------------------------------------------


def _schematron(rule_id: str, key: str | None = None) -> str:
    return texts.SCHEMATRON.format(id=rule_id, text=texts.B2[key or rule_id])


def _amount(node: etree._Element, path: str) -> Decimal | None:
    value = _text(node, path)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


ADDRESS_RULES = ("BR-RO-080", "BR-RO-090", "BR-RO-100", "BR-RO-110")


def _address_checks(root: etree._Element, party: str) -> dict[str, bool]:
    """Which of BR-RO-080/090/100/110 fire for one party's postal address."""
    address = f"cac:{party}/cac:Party/cac:PostalAddress"
    country = (_text(root, f"{address}/cac:Country/cbc:IdentificationCode") or "").upper()
    subdivision = _text(root, f"{address}/cbc:CountrySubentity")
    city = _text(root, f"{address}/cbc:CityName")
    return {
        "BR-RO-080": _text(root, f"{address}/cbc:StreetName") is None,
        "BR-RO-090": city is None,
        "BR-RO-100": country == "RO" and (subdivision or "").upper() == "RO-B" and (city or "").upper() not in SECTORS,
        "BR-RO-110": country == "RO" and subdivision not in ISO_3166_RO,
    }


def content_errors(root: etree._Element, standard: str, *, b2c: bool, extern: bool) -> list[str]:
    """Every B2 rule that fails, in rule order (§6.5 B2); CII and RASP are not checked beyond their fields."""
    if standard not in ("UBL", "CN"):
        return []
    credit = standard == "CN"
    errors: list[str] = []
    type_code = _text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    currency = _text(root, "cbc:DocumentCurrencyCode")
    number = _text(root, "cbc:ID")
    present = {"BR-01": _text(root, "cbc:CustomizationID"), "BR-02": number,
               "BR-03": _text(root, "cbc:IssueDate"), "BR-04": type_code, "BR-05": currency}
    errors.extend(_schematron(rule_id) for rule_id, value in present.items() if value is None)
    if number is not None and not re.search(r"[0-9]", number):
        errors.append(_schematron("BR-RO-010"))
    if type_code is not None and (type_code != "381" if credit else type_code not in INVOICE_TYPES):
        errors.append(_schematron("BR-RO-020"))
    if currency is not None and currency != "RON" and _text(root, "cbc:TaxCurrencyCode") != "RON":
        errors.append(_schematron("BR-RO-030"))
    if _party_cif(root, "AccountingSupplierParty") is None:
        errors.append(_schematron("BR-RO-065"))
    sides = (("seller", _address_checks(root, "AccountingSupplierParty")),
             ("buyer", _address_checks(root, "AccountingCustomerParty")))
    for rule in ADDRESS_RULES:
        errors.extend(_schematron(rule, f"{rule}-{side}") for side, fires in sides if fires[rule])
    if not (b2c or extern) and _party_cif(root, "AccountingCustomerParty") is None:
        errors.append(_schematron("BR-RO-120"))
    errors.extend(_total_errors(root, credit))
    return errors


def _total_errors(root: etree._Element, credit: bool) -> list[str]:
    """BR-CO-10 and BR-CO-15, compared to the cent; a missing amount is left to the XSD (not checked here)."""
    errors = []
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    lines = [_amount(line, "cbc:LineExtensionAmount") for line in root.findall(line_tag, NS)]
    net = _amount(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
    if net is not None and lines and all(a is not None for a in lines):
        if sum(lines, Decimal(0)).quantize(Decimal("0.01")) != net.quantize(Decimal("0.01")):  # type: ignore[arg-type]
            errors.append(_schematron("BR-CO-10"))
    without = _amount(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
    with_vat = _amount(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
    vat = _amount(root, "cac:TaxTotal/cbc:TaxAmount") or Decimal(0)
    if without is not None and with_vat is not None:
        if (without + vat).quantize(Decimal("0.01")) != with_vat.quantize(Decimal("0.01")):
            errors.append(_schematron("BR-CO-15"))
    return errors


# -- the decision --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """How processing ends: `ok`, or `nok` with the messages of the ZIP's error list."""

    outcome: str
    errors: tuple[str, ...] = ()


def decide(identity: str | None, content: list[str]) -> Decision:
    """B1's one message wins; else B2's messages; else `ok`."""
    if identity is not None:
        return Decision("nok", (identity,))
    if content:
        return Decision("nok", tuple(content))
    return Decision("ok")
