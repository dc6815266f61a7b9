"""Mock SBS's storage: accounts, keys, apps, tenants, organizations and its own settings in SQLite.

One file `<data_dir>/sbs.db` (WAL), or a private in-memory database when there is no data dir. The same
database holds the pending requests and authorizations (``Store.authorizations``, `mock_sbs.authorization_store`)
and the invoices and declarations sent through SBS (`mock_sbs.api_records`); snapshots and resets cover them all.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from foundation.sqlite import Database

from mock_sbs.api_records import RECORDS_SCHEMA
from mock_sbs.authorization_store import AUTHORIZATIONS_SCHEMA, AuthorizationStore
from mock_sbs.model import AccessKey, AnafScope, AppRecord, ClientSecret, Organization, ServiceSettings, Tenant

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS access_keys (
    key_hash TEXT PRIMARY KEY, public_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('ACCOUNT', 'SERVICE')),
    account_id TEXT NOT NULL REFERENCES accounts(id), app_id TEXT, tenant_id TEXT,
    scope TEXT NOT NULL DEFAULT '', description TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS apps (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS app_services (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, service TEXT NOT NULL,
    client_id TEXT, client_secret TEXT, oauth_callback TEXT,
    use_test_environment INTEGER NOT NULL DEFAULT 0, use_implicit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, service));
CREATE TABLE IF NOT EXISTS additional_secrets (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE, service TEXT NOT NULL, position INTEGER NOT NULL,
    client_id TEXT NOT NULL, client_secret TEXT NOT NULL, oauth_callback TEXT NOT NULL,
    PRIMARY KEY (app_id, service, position));
CREATE TABLE IF NOT EXISTS tenants (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), name TEXT NOT NULL, tin TEXT NOT NULL,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
""" + AUTHORIZATIONS_SCHEMA + RECORDS_SCHEMA


