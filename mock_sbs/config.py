"""Mock SBS settings: a frozen dataclass with localhost defaults, read from `SBS_*` variables by `from_env()`."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from foundation import anaf
from foundation.env import ConfigError, read_env

ENV_PREFIX = "SBS_"


@dataclass(frozen=True)
class Config:
    """Everything mock SBS needs to start; every field has a default that works on a laptop.

    ``implicit_client_id``/``implicit_client_secret`` are the SBS-managed ("implicit") ANAF app. When
    they are not set, SBS registers its own implicit app at ``anaf_url``'s portal API the first time it
    needs one and keeps it in its database.
    """

    host: str = "127.0.0.1"
    port: int = 8002
    public_url: str | None = None
    data_dir: str | None = None
    anaf_url: str = "http://127.0.0.1:8001"
    anaf_api_url: str | None = None
    implicit_client_id: str | None = None
    implicit_client_secret: str | None = None
    bootstrap_account_key: str | None = None
    refresh_margin: float = 300.0
    refresh_sweep_interval: float = 60.0
    max_body_bytes: int = 256 * 1024
    anaf_timeout: float = 10.0
    pending_request_ttl: float = 600.0
    stare_daily_quota: int = 100

    def __post_init__(self) -> None:
        if (self.implicit_client_id is None) != (self.implicit_client_secret is None):
            raise ConfigError("SBS_IMPLICIT_CLIENT_ID and SBS_IMPLICIT_CLIENT_SECRET must be set together")
        for name in ("refresh_margin", "refresh_sweep_interval", "anaf_timeout", "pending_request_ttl"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be 0 or more")
        if self.stare_daily_quota < 1:
            raise ConfigError(f"{ENV_PREFIX}STARE_DAILY_QUOTA must be at least 1")
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{ENV_PREFIX}MAX_BODY_BYTES must be at least 1024")
        for name in ("public_url", "anaf_url", "anaf_api_url"):
            value = getattr(self, name)
            if value is not None and not value.startswith(("http://", "https://")):
                raise ConfigError(f"{ENV_PREFIX}{name.upper()} must start with http:// or https://")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"{ENV_PREFIX}PORT must be from 0 to 65535")

    @property
    def base_url(self) -> str:
        """The address browsers and mock ANAF use to reach this server."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def callback_url(self) -> str:
        """SBS's own OAuth callback: the implicit callback, and the default for apps without a web UI."""
        return self.base_url + anaf.SBS_CALLBACK_PATH

    @property
    def api_url(self) -> str:
        """The ANAF API host (TestOauth, e-Factura, e-Transport)."""
        return (self.anaf_api_url or self.anaf_url).rstrip("/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Config":
        """Read `SBS_HOST`, `SBS_PORT`, `SBS_PUBLIC_URL`, `SBS_DATA_DIR`, `SBS_ANAF_URL`, ... over the defaults."""
        values: dict[str, object] = read_env(cls, ENV_PREFIX, os.environ if environ is None else environ)
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
