"""§6.5 rules over the sample invoices: parsing (A), fields, identity rules (B1), content rules (B2)."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from mock_anaf.efactura import rules, texts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api"
REGISTRY = frozenset({"12345674", "23456783", "34567892", "56789016"})
RIGHTS = frozenset({"12345674", "23456783"})


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sax(line: int, column: int, message: str) -> str:
    return (f"Fisierul transmis nu este valid. org.xml.sax.SAXParseException; lineNumber: {line}; "
            f"columnNumber: {column}; {message} ")


# -- A: at upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "standard"), [
    pytest.param("ubl_invoice_ok.xml", "UBL", id="invoice-as-UBL"),
    pytest.param("ubl_creditnote_ok.xml", "CN", id="credit-note-as-CN"),
    pytest.param("ubl_invoice_nok_rules.xml", "UBL", id="nok-content-still-parses"),
    pytest.param("rasp_message.xml", "RASP", id="buyer-message-as-RASP"),
])
def test_well_formed_samples_parse(name: str, standard: str) -> None:
    root, error = rules.parse_upload(load(name), standard)
    assert error is None and root is not None


@pytest.mark.parametrize(("body", "standard", "expected"), [
    pytest.param(None, "UBL", sax(10, 44, 'The element type "cbc:IssueDate" must be terminated by the matching '
                                          'end-tag "</cbc:IssueDate>".'), id="malformed-fixture"),
    pytest.param("ubl_creditnote_ok.xml", "UBL",
                 sax(8, 1, "cvc-elt.1.a: Cannot find the declaration of element 'CreditNote'."), id="cn-as-ubl"),
    pytest.param("ubl_invoice_ok.xml", "CN",
                 sax(8, 1, "cvc-elt.1.a: Cannot find the declaration of element 'Invoice'."), id="invoice-as-cn"),
    pytest.param("ubl_invoice_ok.xml", "CII",
                 sax(8, 1, "cvc-elt.1.a: Cannot find the declaration of element 'Invoice'."), id="invoice-as-cii"),
    pytest.param(b"<a>", "UBL", sax(1, 4, "XML document structures must start and end within the same entity."),
                 id="premature-end"),
    pytest.param(b"plain text", "UBL", sax(1, 1, "Content is not allowed in prolog."), id="not-xml"),
    pytest.param(b"--b\r\nContent-Disposition: form-data; name=f\r\n\r\n<a/>", "UBL",
                 sax(1, 1, "Content is not allowed in prolog."), id="multipart-is-not-unpacked"),
    pytest.param(b"<a><b></a>", "UBL", sax(1, 11, 'The element type "b" must be terminated by the matching end-tag '
                                                  '"</b>".'), id="mismatch-without-prefix"),
    pytest.param(b"<a x='1' x='2'/>", "UBL", sax(1, 15, "Attribute x redefined"), id="other-libxml2-message"),
    pytest.param(b'<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" message="m"/>', "RASP",
                 sax(1, 1, "cvc-complex-type.4: Attribute 'index_incarcare' must appear on element 'header'."),
                 id="rasp-without-index"),
])
def test_refused_at_upload(body: bytes | str | None, standard: str, expected: str) -> None:
    data = load("ubl_invoice_malformed.xml") if body is None else load(body) if isinstance(body, str) else body
    root, error = rules.parse_upload(data, standard)
    assert root is None and error == expected


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://{secret}">]>'
            f'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>').encode()
    root, error = rules.parse_upload(body, "UBL")
    assert error is None and root is not None
    assert b"TOP-SECRET" not in etree.tostring(root)


def test_entity_expansion_bomb_does_not_expand() -> None:
    levels = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    body = f'<!DOCTYPE Invoice [{levels}]><Invoice xmlns="{rules.NS_INVOICE}">&i;</Invoice>'.encode()
    root, error = rules.parse_upload(body, "UBL")
    assert root is None or len(etree.tostring(root)) < 10_000


# -- fields -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "standard", "expected"), [
    pytest.param("ubl_invoice_ok.xml", "UBL", rules.InvoiceFields("12345674", "56789016", "SBX-2025-0001",
                                                                  "2025-03-10"), id="ok"),
    pytest.param("ubl_invoice_selfbilling_389.xml", "UBL",
                 rules.InvoiceFields("34567892", "12345674", "AF-2025-17", "2025-03-12"), id="legal-id-fallback"),
    pytest.param("ubl_invoice_b2c.xml", "UBL",
                 rules.InvoiceFields("12345674", "0000000000000", "SBX-B2C-000042", "2025-03-11"), id="b2c-cnp"),
    pytest.param("ubl_creditnote_ok.xml", "CN",
                 rules.InvoiceFields("12345674", "56789016", "SBX-CN-2025-0001", "2025-03-20"), id="credit-note"),
])
def test_fields(name: str, standard: str, expected: rules.InvoiceFields) -> None:
    root, _ = rules.parse_upload(load(name), standard)
    assert rules.extract(root, standard) == expected


def test_cii_fields() -> None:
    body = f"""<rsm:CrossIndustryInvoice xmlns:rsm="{rules.NS_CII}" xmlns:ram="{rules.NS['ram']}"
      xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
      <rsm:ExchangedDocument><ram:ID>CII-7</ram:ID>
        <ram:IssueDateTime><udt:DateTimeString format="102">20250310</udt:DateTimeString></ram:IssueDateTime>
      </rsm:ExchangedDocument>
      <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
        <ram:SellerTradeParty><ram:SpecifiedTaxRegistration><ram:ID>RO12345674</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
        <ram:BuyerTradeParty><ram:SpecifiedTaxRegistration><ram:ID>56789016</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>
      </ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>""".encode()
    root, error = rules.parse_upload(body, "CII")
    assert error is None
    assert rules.extract(root, "CII") == rules.InvoiceFields("12345674", "56789016", "CII-7", "20250310")
    assert rules.content_errors(root, "CII", b2c=False, extern=False) == []


@pytest.mark.parametrize(("cif", "ok"), [
    pytest.param("12345674", True, id="seed-company"), pytest.param("23456783", True, id="second-company"),
    pytest.param("34567892", True, id="pfa"), pytest.param("56789016", True, id="buyer"),
    pytest.param("98765438", True, id="unknown-but-valid"), pytest.param("12345675", False, id="bad-digit"),
    pytest.param("1", False, id="too-short"), pytest.param("12345678901", False, id="too-long"),
    pytest.param("12a", False, id="not-digits"),
])
def test_cif_check_digit(cif: str, ok: bool) -> None:
    assert rules.cif_check_digit_ok(cif) is ok


# -- B1 ---------------------------------------------------------------------------------------------

OK_FIELDS = rules.InvoiceFields("12345674", "56789016", "SBX-1", "2025-03-10")


@pytest.mark.parametrize(("fields", "flags", "duplicate", "expected"), [
    pytest.param(OK_FIELDS, {}, None, None, id="ok"),
    pytest.param(rules.InvoiceFields("12345675", "56789016", "X1", "2025-03-10"), {}, None,
                 texts.RULE_BAD_CUI.format(cif="12345675"), id="bad-cui"),
    pytest.param(rules.InvoiceFields("98765438", "56789016", "X1", "2025-03-10"), {}, None,
                 "E: validari globale\n eroare regula: R6.1: CIF-ul vanzatorului nu figureaza in baza de date:98765438",
                 id="seller-unknown"),
    pytest.param(rules.InvoiceFields("34567892", "56789016", "X1", "2025-03-10"), {}, None,
                 "E: validari globale\n eroare regula: SANDBOX-R1: Certificatul nu are drept in SPV pentru "
                 "CIF-ul vanzatorului:34567892", id="no-right-for-seller"),
    pytest.param(rules.InvoiceFields("34567892", "12345674", "X1", "2025-03-10"), {"self_billed": True}, None,
                 None, id="self-billing-checks-the-buyer"),
    pytest.param(rules.InvoiceFields("12345674", "56789016", "X1", "2025-03-10"), {"self_billed": True}, None,
                 "E: validari globale\n eroare regula: SANDBOX-R1: Certificatul nu are drept in SPV pentru "
                 "CIF-ul cumparatorului:56789016", id="self-billing-no-right-for-buyer"),
    pytest.param(rules.InvoiceFields("34567892", "56789016", "X1", "2025-03-10"), {"executare": True}, None,
                 None, id="executare-skips-rights"),
    pytest.param(OK_FIELDS, {}, rules.Duplicate("5000000001", "2025-03-10"),
                 "Factura a mai fost transmisa anterior cu index=5000000001 si data incarcare=2025-03-10",
                 id="duplicate"),
    pytest.param(rules.InvoiceFields("12345675", "56789016", "X1", "2025-03-10"), {},
                 rules.Duplicate("5000000001", "2025-03-10"), texts.RULE_BAD_CUI.format(cif="12345675"),
                 id="first-failure-wins"),
])
def test_identity_rules(fields: rules.InvoiceFields, flags: dict, duplicate: rules.Duplicate | None,
                        expected: str | None) -> None:
    got = rules.identity_error(fields, registry=REGISTRY, rights=RIGHTS, self_billed=flags.get("self_billed", False),
                               executare=flags.get("executare", False), duplicate=duplicate)
    assert got == expected


def test_bad_cui_text_is_anafs() -> None:
    assert texts.RULE_BAD_CUI.format(cif="12345675") == (
        "E: AccountingSupplierParty (1) sectiune Party (1) sectiune PartyTaxScheme (1) sectiune CompanyID (1)  "
        "eroare regula: R_BT_32_cui: Cui vanzator incorect / validare CUI (12345675) ")


@pytest.mark.parametrize(("seller", "expected"), [
    pytest.param("12345674", "12345674", id="own-seller"),
    pytest.param("98765438", "23456783", id="unknown-seller-goes-to-cif"),
    pytest.param("34567892", "23456783", id="seller-without-rights-goes-to-cif"),
    pytest.param(None, "23456783", id="no-seller"),
])
def test_error_owner(seller: str | None, expected: str) -> None:
    assert rules.error_owner(seller, "23456783", REGISTRY, RIGHTS) == expected


# -- B2 ---------------------------------------------------------------------------------------------

FULL_B2 = [
    "E: validari globale  SCHEMATRON   eroare: [BR-RO-010]-Numărul facturii (BT-1) trebuie să includă cel puțin un "
    "caracter numeric (0—9).     #Invoice number (BT-1) must include at least one numeric character (0-9).",
    "E: validari globale  SCHEMATRON   eroare: [BR-RO-090]-Localitatea Cumpărătorului (BT-52) trebuie furnizata.     "
    "#Buyer city(BT-37) must be provided.",
    "E: validari globale  SCHEMATRON   eroare: [BR-RO-110]-Daca Codul ţării vânzătorului (BT-40) este  RO , atunci "
    "Subdiviziunea ţării vânzătorului (BT-39) trebuie să fie codificată folosind lista de coduri ISO 3166-2:RO (ex.  "
    "RO-B  pentru Municipiul Bucuresti,  RO-AB  pentru judetul Alba...).     #If the Seller's country Code (BT-40) "
    "is  RO , then the Seller's country subdivision (BT-39) must be coded using the ISO 3166-2: RO code list (ex.  "
    "RO-B  for Bucharest,  RO-AB  for Alba County...).",
]


@pytest.mark.parametrize(("name", "standard", "flags", "expected"), [
    pytest.param("ubl_invoice_ok.xml", "UBL", {}, [], id="ok"),
    pytest.param("ubl_creditnote_ok.xml", "CN", {}, [], id="credit-note"),
    pytest.param("ubl_invoice_selfbilling_389.xml", "UBL", {}, [], id="self-billing"),
    pytest.param("ubl_invoice_b2c.xml", "UBL", {"b2c": True}, [], id="b2c"),
    pytest.param("ubl_invoice_nok_rules.xml", "UBL", {}, FULL_B2, id="three-rules-in-order"),
])
def test_content_rules_over_fixtures(name: str, standard: str, flags: dict, expected: list[str]) -> None:
    root, _ = rules.parse_upload(load(name), standard)
    assert rules.content_errors(root, standard, b2c=flags.get("b2c", False), extern=False) == expected


def _edited(replace: dict[str, str], name: str = "ubl_invoice_ok.xml") -> etree._Element:
    text = load(name).decode()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    root, error = rules.parse_upload(text.encode(), "UBL")
    assert error is None
    return root


def _ids(errors: list[str]) -> list[str]:
    return [e.split("eroare: [", 1)[1].split("]", 1)[0] for e in errors]


@pytest.mark.parametrize(("replace", "flags", "expected"), [
    pytest.param({"<cbc:ID>SBX-2025-0001</cbc:ID>\n  <cbc:IssueDate>": "<cbc:IssueDate>"}, {}, ["BR-02"],
                 id="no-number"),
    pytest.param({"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>": "<cbc:InvoiceTypeCode>999</cbc:InvoiceTypeCode>"},
                 {}, ["BR-RO-020"], id="type-code"),
    pytest.param({"<cbc:DocumentCurrencyCode>RON": "<cbc:DocumentCurrencyCode>EUR"}, {}, ["BR-RO-030"],
                 id="foreign-currency-without-ron-vat"),
    pytest.param({"<cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>":
                  "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>RON</cbc:TaxCurrencyCode>"},
                 {}, [], id="foreign-currency-with-ron-vat"),
    pytest.param({"<cbc:CityName>SECTOR1</cbc:CityName>": "<cbc:CityName>Bucuresti</cbc:CityName>"}, {},
                 ["BR-RO-100"], id="bucharest-sector"),
    pytest.param({"<cbc:StreetName>Str. Clientului nr. 5</cbc:StreetName>": ""}, {}, ["BR-RO-080"],
                 id="buyer-street"),
    pytest.param({"<cbc:CompanyID>RO56789016</cbc:CompanyID>": "", "<cbc:CompanyID>J12/345/2018</cbc:CompanyID>": ""},
                 {}, ["BR-RO-120"], id="buyer-without-ids"),
    pytest.param({"<cbc:CompanyID>RO56789016</cbc:CompanyID>": "", "<cbc:CompanyID>J12/345/2018</cbc:CompanyID>": ""},
                 {"extern": True}, [], id="buyer-without-ids-extern"),
    pytest.param({'<cbc:LineExtensionAmount currencyID="RON">800.00': '<cbc:LineExtensionAmount currencyID="RON">700.00'},
                 {}, ["BR-CO-10"], id="line-sum"),
    pytest.param({'<cbc:TaxInclusiveAmount currencyID="RON">1190.00': '<cbc:TaxInclusiveAmount currencyID="RON">1191.00'},
                 {}, ["BR-CO-15"], id="total-with-vat"),
])
def test_content_rules_one_at_a_time(replace: dict[str, str], flags: dict, expected: list[str]) -> None:
    root = _edited(replace)
    errors = rules.content_errors(root, "UBL", b2c=False, extern=flags.get("extern", False))
    assert _ids(errors) == expected


def test_content_rule_texts_use_the_schematron_format() -> None:
    root = _edited({"<cbc:ID>SBX-2025-0001</cbc:ID>\n  <cbc:IssueDate>": "<cbc:IssueDate>"})
    assert rules.content_errors(root, "UBL", b2c=False, extern=False) == [
        "E: validari globale  SCHEMATRON   eroare: [BR-02]-An Invoice shall have an Invoice number (BT-1)."]


@pytest.mark.parametrize(("identity", "content", "expected"), [
    pytest.param(None, [], rules.Decision("ok"), id="ok"),
    pytest.param("B1", ["B2"], rules.Decision("nok", ("B1",)), id="b1-alone"),
    pytest.param(None, ["a", "b"], rules.Decision("nok", ("a", "b")), id="b2-all"),
])
def test_decide(identity: str | None, content: list[str], expected: rules.Decision) -> None:
    assert rules.decide(identity, content) == expected
