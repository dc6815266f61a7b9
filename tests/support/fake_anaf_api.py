"""An in-memory ANAF e-Factura and e-Transport API for tests of mock SBS: the `AnafApi` Protocol without HTTP.

It answers with ANAF's own bytes (XML for e-Factura, JSON for e-Transport, ZIPs for downloads) and hands
them to the same readers the HTTP client uses, so SBS's handling of each answer is what a test sees.
Tokens are checked against a `FakeAnaf`: a token that is unknown, revoked or expired gets the gateway's
401. ``calls`` records (operation, client id, environment) of every call.
"""
from __future__ import annotations

import io
import itertools
import json
import threading
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from mock_sbs.anaf_answers import (
    Answer,
    DeclarationReceipt,
    MessagePage,
    StatusAnswer,
    parse_xml,
    read_declaration_status,
    read_declaration_upload,
    read_download,
    read_message_page,
    read_status,
    read_upload,
)
from mock_sbs.anaf_api import Bearer, InvoiceUpload
from tests.support.fake_anaf import FakeAnaf

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
UPLOAD_NS = "mfp:anaf:dgti:spv:respUploadFisier:v1"
STARE_NS = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
ERRORS_NS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
UNAUTHORIZED = b'{"message":"Unauthorized","status":"401"}'


@dataclass
class _Upload:
    kind: str
    env: str
    cif: str
    xml: bytes
    outcome: str
    errors: tuple[str, ...]
    download_id: str | None = None
    reads: int = 0


