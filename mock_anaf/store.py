"""Mock ANAF's storage: developers, OAuth apps, identities, codes and tokens in SQLite.

Only hashes of client secrets, codes and tokens are stored. The single-use steps (redeeming a
code, rotating a refresh token) are one conditional UPDATE inside a transaction, so two
concurrent redemptions cannot both win.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from foundation.sqlite import Database

from mock_anaf.records import AppRecord, CodeRecord, Identity, TokenRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS developers (
    email       TEXT PRIMARY KEY,
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS apps (
    client_id   TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    name        TEXT NOT NULL,
    developer   TEXT NOT NULL REFERENCES developers(email),
    callbacks   TEXT NOT NULL,
    services    TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS identities (
    serial      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    cifs        TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (
    hash         TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES apps(client_id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    serial       TEXT NOT NULL,
    cifs         TEXT NOT NULL,
    want_jwt     INTEGER NOT NULL,
    grant_id     TEXT NOT NULL,
    expires_at   REAL NOT NULL,
    used_at      REAL
);
CREATE INDEX IF NOT EXISTS codes_expiry ON codes(expires_at);
CREATE TABLE IF NOT EXISTS tokens (
    hash        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id   TEXT NOT NULL REFERENCES apps(client_id) ON DELETE CASCADE,
    grant_id    TEXT NOT NULL,
    serial      TEXT NOT NULL,
    cifs        TEXT NOT NULL,
    is_jwt      INTEGER NOT NULL,
    issued_at   REAL NOT NULL,
    expires_at  REAL NOT NULL,
    revoked_at  REAL,
    roles       TEXT
);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens(grant_id);
"""

# Codes are kept a while after expiry so a late replay is still recognised as one.
CODE_RETENTION = 3600


def _app(row: sqlite3.Row) -> AppRecord:
    return AppRecord(
        row["client_id"], row["secret_hash"], row["name"], row["developer"],
        tuple(json.loads(row["callbacks"])), tuple(json.loads(row["services"])),
        row["created_at"], row["updated_at"],
    )


def _code(row: sqlite3.Row) -> CodeRecord:
    return CodeRecord(
        row["hash"], row["client_id"], row["redirect_uri"], row["serial"], tuple(json.loads(row["cifs"])),
        bool(row["want_jwt"]), row["grant_id"], row["expires_at"], row["used_at"],
    )


def _token(row: sqlite3.Row) -> TokenRecord:
    return TokenRecord(
        row["hash"], row["kind"], row["client_id"], row["grant_id"], row["serial"], tuple(json.loads(row["cifs"])),
        bool(row["is_jwt"]), row["issued_at"], row["expires_at"], row["revoked_at"],
        None if row["roles"] is None else tuple(json.loads(row["roles"])),
    )


