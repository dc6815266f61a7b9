"""Mock ANAF's settings from `ANAF_*` variables: defaults, parsing, and errors naming the variable."""
from __future__ import annotations

from pathlib import Path

import pytest

from mock_anaf.config import Config, ConfigError


def test_defaults() -> None:
    config = Config.from_env({})
    assert (config.host, config.port, config.issuer, config.base_url) == (
        "127.0.0.1", 8001, "https://logincert.anaf.ro", "http://127.0.0.1:8001")
    assert (config.access_token_lifetime, config.refresh_token_lifetime, config.code_lifetime) == (
        7_776_000, 31_536_000, 60)
    assert config.database_path is None and config.key_path is None


def test_values_from_env() -> None:
    config = Config.from_env({"ANAF_PORT": "9001", "ANAF_STRICT_HTTPS": "yes", "ANAF_DATA_DIR": "/tmp/d",
                              "ANAF_PUBLIC_URL": "https://anaf.local/", "ANAF_ACCESS_TOKEN_LIFETIME": "120"})
    assert (config.port, config.strict_https, config.access_token_lifetime) == (9001, True, 120)
    assert config.base_url == "https://anaf.local"
    assert config.database_path == Path("/tmp/d/anaf.db")
    assert config.key_path == Path("/tmp/d/anaf-signing-key.pem")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        pytest.param({"ANAF_PORT": "eighty"}, "ANAF_PORT", id="port-not-a-number"),
        pytest.param({"ANAF_PORT": "70000"}, "ANAF_PORT", id="port-out-of-range"),
        pytest.param({"ANAF_STRICT_HTTPS": "maybe"}, "ANAF_STRICT_HTTPS", id="bool"),
        pytest.param({"ANAF_CODE_LIFETIME": "0"}, "ANAF_CODE_LIFETIME", id="lifetime"),
        pytest.param({"ANAF_PUBLIC_URL": "anaf.local"}, "ANAF_PUBLIC_URL", id="public-url"),
        pytest.param({"ANAF_MAX_BODY_BYTES": "10"}, "ANAF_MAX_BODY_BYTES", id="body-cap"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Config.from_env(env)


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        pytest.param({"signing_key_file": "broken.pem"}, "ANAF_SIGNING_KEY_FILE", id="key-file-not-a-key"),
        pytest.param({"data_dir": "."}, "ANAF_DATA_DIR", id="key-in-data-dir-not-a-key"),
    ],
)
def test_unreadable_signing_key_names_the_setting(tmp_path: Path, settings: dict[str, str], variable: str) -> None:
    from mock_anaf import create_app

    (tmp_path / "broken.pem").write_text("not a key\n")
    (tmp_path / "anaf-signing-key.pem").write_text("not a key\n")
    config = Config(**{name: str(tmp_path / value) for name, value in settings.items()})
    with pytest.raises(ConfigError, match=f"^{variable}: cannot read the RSA signing key at "):
        create_app(config)
