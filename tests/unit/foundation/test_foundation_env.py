"""Reading config dataclasses from the environment (`foundation.env.read_env`)."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from foundation.env import ConfigError, read_env


@dataclass(frozen=True)
class Sample:
    host: str = "127.0.0.1"
    port: int = 1
    margin: float = 1.0
    strict: bool = False
    data_dir: str | None = None


@pytest.mark.parametrize(
    "environ, expected",
    [
        pytest.param({}, {}, id="nothing-set"),
        pytest.param({"X_PORT": " 9000 ", "X_MARGIN": "2.5"}, {"port": 9000, "margin": 2.5}, id="numbers"),
        pytest.param({"X_STRICT": "Yes"}, {"strict": True}, id="bool-true"),
        pytest.param({"X_STRICT": "off"}, {"strict": False}, id="bool-false"),
        pytest.param({"X_DATA_DIR": "/d", "X_HOST": "0.0.0.0"}, {"data_dir": "/d", "host": "0.0.0.0"}, id="text"),
        pytest.param({"X_PORT": "", "X_DATA_DIR": "  "}, {}, id="empty-is-unset"),
        pytest.param({"PORT": "5", "Y_PORT": "6"}, {}, id="other-prefixes-ignored"),
    ],
)
def test_reads_the_fields_that_are_set(environ: dict[str, str], expected: dict) -> None:
    assert read_env(Sample, "X_", environ) == expected


@pytest.mark.parametrize(
    "environ, message",
    [
        pytest.param({"X_PORT": "eighty"}, "X_PORT must be a whole number, got 'eighty'", id="int"),
        pytest.param({"X_MARGIN": "soon"}, "X_MARGIN must be a number, got 'soon'", id="float"),
        pytest.param({"X_STRICT": "maybe"}, "X_STRICT must be true or false, got 'maybe'", id="bool"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read_env(Sample, "X_", environ)
    assert str(raised.value) == message