class Store:
    """All of mock ANAF's state, behind one serialized SQLite connection."""

    def __init__(self, path: Path | None, extra_schema: str = "") -> None:
        # ``extra_schema``: the tables of the APIs (e-Factura, e-Transport) live in the same database, so
        # one snapshot and one reset cover them.
        self.db = Database(path, SCHEMA + extra_schema)
        self._migrate()

    def _migrate(self) -> None:
        """Bring a database (or a baseline) written by an older version up to this schema."""
        columns = {row["name"] for row in self.db.query("PRAGMA table_info(tokens)")}
        if "roles" not in columns:
            with self.db.transaction() as conn:
                conn.execute("ALTER TABLE tokens ADD COLUMN roles TEXT")

    # -- developers and apps --

    def ensure_developer(self, email: str, now: float) -> bool:
        """Create the developer account if missing; True when it was created."""
        with self.db.transaction() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO developers (email, created_at) VALUES (?, ?)", (email, now))
            return cur.rowcount == 1

    def developer_exists(self, email: str) -> bool:
        return self.db.query_one("SELECT 1 FROM developers WHERE email = ?", (email,)) is not None

    def add_app(self, app: AppRecord) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO developers (email, created_at) VALUES (?, ?)",
                         (app.developer, app.created_at))
            conn.execute(
                "INSERT INTO apps (client_id, secret_hash, name, developer, callbacks, services, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (app.client_id, app.secret_hash, app.name, app.developer, json.dumps(list(app.callbacks)),
                 json.dumps(list(app.services)), app.created_at, app.updated_at),
            )

    def get_app(self, client_id: str) -> AppRecord | None:
        row = self.db.query_one("SELECT * FROM apps WHERE client_id = ?", (client_id,))
        return None if row is None else _app(row)

    def list_apps(self, developer: str | None = None) -> list[AppRecord]:
        if developer is None:
            rows = self.db.query("SELECT * FROM apps ORDER BY created_at, rowid")
        else:
            rows = self.db.query("SELECT * FROM apps WHERE developer = ? ORDER BY created_at, rowid", (developer,))
        return [_app(r) for r in rows]

    def update_app(
        self,
        client_id: str,
        now: float,
        name: str | None = None,
        callbacks: Sequence[str] | None = None,
        services: Sequence[str] | None = None,
    ) -> AppRecord | None:
        """Change the given fields only; None when the app does not exist."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT * FROM apps WHERE client_id = ?", (client_id,)).fetchone()
            if row is None:
                return None
            current = _app(row)
            conn.execute(
                "UPDATE apps SET name = ?, callbacks = ?, services = ?, updated_at = ? WHERE client_id = ?",
                (current.name if name is None else name,
                 json.dumps(list(current.callbacks if callbacks is None else callbacks)),
                 json.dumps(list(current.services if services is None else services)),
                 now, client_id),
            )
            return _app(conn.execute("SELECT * FROM apps WHERE client_id = ?", (client_id,)).fetchone())

    def delete_app(self, client_id: str) -> bool:
        """Remove the app with its codes and tokens ("Renunțare OAuth"); False when unknown."""
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM apps WHERE client_id = ?", (client_id,)).rowcount == 1

    # -- identities --

    def list_identities(self) -> list[Identity]:
        rows = self.db.query("SELECT * FROM identities ORDER BY created_at, rowid")
        return [Identity(r["serial"], r["name"], tuple(json.loads(r["cifs"]))) for r in rows]

    def get_identity(self, serial: str) -> Identity | None:
        r = self.db.query_one("SELECT * FROM identities WHERE serial = ?", (serial,))
        return None if r is None else Identity(r["serial"], r["name"], tuple(json.loads(r["cifs"])))

    def add_identity(self, identity: Identity, now: float) -> bool:
        """Add a certificate; False when the serial is taken."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO identities (serial, name, cifs, created_at) VALUES (?, ?, ?, ?)",
                (identity.serial, identity.name, json.dumps(list(identity.cifs)), now),
            )
            return cur.rowcount == 1

    def update_identity(self, serial: str, name: str | None, cifs: Sequence[str] | None) -> Identity | None:
        """Change the holder's name and/or CIFs; None when the serial is unknown."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT * FROM identities WHERE serial = ?", (serial,)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE identities SET name = ?, cifs = ? WHERE serial = ?",
                         (row["name"] if name is None else name,
                          row["cifs"] if cifs is None else json.dumps(list(cifs)), serial))
        return self.get_identity(serial)

    def identity_count(self) -> int:
        row = self.db.query_one("SELECT COUNT(*) AS n FROM identities")
        return 0 if row is None else int(row["n"])

    # -- codes and tokens --

    def add_code(self, code: CodeRecord, now: float) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM codes WHERE expires_at < ?", (now - CODE_RETENTION,))
            conn.execute(
                "INSERT INTO codes (hash, client_id, redirect_uri, serial, cifs, want_jwt, grant_id, expires_at,"
                " used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (code.hash, code.client_id, code.redirect_uri, code.serial, json.dumps(list(code.cifs)),
                 int(code.want_jwt), code.grant_id, code.expires_at),
            )

    def find_code(self, code_hash: str) -> CodeRecord | None:
        row = self.db.query_one("SELECT * FROM codes WHERE hash = ?", (code_hash,))
        return None if row is None else _code(row)

    def redeem_code(self, code_hash: str, now: float, tokens: Iterable[TokenRecord]) -> bool:
        """Mark the code used and store its tokens, only if nobody used it before (compare-and-set)."""
        with self.db.transaction() as conn:
            cur = conn.execute("UPDATE codes SET used_at = ? WHERE hash = ? AND used_at IS NULL", (now, code_hash))
            if cur.rowcount != 1:
                return False
            self._insert_tokens(conn, tokens)
            return True

    def find_token(self, token_hash: str) -> TokenRecord | None:
        row = self.db.query_one("SELECT * FROM tokens WHERE hash = ?", (token_hash,))
        return None if row is None else _token(row)

    def rotate_refresh(self, old_hash: str, now: float, tokens: Iterable[TokenRecord]) -> bool:
        """Retire a refresh token and store its successors, only if it was still live (compare-and-set)."""
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE hash = ? AND kind = 'refresh' AND revoked_at IS NULL",
                (now, old_hash),
            )
            if cur.rowcount != 1:
                return False
            self._insert_tokens(conn, tokens)
            return True

    def revoke_token(self, token_hash: str, now: float) -> int:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL", (now, token_hash)
            ).rowcount

    def revoke_grant(self, grant_id: str, now: float) -> int:
        """Revoke every token descended from one authorization; the number revoked."""
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL", (now, grant_id)
            ).rowcount

    @staticmethod
    def _insert_tokens(conn: sqlite3.Connection, tokens: Iterable[TokenRecord]) -> None:
        conn.executemany(
            "INSERT INTO tokens (hash, kind, client_id, grant_id, serial, cifs, is_jwt, issued_at, expires_at,"
            " revoked_at, roles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [(t.hash, t.kind, t.client_id, t.grant_id, t.serial, json.dumps(list(t.cifs)), int(t.is_jwt),
              t.issued_at, t.expires_at, None if t.roles is None else json.dumps(list(t.roles))) for t in tokens],
        )

    # -- whole-state operations for the control plane --

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (tests use it to assert that nothing changed)."""
        out = {}
        for table in self.db.tables():
            row = self.db.query_one(f"SELECT COUNT(*) AS n FROM {table}")  # noqa: S608 - names read from sqlite_master
            out[table] = 0 if row is None else int(row["n"])
        return out

    def take_baseline(self, path: Path | None) -> None:
        """Remember the whole state as the baseline: in ``path`` (survives restarts) or in memory."""
        self.db.take_baseline(path)

    def restore_baseline(self, path: Path | None) -> bool:
        """Go back to the baseline; False when none was taken."""
        restored = self.db.restore_baseline(path)
        if restored:
            self._migrate()
        return restored

    def wipe(self) -> None:
        """Every table emptied: the state of a fresh database."""
        self.db.wipe()

    def close(self) -> None:
        self.db.close()
