"""Driving mock ANAF's e-Transport API from a test (SPEC-ANAF-API §7): declarations, status, list, info, control plane.

Obtained from `AnafClient.etransport(access_token)`. The calls are the ones a real client makes; the JSON
answers are parsed just enough to assert on (index, UIT, state, errors). The control-plane helpers move
processing and shape outcomes without waiting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from foundation import anaf
from sandbox.harness.anaf import HarnessError
from sandbox.harness.api_handle import ApiHandle


def _json(answer: requests.Response, what: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise HarnessError(f"{what}: HTTP {answer.status_code} {answer.text[:300]}") from None


def _first_error(body: Any) -> str | None:
    errors = body.get("Errors") if isinstance(body, dict) else None
    return errors[0].get("errorMessage") if errors else None


@dataclass(frozen=True)
class Declared:
    """An upload's answer: index and UIT when accepted, else ANAF's error text."""

    status: int
    index: int | None
    uit: str | None
    error: str | None
    body: Any


@dataclass(frozen=True)
class DeclarationStatus:
    """A `stareMesaj` answer: `in prelucrare`, `ok`, `nok` (with ``errors``), `XML cu erori…`, or an ``error``."""

    state: str | None
    errors: tuple[str, ...]
    error: str | None
    body: Any


class Etransport(ApiHandle):
    """e-Transport with one bearer token in one environment, plus the e-Transport control plane."""

    SERVICE = anaf.ETRANSPORT
    ADMIN = "etransport"

    # -- the API --

    def upload(self, xml: bytes | str, cif: str, version: int | None = 2) -> Declared:
        """POST upload/ETRANSP/{cif}/{version} (no version segment for ``version=None``) with the XML as the body."""
        path = f"{self.base}/{anaf.ETRANSPORT_UPLOAD}/{anaf.ETRANSPORT_STANDARD}/{cif}"
        path += "" if version is None else f"/{version}"
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        answer = self.session.post(path, data=body, headers={**self.headers, "Content-Type": "application/xml"},
                                   timeout=30)
        found = _json(answer, "upload a declaration")
        ok = isinstance(found, dict) and found.get("ExecutionStatus") == 0
        return Declared(answer.status_code, found.get("index_incarcare") if ok else None,
                        found.get("UIT") if ok else None, None if ok else (_first_error(found) or answer.text), found)

    def status(self, index: int | str) -> DeclarationStatus:
        """GET stareMesaj/{index}."""
        answer = self.session.get(f"{self.base}/{anaf.ETRANSPORT_STATUS}/{index}", headers=self.headers, timeout=10)
        found = _json(answer, "read a declaration's state")
        state = found.get("stare") if isinstance(found, dict) else None
        errors = tuple(e.get("errorMessage", "") for e in found.get("Errors", [])) if isinstance(found, dict) else ()
        return DeclarationStatus(state, errors if state else (), None if state else (errors[0] if errors else
                                                                                  answer.text), found)

    def finish(self, index: int | str) -> DeclarationStatus:
        """Reveal the upload's outcome now (control plane `ready_in: 0`), then read its state."""
        self._reveal_now(index)
        return self.status(index)

    def declarations(self, cif: str, days: int = 1) -> dict[str, Any]:
        """GET lista/{days}/{cif}: `{"mesaje": [...], ...}` or `{"Errors": [...], ...}`."""
        answer = self.session.get(f"{self.base}/{anaf.ETRANSPORT_LIST}/{days}/{cif}", headers=self.headers, timeout=10)
        return _json(answer, "list declarations")

    def info(self, cui_op: str, cui_decl: str | None = None, uit: str | None = None,
             ref_decl: str | None = None) -> Any:
        """GET info?cui_op=…: a list of the carrier's valid UITs, or `{"trace_id","dateResponse","error"}`."""
        params = {"cui_op": cui_op, **{k: v for k, v in (("cui_decl", cui_decl), ("uit", uit), ("ref_decl", ref_decl))
                                       if v is not None}}
        answer = self.session.get(f"{self.base}/{anaf.ETRANSPORT_INFO}", params=params, headers=self.headers,
                                  timeout=10)
        return _json(answer, "look up a carrier's UITs")
