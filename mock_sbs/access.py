"""API keys: how they are made, stored (a SHA-256 hash only) and checked for each GraphQL endpoint.

Two kinds, as in SBS: the account access key (Account API) and service access keys, each bound to one
tenant and one app, optionally limited to some services by a scope. Keys are looked up by hash, so
the key itself is never stored and never compared character by character.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable

from mock_sbs.errors import Forbidden, Unauthenticated
from mock_sbs.store import Store

ACCOUNT_API = "account-api"
ORGANIZATIONS_API = "organizations-api"
RO_ANAF_OAUTH_API = "ro-anaf-oauth-api"
RO_EFACTURA_API = "ro-efactura-api"
RO_ETRANSPORT_API = "ro-etransport-api"
SERVICE_APIS = (ORGANIZATIONS_API, RO_ANAF_OAUTH_API, RO_EFACTURA_API, RO_ETRANSPORT_API)
MAX_KEY_LENGTH = 512


@dataclass(frozen=True)
class Caller:
    """Who is calling, as established from the `x-api-key` header."""

    kind: str
    account_id: str
    app_id: str | None = None
    tenant_id: str | None = None


def hash_key(raw: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_key(prefix: str, token: Callable[[], str]) -> str:
    """A fresh key such as `sbs_svc_...`; ``token`` gives the random part (secrets.token_urlsafe in the app)."""
    return f"{prefix}{token()}"


def parse_scope(scope: str | None) -> tuple[str, ...] | None:
    """The services a key scope names (empty → all services), or None if it names an unknown one.

    A scope is a space- or comma-separated list of `organizations-api`, `ro-anaf-oauth-api`, `ro-efactura-api`
    and `ro-etransport-api`.
    """
    names = tuple(dict.fromkeys(n for n in re.split(r"[\s,]+", scope or "") if n))
    if any(n not in SERVICE_APIS for n in names):
        return None
    return names


def authenticate(store: Store, raw_key: str | None, endpoint: str) -> Caller:
    """The caller behind ``raw_key`` if that key may use ``endpoint``; raises Unauthenticated or Forbidden."""
    wanted = "ACCOUNT" if endpoint == ACCOUNT_API else "SERVICE"
    kind_name = "an account access key" if wanted == "ACCOUNT" else "a service access key"
    if not raw_key:
        raise Unauthenticated(f"Send {kind_name} in the x-api-key header.")
    key = store.find_key(hash_key(raw_key)) if len(raw_key) <= MAX_KEY_LENGTH else None
    if key is None:
        raise Unauthenticated("The x-api-key is not a known key.")
    if key.kind != wanted:
        raise Unauthenticated(f"/{endpoint}/graphql needs {kind_name}; this is "
                              f"{'an account' if key.kind == 'ACCOUNT' else 'a service'} access key.")
    if wanted == "SERVICE":
        allowed = parse_scope(key.scope) or SERVICE_APIS
        if endpoint not in allowed:
            raise Forbidden(f"This service access key's scope ({key.scope}) does not include {endpoint}.")
        if not store.app_is_active(key.app_id or ""):
            raise Forbidden("The app of this service access key is not active.")
    return Caller(key.kind, key.account_id, key.app_id, key.tenant_id)
