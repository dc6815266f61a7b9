"""Invoices and declarations SBS keeps for the RO e-Factura and RO e-Transport services (SPEC §3.4).

Tables in mock SBS's one database (their DDL is part of `store.SCHEMA`). Never a token: a record names
the authorization and the client id whose token carried its upload. Claiming a status check is one
compare-and-set UPDATE, so two reads at once cannot both spend ANAF's `stareMesaj` quota on the same check.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any

from foundation.sqlite import Database

from mock_sbs.status_policy import CheckLedger

RECORDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS invoices (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, organization_id TEXT NOT NULL, direction TEXT NOT NULL,
    status TEXT NOT NULL, environment TEXT NOT NULL, standard TEXT, b2c INTEGER NOT NULL DEFAULT 0,
    extern INTEGER NOT NULL DEFAULT 0, self_billing INTEGER NOT NULL DEFAULT 0, upload_index TEXT, download_id TEXT,
    seller_tin TEXT, buyer_tin TEXT, number TEXT, issue_date TEXT, errors TEXT NOT NULL DEFAULT '[]',
    authorization_id TEXT, client_id TEXT, secret_source TEXT, xml BLOB, archive BLOB,
    checks_day TEXT, checks INTEGER NOT NULL DEFAULT 0, checked_at REAL, check_error TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS invoices_by_download ON invoices (organization_id, environment, direction, download_id)
    WHERE download_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS invoices_by_organization ON invoices (tenant_id, organization_id, created_at);
CREATE TABLE IF NOT EXISTS declarations (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    environment TEXT NOT NULL, upload_index TEXT, uit TEXT, errors TEXT NOT NULL DEFAULT '[]',
    authorization_id TEXT, client_id TEXT, secret_source TEXT, xml BLOB,
    checks_day TEXT, checks INTEGER NOT NULL DEFAULT 0, checked_at REAL, check_error TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS declarations_by_organization ON declarations (tenant_id, organization_id, created_at);
"""

PENDING = "PENDING"


@dataclass(frozen=True)
class Upload:
    """What both kinds share: whose it is, where it went, which token carried it, and its status checks."""

    id: str
    tenant_id: str
    organization_id: str
    status: str
    environment: str
    upload_index: str | None
    errors: tuple[str, ...]
    authorization_id: str | None
    client_id: str | None
    secret_source: str | None
    ledger: CheckLedger
    check_error: str | None
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class Invoice(Upload):
    """An outbound invoice SBS uploaded, or an inbound one (or error message) it found in ANAF's list."""

    direction: str = "OUTBOUND"
    standard: str | None = None
    b2c: bool = False
    extern: bool = False
    self_billing: bool = False
    download_id: str | None = None
    seller_tin: str | None = None
    buyer_tin: str | None = None
    number: str | None = None
    issue_date: str | None = None
    xml: bytes | None = field(default=None, repr=False)
    archive: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Declaration(Upload):
    """An e-Transport declaration SBS uploaded."""

    uit: str | None = None
    xml: bytes | None = field(default=None, repr=False)


INVOICE_COLUMNS = ("id", "tenant_id", "organization_id", "direction", "status", "environment", "standard", "b2c",
                   "extern", "self_billing", "upload_index", "download_id", "seller_tin", "buyer_tin", "number",
                   "issue_date", "errors", "authorization_id", "client_id", "secret_source", "xml", "archive",
                   "checks_day", "checks", "checked_at", "check_error", "created_at", "updated_at")
DECLARATION_COLUMNS = ("id", "tenant_id", "organization_id", "status", "environment", "upload_index", "uit",
                       "errors", "authorization_id", "client_id", "secret_source", "xml", "checks_day", "checks",
                       "checked_at", "check_error", "created_at", "updated_at")
TABLES = {Invoice: ("invoices", INVOICE_COLUMNS), Declaration: ("declarations", DECLARATION_COLUMNS)}


