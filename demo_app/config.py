"""Configuration of the demo tenant app: localhost defaults, `DEMO_*` environment, optional `sandbox.json`."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from foundation.env import ConfigError, read_env

PREFIX = "DEMO_"
# The fields `DEMO_MANIFEST` fills from `sandbox.json` (SPEC §5) when they are not set in the environment.
MANIFEST_FIELDS = {
    "sbs_url": ("sbs", "url"),
    "anaf_url": ("anaf", "url"),
    "account_key": ("sbs", "accountKey"),
    "service_key": ("sbs", "serviceKey"),
    "app_id": ("sbs", "appId"),
    "tenant_id": ("sbs", "tenantId"),
    "organization_id": ("sbs", "organizationId"),
}


@dataclass(frozen=True)
class Config:
    """Everything the demo needs to know: where it listens, where SBS and ANAF are, which SBS ids and keys to use."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    data_dir: str | None = None
    sbs_url: str = "http://127.0.0.1:8002"
    anaf_url: str = "http://127.0.0.1:8001"
    account_key: str | None = None
    service_key: str | None = None
    app_id: str | None = None
    tenant_id: str | None = None
    organization_id: str | None = None
    secret_key: str | None = None
    max_body_bytes: int = 64 * 1024
    sbs_timeout: float = 15.0

    def __post_init__(self) -> None:
        for name in ("port", "max_body_bytes"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{PREFIX}{name.upper()} must be 0 or more, got {getattr(self, name)}")
        if self.sbs_timeout <= 0:
            raise ConfigError(f"{PREFIX}SBS_TIMEOUT must be more than 0, got {self.sbs_timeout}")

    @property
    def url(self) -> str:
        """The address a browser uses to reach the demo; callbacks and the return URL are built on it."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Config":
        """Read `DEMO_<FIELD>` variables, then fill what is still unset from `DEMO_MANIFEST`; raises ConfigError."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = read_env(cls, PREFIX, env)
        manifest_path = env.get(PREFIX + "MANIFEST")
        if manifest_path:
            for key, value in _from_manifest(manifest_path).items():
                values.setdefault(key, value)
        values.update(overrides)
        config = cls(**values)
        _check_urls(config)
        return config

    def with_address(self, host: str, port: int) -> "Config":
        """The same config for the address `python -m demo_app --host --port` bound."""
        return replace(self, host=host, port=port)


def _from_manifest(path: str) -> dict[str, Any]:
    source = Path(path)
    if source.is_dir():
        source = source / "sandbox.json"
    try:
        manifest = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"DEMO_MANIFEST: cannot read {source}: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(f"DEMO_MANIFEST: {source} is not JSON") from None
    values: dict[str, Any] = {}
    for key, (section, name) in MANIFEST_FIELDS.items():
        value = (manifest.get(section) or {}).get(name) if isinstance(manifest, dict) else None
        if isinstance(value, str) and value:
            values[key] = value
    return values


def _check_urls(config: Config) -> None:
    for name in ("sbs_url", "anaf_url", "public_url"):
        value = getattr(config, name)
        if value is not None and not value.startswith(("http://", "https://")):
            raise ConfigError(f"{PREFIX}{name.upper()} must be an http:// or https:// URL, got {value!r}")