@dataclass
class FakeAnafApi:
    """An AnafApi double driven by tests: ``outcomes`` decides the next uploads, ``processing_reads`` how many
    `stareMesaj` calls answer "in prelucrare" first, ``stare_quota`` when ANAF says its quota is used up."""

    oauth: FakeAnaf
    outcomes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    processing_reads: int = 0
    stare_quota: int = 100
    calls: list[tuple[str, str | None, str]] = field(default_factory=list)
    inbox: list[dict[str, str]] = field(default_factory=list)
    _uploads: dict[str, _Upload] = field(default_factory=dict)
    _indexes: itertools.count = field(default_factory=lambda: itertools.count(5_000_000_001))  # type: ignore[type-arg]
    _downloads: itertools.count = field(default_factory=lambda: itertools.count(3_000_000_001))  # type: ignore[type-arg]
    _transport: itertools.count = field(default_factory=lambda: itertools.count(4_000_000_001))  # type: ignore[type-arg]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def operations(self) -> list[str]:
        """The operations called, in order."""
        return [c[0] for c in self.calls]

    def add_inbound(self, env: str, seller: str, buyer: str) -> str:
        """A supplier's invoice for ``buyer`` appears in the list; its download id."""
        index = str(next(self._indexes))
        download = str(next(self._downloads))
        xml = b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>"
        self._uploads[index] = _Upload("received", env, seller, xml, "ok", (), download)
        self.inbox.append({"env": env, "cif": buyer, "id_solicitare": index, "id": download, "tip": "FACTURA PRIMITA",
                           "detalii": f"Factura cu id_incarcare={index} emisa de cif_emitent={seller} pentru "
                                      f"cif_beneficiar={buyer}", "data_creare": "202503101015"})
        return download

    # --- AnafApi ---------------------------------------------------------------------------------------------

    def upload_invoice(self, bearer: Bearer, upload: InvoiceUpload, xml: bytes) -> str:
        op = "uploadb2c" if upload.b2c else "upload"
        denied = self._gate(bearer, op)
        if denied:
            return read_upload(denied)
        try:
            parse_xml(xml)
        except ValueError as exc:
            text = f"Fisierul transmis nu este valid. org.xml.sax.SAXParseException; {exc} "
            return read_upload(self._xml(op, f'<header xmlns="{UPLOAD_NS}" dateResponse="202503101015" '
                                             f'ExecutionStatus="1">\n    <Errors errorMessage={quoteattr(text)}/>\n'
                                             "</header>"))
        outcome, errors = self.outcomes.pop(0) if self.outcomes else ("ok", ())
        index = str(next(self._indexes))
        self._uploads[index] = _Upload("invoice", _env(bearer), upload.cif, xml, outcome, errors)
        return read_upload(self._xml(op, f'<header xmlns="{UPLOAD_NS}" dateResponse="202503101015" '
                                         f'ExecutionStatus="0" index_incarcare="{index}"/>'))

    def invoice_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        denied = self._gate(bearer, "stareMesaj")
        if denied:
            return read_status(denied)
        upload = self._uploads.get(upload_index)
        upload_reads = self._read(upload)
        if upload is None or upload.env != _env(bearer):
            body = f'<header xmlns="{STARE_NS}">\n    <Errors errorMessage="Nu exista factura cu id_incarcare= ' \
                   f'{upload_index}"/>\n</header>'
        elif upload_reads > self.stare_quota:
            body = f'<header xmlns="{STARE_NS}">\n    <Errors errorMessage="S-au facut deja {self.stare_quota} ' \
                   'descarcari de mesaj in cursul zilei"/>\n</header>'
        elif upload_reads <= self.processing_reads:
            body = f'<header xmlns="{STARE_NS}" stare="in prelucrare"/>'
        else:
            upload.download_id = upload.download_id or str(next(self._downloads))
            body = f'<header xmlns="{STARE_NS}" stare="{upload.outcome}" id_descarcare="{upload.download_id}"/>'
        return read_status(self._xml("stareMesaj", body))

    def invoice_messages(self, bearer: Bearer, cif: str, start_ms: int, end_ms: int, page: int) -> MessagePage:
        denied = self._gate(bearer, "listaMesajePaginatieFactura")
        if denied:
            return read_message_page(denied)
        found = [{k: v for k, v in m.items() if k != "env"} for m in self.inbox
                 if m["env"] == _env(bearer) and m["cif"] == cif]
        for index, upload in self._uploads.items():
            if upload.kind != "invoice" or upload.env != _env(bearer) or upload.cif != cif or \
                    upload.reads < self.processing_reads:
                continue  # still "in prelucrare": not listed yet
            upload.download_id = upload.download_id or str(next(self._downloads))
            if not any(m["id_solicitare"] == index for m in found):
                found.append({"data_creare": "202503101015", "cif": cif, "id_solicitare": index,
                              "detalii": f"Factura cu id_incarcare={index} emisa de cif_emitent={cif} pentru "
                                         "cif_beneficiar=56789016", "tip": "FACTURA TRIMISA" if upload.outcome == "ok"
                              else "ERORI FACTURA", "id": upload.download_id})
        if not found:
            body = {"eroare": "Nu exista mesaje in intervalul selectat", "titlu": "Lista Mesaje"}
        else:
            body = {"mesaje": found, "numar_inregistrari_in_pagina": len(found),
                    "numar_total_inregistrari_per_pagina": 500, "numar_total_inregistrari": len(found),
                    "numar_total_pagini": 1, "index_pagina_curenta": page, "serial": "4F1A9C2E7B3D5A60", "cui": cif,
                    "titlu": "Lista Mesaje disponibile din intervalul"}
        return read_message_page(self._json("listaMesajePaginatieFactura", body))

    def download_invoice(self, bearer: Bearer, download_id: str) -> bytes:
        denied = self._gate(bearer, "descarcare")
        if denied:
            return read_download(denied)
        index, upload = next(((i, u) for i, u in self._uploads.items() if u.download_id == download_id), (None, None))
        if upload is None or index is None:
            return read_download(self._json("descarcare", {
                "eroare": f"Pentru id={download_id} nu exista inregistrata nici o factura", "titlu": "Descarcare mesaj"}))
        document = upload.xml
        if upload.outcome == "nok":
            lines = "".join(f"\n    <Error errorMessage={quoteattr(e)}/>" for e in upload.errors)
            document = (XML_HEAD + f'<header xmlns="{ERRORS_NS}" Index_incarcare="{index}" Cif_emitent='
                        f'"{upload.cif}">{lines}\n</header>').encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{index}.xml", document)
            archive.writestr(f"semnatura_{index}.xml", '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>')
        return read_download(Answer("descarcare", 200, "application/zip", buffer.getvalue()))

    def upload_declaration(self, bearer: Bearer, cif: str, xml: bytes) -> DeclarationReceipt:
        denied = self._gate(bearer, "upload")
        if denied:
            return read_declaration_upload(denied)
        try:
            parse_xml(xml)
        except ValueError:
            return read_declaration_upload(self._json("upload", {
                "Errors": [{"errorMessage": "Fisierul transmis nu este valid."}], "dateResponse": "202503101020",
                "ExecutionStatus": 1, "trace_id": "00000000-0000-4000-8000-000000000000"}))
        outcome, errors = self.outcomes.pop(0) if self.outcomes else ("ok", ())
        index = next(self._transport)
        self._uploads[str(index)] = _Upload("declaration", _env(bearer), cif, xml, outcome, errors)
        return read_declaration_upload(self._json("upload", {
            "dateResponse": "202503101020", "ExecutionStatus": 0, "index_incarcare": index, "UIT": "7KQ3MXR9TCHD4N15",
            "trace_id": "5d2f8c1e-1b7a-4c55-9a0e-2f6f3b9d7a41", "ref_declarant": ""}))

    def declaration_status(self, bearer: Bearer, upload_index: str) -> StatusAnswer:
        denied = self._gate(bearer, "stareMesaj")
        if denied:
            return read_declaration_status(denied)
        upload = self._uploads.get(upload_index)
        reads = self._read(upload)
        if upload is None or upload.env != _env(bearer):
            body: dict[str, object] = {"Errors": [{"errorMessage": f"Nu exista declaratia de transport cu "
                                                                    f"id_incarcare= {upload_index}"}],
                                       "ExecutionStatus": 1}
        elif reads <= self.processing_reads:
            body = {"stare": "in prelucrare", "ExecutionStatus": 0}
        elif upload.outcome == "nok":
            body = {"Errors": [{"errorMessage": e} for e in upload.errors], "stare": "nok", "ExecutionStatus": 1}
        else:
            body = {"stare": upload.outcome, "ExecutionStatus": 0}
        return read_declaration_status(self._json("stareMesaj", body))

    # --- internals -------------------------------------------------------------------------------------------

    def _gate(self, bearer: Bearer, operation: str) -> Answer | None:
        """The gateway (SPEC-ANAF-API §6.1): 401 for a token that is not a live access token."""
        with self._lock:
            token = self.oauth._tokens.get(bearer.access_token)
            live = token is not None and token.kind == "access" and not token.revoked and \
                token.expires_at > self.oauth.clock.now()
            self.calls.append((operation, token.client_id if token else None, _env(bearer)))
        if live:
            return None
        return Answer(operation, 401, "application/json", UNAUTHORIZED, "the token has expired")

    def _read(self, upload: _Upload | None) -> int:
        if upload is None:
            return 0
        upload.reads += 1
        return upload.reads

    @staticmethod
    def _xml(operation: str, body: str) -> Answer:
        return Answer(operation, 200, "application/xml", (XML_HEAD + body).encode("utf-8"))

    @staticmethod
    def _json(operation: str, body: dict[str, object]) -> Answer:
        return Answer(operation, 200, "application/json", json.dumps(body).encode("utf-8"))


def _env(bearer: Bearer) -> str:
    return "test" if "/test/" in bearer.base_url else "prod"
