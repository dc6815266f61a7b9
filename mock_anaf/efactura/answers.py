"""The bodies e-Factura answers with, byte for byte as ANAF writes them (SPEC-ANAF-API §6.0): pure, no Flask.

XML answers: ANAF's declaration, one root `<header>` in the operation's namespace, children indented by
four spaces [V: SW-EF, FX-O]. JSON answers keep ANAF's key order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from mock_anaf.efactura import texts

XML = "application/xml"
JSON = "application/json"
ZIP = "application/zip"


@dataclass(frozen=True)
class Answer:
    """What an operation answers; ``notes`` go to the journal (never a body, token or query string)."""

    status: int
    body: bytes
    mimetype: str
    notes: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


def json_answer(data: Any, status: int = 200, **notes: Any) -> Answer:
    """A JSON answer in the given key order, non-ASCII kept (ANAF's texts have diacritics)."""
    return Answer(status, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), JSON, notes)


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def attribute(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute; line breaks as character references."""
    return "".join(_ESCAPES.get(ch, ch) for ch in value)


def upload_accepted(date_response: str, index: str) -> bytes:
    """`ExecutionStatus="0"` with the new `index_incarcare` [V: SW-EF/upload, FX-O upload_success.xml]."""
    return (f'{XML_DECLARATION}<header xmlns="{texts.NS_UPLOAD}" dateResponse="{date_response}" '
            f'ExecutionStatus="0" index_incarcare="{index}"/>\n').encode("utf-8")


def upload_refused(date_response: str, message: str) -> bytes:
    """`ExecutionStatus="1"` with one `Errors` element and no index [V: SW-EF/upload]."""
    return (f'{XML_DECLARATION}<header xmlns="{texts.NS_UPLOAD}" dateResponse="{date_response}" '
            f'ExecutionStatus="1">\n    <Errors errorMessage="{attribute(message)}"/>\n</header>\n').encode("utf-8")


def stare(state: str, download_id: str | None = None) -> bytes:
    """A `stare`, with `id_descarcare` for `ok`/`nok` [V: SW-EF/staremesaj]."""
    extra = f' id_descarcare="{download_id}"' if download_id is not None else ""
    return (f'{XML_DECLARATION}<header xmlns="{texts.NS_STARE}" stare="{attribute(state)}"{extra}/>\n'
            ).encode("utf-8")


def stare_error(message: str) -> bytes:
    """A `stareMesaj` refusal: `Errors`, never with a `stare` [V: SW-EF/staremesaj]."""
    return (f'{XML_DECLARATION}<header xmlns="{texts.NS_STARE}">\n    <Errors errorMessage="{attribute(message)}"/>\n'
            f"</header>\n").encode("utf-8")


def bad_request(timestamp: str, message: str) -> dict[str, Any]:
    """Spring Boot's 400 for a missing parameter [V: SW-EF]."""
    return {"timestamp": timestamp, "status": 400, "error": "Bad Request", "message": message}


def download_error(message: str) -> dict[str, str]:
    """A `descarcare` refusal [V: SW-EF/descarcare]."""
    return {"eroare": message, "titlu": texts.DOWNLOAD_TITLE}