class Records:
    """Invoices and declarations of every tenant; each read names the tenant, so another's stay invisible."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, record: Invoice | Declaration) -> None:
        """Keep a new record."""
        table, columns = TABLES[type(record)]
        values = _row(record)
        with self.db.transaction() as conn:
            conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         tuple(values[c] for c in columns))

    def save(self, record: Invoice | Declaration) -> None:
        """Write every field of an existing record."""
        table, columns = TABLES[type(record)]
        values = _row(record)
        assignments = ", ".join(f"{c} = ?" for c in columns if c != "id")
        with self.db.transaction() as conn:
            conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?",
                         tuple(values[c] for c in columns if c != "id") + (record.id,))

    def invoice(self, record_id: str, tenant_id: str) -> Invoice | None:
        """One invoice of the tenant."""
        row = self.db.query_one("SELECT * FROM invoices WHERE id = ? AND tenant_id = ?", (record_id, tenant_id))
        return None if row is None else _invoice(row)

    def invoices(self, tenant_id: str, organization_id: str, direction: str | None = None,
                 status: str | None = None, limit: int = 200) -> list[Invoice]:
        """An organization's invoices, newest first."""
        rows = self.db.query(
            "SELECT * FROM invoices WHERE tenant_id = ? AND organization_id = ? AND (? IS NULL OR direction = ?) "
            "AND (? IS NULL OR status = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (tenant_id, organization_id, direction, direction, status, status, limit))
        return [_invoice(r) for r in rows]

    def invoice_by_upload(self, organization_id: str, environment: str, upload_index: str) -> Invoice | None:
        """The outbound invoice with this upload index in this environment."""
        row = self.db.query_one("SELECT * FROM invoices WHERE organization_id = ? AND environment = ? AND "
                                "upload_index = ? AND direction = 'OUTBOUND'", (organization_id, environment,
                                                                                 upload_index))
        return None if row is None else _invoice(row)

    def invoice_by_download(self, organization_id: str, environment: str, direction: str,
                            download_id: str) -> Invoice | None:
        """The invoice already recorded for this download id (a sync that runs twice records it once)."""
        row = self.db.query_one("SELECT * FROM invoices WHERE organization_id = ? AND environment = ? AND "
                                "direction = ? AND download_id = ?", (organization_id, environment, direction,
                                                                      download_id))
        return None if row is None else _invoice(row)

    def add_if_new(self, invoice: Invoice) -> bool:
        """Keep an invoice found in ANAF's list unless its download id is already recorded; True when added."""
        values = _row(invoice)
        with self.db.transaction() as conn:
            done = conn.execute(
                f"INSERT INTO invoices ({', '.join(INVOICE_COLUMNS)}) VALUES ({', '.join('?' * len(INVOICE_COLUMNS))})"
                " ON CONFLICT DO NOTHING", tuple(values[c] for c in INVOICE_COLUMNS)).rowcount
        return done == 1

    def declaration(self, record_id: str, tenant_id: str) -> Declaration | None:
        """One declaration of the tenant."""
        row = self.db.query_one("SELECT * FROM declarations WHERE id = ? AND tenant_id = ?", (record_id, tenant_id))
        return None if row is None else _declaration(row)

    def declarations(self, tenant_id: str, organization_id: str, limit: int = 200) -> list[Declaration]:
        """An organization's declarations, newest first."""
        rows = self.db.query("SELECT * FROM declarations WHERE tenant_id = ? AND organization_id = ? "
                             "ORDER BY created_at DESC, rowid DESC LIMIT ?", (tenant_id, organization_id, limit))
        return [_declaration(r) for r in rows]

    def claim_check(self, record: Invoice | Declaration, ledger: CheckLedger) -> bool:
        """Record a status check about to be made, only if nobody made one since ``record`` was read."""
        table, _ = TABLES[type(record)]
        old = record.ledger
        with self.db.transaction() as conn:
            done = conn.execute(
                f"UPDATE {table} SET checks_day = ?, checks = ?, checked_at = ? WHERE id = ? AND status = ? "
                "AND checks_day IS ? AND checks = ? AND checked_at IS ?",
                (ledger.day, ledger.count, ledger.last_at, record.id, PENDING, old.day, old.count, old.last_at),
            ).rowcount
        return done == 1


def with_ledger(record: Invoice | Declaration, ledger: CheckLedger) -> Invoice | Declaration:
    """The record with its status-check ledger replaced."""
    return replace(record, ledger=ledger)


def _row(record: Invoice | Declaration) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(record, k) for k in record.__dataclass_fields__ if k != "ledger"}
    values["errors"] = json.dumps(list(record.errors))
    values["checks_day"], values["checks"], values["checked_at"] = (record.ledger.day, record.ledger.count,
                                                                    record.ledger.last_at)
    for flag in ("b2c", "extern", "self_billing"):
        if flag in values:
            values[flag] = int(values[flag])
    return values


def _common(row: sqlite3.Row) -> dict[str, Any]:
    values = dict(row)
    values["errors"] = tuple(json.loads(values["errors"]))
    values["ledger"] = CheckLedger(values.pop("checks_day"), values.pop("checks"), values.pop("checked_at"))
    return values


def _invoice(row: sqlite3.Row) -> Invoice:
    values = _common(row)
    for flag in ("b2c", "extern", "self_billing"):
        values[flag] = bool(values[flag])
    return Invoice(**values)


def _declaration(row: sqlite3.Row) -> Declaration:
    return Declaration(**_common(row))
