"""`python -m demo_app --host H --port P`: the demo alone, configured by `DEMO_*` variables or `DEMO_MANIFEST`."""
from __future__ import annotations

import sys

from demo_app import create_app
from demo_app.config import Config, ConfigError
from foundation.serving import run_standalone


def main() -> None:
    try:
        config = Config.from_env()
    except ConfigError as exc:
        sys.exit(f"demo_app: {exc}")
    run_standalone("demo_app", config.port, lambda host, port: create_app(config.with_address(host, port)))


if __name__ == "__main__":
    main()
