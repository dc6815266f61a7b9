"""e-Transport's storage: accepted declarations (with their bytes, never journaled) and armed outcomes.

Everything lives in mock ANAF's database, so `/__admin/snapshot` and `/__admin/reset` cover it. An
upload is stored with its outcome already decided and the times it is revealed (`ready_at`) and
listed (`listed_at`); its index, and for a notification its new UIT, are allocated in the same
transaction. Lists read a declaration's fields back from its bytes when they need them.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from mock_anaf import xml_input
from mock_anaf.etransport import declaration as declarations
from mock_anaf.etransport.lists import Filed
from mock_anaf.processing import ArmedOutcomes, Sequences, armed_table
from foundation.sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS etransport_uploads (
    idx          INTEGER PRIMARY KEY,
    env          TEXT NOT NULL,
    cif          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    uit          TEXT,
    issued       INTEGER NOT NULL,
    carrier      TEXT,
    declarant    TEXT NOT NULL,
    reference    TEXT NOT NULL,
    client_id    TEXT,
    received_at  REAL NOT NULL,
    ready_at     REAL NOT NULL,
    listed_at    REAL NOT NULL,
    state        TEXT NOT NULL,
    errors       TEXT NOT NULL,
    list_errors  TEXT NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS etransport_uploads_cif ON etransport_uploads(env, cif);
CREATE INDEX IF NOT EXISTS etransport_uploads_uit ON etransport_uploads(env, uit);
CREATE INDEX IF NOT EXISTS etransport_uploads_carrier ON etransport_uploads(env, carrier);
CREATE UNIQUE INDEX IF NOT EXISTS etransport_issued_uits ON etransport_uploads(uit) WHERE issued = 1;
""" + armed_table("etransport_armed")


@dataclass(frozen=True)
class Upload:
    """An accepted declaration with its decided outcome (`state`: ok, nok or "XML cu erori nepreluat de sistem").

    ``errors`` are what `stareMesaj` says for `nok`; ``list_errors`` what its `lista` record says.
    """

    index: int
    env: str
    cif: str
    version: int
    kind: str
    uit: str | None
    issued: bool
    carrier: str | None
    declarant: str
    reference: str
    client_id: str | None
    received_at: float
    ready_at: float
    listed_at: float
    state: str
    errors: tuple[str, ...]
    list_errors: tuple[str, ...]
    body: bytes = field(repr=False, default=b"")

    def admin_json(self, shown_state: str) -> dict[str, Any]:
        """What `/__admin/etransport/uploads` shows: everything but the body."""
        return {"env": self.env, "index": self.index, "cif": self.cif, "version": self.version, "kind": self.kind,
                "uit": self.uit, "declarant": self.declarant, "ref_declarant": self.reference,
                "state": shown_state, "outcome": self.state, "errors": list(self.errors),
                "list_errors": list(self.list_errors), "ready_at": self.ready_at, "listed_at": self.listed_at,
                "client_id": self.client_id}


COLUMNS = ("idx, env, cif, version, kind, uit, issued, carrier, declarant, reference, client_id, received_at, "
           "ready_at, listed_at, state, errors, list_errors")


def _upload(row: sqlite3.Row, with_body: bool = False) -> Upload:
    return Upload(
        row["idx"], row["env"], row["cif"], row["version"], row["kind"], row["uit"], bool(row["issued"]),
        row["carrier"], row["declarant"], row["reference"], row["client_id"], row["received_at"], row["ready_at"],
        row["listed_at"], row["state"], tuple(json.loads(row["errors"])), tuple(json.loads(row["list_errors"])),
        bytes(row["body"]) if with_body else b"",
    )


def read_stored(body: bytes, version: int) -> declarations.Declaration:
    """A stored body read back: it passed the upload checks, so it parses."""
    return declarations.read(xml_input.parse(body), version)


