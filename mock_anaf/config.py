"""Mock ANAF's settings: a frozen dataclass with localhost defaults, read from `ANAF_*` variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from foundation import anaf
from foundation.env import ConfigError, read_env
from mock_anaf.processing import ApiSettings

PREFIX = "ANAF_"


@dataclass(frozen=True)
class Config:
    """Everything mock ANAF needs to start; every field has a safe local default."""

    host: str = "127.0.0.1"
    port: int = 8001
    public_url: str | None = None
    data_dir: str | None = None
    signing_key_file: str | None = None
    issuer: str = anaf.OAUTH_HOST
    strict_https: bool = False
    strict_client_auth: bool = False
    access_token_lifetime: int = 7_776_000  # 90 days, as ANAF issues them
    refresh_token_lifetime: int = 31_536_000  # 365 days
    code_lifetime: int = 60
    max_body_bytes: int = 64 * 1024
    # ANAF's APIs (SPEC-ANAF-API §6): processing delay, list lag, per-token limit, JWT-only tokens.
    api_processing_seconds: float = 2.0
    api_list_lag_seconds: float = 0.0
    api_per_minute: int = 1000
    api_require_jwt: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"{PREFIX}PORT must be from 0 to 65535, got {self.port}")
        for name in ("access_token_lifetime", "refresh_token_lifetime", "code_lifetime"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{PREFIX}{name.upper()} must be a positive number of seconds")
        for name in ("api_processing_seconds", "api_list_lag_seconds"):
            if not 0 <= getattr(self, name) <= 365 * 86_400:
                raise ConfigError(f"{PREFIX}{name.upper()} must be a number of seconds from 0 to 31536000")
        if not 0 <= self.api_per_minute <= 10_000_000:
            raise ConfigError(f"{PREFIX}API_PER_MINUTE must be a whole number from 0 to 10000000")
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{PREFIX}MAX_BODY_BYTES must be at least 1024")
        if self.public_url is not None and not self.public_url.startswith(("http://", "https://")):
            raise ConfigError(f"{PREFIX}PUBLIC_URL must start with http:// or https://")

    @property
    def base_url(self) -> str:
        """The URL this service is reached at, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def api_settings(self) -> ApiSettings:
        """The API settings this service starts with (and `/__admin/reset` returns to)."""
        return ApiSettings(self.api_processing_seconds, self.api_list_lag_seconds, self.api_per_minute,
                           self.api_require_jwt)

    @property
    def database_path(self) -> Path | None:
        """`<data_dir>/anaf.db`, or None for an in-memory database."""
        return None if self.data_dir is None else Path(self.data_dir) / "anaf.db"

    @property
    def baseline_path(self) -> Path | None:
        """Where `/__admin/snapshot` keeps the state `/__admin/reset` returns to."""
        return None if self.data_dir is None else Path(self.data_dir) / "anaf.baseline.db"

    @property
    def key_path(self) -> Path | None:
        """The RSA signing key: kept in the data dir so tokens stay valid across restarts."""
        if self.signing_key_file is not None:
            return Path(self.signing_key_file)
        return None if self.data_dir is None else Path(self.data_dir) / "anaf-signing-key.pem"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Config":
        """Read `ANAF_<FIELD>` variables; a bad value raises ConfigError naming the variable."""
        return cls(**read_env(cls, PREFIX, os.environ if environ is None else environ))
