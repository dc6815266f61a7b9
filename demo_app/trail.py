"""The trail of calls across the three services, drawn on the result page as a sequence diagram.

Input: the journals of the demo, SBS and ANAF (`/__admin/requests` entries). Each entry is a call
received ("in") or made ("out"); a call made by one service and received by another is in both
journals and becomes one arrow. Entries are ordered by when the call started (`epoch`, real time,
minus `duration_ms`). No Flask, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from foundation.anaf import AUTHORIZE_PATH, SERVICES, TEST_OAUTH_ROOT

LANES = ("browser", "demo", "sbs", "anaf", "api")
LANE_TITLES = {"browser": "Browser", "demo": "Demo app", "sbs": "SBS", "anaf": "ANAF", "api": "ANAF API"}
# The calls a token carries (api.anaf.ro on the real side): TestOauth, e-Factura, e-Transport. Mock ANAF serves
# them with its OAuth endpoints, so they are in its journal; the drawing gives them their own lane.
_API_ROOTS = "|".join(re.escape(s.api_root) for s in SERVICES)
API_PATH = re.compile(rf"^({re.escape(TEST_OAUTH_ROOT)}/|/(test|prod)/({_API_ROOTS})/)")
# Slack when pairing a caller's "out" entry with the callee's "in" entry: both clocks are this machine's.
PAIRING_SLACK = 0.05


@dataclass(frozen=True)
class Step:
    """One arrow: ``source`` called ``target`` with ``method path`` and got ``status``."""

    source: str
    target: str
    method: str
    path: str
    status: int
    started: float
    operation: str | None = None
    detail: str | None = None
    error: str | None = None

    @property
    def columns(self) -> tuple[int, int]:
        """Grid lines the arrow spans, on a 10-column grid where lane k's lifeline is line 2k+2."""
        a, b = LANES.index(self.source), LANES.index(self.target)
        return 2 * min(a, b) + 2, 2 * max(a, b) + 2

    @property
    def leftward(self) -> bool:
        return LANES.index(self.target) < LANES.index(self.source)

    @property
    def label(self) -> str:
        return f"{self.operation} ({self.method} {self.path})" if self.operation else f"{self.method} {self.path}"

    @property
    def failed(self) -> bool:
        """Refused or unanswered: an HTTP error, no answer, or an error in a 200 answer (GraphQL's way)."""
        return self.status == 0 or self.status >= 400 or bool(self.error)

    @property
    def outcome(self) -> str:
        return "no answer" if self.status == 0 else str(self.status)


def lane_of(name: str | None) -> str | None:
    """The lane a journal's service or target name belongs to."""
    text = (name or "").lower()
    for lane in ("demo", "sbs", "anaf", "browser"):
        if lane in text:
            return lane
    return None


def caller_of(service: str, entry: Mapping[str, Any]) -> str:
    """Who made a call ``service`` received: its `peer` note if known, else what that path is for."""
    peer = lane_of(entry.get("peer"))
    if peer is not None:
        return peer
    path = str(entry.get("path", ""))
    if service == "api":
        return "sbs"
    if service == "sbs" and path.endswith("/graphql"):
        return "demo"
    if service == "anaf" and not path.startswith((AUTHORIZE_PATH, "/portal")):
        return "sbs"
    return "browser"


def _start(entry: Mapping[str, Any]) -> float:
    return float(entry.get("epoch") or 0.0) - float(entry.get("duration_ms") or 0.0) / 1000.0


def _end(entry: Mapping[str, Any]) -> float:
    return float(entry.get("epoch") or 0.0)


def build_trail(journals: Mapping[str, Iterable[Mapping[str, Any]]], until: float | None = None) -> list[Step]:
    """The arrows of ``journals`` (lane → entries), oldest first, leaving out calls that started after ``until``."""
    entries = _with_api_lane({lane: [e for e in items if until is None or _start(e) <= until]
                              for lane, items in journals.items()})
    paired: set[tuple[str, int]] = set()
    steps: list[Step] = []
    for lane, items in entries.items():
        for entry in items:
            if entry.get("direction") != "out":
                continue
            path = urlsplit(str(entry.get("path", ""))).path or str(entry.get("path", ""))
            target = lane_of(entry.get("target")) or "anaf"
            if target == "anaf" and API_PATH.match(path):
                target = "api"
            twin = _find_twin(entries.get(target, []), entry, path, paired, target)
            facts = dict(entry)
            if twin is not None:
                paired.add((target, id(twin)))
                # The callee knows what the call was (client id, grant type); the caller knows why it made it.
                facts = {**twin, **{k: v for k, v in entry.items() if v is not None}}
            steps.append(Step(lane, target, str(entry.get("method", "")), path, int(entry.get("status") or 0),
                              _start(entry), facts.get("operation"), _detail(facts), facts.get("error")))
    for lane, items in entries.items():
        for entry in items:
            if entry.get("direction") == "out" or (lane, id(entry)) in paired:
                continue
            steps.append(Step(caller_of(lane, entry), lane, str(entry.get("method", "")), str(entry.get("path", "")),
                              int(entry.get("status") or 0), _start(entry), entry.get("operation"), _detail(entry),
                              entry.get("error")))
    steps.sort(key=lambda s: s.started)
    return steps


def _with_api_lane(entries: dict[str, list[Mapping[str, Any]]]) -> dict[str, list[Mapping[str, Any]]]:
    """ANAF's journal split in two: the calls received on its API paths go to the "api" lane."""
    anaf = entries.get("anaf", [])
    split = dict(entries)
    split["anaf"] = [e for e in anaf if not API_PATH.match(str(e.get("path", "")))]
    split["api"] = list(entries.get("api", [])) + [e for e in anaf if API_PATH.match(str(e.get("path", "")))]
    return split


def _find_twin(candidates: list[Mapping[str, Any]], out: Mapping[str, Any], path: str,
               paired: set[tuple[str, int]], lane: str) -> Mapping[str, Any] | None:
    for entry in candidates:
        if (
            entry.get("direction") != "out"
            and (lane, id(entry)) not in paired
            and entry.get("method") == out.get("method")
            and entry.get("path") == path
            and _start(out) - PAIRING_SLACK <= _start(entry)
            and _end(entry) <= _end(out) + PAIRING_SLACK
        ):
            return entry
    return None


def _detail(entry: Mapping[str, Any]) -> str | None:
    facts = []
    for key, title in (("secret_source", "rule"), ("rule", "rule"), ("client_id", "client"),
                       ("grant_type", "grant"), ("scope", "scope"), ("error", "error")):
        value = entry.get(key)
        if value and f"{title} {value}" not in facts:
            facts.append(f"{title} {value}")
    return ", ".join(facts) or None


def api_calls(journals: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The calls ANAF's API received, as its own journal shows them: operation path, status, and the client id of
    the token that carried each (mock ANAF reads it from the bearer token, SPEC-ANAF-API §6.11)."""
    return [{"method": e.get("method"), "path": e.get("path"), "status": e.get("status"),
             "client_id": e.get("client_id")}
            for e in journals.get("anaf", []) if e.get("direction") != "out" and API_PATH.match(str(e.get("path", "")))]
