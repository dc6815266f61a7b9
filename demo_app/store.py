"""The demo's own state: flows it started (for the result pages) and `updateApp` exchanges it showed.

SQLite in `<data_dir>/demo.db` (WAL), or in memory when there is no data dir. Finishing a flow is a
compare-and-set in SQL, so a callback that arrives twice (a reload, a replay) is processed once.
Nothing secret is stored: no state, code, token or client secret (exchanges are masked before saving).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foundation.sqlite import Database, clear_tables

SCHEMA = """
CREATE TABLE IF NOT EXISTS flows (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    card TEXT NOT NULL,
    title TEXT NOT NULL,
    sent_callback TEXT,
    expect TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    request TEXT NOT NULL DEFAULT '{}',
    result TEXT NOT NULL DEFAULT '{}',
    marks TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    started_epoch REAL NOT NULL,
    finished_epoch REAL
);
CREATE TABLE IF NOT EXISTS exchanges (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    document TEXT NOT NULL,
    variables TEXT NOT NULL,
    answer TEXT NOT NULL,
    ok INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
PENDING = "pending"
FINISHED = ("done", "denied", "failed")


@dataclass(frozen=True)
class Flow:
    """One authorization flow started from a Connect card, and how it ended."""

    id: str
    scope: str
    card: str
    title: str
    sent_callback: str | None
    expect: str
    status: str
    request: dict[str, Any]
    result: dict[str, Any]
    marks: dict[str, int]
    created_at: float
    started_epoch: float
    finished_epoch: float | None


@dataclass(frozen=True)
class SavedExchange:
    """An `updateApp` call as shown to the learner: masked variables and answer."""

    id: str
    scope: str
    document: str
    variables: dict[str, Any]
    answer: dict[str, Any]
    ok: bool
    created_at: float


class Store:
    """Flows and exchanges in SQLite."""

    def __init__(self, data_dir: str | None) -> None:
        self.db = Database(None if data_dir is None else Path(data_dir) / "demo.db", SCHEMA)

    def add_flow(self, flow: Flow) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO flows (id, scope, card, title, sent_callback, expect, status, request, result, marks,"
                " created_at, started_epoch, finished_epoch) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (flow.id, flow.scope, flow.card, flow.title, flow.sent_callback, flow.expect, flow.status,
                 json.dumps(flow.request), json.dumps(flow.result), json.dumps(flow.marks), flow.created_at,
                 flow.started_epoch, flow.finished_epoch),
            )

    def finish_flow(self, flow_id: str, status: str, result: dict[str, Any], epoch: float) -> bool:
        """Record how a pending flow ended; False when it was not pending (already finished, or unknown)."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE flows SET status = ?, result = ?, finished_epoch = ? WHERE id = ? AND status = ?",
                (status, json.dumps(result), epoch, flow_id, PENDING),
            )
            return cursor.rowcount == 1

    def flow(self, flow_id: str) -> Flow | None:
        row = self.db.query_one("SELECT * FROM flows WHERE id = ?", (flow_id,))
        return None if row is None else _flow(row)

    def recent_flows(self, limit: int = 30) -> list[Flow]:
        rows = self.db.query("SELECT * FROM flows ORDER BY started_epoch DESC LIMIT ?", (limit,))
        return [_flow(row) for row in rows]

    def add_exchange(self, exchange: SavedExchange) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO exchanges (id, scope, document, variables, answer, ok, created_at) VALUES (?,?,?,?,?,?,?)",
                (exchange.id, exchange.scope, exchange.document, json.dumps(exchange.variables),
                 json.dumps(exchange.answer), int(exchange.ok), exchange.created_at),
            )

    def exchange(self, exchange_id: str) -> SavedExchange | None:
        row = self.db.query_one("SELECT * FROM exchanges WHERE id = ?", (exchange_id,))
        if row is None:
            return None
        return SavedExchange(row["id"], row["scope"], row["document"], json.loads(row["variables"]),
                             json.loads(row["answer"]), bool(row["ok"]), row["created_at"])

    def generation(self) -> int:
        """Bumped by every reset: sessions from an older generation are forgotten."""
        row = self.db.query_one("SELECT value FROM meta WHERE key = 'generation'")
        return int(row["value"]) if row else 0

    def reset(self) -> None:
        """Forget every flow and exchange, and every browser session issued so far."""
        with self.db.transaction() as conn:
            clear_tables(conn, self.db.tables(), keep=("meta",))
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE"
                " SET value = CAST(value AS INTEGER) + 1"
            )

    def close(self) -> None:
        self.db.close()


def _flow(row: Any) -> Flow:
    return Flow(
        id=row["id"], scope=row["scope"], card=row["card"], title=row["title"], sent_callback=row["sent_callback"],
        expect=row["expect"], status=row["status"], request=json.loads(row["request"]),
        result=json.loads(row["result"]), marks=json.loads(row["marks"]), created_at=row["created_at"],
        started_epoch=row["started_epoch"], finished_epoch=row["finished_epoch"],
    )
