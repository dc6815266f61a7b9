"""How mock SBS calls ANAF's e-Factura and e-Transport APIs with an organization's stored access token.

`AnafApi` is the Protocol the invoice and declaration services depend on; `HttpAnafApi` is the real one
(requests, `Authorization: Bearer`, the raw XML as the body). Each call is journaled as
`direction="out"` with the URL without its query, the client id whose token carried it, the operation
and the scope: never the token, the body or the query string. Answers are read by `anaf_answers`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from foundation import anaf
from foundation.journal import Journal

from mock_sbs.anaf_answers import (
    Answer,
    DeclarationReceipt,
    MessagePage,
    StatusAnswer,
    read_declaration_status,
    read_declaration_upload,
    read_download,
    read_message_page,
    read_status,
    read_upload,
)
from mock_sbs.anaf_client import ThreadSessions
from mock_sbs.errors import AnafError


@dataclass(frozen=True)
class Bearer:
    """Whose token carries a call: the token itself (never shown), its client id and scope, and the API root."""

    access_token: str = field(repr=False)
    client_id: str
    scope: str
    base_url: str


@dataclass(frozen=True)
class InvoiceUpload:
    """What `upload`/`uploadb2c` takes besides the body (SPEC-ANAF-API §6.3)."""

    cif: str
    standard: str = "UBL"
    b2c: bool = False
    extern: bool = False
    self_billing: bool = False

    def query(self) -> dict[str, str]:
        """The query string: `standard`, `cif`, and `extern`/`autofactura` as `DA` when set."""
        params = {"standard": self.standard, "cif": self.cif}
        if self.extern:
            params["extern"] = "DA"
        if self.self_billing:
            params["autofactura"] = "DA"
        return params


class AnafApi(Protocol):
    """The ANAF API calls mock SBS makes."""

    def upload_invoice(self, bearer: Bearer, upload: InvoiceUpload, xml: bytes) -> str:
        """`POST upload` (or `uploadb2c`): the `index_incarcare`."""

    def invoice_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        """`GET stareMesaj?id_incarcare=`."""

    def invoice_messages(self, bearer: Bearer, cif: str, start_ms: int, end_ms: int, page: int) -> MessagePage:
        """`GET listaMesajePaginatieFactura`: one page."""

    def download_invoice(self, bearer: Bearer, download_id: str) -> bytes:
        """`GET descarcare?id=`: the ZIP."""

    def upload_declaration(self, bearer: Bearer, cif: str, xml: bytes) -> DeclarationReceipt:
        """`POST upload/ETRANSP/{cif}/2`."""

    def declaration_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        """`GET stareMesaj/{id_incarcare}` of e-Transport."""


class HttpAnafApi:
    """AnafApi over HTTP with one keep-alive session per thread."""

    def __init__(self, journal: Journal, timeout: float = 10.0) -> None:
        self.journal = journal
        self.timeout = timeout
        self._sessions = ThreadSessions()

    def upload_invoice(self, bearer: Bearer, upload: InvoiceUpload, xml: bytes) -> str:
        """SPEC-ANAF-API §6.3: the raw XML as the body."""
        operation = anaf.EFACTURA_UPLOAD_B2C if upload.b2c else anaf.EFACTURA_UPLOAD
        return read_upload(self._send(bearer, "POST", operation, operation, params=upload.query(), data=xml,
                                      headers={"Content-Type": "application/xml"}))

    def invoice_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        """SPEC-ANAF-API §6.6."""
        return read_status(self._send(bearer, "GET", anaf.EFACTURA_STATUS, anaf.EFACTURA_STATUS,
                                      params={"id_incarcare": upload_index}))

    def invoice_messages(self, bearer: Bearer, cif: str, start_ms: int, end_ms: int, page: int) -> MessagePage:
        """SPEC-ANAF-API §6.8."""
        params = {"startTime": str(start_ms), "endTime": str(end_ms), "cif": cif, "pagina": str(page)}
        return read_message_page(self._send(bearer, "GET", anaf.EFACTURA_LIST_PAGED, anaf.EFACTURA_LIST_PAGED,
                                            params=params))

    def download_invoice(self, bearer: Bearer, download_id: str) -> bytes:
        """SPEC-ANAF-API §6.9."""
        return read_download(self._send(bearer, "GET", anaf.EFACTURA_DOWNLOAD, anaf.EFACTURA_DOWNLOAD,
                                        params={"id": download_id}))

    def upload_declaration(self, bearer: Bearer, cif: str, xml: bytes) -> DeclarationReceipt:
        """SPEC-ANAF-API §7.1, version 2."""
        path = f"{anaf.ETRANSPORT_UPLOAD}/{anaf.ETRANSPORT_STANDARD}/{cif}/2"
        return read_declaration_upload(self._send(bearer, "POST", anaf.ETRANSPORT_UPLOAD, path, data=xml,
                                                  headers={"Content-Type": "application/xml"}))

    def declaration_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        """SPEC-ANAF-API §7.3."""
        return read_declaration_status(self._send(bearer, "GET", anaf.ETRANSPORT_STATUS,
                                                  f"{anaf.ETRANSPORT_STATUS}/{upload_index}"))

    def _send(self, bearer: Bearer, method: str, operation: str, path: str, *,
              headers: dict[str, str] | None = None, **kwargs: Any) -> Answer:
        session = self._sessions.get()
        url = f"{bearer.base_url}/{path}"
        sent = {**(headers or {}), "Authorization": f"Bearer {bearer.access_token}"}
        started = time.perf_counter()
        try:
            response = session.request(method, url, headers=sent, timeout=self.timeout, allow_redirects=False,
                                       **kwargs)
        except requests.RequestException as exc:
            self._journal(bearer, method, url, 0, operation, started, type(exc).__name__)
            raise AnafError(f"ANAF's API at {bearer.base_url} could not be reached ({type(exc).__name__}).",
                            anaf=None, anafStatus=0, anafOperation=operation) from None
        self._journal(bearer, method, url, response.status_code, operation, started,
                      f"http_{response.status_code}" if response.status_code >= 400 else None)
        return Answer(operation, response.status_code, response.headers.get("Content-Type", ""), response.content,
                      response.headers.get("X-Sandbox-Reason"))

    def _journal(self, bearer: Bearer, method: str, url: str, status: int, operation: str, started: float,
                 error: str | None) -> None:
        self.journal.record(method=method, path=url, status=status, direction="out", target="anaf",
                            client_id=bearer.client_id, operation=operation, scope=bearer.scope, error=error,
                            duration_ms=(time.perf_counter() - started) * 1000)
