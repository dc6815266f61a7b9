"""Reading the three journals a flow's trail is drawn from: the demo's own, and SBS's and ANAF's
`GET /__admin/requests?since=<id>` (SPEC §2.3). These control-plane reads are not journaled themselves.
"""
from __future__ import annotations

from typing import Any, Protocol

import requests

from foundation.journal import Journal


class JournalReader(Protocol):
    """Where the journals are: the last id of each when a flow starts, the entries after it when it is shown."""

    def marks(self) -> dict[str, int]: ...

    def since(self, marks: dict[str, int]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]: ...


class HttpJournals:
    """The demo's journal in process, SBS's and ANAF's over HTTP."""

    def __init__(self, local: Journal, remotes: dict[str, str], timeout: float = 3.0) -> None:
        self._local = local
        self._remotes = {lane: url.rstrip("/") for lane, url in remotes.items()}
        self._timeout = timeout
        self._http = requests.Session()

    def marks(self) -> dict[str, int]:
        """The newest entry id of every journal (0 for one that cannot be read now)."""
        marks = {"demo": self._local.last_id()}
        for lane in self._remotes:
            entries = self._read(lane, {"limit": "1"})
            marks[lane] = int(entries[-1]["id"]) if entries else 0
        return marks

    def since(self, marks: dict[str, int]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
        """Entries newer than ``marks`` per lane, and the lanes whose journal could not be read."""
        journals: dict[str, list[dict[str, Any]]] = {"demo": self._local.entries(since=marks.get("demo", 0))}
        missing = []
        for lane in self._remotes:
            entries = self._read(lane, {"since": str(marks.get(lane, 0))})
            if entries is None:
                missing.append(lane)
            journals[lane] = entries or []
        return journals, missing

    def _read(self, lane: str, params: dict[str, str]) -> list[dict[str, Any]] | None:
        try:
            response = self._http.get(f"{self._remotes[lane]}/__admin/requests", params=params, timeout=self._timeout)
            body = response.json() if response.status_code == 200 else None
        except (requests.RequestException, ValueError):
            return None
        return [e for e in body if isinstance(e, dict)] if isinstance(body, list) else None
