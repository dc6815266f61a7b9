"""e-Factura's storage: uploads (with their bytes, never journaled), list messages and armed outcomes.

Everything lives in mock ANAF's database, so `/__admin/snapshot` and `/__admin/reset` cover it. An
upload is stored with its outcome already decided and the times it is revealed (`ready_at`) and
listed (`listed_at`); one insert per upload, index and download id allocated in the same transaction.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from foundation.sqlite import Database
from mock_anaf.processing import ArmedOutcomes, Sequences, armed_table

SCHEMA = """
CREATE TABLE IF NOT EXISTS efactura_uploads (
    idx          TEXT PRIMARY KEY,
    env          TEXT NOT NULL,
    cif          TEXT NOT NULL,
    standard     TEXT NOT NULL,
    flags        TEXT NOT NULL,
    serial       TEXT NOT NULL,
    client_id    TEXT,
    seller       TEXT,
    buyer        TEXT,
    number       TEXT,
    issue_date   TEXT,
    target       TEXT,
    received_at  REAL NOT NULL,
    ready_at     REAL NOT NULL,
    listed_at    REAL NOT NULL,
    state        TEXT NOT NULL,
    errors       TEXT NOT NULL,
    owner        TEXT,
    download_id  TEXT UNIQUE,
    body         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS efactura_uploads_invoice ON efactura_uploads(env, seller, number, issue_date);
CREATE INDEX IF NOT EXISTS efactura_uploads_env_cif ON efactura_uploads(env, cif);
CREATE TABLE IF NOT EXISTS efactura_messages (
    download_id  TEXT NOT NULL,
    env          TEXT NOT NULL,
    owner        TEXT NOT NULL,
    tip          TEXT NOT NULL,
    detalii      TEXT NOT NULL,
    idx          TEXT NOT NULL,
    listed_at    REAL NOT NULL,
    PRIMARY KEY (download_id, owner, tip)
);
CREATE INDEX IF NOT EXISTS efactura_messages_owner ON efactura_messages(env, owner, listed_at);
""" + armed_table("efactura_armed")


@dataclass(frozen=True)
class Message:
    """One list entry: who sees it (`owner`), its `tip` and `detalii`."""

    owner: str
    tip: str
    detalii: str


@dataclass(frozen=True)
class Upload:
    """An accepted upload with its decided outcome (`state`: ok, nok or "XML cu erori nepreluat de sistem")."""

    index: str
    env: str
    cif: str
    standard: str
    flags: tuple[str, ...]
    serial: str
    client_id: str | None
    seller: str | None
    buyer: str | None
    number: str | None
    issue_date: str | None
    target: str | None
    received_at: float
    ready_at: float
    listed_at: float
    state: str
    errors: tuple[str, ...]
    owner: str | None
    download_id: str | None
    body: bytes = field(repr=False, default=b"")

    def admin_json(self, shown_state: str) -> dict[str, Any]:
        """What `/__admin/efactura/uploads` shows: everything but the body."""
        return {"env": self.env, "index": self.index, "cif": self.cif, "standard": self.standard,
                "flags": list(self.flags), "state": shown_state, "outcome": self.state, "errors": list(self.errors),
                "ready_at": self.ready_at, "listed_at": self.listed_at, "id_descarcare": self.download_id,
                "seller": self.seller, "buyer": self.buyer, "owner": self.owner, "number": self.number,
                "issue_date": self.issue_date, "client_id": self.client_id}


def has_download(upload: Upload) -> bool:
    """`ok` and `nok` have a download; "XML cu erori nepreluat de sistem" has none (§6.4)."""
    return upload.state in ("ok", "nok")


MessageBuilder = Callable[[Upload], Iterable[Message]]
UPLOAD_COLUMNS = ("idx, env, cif, standard, flags, serial, client_id, seller, buyer, number, issue_date, target, "
                  "received_at, ready_at, listed_at, state, errors, owner, download_id")


def _upload(row: sqlite3.Row, with_body: bool = False) -> Upload:
    return Upload(
        row["idx"], row["env"], row["cif"], row["standard"], tuple(json.loads(row["flags"])), row["serial"],
        row["client_id"], row["seller"], row["buyer"], row["number"], row["issue_date"], row["target"],
        row["received_at"], row["ready_at"], row["listed_at"], row["state"], tuple(json.loads(row["errors"])),
        row["owner"], row["download_id"], bytes(row["body"]) if with_body else b"",
    )


class EfacturaStore:
    """Uploads, messages and armed outcomes over mock ANAF's database."""

    def __init__(self, db: Database, sequences: Sequences) -> None:
        self.db = db
        self.sequences = sequences
        self.armed = ArmedOutcomes(db, "efactura_armed")

    # -- uploads --

    def add_uploads(self, uploads: Iterable[Upload], messages: MessageBuilder) -> list[Upload]:
        """Store uploads in one transaction: each gets its index and, unless its state is "XML cu erori…",
        a download id; ``messages`` builds its list entries once the ids are known."""
        stored_all = []
        with self.db.transaction() as conn:
            for upload in uploads:
                index = self.sequences.next_in(conn, "efactura_upload")
                download_id = self.sequences.next_in(conn, "efactura_download") if has_download(upload) else None
                stored = replace(upload, index=index, download_id=download_id)
                self._insert(conn, stored)
                self._insert_messages(conn, stored, messages(stored))
                stored_all.append(stored)
        return stored_all

    @staticmethod
    def _insert(conn: sqlite3.Connection, u: Upload) -> None:
        conn.execute(
            f"INSERT INTO efactura_uploads ({UPLOAD_COLUMNS}, body) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (u.index, u.env, u.cif, u.standard, json.dumps(list(u.flags)), u.serial, u.client_id, u.seller, u.buyer,
             u.number, u.issue_date, u.target, u.received_at, u.ready_at, u.listed_at, u.state,
             json.dumps(list(u.errors), ensure_ascii=False), u.owner, u.download_id, u.body),
        )

    @staticmethod
    def _insert_messages(conn: sqlite3.Connection, u: Upload, messages: Iterable[Message]) -> None:
        if u.download_id is None:
            return
        conn.executemany(
            "INSERT OR IGNORE INTO efactura_messages (download_id, env, owner, tip, detalii, idx, listed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(u.download_id, u.env, m.owner, m.tip, m.detalii, u.index, u.listed_at) for m in messages],
        )

    def upload(self, env: str, index: str, with_body: bool = False) -> Upload | None:
        columns = UPLOAD_COLUMNS + (", body" if with_body else "")
        row = self.db.query_one(f"SELECT {columns} FROM efactura_uploads WHERE env = ? AND idx = ?", (env, index))
        return None if row is None else _upload(row, with_body)

    def by_download(self, env: str, download_id: str) -> Upload | None:
        row = self.db.query_one(f"SELECT {UPLOAD_COLUMNS}, body FROM efactura_uploads "
                                "WHERE env = ? AND download_id = ?",
                                (env, download_id))
        return None if row is None else _upload(row, with_body=True)

    def uploads(self, env: str | None = None, cif: str | None = None) -> list[Upload]:
        sql, params = f"SELECT {UPLOAD_COLUMNS} FROM efactura_uploads WHERE 1 = 1", []
        if env is not None:
            sql, params = sql + " AND env = ?", params + [env]
        if cif is not None:
            sql, params = sql + " AND (cif = ? OR seller = ? OR buyer = ?)", params + [cif, cif, cif]
        return [_upload(r) for r in self.db.query(sql + " ORDER BY idx", tuple(params))]

    def earlier_ok(self, env: str, seller: str, number: str, issue_date: str) -> Upload | None:
        """The first upload of this invoice (seller, BT-1, BT-2) in ``env`` that ended ok."""
        row = self.db.query_one(
            f"SELECT {UPLOAD_COLUMNS} FROM efactura_uploads WHERE env = ? AND seller = ? AND number = ? "
            "AND issue_date = ? AND state = 'ok' ORDER BY idx LIMIT 1", (env, seller, number, issue_date))
        return None if row is None else _upload(row)

    def owners(self, env: str, download_id: str) -> list[str]:
        rows = self.db.query("SELECT DISTINCT owner FROM efactura_messages WHERE env = ? AND download_id = ?",
                             (env, download_id))
        return [r["owner"] for r in rows]

    def replace_outcome(self, upload: Upload, messages: MessageBuilder) -> Upload:
        """Store a forced outcome and/or reveal time; the messages are rebuilt to match."""
        with self.db.transaction() as conn:
            download_id = upload.download_id
            if has_download(upload) and download_id is None:
                download_id = self.sequences.next_in(conn, "efactura_download")
            if not has_download(upload):
                download_id = None
            stored = replace(upload, download_id=download_id)
            conn.execute(
                "UPDATE efactura_uploads SET state = ?, errors = ?, owner = ?, ready_at = ?, listed_at = ?, "
                "download_id = ? WHERE idx = ?",
                (stored.state, json.dumps(list(stored.errors), ensure_ascii=False), stored.owner, stored.ready_at,
                 stored.listed_at, stored.download_id, stored.index),
            )
            conn.execute("DELETE FROM efactura_messages WHERE idx = ?", (stored.index,))
            self._insert_messages(conn, stored, messages(stored))
        return stored

    # -- messages --

    def messages(self, env: str, owner: str, since: float, until: float, tips: tuple[str, ...] | None,
                 limit: int | None = None, offset: int = 0) -> list[sqlite3.Row]:
        """Messages of ``owner`` with `data_creare` in [since, until], newest first, then the higher id."""
        where, params = _messages_where(env, owner, since, until, tips)
        sql = f"SELECT download_id, owner, idx, detalii, tip, listed_at FROM efactura_messages WHERE {where}"
        sql += " ORDER BY listed_at DESC, CAST(download_id AS INTEGER) DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend([limit, offset])
        return self.db.query(sql, tuple(params))

    def count_messages(self, env: str, owner: str, since: float, until: float, tips: tuple[str, ...] | None) -> int:
        where, params = _messages_where(env, owner, since, until, tips)
        row = self.db.query_one(f"SELECT COUNT(*) AS n FROM efactura_messages WHERE {where}", tuple(params))
        return 0 if row is None else int(row["n"])


def _messages_where(env: str, owner: str, since: float, until: float,
                    tips: tuple[str, ...] | None) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of ``owner``'s messages listed in [since, until], of ``tips`` if given."""
    where = "env = ? AND owner = ? AND listed_at >= ? AND listed_at <= ?"
    params: list[Any] = [env, owner, since, until]
    if tips is not None:
        where += f" AND tip IN ({', '.join('?' for _ in tips)})"
        params.extend(tips)
    return where, params
