"""Driving mock ANAF's e-Factura API from a test (SPEC-ANAF-API §6): upload, status, lists, download, control plane.

Obtained from `AnafClient.efactura(access_token)`. The calls are the ones a real client makes; the
answers are parsed just enough to assert on (index, state, download id, ZIP entries). The control-plane
helpers move processing and shape outcomes without waiting.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

import requests

from foundation import anaf
from sandbox.harness.anaf import HarnessError, _check
from sandbox.harness.api_handle import ApiHandle

_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _attributes(xml: str) -> dict[str, str]:
    """The root element's attributes and the first `errorMessage` of an ANAF XML answer."""
    head = xml.split("<header", 1)[1].split(">", 1)[0] if "<header" in xml else ""
    found = dict(_ATTR.findall(head))
    error = re.search(r'errorMessage="([^"]*)"', xml)
    if error:
        found["errorMessage"] = (error.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                                 .replace("&#10;", "\n").replace("&amp;", "&"))
    return found


@dataclass(frozen=True)
class Uploaded:
    """An upload's answer: the index when accepted, else ANAF's error text."""

    status: int
    index: str | None
    error: str | None
    text: str


@dataclass(frozen=True)
class Status:
    """A `stareMesaj` answer: `in prelucrare`, `ok`, `nok`, `XML cu erori nepreluat de sistem`, or an error."""

    state: str | None
    download_id: str | None
    error: str | None
    text: str


@dataclass(frozen=True)
class Download:
    """A `descarcare` ZIP opened: the file (invoice or error list) and its detached signature."""

    index: str
    content: bytes
    signature: bytes
    names: tuple[str, ...]

    def verify(self, certificate_pem: str) -> None:
        """Check the signature as a client would (raises when it does not verify)."""
        from mock_anaf.efactura.archive import verify

        verify(self.content, self.signature, certificate_pem)


class Efactura(ApiHandle):
    """e-Factura with one bearer token in one environment, plus the e-Factura control plane."""

    SERVICE = anaf.EFACTURA
    ADMIN = "efactura"

    # -- the API --

    def upload(self, xml: bytes | str, cif: str, standard: str = "UBL", *, b2c: bool = False,
               extern: bool = False, autofactura: bool = False, executare: bool = False) -> Uploaded:
        """POST upload (or uploadb2c) with the XML as the raw body."""
        params = {"standard": standard, "cif": cif}
        params.update({name: "DA" for name, on in (("extern", extern), ("autofactura", autofactura),
                                                     ("executare", executare)) if on})
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        answer = self.session.post(f"{self.base}/{anaf.EFACTURA_UPLOAD_B2C if b2c else anaf.EFACTURA_UPLOAD}", params=params, data=body,
                                   headers={**self.headers, "Content-Type": "application/xml"}, timeout=30)
        text = answer.text
        found = _attributes(text) if answer.status_code == 200 else {}
        error = found.get("errorMessage") or (None if answer.status_code == 200 else text)
        return Uploaded(answer.status_code, found.get("index_incarcare"), error, text)

    def status(self, index: str) -> Status:
        """GET stareMesaj."""
        answer = self.session.get(f"{self.base}/{anaf.EFACTURA_STATUS}", params={"id_incarcare": index}, headers=self.headers,
                                  timeout=10)
        found = _attributes(answer.text) if answer.status_code == 200 else {}
        return Status(found.get("stare"), found.get("id_descarcare"),
                      found.get("errorMessage") or (None if answer.status_code == 200 else answer.text), answer.text)

    def finish(self, index: str) -> Status:
        """Reveal the upload's outcome now (control plane `ready_in: 0`), then read its status."""
        self._reveal_now(index)
        return self.status(index)

    def messages(self, cif: str, days: int = 1, filtru: str | None = None) -> dict[str, Any]:
        """GET listaMesajeFactura: `{"mesaje": [...], ...}` or `{"eroare", "titlu"}`."""
        params = {"zile": str(days), "cif": cif, **({"filtru": filtru} if filtru else {})}
        return _check(self.session.get(f"{self.base}/{anaf.EFACTURA_LIST}", params=params, headers=self.headers,
                                       timeout=10), "list e-Factura messages")

    def messages_page(self, cif: str, start_ms: int, end_ms: int, page: int = 1,
                      filtru: str | None = None) -> dict[str, Any]:
        """GET listaMesajePaginatieFactura."""
        params = {"startTime": str(start_ms), "endTime": str(end_ms), "cif": cif, "pagina": str(page),
                  **({"filtru": filtru} if filtru else {})}
        return _check(self.session.get(f"{self.base}/{anaf.EFACTURA_LIST_PAGED}", params=params,
                                       headers=self.headers, timeout=10), "list a page of e-Factura messages")

    def download_raw(self, download_id: str) -> requests.Response:
        return self.session.get(f"{self.base}/{anaf.EFACTURA_DOWNLOAD}", params={"id": download_id}, headers=self.headers,
                                timeout=30)

    def download(self, download_id: str) -> Download:
        """GET descarcare and open the ZIP; raises HarnessError with ANAF's `eroare` when there is none."""
        answer = self.download_raw(download_id)
        if answer.headers.get("Content-Type", "").split(";")[0] != "application/zip":
            raise HarnessError(f"descarcare {download_id} gave no ZIP: HTTP {answer.status_code} {answer.text[:300]}")
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            names = tuple(archive.namelist())
            index = next(n[: -len(".xml")] for n in names if not n.startswith("semnatura_"))
            return Download(index, archive.read(f"{index}.xml"), archive.read(f"semnatura_{index}.xml"), names)

    # -- the control plane --

    def signing_cert(self) -> str:
        """The PEM certificate the downloads' signatures verify with."""
        answer = self.session.get(f"{self.admin}/efactura/signing-cert", timeout=10)
        if answer.status_code != 200:
            raise HarnessError(f"could not read the signing certificate: HTTP {answer.status_code}")
        return answer.text

    def inbox(self, seller: str, buyer: str, xml: str | None = None, count: int = 1,
              ago_seconds: float = 0) -> list[dict[str, Any]]:
        """Invoices from a phantom supplier to ``buyer``, already `ok` (FACTURA PRIMITA in the buyer's list)."""
        body: dict[str, Any] = {"env": self.env, "seller": seller, "buyer": buyer, "count": count,
                                "ago_seconds": ago_seconds}
        if xml is not None:
            body["xml"] = xml
        return _check(self.session.post(f"{self.admin}/efactura/inbox", json=body, timeout=60), "inject invoices")

    def settings(self, **changes: Any) -> dict[str, Any]:
        """Change API settings at run time (`processing_seconds`, `per_minute`, `quotas={...}`, ...)."""
        return _check(self.session.put(f"{self.admin}/api-settings", json=changes, timeout=10), "change API settings")

    def forget_quotas(self) -> None:
        _check(self.session.delete(f"{self.admin}/api-quotas", timeout=10), "forget quotas", (204,))

    def add_taxpayer(self, cif: str, name: str, executare: bool = False) -> dict[str, Any]:
        body = {"cif": cif, "name": name, "executare": executare}
        return _check(self.session.post(f"{self.admin}/taxpayers", json=body, timeout=10), "add a taxpayer")
