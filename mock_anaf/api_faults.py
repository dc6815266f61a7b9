"""Faults of ANAF's APIs that a test arms with `POST /__admin/faults` (SPEC-ANAF-API §6.11).

Shared by e-Factura and e-Transport: each passes its fault endpoint and a function that writes a
message in the operation's own error shape (for `technical_error`).
"""
from __future__ import annotations

import json
import secrets
import time
from typing import Callable

from flask import Response, request

from foundation import journal
from foundation.faults import Fault
from mock_anaf.gateway import too_many

# server_error and delay as everywhere; the rest are the API's own [P; shapes as marked in SPEC §6.11].
API_FAULT_KINDS = ("server_error", "delay", "technical_error", "waf_reject", "rate_limited", "no_content",
                   "slow_after_commit")
TECHNICAL_ERROR = "A aparut o eroare tehnica. Cod: SBX-001"  # [V: pattern "Cod: XXX", SW-EF/upload, SW-ET/info]
# The F5 "Request Rejected" page [V: prefix, R-ECO §2.3]; the support id is random digits.
WAF_PAGE = ("<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult "
            "with your administrator.<br><br>Your support ID is: {support_id}<br><br>"
            "<a href='javascript:history.back();'>[Go Back]</a></body></html>")


def spring_error(status: int, error: str, timestamp: str, path: str) -> Response:
    """Spring Boot's error JSON, as ANAF's application answers an unknown path or a crash [V: SW-EF/validare, SW-ET]."""
    body = {"timestamp": timestamp, "status": status, "error": error, "path": path}
    return Response(json.dumps(body, separators=(",", ":")), status=status, mimetype="application/json")


def fault_answer(fault: Fault, own_error: Callable[[str], Response], timestamp: str) -> Response | None:
    """The armed fault's answer, or None when the operation carries on (`delay` waited; `slow_after_commit`)."""
    journal.note(error=f"fault_{fault.error}", reason="fault injected through /__admin/faults")
    if fault.error == "delay":
        time.sleep(fault.seconds)
        return None
    if fault.error == "slow_after_commit":
        return None
    if fault.error == "technical_error":
        return own_error(TECHNICAL_ERROR)
    if fault.error == "waf_reject":
        support_id = "".join(secrets.choice("0123456789") for _ in range(19))
        return Response(WAF_PAGE.format(support_id=support_id), status=200, mimetype="text/html")
    if fault.error == "rate_limited":
        return too_many(60, "fault injected through /__admin/faults").response()
    if fault.error == "no_content":
        return Response(b"", status=204)
    return spring_error(500, "Internal Server Error", timestamp, request.path)
