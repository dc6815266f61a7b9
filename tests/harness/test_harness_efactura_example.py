"""Testing an e-Factura integration against the sandbox: an example to copy into your own suite.

The `anaf_sandbox` fixture (installed with the package) gives a seeded sandbox reset before each test;
``anaf_sandbox.anaf.efactura(token)`` calls e-Factura as your client would and drives its control plane.
``anaf_intercept`` answers https://api.anaf.ro in-process, for code with ANAF's real URLs hard-wired.
"""
from __future__ import annotations

import requests

MY_CALLBACK = "https://my-erp.example/anaf/callback"
SELLER, BUYER = "12345674", "56789016"  # a seeded certificate's company, and a seeded taxpayer
INVOICE = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
  <cbc:ID>MY-2025-0001</cbc:ID>
  <cbc:IssueDate>2025-03-10</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress><cbc:StreetName>Str. Exemplului 10</cbc:StreetName><cbc:CityName>SECTOR1</cbc:CityName>
      <cbc:CountrySubentity>RO-B</cbc:CountrySubentity><cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>RO{SELLER}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress><cbc:StreetName>Str. Clientului 5</cbc:StreetName><cbc:CityName>Cluj-Napoca</cbc:CityName>
      <cbc:CountrySubentity>RO-CJ</cbc:CountrySubentity><cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>RO{BUYER}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="RON">19.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="RON">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="RON">119.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="RON">119.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Abonament</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="RON">100.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""


def test_send_an_invoice_and_download_it(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK], services=["EFACTURA"])
    serial = anaf_sandbox.identities[0]["serial"]  # the certificate that holds 12345674
    efactura = anaf.efactura(anaf.login(app, identity=serial)["access_token"])

    sent = efactura.upload(INVOICE, cif=SELLER)
    assert sent.error is None and sent.index is not None
    status = efactura.finish(sent.index)  # reveal processing now instead of waiting the configured seconds
    assert status.state == "ok"

    listed = efactura.messages(SELLER, days=1)["mesaje"]
    assert [(m["tip"], m["id"]) for m in listed] == [("FACTURA TRIMISA", status.download_id)]

    zipped = efactura.download(status.download_id)
    assert zipped.content == INVOICE.encode()  # the uploaded bytes, unchanged
    zipped.verify(efactura.signing_cert())  # the detached XMLDSig verifies with the sandbox's certificate


def test_validation_errors_and_outcomes_you_force(anaf_sandbox) -> None:
    anaf = anaf_sandbox.anaf
    app = anaf.register_app(callbacks=[MY_CALLBACK], services=["EFACTURA"])
    efactura = anaf.efactura(anaf.login(app)["access_token"])

    broken = efactura.upload(INVOICE.replace("</cbc:ID>", "</cbc:Id>", 1), cif=SELLER)
    assert broken.index is None and "SAXParseException; lineNumber: 6" in broken.error

    efactura.arm_next(SELLER, "nok", errors=["E: my error"])  # the next upload for 12345674 ends nok
    nok = efactura.finish(efactura.upload(INVOICE, cif=SELLER).index)
    assert nok.state == "nok"
    assert b'errorMessage="E: my error"' in efactura.download(nok.download_id).content

    efactura.inbox(seller=BUYER, buyer=SELLER, count=3)  # three invoices received from a supplier
    assert len(efactura.messages(SELLER, filtru="P")["mesaje"]) == 3


def test_code_with_api_anaf_ro_hard_wired(anaf_intercept) -> None:
    app = anaf_intercept.register_app(callbacks=[MY_CALLBACK])
    token = anaf_intercept.login(app)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    # Your production code, unchanged: it calls https://api.anaf.ro with requests.
    sent = requests.post("https://api.anaf.ro/test/FCTEL/rest/upload", params={"standard": "UBL", "cif": SELLER},
                         data=INVOICE.encode(), headers=headers)
    index = sent.text.split('index_incarcare="')[1].split('"')[0]
    anaf_intercept.efactura(token).finish(index)
    state = requests.get("https://api.anaf.ro/test/FCTEL/rest/stareMesaj", params={"id_incarcare": index},
                         headers=headers)
    assert 'stare="ok"' in state.text
    unauthorized = requests.get("https://api.anaf.ro/prod/FCTEL/rest/listaMesajeFactura",
                                params={"zile": "1", "cif": SELLER})
    assert (unauthorized.status_code, unauthorized.json()) == (401, {"message": "Unauthorized", "status": "401"})
