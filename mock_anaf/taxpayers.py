"""The sandbox's taxpayer registry ("baza de date" of SPEC-ANAF-API §6.5, §6.0): which CIFs exist.

R6.1 refuses an invoice whose seller is not here; `executare=DA` needs a CIF flagged as registered
for enforced collection. Seeded with every identity CIF, a buyer nobody represents and one CIF in
enforced collection; `/__admin/taxpayers` reads and adds. Shared by e-Factura and e-Transport.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from foundation.sqlite import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS taxpayers (
    cif        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    executare  INTEGER NOT NULL DEFAULT 0
);
"""
_CIF = re.compile(r"[0-9]{2,10}")


@dataclass(frozen=True)
class Taxpayer:
    """A company or person known to the sandbox, by CIF (digits, no `RO`)."""

    cif: str
    name: str
    executare: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"cif": self.cif, "name": self.name, "executare": self.executare}


# [P] The identity CIFs (see mock_anaf.registry.SEED_IDENTITIES), the buyer of the sample invoices and a
# company registered for enforced collection ("executari silite").
SEED_TAXPAYERS = (
    Taxpayer("12345674", "Exemplu Soft SRL"),
    Taxpayer("23456783", "Exemplu Distributie SRL", executare=True),
    Taxpayer("34567892", "Ionescu Maria PFA"),
    Taxpayer("56789016", "Client Exemplu SRL"),
)


def plain_cif(value: str) -> str:
    """A CIF without spaces and `RO` prefix."""
    clean = re.sub(r"\s+", "", value).upper()
    return clean[2:] if clean.startswith("RO") else clean


def parse(data: Any) -> Taxpayer:
    """`{"cif","name","executare"?}` checked; ValueError names the bad field."""
    if not isinstance(data, dict):
        raise ValueError('send a JSON object like {"cif": "56789016", "name": "Client Exemplu SRL"}')
    unknown = set(data) - {"cif", "name", "executare"}
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]!r}; allowed: cif, name, executare")
    cif = data.get("cif")
    if not isinstance(cif, str) or not _CIF.fullmatch(plain_cif(cif)):
        raise ValueError("cif must be a CIF of 2 to 10 digits, optionally prefixed by RO")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200 or not name.isprintable():
        raise ValueError("name must be a non-empty name of at most 200 printable characters")
    executare = data.get("executare", False)
    if not isinstance(executare, bool):
        raise ValueError("executare must be true or false")
    return Taxpayer(plain_cif(cif), name.strip(), executare)


class Taxpayers:
    """The registry, in mock ANAF's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def seed(self) -> None:
        self.add_missing(SEED_TAXPAYERS)

    def add_missing(self, taxpayers: Iterable[Taxpayer]) -> None:
        """Add those not yet known; known CIFs stay as they are."""
        with self.db.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO taxpayers (cif, name, executare) VALUES (?, ?, ?)",
                             [(t.cif, t.name, int(t.executare)) for t in taxpayers])

    def put(self, taxpayer: Taxpayer) -> None:
        """Add or replace one taxpayer."""
        with self.db.transaction() as conn:
            conn.execute("INSERT INTO taxpayers (cif, name, executare) VALUES (?, ?, ?) ON CONFLICT(cif) DO UPDATE "
                         "SET name = excluded.name, executare = excluded.executare",
                         (taxpayer.cif, taxpayer.name, int(taxpayer.executare)))

    def get(self, cif: str) -> Taxpayer | None:
        row = self.db.query_one("SELECT * FROM taxpayers WHERE cif = ?", (cif,))
        return None if row is None else Taxpayer(row["cif"], row["name"], bool(row["executare"]))

    def all(self) -> list[Taxpayer]:
        return [Taxpayer(r["cif"], r["name"], bool(r["executare"]))
                for r in self.db.query("SELECT * FROM taxpayers ORDER BY cif")]

    def known(self, cif: str) -> bool:
        return self.db.query_one("SELECT 1 FROM taxpayers WHERE cif = ?", (cif,)) is not None

    def __contains__(self, cif: object) -> bool:
        """`cif in taxpayers`: the registry as the rules read it."""
        return isinstance(cif, str) and self.known(cif)
