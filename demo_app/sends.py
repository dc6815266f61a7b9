"""The documents the demo sent through SBS (sample invoices, broken invoices, declarations) and the states it saw.

One table in the demo's database (its DDL is part of `store.SCHEMA`). A send keeps SBS's id of the invoice or
declaration, the journal marks taken before it (for the trail), and every status the result page read, so
the page can show the states as they changed. Nothing secret: no XML, no token, no key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from demo_app.api_client import ApiClient
from foundation.sqlite import Database

SENDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, scope TEXT NOT NULL, authorization_id TEXT NOT NULL,
    record_id TEXT, error TEXT, states TEXT NOT NULL DEFAULT '[]', marks TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL, started_epoch REAL NOT NULL
);
"""
KINDS = {
    "invoice": ("EFACTURA", "Sample invoice"),
    "broken": ("EFACTURA", "Broken invoice"),
    "declaration": ("ETRANSPORT", "Sample declaration"),
}


@dataclass(frozen=True)
class Send:
    """One document sent through SBS from an authorization's button."""

    id: str
    kind: str
    scope: str
    authorization_id: str
    record_id: str | None
    error: dict[str, Any] | None
    states: tuple[tuple[str, str], ...]
    marks: dict[str, int]
    created_at: float
    started_epoch: float

    @property
    def title(self) -> str:
        return KINDS[self.kind][1]


class Sends:
    """Sends in the demo's database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with self.db.transaction() as conn:
            conn.execute(SENDS_SCHEMA)

    def add(self, send: Send) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO sends (id, kind, scope, authorization_id, record_id, error, states, marks, "
                         "created_at, started_epoch) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (send.id, send.kind, send.scope, send.authorization_id, send.record_id,
                          None if send.error is None else json.dumps(send.error), json.dumps(send.states),
                          json.dumps(send.marks), send.created_at, send.started_epoch))

    def get(self, send_id: str) -> Send | None:
        row = self.db.query_one("SELECT * FROM sends WHERE id = ?", (send_id,))
        return None if row is None else _send(row)

    def recent(self, limit: int = 20) -> list[Send]:
        rows = self.db.query("SELECT * FROM sends ORDER BY started_epoch DESC LIMIT ?", (limit,))
        return [_send(r) for r in rows]

    def saw(self, send_id: str, status: str, when: str) -> tuple[tuple[str, str], ...]:
        """Add ``status`` to the states seen, unless it is the last one; the states after that."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT states FROM sends WHERE id = ?", (send_id,)).fetchone()
            states = [tuple(s) for s in json.loads(row["states"])] if row else []
            if row is not None and (not states or states[-1][1] != status):
                states.append((when, status))
                conn.execute("UPDATE sends SET states = ? WHERE id = ?", (json.dumps(states), send_id))
        return tuple((str(a), str(b)) for a, b in states)


def _send(row: Any) -> Send:
    return Send(row["id"], row["kind"], row["scope"], row["authorization_id"], row["record_id"],
                None if row["error"] is None else json.loads(row["error"]),
                tuple((str(a), str(b)) for a, b in json.loads(row["states"])), json.loads(row["marks"]),
                row["created_at"], row["started_epoch"])


@dataclass(frozen=True)
class Sending:
    """What the send and inbox pages use: the client of SBS's e-Factura and e-Transport services, and the sends."""

    api: ApiClient
    sends: Sends
