"""`transformare` (SPEC-ANAF-API §6.10, optional): a one-page PDF of an invoice, written by hand (no dependency).

Not ANAF's layout: one page naming the number, date, parties and totals, enough for a client to receive a
real `application/pdf`. Pure: no Flask.
"""
from __future__ import annotations

import unicodedata

from lxml import etree

from mock_anaf.efactura.rules import NS

FIELDS = (
    ("Numar factura", "cbc:ID"),
    ("Data emiterii", "cbc:IssueDate"),
    ("Furnizor", "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
    ("CIF furnizor", "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
    ("Cumparator", "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
    ("CIF cumparator", "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
    ("Total fara TVA", "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
    ("TVA", "cac:TaxTotal/cbc:TaxAmount"),
    ("Total de plata", "cac:LegalMonetaryTotal/cbc:PayableAmount"),
    ("Moneda", "cbc:DocumentCurrencyCode"),
)


def plain(text: str) -> str:
    """ASCII for the PDF's standard font: diacritics dropped, PDF string delimiters escaped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def lines_of(root: etree._Element) -> list[str]:
    """The page's lines: a title, then `label: value` for each field the invoice has."""
    kind = "Nota de creditare" if etree.QName(root).localname == "CreditNote" else "Factura"
    lines = [f"{kind} (e-Factura, sandbox ANAF)", ""]
    for label, path in FIELDS:
        found = root.find(path, NS)
        if found is not None and found.text and found.text.strip():
            lines.append(f"{label}: {found.text.strip()}")
    return lines + ["", "Document generat de sandbox-ul ANAF: nu este un document oficial."]


def render(lines: list[str]) -> bytes:
    """A one-page A4 PDF 1.4 with ``lines`` in Helvetica 11 pt; offsets in the xref table computed exactly."""
    text = "BT /F1 11 Tf 14 TL 56 780 Td " + " ".join(f"({plain(line)}) Tj T*" for line in lines) + " ET"
    stream = text.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
