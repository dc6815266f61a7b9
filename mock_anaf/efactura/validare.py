"""`POST /prod/FCTEL/rest/validare/{FACT1|FCN}` (SPEC-ANAF-API §6.10, optional): the checks that need no state.

ANAF's public validator answers `{"stare":"ok","trace_id"}` or `{"stare":"nok","Messages":[{"message"}],"trace_id"}`
[V: SW-EF/validare]. The sandbox runs §6.5 A (well-formed, root) and B2 (its content rules), plus the seller's
CIF check digit, which ANAF's own example shows here; rules that need the registry, rights or history (R6.1,
SANDBOX-R1, duplicates) are upload-only. Pure: no Flask.
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

from mock_anaf.efactura import rules, texts

STANDARDS = {"FACT1": "UBL", "FCN": "CN"}  # [V: SW-EF/validare]
MAX_BODY = 5 * 1024 * 1024  # [V: SW-EF/validare "mai mare de 5 MB"]


def problems(standard: str, body: bytes, too_big: bool, content: bool = True) -> list[str]:
    """The messages of a `nok`, in ANAF's order; empty for `ok`. ``content=False``: the document only (`/DA`)."""
    if standard not in STANDARDS:
        return [texts.VALIDARE_STANDARD_VALUES]
    if too_big or len(body) > MAX_BODY:
        return [texts.VALIDARE_TOO_BIG]
    root, error = rules.parse_upload(body, STANDARDS[standard])
    if error is not None or root is None:
        return [error or ""]
    if not content:
        return []
    found = rules.content_errors(root, STANDARDS[standard], b2c=False, extern=False)
    seller = rules.extract(root, STANDARDS[standard]).seller
    if seller is not None and seller.isdigit() and not rules.cif_check_digit_ok(seller):
        found.append(texts.RULE_BAD_CUI.format(cif=seller))
    return found


def answer(messages: list[str], new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> dict[str, Any]:
    """ANAF's validare JSON, keys in its order, with a fresh `trace_id`."""
    if not messages:
        return {"stare": "ok", "trace_id": new_id()}
    return {"stare": "nok", "Messages": [{"message": m} for m in messages], "trace_id": new_id()}
