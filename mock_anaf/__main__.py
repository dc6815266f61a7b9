"""`python -m mock_anaf [--host H] [--port P] [--data-dir D] [--strict-https] [--strict-client-auth]`.

Other settings come from `ANAF_*` variables (see ``mock_anaf.config``).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys

from mock_anaf import create_app
from mock_anaf.config import Config, ConfigError
from sandbox.serving import run_standalone


def main() -> None:
    """Read the service's own flags, leave `--host/--port` to the shared runner, and serve."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--strict-https", action="store_true")
    parser.add_argument("--strict-client-auth", action="store_true")
    own, rest = parser.parse_known_args(sys.argv[1:])
    try:
        base = Config.from_env()
    except ConfigError as exc:
        sys.exit(f"mock_anaf: {exc}")
    overrides: dict[str, object] = {}
    if own.data_dir:
        overrides["data_dir"] = own.data_dir
    if own.strict_https:
        overrides["strict_https"] = True
    if own.strict_client_auth:
        overrides["strict_client_auth"] = True
    # ANAF_HOST / ANAF_PORT are the defaults; --host / --port win.
    if not any(a == "--host" or a.startswith("--host=") for a in rest):
        rest = ["--host", base.host, *rest]
    if not any(a == "--port" or a.startswith("--port=") for a in rest):
        rest = ["--port", str(base.port), *rest]
    sys.argv = [sys.argv[0], *rest]

    def build(host: str, port: int):  # type: ignore[no-untyped-def]
        return create_app(dataclasses.replace(base, host=host, port=port, **overrides))

    run_standalone("mock_anaf", 8001, build)


if __name__ == "__main__":
    main()
