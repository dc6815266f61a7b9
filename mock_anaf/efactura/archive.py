"""The `descarcare` ZIP (SPEC-ANAF-API §6.9): `{index}.xml` and a detached XMLDSig `semnatura_{index}.xml`.

The signature has the structure of ANAF's real ones [V: FX-T]: C14N 1.0, RSA-SHA1 over `SignedInfo`,
one `Reference URI=""` without transforms whose SHA-256 digest is over file 1's bytes, and the
certificate in `KeyInfo`. The sandbox signs with its own RSA key (the JWT key) and a self-signed
certificate `CN=ANAF SANDBOX,O=anaf-oauth-sandbox,C=RO`; `/__admin/efactura/signing-cert` hands it out.
No Flask here.
"""
from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Iterable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from mock_anaf.efactura import texts
from mock_anaf.efactura.answers import attribute

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SUBJECT = "CN=ANAF SANDBOX,O=anaf-oauth-sandbox,C=RO"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# `SignedInfo` exactly as C14N 1.0 writes it when it stands inside `<Signature xmlns=DSIG>`: these are
# the bytes that get signed, so no canonicaliser runs at signing time.
SIGNED_INFO_C14N = (
    f'<SignedInfo xmlns="{DSIG}"><CanonicalizationMethod Algorithm="{C14N}"></CanonicalizationMethod>'
    f'<SignatureMethod Algorithm="{RSA_SHA1}"></SignatureMethod><Reference URI="">'
    f'<DigestMethod Algorithm="{SHA256}"></DigestMethod><DigestValue>{{digest}}</DigestValue></Reference>'
    "</SignedInfo>"
)
SIGNED_INFO = (
    f'<SignedInfo><CanonicalizationMethod Algorithm="{C14N}"/><SignatureMethod Algorithm="{RSA_SHA1}"/>'
    f'<Reference URI=""><DigestMethod Algorithm="{SHA256}"/><DigestValue>{{digest}}</DigestValue></Reference>'
    "</SignedInfo>"
)


def wrapped(data: bytes) -> str:
    """Base64 in lines of 76 characters ended by `&#13;` and a newline, as ANAF's files show [V: FX-T]."""
    text = base64.b64encode(data).decode("ascii")
    return "&#13;\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def self_signed_certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    """The sandbox's signing certificate; fixed serial and dates, so one key always gives the same certificate."""
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "ANAF SANDBOX"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "anaf-oauth-sandbox"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "RO"),
    ])
    utc = datetime.timezone.utc
    return (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1)
        .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=utc))
        .not_valid_after(datetime.datetime(2034, 12, 30, tzinfo=utc))
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class Signer:
    """Signs download files with a loaded RSA key and its certificate (built once at start)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def for_key(cls, key: rsa.RSAPrivateKey) -> "Signer":
        return cls(key, self_signed_certificate(key))

    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def signature(self, content: bytes) -> bytes:
        """`semnatura_{index}.xml`: a detached XMLDSig over ``content`` (§6.9)."""
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode("ascii")
        signed = SIGNED_INFO_C14N.format(digest=digest).encode("utf-8")
        value = self.key.sign(signed, padding.PKCS1v15(), hashes.SHA1())
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
            f'<Signature xmlns="{DSIG}">{SIGNED_INFO.format(digest=digest)}'
            f"<SignatureValue>{wrapped(value)}</SignatureValue>"
            f"<KeyInfo><X509Data><X509SubjectName>{SUBJECT}</X509SubjectName>"
            f"<X509Certificate>{wrapped(der)}</X509Certificate></X509Data></KeyInfo></Signature>"
        ).encode("utf-8")


def error_list(index: str, owner: str, messages: Iterable[str]) -> bytes:
    """File 1 of a `nok` download: ANAF's `mesajEroriFactuta` list [V: FX-T, FX-O]."""
    lines = "".join(f'    <Error errorMessage="{attribute(m)}"/>\n' for m in messages)
    return (f'{XML_DECLARATION}<header xmlns="{texts.NS_ERRORS}" Index_incarcare="{index}" '
            f'Cif_emitent="{owner}">\n{lines}</header>\n').encode("utf-8")


def build_zip(index: str, content: bytes, signer: Signer) -> bytes:
    """The download: `{index}.xml` and `semnatura_{index}.xml`, deflated [V: FX-T, FX-P]."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{index}.xml", content)
        archive.writestr(f"semnatura_{index}.xml", signer.signature(content))
    return buffer.getvalue()


# -- verification (what a client does; the tests use it) ---------------------------------------------


class SignatureProblem(ValueError):
    """The download's signature does not verify; the message says why."""


def verify(content: bytes, signature: bytes, certificate_pem: str | bytes) -> None:
    """Check a detached signature as a client would; raises SignatureProblem.

    The digest must be SHA-256 of ``content``; the RSA-SHA1 value must verify over the C14N 1.0 form of
    `SignedInfo` with the given certificate, which must also be the one in `KeyInfo`.
    """
    pem = certificate_pem.encode("ascii") if isinstance(certificate_pem, str) else certificate_pem
    trusted = x509.load_pem_x509_certificate(pem)
    root = etree.fromstring(signature, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"ds": DSIG}
    signed_info = root.find("ds:SignedInfo", ns)
    if signed_info is None:
        raise SignatureProblem("no SignedInfo")
    digest = signed_info.findtext("ds:Reference/ds:DigestValue", namespaces=ns) or ""
    if base64.b64decode(digest) != hashlib.sha256(content).digest():
        raise SignatureProblem("the digest does not match the file")
    embedded = base64.b64decode("".join((root.findtext(".//ds:X509Certificate", namespaces=ns) or "").split()))
    if embedded != trusted.public_bytes(serialization.Encoding.DER):
        raise SignatureProblem("signed with another certificate")
    # A deep copy: inclusive C14N of a subtree in place emits spurious xmlns="" on lxml 6 (SPEC §6.9 note).
    canonical = etree.tostring(copy.deepcopy(signed_info), method="c14n", exclusive=False, with_comments=False)
    value = base64.b64decode("".join((root.findtext("ds:SignatureValue", namespaces=ns) or "").split()))
    public = trusted.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    try:
        public.verify(value, canonical, padding.PKCS1v15(), hashes.SHA1())
    except InvalidSignature:
        raise SignatureProblem("the signature value does not verify") from None


def is_xml(data: bytes) -> bool:
    """True when ``data`` is well-formed XML (parsed safely: no entities, no network)."""
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return False
    return True


def read_zip(data: bytes) -> dict[str, bytes]:
    """The entries of a download, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