class Store:
    """Mock SBS's data; every method is one transaction or one read."""

    def __init__(self, data_dir: str | Path | None) -> None:
        self.data_dir = None if data_dir is None else Path(data_dir)
        self.db = Database(None if self.data_dir is None else self.data_dir / "sbs.db", SCHEMA)
        self.authorizations = AuthorizationStore(self.db)

    # --- keys and accounts -------------------------------------------------------------------------------

    def ensure_account_key(self, key_hash: str, account_id: str, public_key: str, now: float) -> str:
        """The account whose access key has this hash, created with ``account_id`` if there is none."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT account_id FROM access_keys WHERE key_hash = ?", (key_hash,)).fetchone()
            if row is not None:
                return str(row["account_id"])
            conn.execute("INSERT INTO accounts (id, created_at) VALUES (?, ?)", (account_id, now))
            conn.execute("INSERT INTO access_keys (key_hash, public_key, kind, account_id, created_at) "
                         "VALUES (?, ?, 'ACCOUNT', ?, ?)", (key_hash, public_key, account_id, now))
            return account_id

    def find_key(self, key_hash: str) -> AccessKey | None:
        """The key whose hash this is, or None."""
        row = self.db.query_one("SELECT * FROM access_keys WHERE key_hash = ?", (key_hash,))
        if row is None:
            return None
        return AccessKey(row["public_key"], row["kind"], row["account_id"], row["app_id"], row["tenant_id"],
                         row["scope"], row["description"])

    def add_service_key(self, key_hash: str, key: AccessKey, now: float) -> None:
        """Keep a new service access key (its hash only)."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO access_keys (key_hash, public_key, kind, account_id, app_id, tenant_id, scope, "
                "description, created_at) VALUES (?, ?, 'SERVICE', ?, ?, ?, ?, ?, ?)",
                (key_hash, key.public_key, key.account_id, key.app_id, key.tenant_id, key.scope, key.description, now),
            )

    # --- apps ----------------------------------------------------------------------------------------------

    def add_app(self, app: AppRecord) -> None:
        """Keep a new app."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO apps (id, account_id, name, active, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (app.id, app.account_id, app.name, int(app.active), app.created_at, app.created_at))

    def get_app(self, app_id: str, account_id: str | None = None) -> AppRecord | None:
        """An app with its settings, optionally only if it belongs to ``account_id``."""
        row = self.db.query_one("SELECT * FROM apps WHERE id = ?", (app_id,))
        if row is None or (account_id is not None and row["account_id"] != account_id):
            return None
        return self._app(row)

    def app_is_active(self, app_id: str) -> bool:
        """Whether the app exists and is active (checked on every service-key call)."""
        row = self.db.query_one("SELECT active FROM apps WHERE id = ?", (app_id,))
        return bool(row and row["active"])

    def list_apps(self, account_id: str) -> list[AppRecord]:
        """An account's apps, oldest first."""
        rows = self.db.query("SELECT * FROM apps WHERE account_id = ? ORDER BY created_at, id", (account_id,))
        return [self._app(row) for row in rows]

    def update_app(self, app_id: str, account_id: str, change: Callable[[AppRecord], AppRecord],
                   now: float) -> AppRecord | None:
        """Read an app of ``account_id``, ``change`` it and write it back in one transaction (None if unknown).

        Two updates of different fields at once must both land: the second reads what the first wrote.
        If ``change`` raises, nothing is written.
        """
        with self.db.transaction() as conn:
            app = self.get_app(app_id, account_id)
            if app is None:
                return None
            updated = change(app)
            self._write_app(conn, updated, now)
        return updated

    def _write_app(self, conn: sqlite3.Connection, app: AppRecord, now: float) -> None:
        conn.execute("UPDATE apps SET name = ?, active = ?, updated_at = ? WHERE id = ?",
                     (app.name, int(app.active), now, app.id))
        conn.execute("DELETE FROM app_services WHERE app_id = ?", (app.id,))
        conn.execute("DELETE FROM additional_secrets WHERE app_id = ?", (app.id,))
        for service, settings in app.services.items():
            main = settings.main
            conn.execute(
                "INSERT INTO app_services VALUES (?, ?, ?, ?, ?, ?, ?)",
                (app.id, service.value, main and main.client_id, main and main.client_secret,
                 main and main.oauth_callback, int(settings.use_test_environment), int(settings.use_implicit)),
            )
            conn.executemany(
                "INSERT INTO additional_secrets VALUES (?, ?, ?, ?, ?, ?)",
                [(app.id, service.value, i, s.client_id, s.client_secret, s.oauth_callback)
                 for i, s in enumerate(settings.additional)],
            )

    def _app(self, row: sqlite3.Row) -> AppRecord:
        services: dict[AnafScope, ServiceSettings] = {}
        extras: dict[str, list[ClientSecret]] = {}
        for extra in self.db.query("SELECT * FROM additional_secrets WHERE app_id = ? ORDER BY service, position",
                                   (row["id"],)):
            extras.setdefault(extra["service"], []).append(
                ClientSecret(extra["client_id"], extra["client_secret"], extra["oauth_callback"]))
        for svc in self.db.query("SELECT * FROM app_services WHERE app_id = ?", (row["id"],)):
            main = None
            if svc["client_id"] is not None:
                main = ClientSecret(svc["client_id"], svc["client_secret"], svc["oauth_callback"])
            services[AnafScope(svc["service"])] = ServiceSettings(
                main, tuple(extras.get(svc["service"], ())), bool(svc["use_test_environment"]),
                bool(svc["use_implicit"]))
        return AppRecord(row["id"], row["account_id"], row["name"], bool(row["active"]), row["created_at"], services)

    # --- tenants and organizations -------------------------------------------------------------------------

    def add_tenant(self, tenant: Tenant) -> None:
        """Keep a new tenant."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO tenants VALUES (?, ?, ?, ?)",
                         (tenant.id, tenant.account_id, tenant.name, tenant.created_at))

    def get_tenant(self, tenant_id: str, account_id: str) -> Tenant | None:
        """A tenant of ``account_id``, or None."""
        row = self.db.query_one("SELECT * FROM tenants WHERE id = ? AND account_id = ?", (tenant_id, account_id))
        return None if row is None else Tenant(row["id"], row["account_id"], row["name"], row["created_at"])

    def list_tenants(self, account_id: str) -> list[Tenant]:
        """An account's tenants, oldest first."""
        rows = self.db.query("SELECT * FROM tenants WHERE account_id = ? ORDER BY created_at, id", (account_id,))
        return [Tenant(r["id"], r["account_id"], r["name"], r["created_at"]) for r in rows]

    def add_organization(self, org: Organization) -> None:
        """Keep a new organization."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO organizations VALUES (?, ?, ?, ?, ?)",
                         (org.id, org.tenant_id, org.name, org.tin, org.created_at))

    def get_organization(self, org_id: str, tenant_id: str) -> Organization | None:
        """An organization of ``tenant_id``, or None."""
        row = self.db.query_one("SELECT * FROM organizations WHERE id = ? AND tenant_id = ?", (org_id, tenant_id))
        return None if row is None else Organization(*tuple(row))

    def list_organizations(self, tenant_id: str) -> list[Organization]:
        """A tenant's organizations, oldest first."""
        rows = self.db.query("SELECT * FROM organizations WHERE tenant_id = ? ORDER BY created_at, id", (tenant_id,))
        return [Organization(*tuple(r)) for r in rows]

    # --- settings, snapshots ---------------------------------------------------------------------------------

    def get_setting(self, name: str) -> str | None:
        """A value SBS keeps for itself (e.g. its registered implicit app)."""
        row = self.db.query_one("SELECT value FROM settings WHERE name = ?", (name,))
        return None if row is None else str(row["value"])

    def set_setting(self, name: str, value: str) -> None:
        """Keep a value for SBS itself."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO settings VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                         (name, value))

    @property
    def baseline_path(self) -> Path | None:
        """Where the reset baseline lives when there is a data dir."""
        return None if self.data_dir is None else self.data_dir / "sbs.baseline.db"

    def snapshot(self) -> None:
        """Make the current data the baseline `reset()` returns to (kept on disk when there is a data dir)."""
        self.db.take_baseline(self.baseline_path)

    def reset(self) -> bool:
        """Back to the baseline; False when there is none (the caller then starts from an empty database)."""
        if self.db.restore_baseline(self.baseline_path):
            return True
        self.db.wipe()
        return False

    def close(self) -> None:
        """Close the database."""
        self.db.close()
