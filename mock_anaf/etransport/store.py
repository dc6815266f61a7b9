"""e-Transport's uploads in SQLite: one row per accepted declaration, its outcome decided on arrival.

The tables live in mock ANAF's one database (so one snapshot and one reset cover them). A row keeps
the body as sent; lists read a declaration's fields back from it when they need them. The outcome is
stored at upload and only revealed once the service clock reaches `ready_at` (SPEC-ANAF-API §6.4, §7.2).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable

from mock_anaf import xml_input
from mock_anaf.etransport import declaration as declarations
from mock_anaf.etransport.lists import Filed

SCHEMA = """
CREATE TABLE IF NOT EXISTS etransport_uploads (
    idx           INTEGER PRIMARY KEY,
    env           TEXT NOT NULL,
    cif           TEXT NOT NULL,
    version       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    uit           TEXT,
    issued        INTEGER NOT NULL,
    carrier       TEXT,
    declarant     TEXT NOT NULL,
    reference     TEXT NOT NULL,
    body          BLOB NOT NULL,
    outcome       TEXT NOT NULL,
    errors        TEXT NOT NULL,
    list_message  TEXT,
    forced        INTEGER NOT NULL DEFAULT 0,
    received_at   REAL NOT NULL,
    ready_at      REAL NOT NULL,
    listed_at     REAL NOT NULL,
    client_id     TEXT
);
CREATE INDEX IF NOT EXISTS etransport_uploads_cif ON etransport_uploads(env, cif);
CREATE INDEX IF NOT EXISTS etransport_uploads_uit ON etransport_uploads(env, uit);
CREATE UNIQUE INDEX IF NOT EXISTS etransport_issued_uits ON etransport_uploads(uit) WHERE issued = 1;
CREATE TABLE IF NOT EXISTS etransport_next_outcomes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    env       TEXT NOT NULL,
    cif       TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    errors    TEXT NOT NULL,
    remaining INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Upload:
    """One accepted upload, as the database holds it (the body aside)."""

    index: int
    env: str
    cif: str
    version: int
    kind: str
    uit: str | None
    issued: bool
    declarant: str
    reference: str
    outcome: str
    errors: tuple[str, ...]
    list_message: str | None
    forced: bool
    received_at: float
    ready_at: float
    listed_at: float
    client_id: str | None

    def admin_json(self, state: str) -> dict[str, Any]:
        """What `GET /__admin/etransport/uploads` shows: everything but the body."""
        return {"env": self.env, "index": self.index, "cif": self.cif, "version": self.version, "kind": self.kind,
                "uit": self.uit, "declarant": self.declarant, "ref_declarant": self.reference, "state": state,
                "outcome": self.outcome, "errors": list(self.errors), "forced": self.forced,
                "received_at": self.received_at, "ready_at": self.ready_at, "listed_at": self.listed_at}


@dataclass(frozen=True)
class NewUpload:
    """What the upload route hands the store once a declaration is accepted and its outcome decided."""

    env: str
    cif: str
    declaration: declarations.Declaration
    uit: str | None
    issued: bool
    body: bytes
    outcome: str
    errors: tuple[str, ...]
    list_message: str | None
    forced: bool
    received_at: float
    ready_at: float
    listed_at: float
    client_id: str | None


_COLUMNS = ("idx, env, cif, version, kind, uit, issued, declarant, reference, outcome, errors, list_message, forced, "
            "received_at, ready_at, listed_at, client_id")


def _upload(row: sqlite3.Row) -> Upload:
    return Upload(row["idx"], row["env"], row["cif"], row["version"], row["kind"], row["uit"], bool(row["issued"]),
                  row["declarant"], row["reference"], row["outcome"], tuple(json.loads(row["errors"])),
                  row["list_message"], bool(row["forced"]), row["received_at"], row["ready_at"], row["listed_at"],
                  row["client_id"])


