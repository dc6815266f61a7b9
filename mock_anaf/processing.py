"""What e-Factura and e-Transport share behind the gateway (SPEC-ANAF-API §6.2, §6.4, §6.11).

- Sequences: upload indexes and download ids, atomic in the database, reset with it.
- Lazy processing: an outcome is decided when the upload arrives and revealed once the service clock
  reaches ``ready_at``; nothing runs in the background, so `/__admin/clock` drives it.
- Daily quotas: counters in SQLite keyed by the Bucharest calendar day of the service clock.
- Armed outcomes (`/__admin/<api>/next-outcomes`): one table per API, the same rows and steps.
- Run-time settings (`/__admin/api-settings`): processing delay, list lag, per-minute limit, JWT-only,
  quotas; `/__admin/reset` restores the configured ones.
"""
from __future__ import annotations

import json
import math
import sqlite3
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from foundation.sqlite import Database
from mock_anaf.anaf_time import day as bucharest_day

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_counters (
    env   TEXT NOT NULL,
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    day   TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (env, kind, key, day)
);
"""

# Where each sequence starts [P]: distinct ranges make an upload index passed as a download id fail loudly.
SEQUENCE_STARTS = {
    "efactura_upload": 5_000_000_001,
    "efactura_download": 3_000_000_001,
    "etransport_upload": 4_000_000_001,
}

# Daily quotas [V: LIM for e-Factura; I: the e-Transport example texts], keys as `/__admin/api-settings` names them.
DEFAULT_QUOTAS: Mapping[str, int] = {
    "rasp": 1000, "stare": 100, "lista": 1500, "lista_paginatie": 100_000, "descarcare": 10,
    "et_stare": 100, "et_lista": 1000,
}


# -- settings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiSettings:
    """The API's tunables; the defaults are ANAF's numbers (processing and lag are the sandbox's)."""

    processing_seconds: float = 2.0
    list_lag_seconds: float = 0.0
    per_minute: int = 1000
    require_jwt: bool = True
    quotas: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_QUOTAS))

    def as_json(self) -> dict[str, Any]:
        return {"processing_seconds": self.processing_seconds, "list_lag_seconds": self.list_lag_seconds,
                "per_minute": self.per_minute, "require_jwt": self.require_jwt, "quotas": dict(self.quotas)}

    def changed(self, data: Mapping[str, Any]) -> "ApiSettings":
        """These settings with the fields of ``data`` changed; ValueError names the first bad field."""
        known = {"processing_seconds", "list_lag_seconds", "per_minute", "require_jwt", "quotas"}
        for name in data:
            if name not in known:
                raise ValueError(f"unknown setting {name!r}; known: {', '.join(sorted(known))}")
        updates: dict[str, Any] = {}
        for name in ("processing_seconds", "list_lag_seconds"):
            if name in data:
                updates[name] = _seconds(name, data[name])
        if "per_minute" in data:
            updates["per_minute"] = _count("per_minute", data["per_minute"])
        if "require_jwt" in data:
            if not isinstance(data["require_jwt"], bool):
                raise ValueError("require_jwt must be true or false")
            updates["require_jwt"] = data["require_jwt"]
        if "quotas" in data:
            quotas = data["quotas"]
            if not isinstance(quotas, dict):
                raise ValueError(f"quotas must be an object with some of: {', '.join(DEFAULT_QUOTAS)}")
            merged = dict(self.quotas)
            for key, value in quotas.items():
                if key not in DEFAULT_QUOTAS:
                    raise ValueError(f"unknown quota {key!r}; known: {', '.join(DEFAULT_QUOTAS)}")
                merged[key] = _count(f"quotas.{key}", value)
            updates["quotas"] = merged
        return replace(self, **updates)


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 365 * 86_400:
        raise ValueError(f"{name} must be a number of seconds from 0 to 31536000")
    return float(value)


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
        raise ValueError(f"{name} must be a whole number from 0 to 10000000")
    return value


class RuntimeSettings:
    """The settings in force: changed at run time, restored to the configured ones by a reset."""

    def __init__(self, configured: ApiSettings) -> None:
        self.configured = configured
        self._current = configured
        self._lock = threading.Lock()

    def current(self) -> ApiSettings:
        return self._current

    def update(self, data: Mapping[str, Any]) -> ApiSettings:
        """Apply a partial change (validated as a whole first); the new settings."""
        with self._lock:
            self._current = self._current.changed(data)
            return self._current

    def reset(self) -> None:
        with self._lock:
            self._current = self.configured


# -- lazy processing ----------------------------------------------------------------------------


PROCESSING = "in prelucrare"  # [V: SW-EF/staremesaj, SW-ET/stare]


