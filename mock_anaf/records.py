"""What mock ANAF keeps, as frozen values: a registered app, a simulated certificate, a code and a token.

The store (`mock_anaf.store`) reads and writes them; the rules (`grants`, `authorization`, `registry`)
take and return them, so they need no database to be tested.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppRecord:
    """An OAuth app registered in the portal."""

    client_id: str
    secret_hash: str
    name: str
    developer: str
    callbacks: tuple[str, ...]
    services: tuple[str, ...]
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class Identity:
    """A simulated qualified certificate: its serial, holder and the CIFs it may act for."""

    serial: str
    name: str
    cifs: tuple[str, ...]


@dataclass(frozen=True)
class CodeRecord:
    """An authorization code, by hash, with what it was bound to."""

    hash: str
    client_id: str
    redirect_uri: str
    serial: str
    cifs: tuple[str, ...]
    want_jwt: bool
    grant_id: str
    expires_at: float
    used_at: float | None


@dataclass(frozen=True)
class TokenRecord:
    """An issued access or refresh token, by hash."""

    hash: str
    kind: str
    client_id: str
    grant_id: str
    serial: str
    cifs: tuple[str, ...]
    is_jwt: bool
    issued_at: float
    expires_at: float
    revoked_at: float | None
    # The services the app was enrolled in when the token was issued (SPEC-ANAF-API §6.1); None for
    # tokens stored before roles were kept.
    roles: tuple[str, ...] | None = None