def insert(conn: sqlite3.Connection, index: int, new: NewUpload) -> None:
    """Store an accepted upload under ``index``, inside the caller's transaction.

    Raises sqlite3.IntegrityError when a newly issued UIT already exists (the caller draws another).
    """
    transport = new.declaration.transport
    conn.execute(
        f"INSERT INTO etransport_uploads ({_COLUMNS}, carrier, body) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (index, new.env, new.cif, new.declaration.version, new.declaration.kind, new.uit, int(new.issued),
         new.declaration.cod_declarant, new.declaration.ref_declarant, new.outcome, json.dumps(list(new.errors)),
         new.list_message, int(new.forced), new.received_at, new.ready_at, new.listed_at, new.client_id,
         None if transport is None else transport.tr_cod, new.body),
    )


class ETransportStore:
    """Reads and the few changes the control plane may make, over mock ANAF's database."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def get(self, env: str, index: int) -> Upload | None:
        row = self.db.query_one(f"SELECT {_COLUMNS} FROM etransport_uploads WHERE env = ? AND idx = ?", (env, index))
        return None if row is None else _upload(row)

    def find(self, index: int) -> Upload | None:
        """An upload by index in either env (the control plane names uploads by index only)."""
        row = self.db.query_one(f"SELECT {_COLUMNS} FROM etransport_uploads WHERE idx = ?", (index,))
        return None if row is None else _upload(row)

    def uploads(self, env: str | None = None, cif: str | None = None) -> list[Upload]:
        """All uploads, oldest first, optionally of one env and/or CIF."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM etransport_uploads WHERE (:env IS NULL OR env = :env) "
            "AND (:cif IS NULL OR cif = :cif) ORDER BY idx", {"env": env, "cif": cif})
        return [_upload(row) for row in rows]

    def filed_about(self, env: str, uit: str) -> list[Filed]:
        """The uploads of ``env`` that issued or name ``uit``: enough for rule (1)."""
        return self._filed("env = ? AND uit = ?", (env, uit))

    def filed_for(self, env: str, cif: str) -> list[Filed]:
        """The uploads made under ``cif`` in ``env``: what `lista/{zile}/{cif}` reads."""
        return self._filed("env = ? AND cif = ?", (env, cif))

    def filed_carried_by(self, env: str, carrier: str) -> list[Filed]:
        """The uploads about UITs whose notification or correction names ``carrier`` as transport organiser."""
        return self._filed("env = ? AND uit IN (SELECT uit FROM etransport_uploads WHERE env = ? AND carrier = ?)",
                           (env, env, carrier))

    def _filed(self, where: str, params: tuple[Any, ...]) -> list[Filed]:
        rows = self.db.query(f"SELECT idx, cif, version, uit, body, outcome, list_message, ready_at, listed_at "
                             f"FROM etransport_uploads WHERE {where} ORDER BY idx", params)
        return [Filed(row["idx"], row["cif"], row["uit"], read_stored(row["body"], row["version"]), row["outcome"],
                      row["list_message"], row["ready_at"], row["listed_at"]) for row in rows]

    def force(self, index: int, outcome: str | None, errors: Iterable[str] | None, list_message: str | None,
              ready_at: float | None, listed_at: float | None, now: float) -> Upload | None:
        """Change a pending upload's outcome and/or timing; None when it is unknown or already revealed."""
        with self.db.transaction() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM etransport_uploads WHERE idx = ?", (index,)).fetchone()
            if row is None or row["ready_at"] <= now:
                return None
            current = _upload(row)
            conn.execute(
                "UPDATE etransport_uploads SET outcome = ?, errors = ?, list_message = ?, forced = ?, ready_at = ?, "
                "listed_at = ? WHERE idx = ?",
                (outcome or current.outcome, json.dumps(list(current.errors if errors is None else errors)),
                 current.list_message if outcome is None else list_message, int(current.forced or outcome is not None),
                 current.ready_at if ready_at is None else ready_at,
                 current.listed_at if listed_at is None else listed_at, index))
            updated = conn.execute(f"SELECT {_COLUMNS} FROM etransport_uploads WHERE idx = ?", (index,)).fetchone()
            return _upload(updated)


def read_stored(body: bytes, version: int) -> declarations.Declaration:
    """A stored body read back: it passed the upload checks, so it parses."""
    return declarations.read(xml_input.parse(body), version)
