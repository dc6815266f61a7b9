"""Mock SBS's pending authorization requests and the authorizations they give (SPEC §3.3), in its one database.

The RO ANAF OAuth service's part of the store; the rest (accounts, keys, apps, tenants, organizations) is
`mock_sbs.store`, which puts these tables in its schema and makes this as ``Store.authorizations``. Using a
pending request is a single atomic UPDATE, so a state can complete at most one flow even under concurrent
callbacks; token rotation is a compare-and-set on the old refresh token.
"""
from __future__ import annotations

import sqlite3
from typing import Any

from foundation.sqlite import Database

from mock_sbs.model import ACTIVE, AnafScope, Authorization, PendingRequest, SecretSource

AUTHORIZATIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS authorization_requests (
    id TEXT PRIMARY KEY, state_hash TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, app_id TEXT NOT NULL,
    organization_id TEXT NOT NULL, scope TEXT NOT NULL, client_id TEXT NOT NULL, oauth_callback TEXT NOT NULL,
    secret_source TEXT NOT NULL, reason TEXT NOT NULL, return_url TEXT, created_at REAL NOT NULL,
    expires_at REAL NOT NULL, used_at REAL);
CREATE TABLE IF NOT EXISTS authorizations (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, app_id TEXT NOT NULL, organization_id TEXT NOT NULL,
    scope TEXT NOT NULL, secret_source TEXT NOT NULL, client_id TEXT NOT NULL, oauth_callback TEXT NOT NULL,
    reason TEXT NOT NULL, access_token TEXT NOT NULL, refresh_token TEXT NOT NULL,
    access_expires_at REAL NOT NULL, refresh_expires_at REAL NOT NULL, status TEXT NOT NULL,
    status_message TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    UNIQUE (organization_id, scope));
"""


class AuthorizationStore:
    """Pending requests and authorizations; every method is one transaction or one read."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- pending authorization requests --------------------------------------------------------------------

    def add_request(self, request: PendingRequest, state_hash: str) -> None:
        """Keep a pending request under the hash of its state."""
        r = request
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO authorization_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (r.id, state_hash, r.tenant_id, r.app_id, r.organization_id, r.scope.value, r.client_id,
                 r.oauth_callback, r.secret_source.value, r.reason, r.return_url, r.created_at, r.expires_at),
            )

    def claim_request(self, state_hash: str, tenant_id: str | None, now: float,
                      oauth_callback: str | None = None) -> PendingRequest | None:
        """Mark the live, unused request with this state (of this tenant, for this callback) as used and return it.

        One UPDATE: two callbacks racing with the same state cannot both win.
        """
        with self.db.transaction() as conn:
            row = conn.execute(
                "UPDATE authorization_requests SET used_at = ? WHERE state_hash = ? AND used_at IS NULL "
                "AND expires_at > ? AND (? IS NULL OR tenant_id = ?) AND (? IS NULL OR oauth_callback = ?) RETURNING *",
                (now, state_hash, now, tenant_id, tenant_id, oauth_callback, oauth_callback),
            ).fetchone()
        return None if row is None else _request(row)

    def find_request(self, state_hash: str, tenant_id: str | None) -> PendingRequest | None:
        """The request with this state whatever its condition (to explain why it cannot be used)."""
        row = self.db.query_one(
            "SELECT * FROM authorization_requests WHERE state_hash = ? AND (? IS NULL OR tenant_id = ?)",
            (state_hash, tenant_id, tenant_id))
        return None if row is None else _request(row)

    # --- authorizations ------------------------------------------------------------------------------------

    def replace_authorization(self, auth: Authorization) -> None:
        """Store the tokens for (organization, scope), replacing an older authorization of the same pair."""
        a = auth
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM authorizations WHERE organization_id = ? AND scope = ?",
                         (a.organization_id, a.scope.value))
            conn.execute(
                "INSERT INTO authorizations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (a.id, a.tenant_id, a.app_id, a.organization_id, a.scope.value, a.secret_source.value, a.client_id,
                 a.oauth_callback, a.reason, a.access_token, a.refresh_token, a.access_expires_at,
                 a.refresh_expires_at, a.status, a.status_message, a.created_at, a.updated_at),
            )

    def get_authorization(self, auth_id: str, tenant_id: str | None) -> Authorization | None:
        """An authorization, of ``tenant_id`` when given."""
        row = self.db.query_one("SELECT * FROM authorizations WHERE id = ? AND (? IS NULL OR tenant_id = ?)",
                                (auth_id, tenant_id, tenant_id))
        return None if row is None else _authorization(row)

    def list_authorizations(self, tenant_id: str, organization_id: str,
                            scope: AnafScope | None = None) -> list[Authorization]:
        """A tenant's authorizations of one organization, optionally of one service."""
        rows = self.db.query(
            "SELECT * FROM authorizations WHERE tenant_id = ? AND organization_id = ? AND (? IS NULL OR scope = ?) "
            "ORDER BY scope", (tenant_id, organization_id, scope and scope.value, scope and scope.value))
        return [_authorization(r) for r in rows]

    def due_for_refresh(self, before: float, now: float) -> list[str]:
        """Active authorizations whose access token expires before ``before`` and can still be refreshed."""
        rows = self.db.query(
            "SELECT id FROM authorizations WHERE status = ? AND access_expires_at <= ? AND refresh_expires_at > ? "
            "ORDER BY access_expires_at", (ACTIVE, before, now))
        return [r["id"] for r in rows]

    def rotate_tokens(self, auth_id: str, old_refresh_token: str, access_token: str, refresh_token: str,
                      access_expires_at: float, refresh_expires_at: float, now: float) -> bool:
        """Swap in refreshed tokens, only if nobody rotated them meanwhile (compare-and-set)."""
        with self.db.transaction() as conn:
            done = conn.execute(
                "UPDATE authorizations SET access_token = ?, refresh_token = ?, access_expires_at = ?, "
                "refresh_expires_at = ?, status = ?, status_message = NULL, updated_at = ? "
                "WHERE id = ? AND refresh_token = ?",
                (access_token, refresh_token, access_expires_at, refresh_expires_at, ACTIVE, now, auth_id,
                 old_refresh_token),
            ).rowcount
        return done == 1

    def set_status(self, auth_id: str, status: str, message: str | None, now: float) -> None:
        """Record a status (e.g. NEEDS_REAUTHORIZATION) and why; tokens are kept."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE authorizations SET status = ?, status_message = ?, updated_at = ? WHERE id = ?",
                         (status, message, now, auth_id))

    def delete_authorization(self, auth_id: str, tenant_id: str) -> Authorization | None:
        """Remove a tenant's authorization and return it (for revocation), or None."""
        with self.db.transaction() as conn:
            row = conn.execute("DELETE FROM authorizations WHERE id = ? AND tenant_id = ? RETURNING *",
                               (auth_id, tenant_id)).fetchone()
        return None if row is None else _authorization(row)


def _request(row: sqlite3.Row) -> PendingRequest:
    return PendingRequest(
        row["id"], row["tenant_id"], row["app_id"], row["organization_id"], AnafScope(row["scope"]),
        row["client_id"], row["oauth_callback"], SecretSource(row["secret_source"]), row["reason"],
        row["return_url"], row["created_at"], row["expires_at"], row["used_at"])


def _authorization(row: sqlite3.Row) -> Authorization:
    values: dict[str, Any] = dict(row)
    values["scope"] = AnafScope(values["scope"])
    values["secret_source"] = SecretSource(values["secret_source"])
    return Authorization(**values)