class EtransportStore:
    """Uploads and armed outcomes over mock ANAF's database."""

    def __init__(self, db: Database, sequences: Sequences) -> None:
        self.db = db
        self.sequences = sequences
        self.armed = ArmedOutcomes(db, "etransport_armed")

    # -- uploads --

    def add_upload(self, upload: Upload, new_uit: Callable[[], str] | None = None) -> Upload:
        """Store an upload with the next index; a notification (``new_uit`` given) also gets a UIT no one holds."""
        with self.db.transaction() as conn:
            index = int(self.sequences.next_in(conn, "etransport_upload"))
            uit = upload.uit
            if new_uit is not None:
                uit = new_uit()
                while conn.execute("SELECT 1 FROM etransport_uploads WHERE uit = ? AND issued = 1", (uit,)).fetchone():
                    uit = new_uit()
            stored = replace(upload, index=index, uit=uit, issued=new_uit is not None)
            conn.execute(
                f"INSERT INTO etransport_uploads ({COLUMNS}, body) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.index, stored.env, stored.cif, stored.version, stored.kind, stored.uit, int(stored.issued),
                 stored.carrier, stored.declarant, stored.reference, stored.client_id, stored.received_at,
                 stored.ready_at, stored.listed_at, stored.state, _texts(stored.errors), _texts(stored.list_errors),
                 stored.body),
            )
        return stored

    def upload(self, env: str, index: int) -> Upload | None:
        row = self.db.query_one(f"SELECT {COLUMNS} FROM etransport_uploads WHERE env = ? AND idx = ?", (env, index))
        return None if row is None else _upload(row)

    def find(self, index: int, env: str | None = None) -> Upload | None:
        """An upload by index, in ``env`` or in either (the control plane may name it by index alone)."""
        row = self.db.query_one(f"SELECT {COLUMNS} FROM etransport_uploads WHERE idx = ? AND (? IS NULL OR env = ?)",
                                (index, env, env))
        return None if row is None else _upload(row)

    def uploads(self, env: str | None = None, cif: str | None = None) -> list[Upload]:
        """All uploads, oldest first, optionally of one env and/or made under one CIF."""
        sql, params = f"SELECT {COLUMNS} FROM etransport_uploads WHERE 1 = 1", []
        if env is not None:
            sql, params = sql + " AND env = ?", params + [env]
        if cif is not None:
            sql, params = sql + " AND cif = ?", params + [cif]
        return [_upload(r) for r in self.db.query(sql + " ORDER BY idx", tuple(params))]

    def replace_outcome(self, upload: Upload) -> Upload:
        """Store a forced outcome and/or reveal time."""
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE etransport_uploads SET state = ?, errors = ?, list_errors = ?, ready_at = ?, listed_at = ? "
                "WHERE idx = ?",
                (upload.state, _texts(upload.errors), _texts(upload.list_errors), upload.ready_at, upload.listed_at,
                 upload.index),
            )
        return upload

    # -- what lists read --

    def filed_about(self, env: str, uit: str) -> list[Filed]:
        """The uploads of ``env`` that issued or name ``uit``: what rule (1) reads."""
        return self._filed("env = ? AND uit = ?", (env, uit))

    def filed_under(self, env: str, cif: str) -> list[Filed]:
        """The uploads made under ``cif`` in ``env``: what `lista/{zile}/{cif}` reads."""
        return self._filed("env = ? AND cif = ?", (env, cif))

    def filed_carried_by(self, env: str, carrier: str) -> list[Filed]:
        """The uploads about UITs whose notification or correction names ``carrier`` as transport organiser."""
        return self._filed("env = ? AND uit IN (SELECT uit FROM etransport_uploads WHERE env = ? AND carrier = ?)",
                           (env, env, carrier))

    def _filed(self, where: str, params: tuple[Any, ...]) -> list[Filed]:
        rows = self.db.query("SELECT idx, cif, version, uit, state, list_errors, ready_at, listed_at, body "
                             f"FROM etransport_uploads WHERE {where} ORDER BY idx", params)
        return [Filed(row["idx"], row["cif"], row["uit"], read_stored(bytes(row["body"]), row["version"]), row["state"],
                      tuple(json.loads(row["list_errors"])), row["ready_at"], row["listed_at"]) for row in rows]


def _texts(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)
