"""Reading ANAF's e-Factura and e-Transport answers (SPEC-ANAF-API §6.3, §6.6–§6.9, §7.1, §7.3): pure, no I/O.

Each reader takes what came back over HTTP (status, content type, body bytes) and returns a small value,
or raises AnafError carrying ANAF's own text in `extensions.anaf`, so a caller sees exactly what ANAF
said (the gateway's 401/403/429 JSON, an `Errors` element, a quota sentence, Spring's 400 JSON).
XML is parsed with lxml without entities, DTDs or network access.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from mock_sbs.errors import AnafError

# ANAF's `stare` values (SW-EF/staremesaj, SW-ET/stare) and the status SBS shows for each.
STATES = {"in prelucrare": "PENDING", "ok": "OK", "nok": "NOK", "XML cu erori nepreluat de sistem": "XML_ERRORS"}
NO_MESSAGES = ("Nu exista mesaje in intervalul selectat", "Nu exista mesaje in ultimele")
PAGE_BEYOND_LAST = "Pagina solicitata"
QUOTA_PREFIX = "S-au facut deja"
ERRORS_NS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"
MAX_ARCHIVE_ENTRY = 16 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 8
MAX_TEXT = 2000

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_ARCHIVE_NAME = re.compile(r"^[\w.-]{1,120}$")
_INBOUND_DETAILS = re.compile(r"cif_emitent=(\d+) pentru cif_beneficiar=(\d+)")
_SELF_BILLED_DETAILS = re.compile(r"transmisa de cif=(\d+)\s+ca autofactutra in numele cif=(\d+)")


@dataclass(frozen=True)
class Answer:
    """One HTTP answer from ANAF's API, as received."""

    operation: str
    status: int
    content_type: str
    body: bytes
    sandbox_reason: str | None = None


@dataclass(frozen=True)
class StatusAnswer:
    """What `stareMesaj` said: SBS's status for ANAF's `stare`, the download id, and e-Transport's errors."""

    status: str
    stare: str
    download_id: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    """One entry of e-Factura's message list (§6.7): `tip`, ids, and the parties read from `detalii`."""

    kind: str
    download_id: str
    upload_index: str
    cif: str
    created: str
    details: str
    seller_tin: str | None
    buyer_tin: str | None


