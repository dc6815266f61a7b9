"""The JSON bodies e-Transport answers with, keys in ANAF's order (SPEC-ANAF-API §7): pure, no Flask.

Three error shapes, kept apart on purpose because clients parse them apart: `Errors[]` with
`ExecutionStatus` 1 (upload, stareMesaj, lista), a singular top-level `error` (info), and Spring
Boot's own 400 (info without `cui_op`). Every answer but the 400 and `info`'s array carries a fresh
`trace_id`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from mock_anaf.etransport import texts


@dataclass(frozen=True)
class Answer:
    """What an operation answers: status and JSON; ``notes`` go to the journal (never a body, token or query)."""

    status: int
    data: Any
    notes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def body(self) -> bytes:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def errors(date_response: str, trace_id: str, message: str) -> dict[str, Any]:
    """`{"Errors":[{"errorMessage":…}],"dateResponse":…,"ExecutionStatus":1,"trace_id":…}` [V: SW-ET]."""
    return {"Errors": [{"errorMessage": message}], "dateResponse": date_response, "ExecutionStatus": 1,
            "trace_id": trace_id}


def upload_accepted(date_response: str, trace_id: str, index: int, uit: str, ref_declarant: str,
                    version: int) -> dict[str, Any]:
    """The accepted upload; `atentie` only on the v2 path [V: SW-ET/upload_param, LIVE]."""
    body: dict[str, Any] = {"dateResponse": date_response, "ExecutionStatus": 0, "index_incarcare": index, "UIT": uit,
                            "trace_id": trace_id, "ref_declarant": ref_declarant}
    if version == 2:
        body["atentie"] = texts.ATENTIE
    return body


def stare(date_response: str, trace_id: str, state: str, errors: Sequence[str] = ()) -> dict[str, Any]:
    """A state; `nok` carries its `Errors` first and `ExecutionStatus` 1 [V: SW-ET/stare]."""
    if errors:
        return {"Errors": [{"errorMessage": message} for message in errors], "stare": state,
                "dateResponse": date_response, "ExecutionStatus": 1, "trace_id": trace_id}
    return {"stare": state, "dateResponse": date_response, "ExecutionStatus": 0, "trace_id": trace_id}


def lista(date_response: str, trace_id: str, records: list[dict[str, Any]], serial: str, cui: str,
          zile: int) -> dict[str, Any]:
    """The list envelope [V: SW-ET/lista, LIVE]."""
    return {"mesaje": records, "serial": serial, "cui": cui, "titlu": texts.lista_title(zile),
            "dateResponse": date_response, "ExecutionStatus": 0, "trace_id": trace_id}


def info_error(date_response: str, trace_id: str, message: str) -> dict[str, str]:
    """`info`'s own error shape: a singular top-level `error` [V: SW-ET/info_transportatori, LIVE]."""
    return {"trace_id": trace_id, "dateResponse": date_response, "error": message}


def bad_request(timestamp: str, message: str) -> dict[str, Any]:
    """Spring Boot's 400 for a missing required parameter [V: SW-ET/info_transportatori]."""
    return {"timestamp": timestamp, "status": 400, "error": "Bad Request", "message": message}