def revealed_state(final_state: str, ready_at: float, now: float) -> str:
    """What a status query shows: "in prelucrare" until ``ready_at``, then the state decided at upload."""
    return PROCESSING if now < ready_at else final_state


def is_terminal(ready_at: float, now: float) -> bool:
    """Once revealed, a state never changes (§6.4); the control plane may only change what is still pending."""
    return now >= ready_at


# -- sequences and quotas ------------------------------------------------------------------------


class Sequences:
    """Number sequences in the database: allocation is one atomic statement."""

    def __init__(self, db: Database, starts: Mapping[str, int] = SEQUENCE_STARTS) -> None:
        self.db = db
        self.starts = dict(starts)

    def next_in(self, conn: sqlite3.Connection, name: str) -> str:
        """The next number of ``name`` inside an open transaction, as ANAF's digit string."""
        row = conn.execute(
            "INSERT INTO api_sequences (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            (name, self.starts[name]),
        ).fetchone()
        return str(row[0])

    def next(self, name: str) -> str:
        with self.db.transaction() as conn:
            return self.next_in(conn, name)


class Quotas:
    """Daily counters per (env, kind, key), keyed by the Bucharest day of the service clock (§6.2)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def take(self, env: str, kind: str, key: str, now: float, limit: int) -> bool:
        """Count one call; False (and nothing counted) when today's ``limit`` is already used up."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO api_counters (env, kind, key, day, count) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(env, kind, key, day) DO UPDATE SET count = count + 1 WHERE count < ?",
                (env, kind, key, bucharest_day(now), limit),
            )
            return cur.rowcount == 1 and limit > 0

    def used(self, env: str, kind: str, key: str, now: float) -> int:
        row = self.db.query_one("SELECT count FROM api_counters WHERE env = ? AND kind = ? AND key = ? AND day = ?",
                                (env, kind, key, bucharest_day(now)))
        return 0 if row is None else int(row["count"])

    def forget(self) -> None:
        """`DELETE /__admin/api-quotas`: every counter back to zero."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM api_counters")


# -- armed outcomes ------------------------------------------------------------------------------


def armed_table(name: str) -> str:
    """The CREATE statement of an API's armed-outcomes table ``name``."""
    return f"""
CREATE TABLE IF NOT EXISTS {name} (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    env        TEXT NOT NULL,
    cif        TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    errors     TEXT NOT NULL,
    remaining  INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Armed:
    """An outcome armed for the next uploads under a `cif` (`/__admin/<api>/next-outcomes`)."""

    id: int
    env: str
    cif: str
    outcome: str
    errors: tuple[str, ...]
    remaining: int

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "env": self.env, "cif": self.cif, "outcome": self.outcome,
                "errors": list(self.errors), "times": self.remaining}


def _armed(row: sqlite3.Row, remaining: int) -> Armed:
    return Armed(row["id"], row["env"], row["cif"], row["outcome"], tuple(json.loads(row["errors"])), remaining)


class ArmedOutcomes:
    """Outcomes armed for an API's next uploads, in its table ``table`` (made by `armed_table`)."""

    def __init__(self, db: Database, table: str) -> None:
        self.db = db
        self.table = table

    def arm(self, env: str, cif: str, outcome: str, errors: tuple[str, ...], times: int) -> Armed:
        with self.db.transaction() as conn:
            cur = conn.execute(f"INSERT INTO {self.table} (env, cif, outcome, errors, remaining) VALUES (?, ?, ?, ?, ?)",
                               (env, cif, outcome, json.dumps(list(errors), ensure_ascii=False), times))
            return Armed(int(cur.lastrowid or 0), env, cif, outcome, errors, times)

    def take(self, env: str, cif: str) -> Armed | None:
        """Consume one armed outcome for (env, cif), the oldest first."""
        if self.db.query_one(f"SELECT 1 FROM {self.table} LIMIT 1") is None:
            return None  # the usual case, read without taking the write lock
        with self.db.transaction() as conn:
            row = conn.execute(f"SELECT * FROM {self.table} WHERE env = ? AND cif = ? AND remaining > 0 "
                               "ORDER BY id LIMIT 1", (env, cif)).fetchone()
            if row is None:
                return None
            conn.execute(f"UPDATE {self.table} SET remaining = remaining - 1 WHERE id = ?", (row["id"],))
            conn.execute(f"DELETE FROM {self.table} WHERE remaining <= 0")
            return _armed(row, row["remaining"] - 1)

    def all(self) -> list[Armed]:
        return [_armed(r, r["remaining"]) for r in self.db.query(f"SELECT * FROM {self.table} ORDER BY id")]

    def clear(self) -> None:
        with self.db.transaction() as conn:
            conn.execute(f"DELETE FROM {self.table}")
