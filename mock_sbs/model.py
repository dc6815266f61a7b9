"""The values SBS keeps per app and ANAF service: client secrets, flags and where a secret came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from foundation import anaf


class AnafScope(str, Enum):
    """SBS's GraphQL `AnafScope`: an ANAF service an app can be enrolled in (described in `foundation.anaf`)."""

    EFACTURA = anaf.EFACTURA.name
    ETRANSPORT = anaf.ETRANSPORT.name

    @property
    def service(self) -> anaf.Service:
        """What the sandbox knows of this ANAF service."""
        return anaf.service(self.value)  # type: ignore[return-value]  # every member is one of anaf.SERVICES

    @property
    def label(self) -> str:
        """The name people use: e-Factura, e-Transport."""
        return self.service.title

    def field(self, suffix: str) -> str:
        """A field name of this service, e.g. `field("ClientSecret")` → `roAnafEfacturaClientSecret`."""
        return self.service.sbs_field(suffix)


class SecretSource(str, Enum):
    """Which of the seed's rules picked the secret set of an authorization."""

    MAIN = "MAIN"
    ADDITIONAL = "ADDITIONAL"
    IMPLICIT = "IMPLICIT"


@dataclass(frozen=True)
class ClientSecret:
    """One ANAF OAuth client as the seed defines "secrets": client id, client secret, callback URL."""

    client_id: str
    client_secret: str = field(repr=False)
    oauth_callback: str


@dataclass(frozen=True)
class ServiceSettings:
    """An app's ANAF settings for one service (the `roAnafX*` fields of `App`)."""

    main: ClientSecret | None = None
    additional: tuple[ClientSecret, ...] = ()
    use_test_environment: bool = False
    use_implicit: bool = False


@dataclass(frozen=True)
class AppRecord:
    """An SBS app with its settings for both ANAF services."""

    id: str
    account_id: str
    name: str
    active: bool
    created_at: float
    services: dict[AnafScope, ServiceSettings] = field(default_factory=dict)

    def settings(self, service: AnafScope) -> ServiceSettings:
        """The app's settings for ``service`` (empty defaults when never set)."""
        return self.services.get(service, ServiceSettings())


@dataclass(frozen=True)
class AccessKey:
    """An API key as SBS knows it: only its hash is stored; ``kind`` is ACCOUNT or SERVICE."""

    public_key: str
    kind: str
    account_id: str
    app_id: str | None = None
    tenant_id: str | None = None
    scope: str = ""
    description: str | None = None


@dataclass(frozen=True)
class Tenant:
    """A customer of an SBS app; organizations and authorizations belong to one tenant."""

    id: str
    account_id: str
    name: str
    created_at: float


@dataclass(frozen=True)
class Organization:
    """A company of a tenant, identified at ANAF by its fiscal code (TIN/CIF)."""

    id: str
    tenant_id: str
    name: str
    tin: str
    created_at: float


@dataclass(frozen=True)
class PendingRequest:
    """An authorization request waiting for ANAF's answer; found by the hash of its state, used once."""

    id: str
    tenant_id: str
    app_id: str
    organization_id: str
    scope: AnafScope
    client_id: str
    oauth_callback: str
    secret_source: SecretSource
    reason: str
    return_url: str | None
    created_at: float
    expires_at: float
    used_at: float | None = None


# An authorization's status: usable, or its refresh token no longer works and the user must authorize again.
ACTIVE = "ACTIVE"
NEEDS_REAUTHORIZATION = "NEEDS_REAUTHORIZATION"


@dataclass(frozen=True)
class Authorization:
    """ANAF tokens of one organization for one service, and the secret set that obtained them."""

    id: str
    tenant_id: str
    app_id: str
    organization_id: str
    scope: AnafScope
    secret_source: SecretSource
    client_id: str
    oauth_callback: str
    reason: str
    access_token: str
    refresh_token: str
    access_expires_at: float
    refresh_expires_at: float
    status: str
    status_message: str | None
    created_at: float
    updated_at: float

    def __repr__(self) -> str:  # tokens must never reach a log through a repr
        return f"Authorization(id={self.id!r}, scope={self.scope.value}, status={self.status})"
