"""§6.9 downloads: ZIP layout, the error list, and the detached XMLDSig that a client verifies."""
from __future__ import annotations

import base64
import copy
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from mock_anaf.efactura import archive

GOLDENS = Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "responses" / "efactura"
INVOICE = (Path(__file__).resolve().parents[2] / "fixtures" / "anaf_api" / "ubl_invoice_ok.xml").read_bytes()


@pytest.fixture(scope="module")
def signer() -> archive.Signer:
    return archive.Signer.for_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def test_zip_holds_the_bytes_and_a_signature_named_by_index(signer: archive.Signer) -> None:
    files = archive.read_zip(archive.build_zip("5000000001", INVOICE, signer))
    assert sorted(files) == ["5000000001.xml", "semnatura_5000000001.xml"]
    assert files["5000000001.xml"] == INVOICE
    archive.verify(INVOICE, files["semnatura_5000000001.xml"], signer.certificate_pem())


def test_signature_has_anafs_structure(signer: archive.Signer) -> None:
    signature = signer.signature(INVOICE)
    root = etree.fromstring(signature)
    ns = {"ds": archive.DSIG}
    assert root.tag == f"{{{archive.DSIG}}}Signature"
    assert root.find("ds:SignedInfo/ds:CanonicalizationMethod", ns).get("Algorithm") == archive.C14N
    assert root.find("ds:SignedInfo/ds:SignatureMethod", ns).get("Algorithm") == archive.RSA_SHA1
    reference = root.find("ds:SignedInfo/ds:Reference", ns)
    assert reference.get("URI") == "" and reference.find("ds:Transforms", ns) is None
    assert reference.find("ds:DigestMethod", ns).get("Algorithm") == archive.SHA256
    assert base64.b64decode(reference.findtext("ds:DigestValue", namespaces=ns)) == hashlib.sha256(INVOICE).digest()
    assert root.findtext("ds:KeyInfo/ds:X509Data/ds:X509SubjectName", namespaces=ns) == archive.SUBJECT
    assert b"&#13;\n" in signature  # base64 wrapped at 76 characters, as ANAF's files


def test_signature_template_is_what_c14n_writes(signer: archive.Signer) -> None:
    root = etree.fromstring(signer.signature(INVOICE))
    signed_info = root.find(f"{{{archive.DSIG}}}SignedInfo")
    digest = base64.b64encode(hashlib.sha256(INVOICE).digest()).decode()
    canonical = etree.tostring(copy.deepcopy(signed_info), method="c14n")
    assert canonical == archive.SIGNED_INFO_C14N.format(digest=digest).encode()


def test_golden_signature_has_the_same_shape(signer: archive.Signer) -> None:
    golden = etree.fromstring((GOLDENS / "semnatura_example.xml").read_bytes())
    ours = etree.fromstring(signer.signature(INVOICE))
    assert [e.tag for e in golden.iter()] == [e.tag for e in ours.iter()]


@pytest.mark.parametrize("tamper", ["content", "signature-value", "other-certificate"])
def test_verification_fails_when_anything_changes(signer: archive.Signer, tamper: str) -> None:
    signature = signer.signature(INVOICE)
    pem = signer.certificate_pem()
    content = INVOICE
    if tamper == "content":
        content = INVOICE.replace(b"1190.00", b"1191.00")
    elif tamper == "signature-value":
        root = etree.fromstring(signature)
        node = root.find(f"{{{archive.DSIG}}}SignatureValue")
        raw = bytearray(base64.b64decode("".join(node.text.split())))
        raw[10] ^= 1
        node.text = base64.b64encode(bytes(raw)).decode()
        signature = etree.tostring(root)
    else:
        pem = archive.Signer.for_key(rsa.generate_private_key(public_exponent=65537, key_size=2048)).certificate_pem()
    with pytest.raises(archive.SignatureProblem):
        archive.verify(content, signature, pem)


def test_certificate_is_self_signed_sandbox_and_stable(signer: archive.Signer) -> None:
    again = archive.Signer.for_key(signer.key)
    assert again.certificate_pem() == signer.certificate_pem()
    # RFC 4514 writes the attributes last-first; the XMLDSig subject name lists them as the certificate does.
    assert signer.certificate.subject.rfc4514_string() == "C=RO,O=anaf-oauth-sandbox,CN=ANAF SANDBOX"
    assert signer.certificate.issuer == signer.certificate.subject


def test_error_list_matches_golden() -> None:
    message = "E: validari globale\n eroare regula: R6.1: CIF-ul vanzatorului nu figureaza in baza de date:98765438"
    got = archive.error_list("5000000002", "12345674", [message])
    assert got == (GOLDENS / "zip_nok_seller_unknown__5000000002.xml").read_bytes()
    parsed = etree.fromstring(got)
    assert parsed[0].get("errorMessage") == message


def test_error_list_escapes_quotes_and_markup() -> None:
    got = archive.error_list("5", "1", ['a "b" <c> & d'])
    assert etree.fromstring(got)[0].get("errorMessage") == 'a "b" <c> & d'