@dataclass(frozen=True)
class MessagePage:
    """One page of `listaMesajePaginatieFactura` (page numbers from 1; no messages → zero pages)."""

    messages: tuple[Message, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class DeclarationReceipt:
    """e-Transport's answer to an accepted upload: the upload index and the UIT code."""

    upload_index: str
    uit: str | None


@dataclass(frozen=True)
class ArchiveFile:
    """One file of a downloaded ZIP."""

    name: str
    data: bytes


def refusal(answer: Answer, text: str) -> AnafError:
    """An ANAF_ERROR carrying ANAF's own ``text``."""
    text = text[:MAX_TEXT]
    extensions: dict[str, Any] = {"anaf": text, "anafStatus": answer.status, "anafOperation": answer.operation}
    if answer.sandbox_reason:
        extensions["sandboxReason"] = answer.sandbox_reason[:300]
    return AnafError(f"ANAF refused {answer.operation} (HTTP {answer.status}): {text}", **extensions)


def is_quota_text(text: str) -> bool:
    """Whether ANAF's text says a daily quota is used up ("S-au facut deja ..." , §6.2)."""
    return text.startswith(QUOTA_PREFIX)


def parse_xml(body: bytes) -> etree._Element:
    """An XML document parsed safely; raises ValueError when it is not well-formed."""
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None


def read_upload(answer: Answer) -> str:
    """The `index_incarcare` of an accepted e-Factura upload (§6.3)."""
    header = _xml_header(answer)
    index = header.get("index_incarcare")
    if header.get("ExecutionStatus") == "0" and index and index.isdigit():
        return index
    raise refusal(answer, _xml_errors(header) or "ANAF answered the upload without an index_incarcare.")


def read_status(answer: Answer) -> StatusAnswer:
    """e-Factura's `stareMesaj` (§6.6): a state, or ANAF's error (unknown index, no right, quota)."""
    header = _xml_header(answer)
    stare = header.get("stare")
    if stare in STATES:
        return StatusAnswer(STATES[stare], stare, header.get("id_descarcare"))
    raise refusal(answer, _xml_errors(header) or f"ANAF answered stareMesaj with an unknown state {stare!r}.")


def read_message_page(answer: Answer) -> MessagePage:
    """One page of `listaMesajePaginatieFactura` (§6.8); "no messages" is an empty page, not an error."""
    data = _json_object(answer)
    error = data.get("eroare")
    if isinstance(error, str):
        if error.startswith(NO_MESSAGES) or error.startswith(PAGE_BEYOND_LAST):
            return MessagePage((), 0, 0, 0)
        raise refusal(answer, error)
    raw = data.get("mesaje")
    if not isinstance(raw, list):
        raise refusal(answer, "ANAF answered the message list without `mesaje`.")
    messages = tuple(m for m in (_message(item) for item in raw) if m is not None)
    return MessagePage(messages, _int(data.get("index_pagina_curenta"), 1), _int(data.get("numar_total_pagini"), 1),
                       _int(data.get("numar_total_inregistrari"), len(messages)))


def read_download(answer: Answer) -> bytes:
    """The ZIP of `descarcare` (§6.9), or ANAF's `eroare` (unknown id, no right, 60 days, quota)."""
    if answer.status == 200 and answer.body.startswith(b"PK"):
        return answer.body
    data = _json_object(answer)
    raise refusal(answer, str(data.get("eroare") or "ANAF answered the download without a ZIP."))


def read_archive(zip_bytes: bytes) -> tuple[ArchiveFile, ...]:
    """The files of a downloaded ZIP, checked for size and plain names (an answer is not trusted blindly)."""
    try:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
            infos = archive.infolist()
            if not infos or len(infos) > MAX_ARCHIVE_ENTRIES:
                raise ValueError(f"the ZIP holds {len(infos)} files")
            files = []
            for info in infos:
                if not _ARCHIVE_NAME.match(info.filename) or info.file_size > MAX_ARCHIVE_ENTRY:
                    raise ValueError("the ZIP holds an unexpected file")
                with archive.open(info) as handle:
                    data = handle.read(MAX_ARCHIVE_ENTRY + 1)
                if len(data) > MAX_ARCHIVE_ENTRY:
                    raise ValueError("the ZIP holds a file that is too large")
                files.append(ArchiveFile(info.filename, data))
            return tuple(files)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise AnafError(f"ANAF's download is not a usable ZIP: {exc}", anaf=None, anafOperation="descarcare") from None


def archive_errors(files: tuple[ArchiveFile, ...]) -> tuple[str, ...]:
    """ANAF's validation errors when the ZIP holds an error list (`mesajEroriFactuta`) instead of an invoice."""
    for file in files:
        if file.name.startswith("semnatura_"):
            continue
        try:
            root = parse_xml(file.data)
        except ValueError:
            continue
        if root.tag == f"{{{ERRORS_NS}}}header":
            return tuple(e.get("errorMessage", "") for e in root if e.tag == f"{{{ERRORS_NS}}}Error")
    return ()


def read_declaration_upload(answer: Answer) -> DeclarationReceipt:
    """e-Transport's upload answer (§7.1): index and UIT, or ANAF's `Errors`."""
    data = _json_object(answer)
    index = data.get("index_incarcare")
    if data.get("ExecutionStatus") == 0 and isinstance(index, (int, str)) and str(index).isdigit():
        uit = data.get("UIT")
        return DeclarationReceipt(str(index), uit if isinstance(uit, str) else None)
    raise refusal(answer, _json_errors(data) or "ANAF answered the upload without an index_incarcare.")


def read_declaration_status(answer: Answer) -> StatusAnswer:
    """e-Transport's `stareMesaj` (§7.3): a state (a `nok` carries its errors), or ANAF's error."""
    data = _json_object(answer)
    stare = data.get("stare")
    if isinstance(stare, str) and stare in STATES:
        errors = tuple(_json_error_list(data))
        return StatusAnswer(STATES[stare], stare, None, errors)
    raise refusal(answer, _json_errors(data) or f"ANAF answered stareMesaj with an unknown state {stare!r}.")


# --- shapes shared by the readers ------------------------------------------------------------------------------

def _gateway_text(answer: Answer) -> str | None:
    """ANAF's text when the answer is not the operation's own shape: the gateway, Spring, the WAF, no content."""
    if answer.status == 204 or not answer.body.strip():
        return f"ANAF answered HTTP {answer.status} with an empty body."
    if "html" in answer.content_type.lower():
        # The F5 gateway's "Request Rejected" page (R-ECO §2.3): its words, without the markup.
        words = re.sub(rb"<[^>]+>", b" ", answer.body).decode("utf-8", "replace")
        return " ".join(words.split()) or f"ANAF answered HTTP {answer.status} with an empty HTML page."
    if answer.status >= 400:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return answer.body.decode("utf-8", "replace").strip()
        if isinstance(data, dict):
            text = data.get("message") or data.get("error") or data.get("eroare")
            if isinstance(text, str) and text:
                return text
        return answer.body.decode("utf-8", "replace").strip()
    return None


def _xml_header(answer: Answer) -> etree._Element:
    text = _gateway_text(answer)
    if text is not None:
        raise refusal(answer, text)
    try:
        return parse_xml(answer.body)
    except ValueError:
        raise refusal(answer, answer.body.decode("utf-8", "replace").strip()) from None


def _xml_errors(header: etree._Element) -> str:
    return "; ".join(e.get("errorMessage", "") for e in header if etree.QName(e).localname == "Errors")


def _json_object(answer: Answer) -> dict[str, Any]:
    text = _gateway_text(answer)
    if text is not None:
        raise refusal(answer, text)
    try:
        data = json.loads(answer.body)
    except ValueError:
        raise refusal(answer, answer.body.decode("utf-8", "replace").strip()) from None
    if not isinstance(data, dict):
        raise refusal(answer, "ANAF answered with JSON that is not an object.")
    return data


def _json_error_list(data: dict[str, Any]) -> list[str]:
    errors = data.get("Errors")
    if not isinstance(errors, list):
        return []
    return [str(e.get("errorMessage", "")) for e in errors if isinstance(e, dict)]


def _json_errors(data: dict[str, Any]) -> str:
    found = _json_error_list(data)
    if not found and isinstance(data.get("error"), str):
        found = [data["error"]]
    return "; ".join(found)


def _message(item: Any) -> Message | None:
    if not isinstance(item, dict) or not str(item.get("id", "")).isdigit():
        return None
    details = str(item.get("detalii", ""))
    seller = buyer = None
    if match := _INBOUND_DETAILS.search(details):
        seller, buyer = match.group(1), match.group(2)
    elif match := _SELF_BILLED_DETAILS.search(details):
        buyer, seller = match.group(1), match.group(2)
    return Message(str(item.get("tip", "")), str(item["id"]), str(item.get("id_solicitare", "")),
                   str(item.get("cif", "")), str(item.get("data_creare", "")), details, seller, buyer)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
