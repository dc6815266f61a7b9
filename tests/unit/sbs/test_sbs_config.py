"""Mock SBS settings: defaults, `SBS_*` variables, and bad values naming the variable (mock_sbs.config)."""
from __future__ import annotations

import pytest

from mock_sbs.config import Config, ConfigError


def test_defaults_are_local() -> None:
    config = Config()
    assert (config.host, config.port, config.anaf_url, config.data_dir) == ("127.0.0.1", 8002,
                                                                            "http://127.0.0.1:8001", None)
    assert config.callback_url == "http://127.0.0.1:8002/ro-anaf-oauth-api/oauth-callback"
    assert config.api_url == "http://127.0.0.1:8001"


def test_environment_overrides() -> None:
    config = Config.from_env({"SBS_PORT": "9002", "SBS_PUBLIC_URL": "https://sbs.example/", "SBS_ANAF_API_URL":
                              "http://api.local", "SBS_REFRESH_MARGIN": "60", "SBS_REFRESH_SWEEP_INTERVAL": "0",
                              "SBS_IMPLICIT_CLIENT_ID": "id", "SBS_IMPLICIT_CLIENT_SECRET": "secret"})
    assert (config.port, config.refresh_margin, config.refresh_sweep_interval) == (9002, 60.0, 0.0)
    assert config.callback_url == "https://sbs.example/ro-anaf-oauth-api/oauth-callback"
    assert config.api_url == "http://api.local"
    assert (config.implicit_client_id, config.implicit_client_secret) == ("id", "secret")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"SBS_PORT": "eighty"}, "SBS_PORT must be a whole number, got 'eighty'", id="port-not-number"),
        pytest.param({"SBS_PORT": "70000"}, "SBS_PORT must be from 0 to 65535", id="port-range"),
        pytest.param({"SBS_REFRESH_MARGIN": "-1"}, "SBS_REFRESH_MARGIN must be 0 or more", id="negative-margin"),
        pytest.param({"SBS_MAX_BODY_BYTES": "10"}, "SBS_MAX_BODY_BYTES must be at least 1024", id="tiny-body"),
        pytest.param({"SBS_ANAF_URL": "127.0.0.1:8001"}, "SBS_ANAF_URL must start with http://", id="url-no-scheme"),
        pytest.param({"SBS_IMPLICIT_CLIENT_ID": "id"}, "SBS_IMPLICIT_CLIENT_ID and SBS_IMPLICIT_CLIENT_SECRET",
                     id="half-implicit"),
    ],
)
def test_bad_setting_names_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Config.from_env(environ)
