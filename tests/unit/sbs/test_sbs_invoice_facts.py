"""What SBS reads from an invoice: number, issue date, seller and buyer CIF (RO dropped), for UBL, CN and CII."""
from __future__ import annotations

from pathlib import Path

import pytest

from mock_sbs.invoice_facts import InvoiceFacts, invoice_facts, tin_digits

FIXTURES = Path(__file__).parents[2] / "fixtures" / "anaf_api"
CII = b"""<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument><ram:ID>CII-7</ram:ID>
    <ram:IssueDateTime><udt:DateTimeString format="102">20250310</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
    <ram:SellerTradeParty><ram:SpecifiedTaxRegistration><ram:ID>RO12345674</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
    <ram:BuyerTradeParty><ram:SpecifiedTaxRegistration><ram:ID>56789016</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


@pytest.mark.parametrize(("document", "facts"), [
    pytest.param((FIXTURES / "ubl_invoice_ok.xml").read_bytes(),
                 InvoiceFacts("UBL", "SBX-2025-0001", "2025-03-10", "12345674", "56789016"), id="ubl-invoice"),
    pytest.param((FIXTURES / "ubl_creditnote_ok.xml").read_bytes(), None, id="credit-note"),
    pytest.param(CII, InvoiceFacts("CII", "CII-7", "2025-03-10", "12345674", "56789016"), id="cii"),
    pytest.param((FIXTURES / "ubl_invoice_malformed.xml").read_bytes(), InvoiceFacts(), id="malformed"),
    pytest.param(b"<other/>", InvoiceFacts(), id="not-an-invoice"),
])
def test_facts(document: bytes, facts: InvoiceFacts | None) -> None:
    got = invoice_facts(document)
    if facts is None:
        assert got.standard == "CN" and got.number and got.seller_tin == "12345674"
    else:
        assert got == facts


@pytest.mark.parametrize(("tin", "digits"), [("RO12345674", "12345674"), ("ro 123", "123"), ("12345674", "12345674"),
                                             ("", None), (None, None)])
def test_tin_digits(tin: str | None, digits: str | None) -> None:
    assert tin_digits(tin) == digits
