"""What e-Factura's and e-Transport's routes do before the operation: admit the call, read the upload's bytes.

Admitting is the gateway (SPEC-ANAF-API §6.1), then a fault armed through `/__admin/faults` (§6.11).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from foundation import journal
from foundation.faults import Fault, FaultInjector
from mock_anaf import anaf_time
from mock_anaf.api_faults import fault_answer
from mock_anaf.gateway import Caller, Gateway


@dataclass(frozen=True)
class Admission:
    """An API's door: its gateway role, the faults armed for its endpoints, and its service clock."""

    gateway: Gateway
    faults: FaultInjector
    role: str
    now: Callable[[], float]

    def __call__(self, endpoint: str, own_error: Callable[[str], Response]) -> tuple[Caller, Fault | None,
                                                                                    Response | None]:
        """Gateway, then an armed fault: the caller, the fault, and the answer that replaces the operation."""
        journal.note(grant_type=None)  # an upload sent as a form (curl -d) is not parsed for the journal
        caller = self.gateway.admit(request.headers.get("Authorization"), self.role)
        fault = self.faults.take(endpoint)
        answer = None if fault is None else fault_answer(fault, own_error, anaf_time.spring_timestamp(self.now()))
        return caller, fault, answer


def read_body(limit: int) -> tuple[bytes, bool]:
    """The upload's bytes and whether it was over ``limit`` (then not read); only upload routes allow that size."""
    if request.content_length is not None and request.content_length > limit:
        return b"", True
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        return b"", True
    return data, len(data) > limit
