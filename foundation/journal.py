"""The request journal behind `/__admin/requests` (SPEC §2.3): what was called, never with what secrets.

Entries are built from a whitelist of fields (method, path without its query string, status,
client_id, grant_type, ...), so a secret, code, token, key or Authorization header has no field to
land in. Callers add only non-secret facts through ``note()``.
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, g, request
from werkzeug.datastructures import Authorization

from foundation.clock import Clock, SystemClock, iso

# Keys any service may attach to an entry; a service adds its own vocabulary when it builds its journal.
# Anything else is dropped, so nothing secret slips in by name.
COMMON_NOTES = frozenset({"client_id", "grant_type", "operation", "target", "error"})
SKIPPED_PREFIXES = ("/__admin", "/healthz", "/static", "/favicon.")


def strip_query(url: str) -> str:
    """The URL without query string or fragment: what may be shown of a URL that carried a code."""
    parts = urlsplit(url)
    if parts.scheme:
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    return parts.path


class Journal:
    """A bounded, thread-safe list of redacted request records, oldest first."""

    def __init__(self, service: str, clock: Clock | None = None, capacity: int = 2000,
                 notes: Iterable[str] = ()) -> None:
        self.service = service
        self.allowed_notes = COMMON_NOTES | frozenset(notes)
        self._clock = clock or SystemClock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(
        self,
        *,
        method: str,
        path: str,
        status: int,
        direction: str = "in",
        duration_ms: float | None = None,
        **notes: Any,
    ) -> dict[str, Any]:
        """Add one entry; ``path`` may be a full URL, its query string is dropped."""
        now = self._clock.now()
        entry: dict[str, Any] = {
            "service": self.service,
            "direction": direction,
            "method": method.upper(),
            "path": strip_query(path),
            "status": status,
            "client_id": None,
            "grant_type": None,
            "time": iso(now, "milliseconds"),
            # Real time, not the service clock: it orders entries across services whose clocks were moved.
            "epoch": round(time.time(), 4),
            "duration_ms": None if duration_ms is None else round(duration_ms, 2),
        }
        entry.update({k: v for k, v in notes.items() if k in self.allowed_notes and v is not None})
        with self._lock:
            entry["id"] = next(self._ids)
            self._entries.append(entry)
        return entry

    def entries(self, path: str | None = None, since: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Entries newer than ``since`` whose path starts with ``path``, oldest first."""
        with self._lock:
            items: Iterable[dict[str, Any]] = list(self._entries)
        selected = [e for e in items if e["id"] > since and (path is None or e["path"].startswith(path))]
        if limit is not None:
            selected = selected[-limit:]
        return [dict(e) for e in selected]

    def last_id(self) -> int:
        with self._lock:
            return self._entries[-1]["id"] if self._entries else 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def note(**facts: Any) -> None:
    """Attach non-secret facts (client_id, grant_type, operation, ...) to the current request's entry."""
    notes = g.setdefault("journal_notes", {})
    notes.update(facts)


def install(app: Flask, journal: Journal) -> None:
    """Journal every request the app answers, except the control plane, health checks and static files."""

    @app.before_request
    def _start_timer() -> None:
        g.journal_started = time.perf_counter()

    @app.after_request
    def _record(response):  # type: ignore[no-untyped-def]
        if request.path.startswith(SKIPPED_PREFIXES):
            return response
        notes = dict(g.get("journal_notes", {}))
        if "client_id" not in notes:  # OAuth routes note it themselves; reading it again costs a header parse
            notes["client_id"] = _client_id()
        if "grant_type" not in notes:
            notes["grant_type"] = _form_value("grant_type")
        started = g.get("journal_started")
        journal.record(
            method=request.method,
            path=request.path,
            status=response.status_code,
            duration_ms=None if started is None else (time.perf_counter() - started) * 1000,
            **notes,
        )
        return response


def _client_id() -> str | None:
    """The client id of an OAuth call: public, so it may be journaled (the secret never is)."""
    return client_id_of(request.headers.get("Authorization"),
                        lambda: request.args.get("client_id") or _form_value("client_id"))


def client_id_of(authorization: str | None, given: Callable[[], str | None]) -> str | None:
    """The Basic user name of ``authorization``, else the `client_id` parameter ``given`` finds; shortened."""
    try:
        auth = Authorization.from_header(authorization)
    except Exception:  # a malformed header is the route's problem, not the journal's
        auth = None
    if auth is not None and auth.type == "basic" and auth.username:
        return auth.username[:200]
    value = given()
    return value[:200] if value else None


def _form_value(name: str) -> str | None:
    """A field of a form-encoded body, or None; a body the route refused (413, unreadable) is not parsed again."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return None
    try:
        return request.form.get(name)
    except Exception:  # e.g. RequestEntityTooLarge: the route already answered it
        return None
